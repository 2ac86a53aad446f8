"""The chair's steps: the diagnostic-support group is appointed and receives the NK-A
(art. 9a ust. 10–11 of the Act, § 8 of Dz.U. 2023 poz. 1870)."""

import datetime
from collections.abc import Sequence

from django.utils.translation import gettext as _

from documents.models import DocumentKind
from workflows import notifications
from workflows.models import DiagnosticGroup, GroupMember, Procedure
from workflows.selectors import REQUIRED_PROFESSIONS, group_candidates
from workflows.steps import User, not_future, refuse, step


def group_appoint(
    *, actor: User, procedure_id: int, member_ids: Sequence[int], appointed_on: datetime.date
) -> DiagnosticGroup:
    """The chair appoints the diagnostic-support group (art. 9a ust. 10).

    The group must include a social worker and a police officer (art. 9a ust. 11), and every
    member must have signed the confidentiality declaration (art. 9c ust. 3). Members may be
    team members or professionals registered in the team's municipality who are not
    (``selectors.group_candidates``). Who appointed it (the team by resolution, or the
    chair under its authorisation: ``Team.group_authority`` on the day) is recorded on the
    group and printed on its decision.
    """
    not_future(appointed_on, "appointed_on")
    with step(
        actor=actor, procedure_id=procedure_id, action="appoint_group", event="group.appointed"
    ) as s:
        procedure = s.procedure
        if procedure.chair_received_on and appointed_on < procedure.chair_received_on:
            raise refuse(
                _("The group cannot be appointed before the chair received the NK-A."),
                "appointed_on",
            )
        members = list(
            group_candidates(procedure=procedure).filter(pk__in=set(member_ids)).order_by()
        )
        if len(members) != len(set(member_ids)):
            raise refuse(_("Unknown member selected."), "members")
        professions = {m.profession for m in members}
        missing = [
            str(label) for code, label in REQUIRED_PROFESSIONS.items() if code not in professions
        ]
        if missing:
            raise refuse(
                _("The group must include %(missing)s.") % {"missing": ", ".join(missing)},
                "members",
            )
        undeclared = [str(m) for m in members if not m.has_declaration]
        if undeclared:
            raise refuse(
                _("No confidentiality declaration on record for: %(names)s.")
                % {"names": "; ".join(undeclared)},
                "members",
            )
        group = DiagnosticGroup.objects.create(
            procedure=procedure,
            appointed_on=appointed_on,
            appointed_by=actor,
            authority=procedure.team.group_authority,
        )
        GroupMember.objects.bulk_create([GroupMember(group=group, professional=m) for m in members])
        s.meet_deadline(appointed_on)
        s.document(DocumentKind.GROUP_DECISION, f"group:{group.pk}")
        for member in members:
            s.document(DocumentKind.DECLARATION, f"member:{member.pk}")
        s.payload = {"members": sorted(m.pk for m in members), "on": str(appointed_on)}
        notifications.group_members_appointed(procedure=procedure, professionals=members)
    return group


def nka_pass_to_group(*, actor: User, procedure_id: int, passed_on: datetime.date) -> Procedure:
    """The chair passes the NK-A to the group members (§ 8: 3 working days)."""
    not_future(passed_on, "passed_on")
    with step(
        actor=actor, procedure_id=procedure_id, action="pass_to_group", event="nka.passed_to_group"
    ) as s:
        procedure = s.procedure
        if passed_on < procedure.group.appointed_on:
            raise refuse(_("The card cannot reach the group before it was appointed."), "passed_on")
        procedure.group_received_on = passed_on
        procedure.save(update_fields=["group_received_on", "updated_at"])
        s.meet_deadline(passed_on)
        s.open_deadlines(passed_on)
        s.payload = {"on": str(passed_on)}
    return procedure


__all__ = ["REQUIRED_PROFESSIONS", "group_appoint", "nka_pass_to_group"]
