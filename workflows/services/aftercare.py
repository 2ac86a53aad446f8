"""What closure sets going and leaves behind: the monitoring after closure and the papers
(the closure protocol and one notice of closure per body that took part).

Kept apart from ``procedure_close`` (the grounds and their checks) so that each can change
without the other; ``procedure_close`` calls these inside its step.
"""

import datetime

from django.utils.translation import gettext as _

from documents.models import DocumentKind
from forms.models import NKA
from workflows.models import ClosureNotice, GroupMember, Procedure, TeamDecision
from workflows.rules import RuleCode
from workflows.steps import StepRun, add_deadline, refuse


def start_post_closure_monitoring(
    run: StepRun, closed_on: datetime.date, *, monitoring: bool | None, reason: str
) -> None:
    """Monitoring after closure, on by default: the group keeps monitoring the family for the
    team's period (``Team.post_closure_monitoring_months``, a team setting: no statutory
    period exists; the task is the group's under art. 9b of the Act). Its end is a deadline
    (rule POST_CLOSURE_MONITORING) reminded by ``check_deadlines`` and met by the
    ``end_monitoring`` step. Switched off only with a ``reason``, kept on the procedure;
    ``monitoring=None`` follows the team's setting (a team that set 0 has none: its setting
    is the reason).

    Saves ``monitor_until`` before the closing node completes: the flow's gateway reads it.
    """
    procedure = run.procedure
    months = procedure.team.post_closure_monitoring_months
    if monitoring is None:
        monitoring = bool(months)
    if not monitoring and not months and not reason.strip():
        reason = _("The team's setting: no monitoring after closure.")
    if monitoring:
        deadline = add_deadline(procedure, RuleCode.POST_CLOSURE_MONITORING, closed_on)
        if deadline is None:
            raise refuse(
                _("The team has set no period of monitoring after closure: switch it off."),
                "monitoring",
            )
        procedure.monitor_until = deadline.due_on
        procedure.monitoring_off_reason = ""
    else:
        if not reason.strip():
            raise refuse(
                _("Give the reason for closing without monitoring after closure."),
                "no_monitoring_reason",
            )
        procedure.monitor_until = None
        procedure.monitoring_off_reason = reason.strip()
    procedure.save(update_fields=["monitor_until", "monitoring_off_reason", "updated_at"])


def bodies_that_took_part(procedure: Procedure) -> list[tuple[str, str]]:
    """Every body that took part, once each, as ``(name, ClosureNotice.TookPartAs)``: the
    initiators' institutions (every NK-A in force), the group members' institutions, the
    providers of granted referrals and the addressees of granted notifications."""
    found: dict[str, tuple[str, str]] = {}

    def add(name: str, role: str) -> None:
        name = " ".join(name.split())
        if name:
            found.setdefault(name.casefold(), (name, role))

    for name in (
        NKA.objects.current()
        .filter(procedure=procedure)
        .order_by("filled_at", "id")
        .values_list("initiator_institution", flat=True)
    ):
        add(name, ClosureNotice.TookPartAs.INITIATOR)
    for name in (
        GroupMember.objects.filter(group__procedure=procedure)
        .order_by("id")
        .values_list("professional__institution", flat=True)
    ):
        add(name, ClosureNotice.TookPartAs.GROUP_MEMBER)
    for name in (
        procedure.referrals.filter(decision=TeamDecision.GRANTED)
        .order_by("id")
        .values_list("provider", flat=True)
    ):
        add(name, ClosureNotice.TookPartAs.PROGRAMME_PROVIDER)
    for name in (
        procedure.notifications.current()
        .filter(decision=TeamDecision.GRANTED)
        .order_by("id")
        .values_list("addressee", flat=True)
    ):
        add(name, ClosureNotice.TookPartAs.NOTIFIED_BODY)
    return list(found.values())


def closure_papers(run: StepRun) -> list[ClosureNotice]:
    """The closure protocol and one notice of closure per body that took part (2011 § 18
    ust. 2–3, read in a secondary source; the 2023 wording was not found, docs/rules.md)."""
    procedure = run.procedure
    run.document(DocumentKind.CLOSURE_PROTOCOL, f"procedure:{procedure.pk}")
    notices = ClosureNotice.objects.bulk_create(
        ClosureNotice(procedure=procedure, position=n, addressee=name, took_part_as=role)
        for n, (name, role) in enumerate(bodies_that_took_part(procedure), start=1)
    )
    # A procedure is closed once, and its notices' positions are unique: these are all of
    # them, in order (read back only where the INSERT does not return the ids).
    if any(notice.pk is None for notice in notices):
        notices = list(ClosureNotice.objects.filter(procedure=procedure).order_by("position"))
    for notice in notices:
        run.document(DocumentKind.CLOSURE_NOTICE, f"closure_notice:{notice.pk}")
    return notices


__all__ = ["bodies_that_took_part", "closure_papers", "start_post_closure_monitoring"]
