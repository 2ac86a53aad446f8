"""What closure sets going and leaves behind: the monitoring after closure and the papers
(the closure protocol and one notice of closure per body that took part).

Kept apart from ``procedure_close`` (the grounds and their checks) so that each can change
without the other; ``procedure_close`` calls these inside its step.
"""

import datetime

from django.db.models import F, Value, Window
from django.db.models.functions import RowNumber
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

    ``monitor_until`` is set on the procedure the step holds before the closing node
    completes (the flow's gateway reads it there) and saved with the new stage.
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
    run.save_with_stage("monitor_until", "monitoring_off_reason")


def bodies_that_took_part(procedure: Procedure) -> list[tuple[str, str]]:
    """Every body that took part, once each, as ``(name, ClosureNotice.TookPartAs)``: the
    initiators' institutions (every NK-A in force), the group members' institutions, the
    providers of granted referrals and the addressees of granted notifications."""
    found: dict[str, tuple[str, str]] = {}
    # One query: the four kinds of body in that order, each in its own order (a row number).
    parts = [
        (
            NKA.objects.current().filter(procedure=procedure),
            ["filled_at", "id"],
            "initiator_institution",
            ClosureNotice.TookPartAs.INITIATOR,
        ),
        (
            GroupMember.objects.filter(group__procedure=procedure),
            ["id"],
            "professional__institution",
            ClosureNotice.TookPartAs.GROUP_MEMBER,
        ),
        (
            procedure.referrals.filter(decision=TeamDecision.GRANTED),
            ["id"],
            "provider",
            ClosureNotice.TookPartAs.PROGRAMME_PROVIDER,
        ),
        (
            procedure.notifications.current().filter(decision=TeamDecision.GRANTED),
            ["id"],
            "addressee",
            ClosureNotice.TookPartAs.NOTIFIED_BODY,
        ),
    ]
    ranked = [
        queryset.order_by()
        .annotate(part=Value(n), rank=Window(RowNumber(), order_by=order), body=F(name))
        .values_list("part", "rank", "body")
        for n, (queryset, order, name, _role) in enumerate(parts)
    ]
    rows = ranked[0].union(*ranked[1:], all=True).order_by("part", "rank")
    for part, _rank, name in rows:
        name = " ".join(name.split())
        if name:
            found.setdefault(name.casefold(), (name, parts[part][3]))
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
    run.hold({("closure_notices", procedure.pk): notices})  # the documents' read of them
    for notice in notices:
        run.document(DocumentKind.CLOSURE_NOTICE, f"closure_notice:{notice.pk}")
    return notices


__all__ = ["bodies_that_took_part", "closure_papers", "start_post_closure_monitoring"]
