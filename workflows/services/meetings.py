"""The group's meetings: with the victim (NK-C, the help plan, the safety plan) and,
separately, with the suspect (NK-D or the notification of initiation); § 8–9 of
Dz.U. 2023 poz. 1870."""

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from documents.models import DocumentKind
from forms.models import NKC, NKD, HelpPlanItem
from people.models import Person
from workflows.models import VICTIM_ROLES, Meeting, Participant, Role
from workflows.services.planning import link_planned
from workflows.steps import StepRun, User, check_record, not_future, refuse, step


def _check_dates(meeting: Meeting) -> None:
    not_future(meeting.held_on, "held_on")
    not_future(meeting.invited_on, "invited_on")
    if meeting.invited_on and meeting.held_on and meeting.invited_on > meeting.held_on:
        raise refuse(_("The invitation must precede the meeting."), "invited_on")


def _meeting_person(
    s: StepRun,
    kind: str,
    meeting: Meeting,
    person_id: int,
    present_ids: Iterable[int],
    allowed_roles: Iterable[str],
) -> Person:
    """Check the meeting of the step ``s`` against the case and complete it (procedure,
    kind, recorder); the person met. Nothing is written yet."""
    procedure = s.procedure
    meeting.procedure = procedure
    meeting.kind = kind
    meeting.recorded_by = s.actor
    _check_dates(meeting)
    check_record(meeting)
    if procedure.group_received_on and meeting.held_on < procedure.group_received_on:
        raise refuse(_("The meeting cannot precede the group's receipt of the NK-A."), "held_on")
    participant = (
        Participant.objects.filter(
            procedure=procedure, person_id=person_id, role__in=list(allowed_roles)
        )
        .select_related("person")
        .first()
    )
    if participant is None:
        # Meetings with the victim and with the suspect are always separate.
        raise refuse(_("Choose a person of the right role in this procedure."), "person")
    group_ids = set(procedure.group.memberships.values_list("professional_id", flat=True))
    present = set(present_ids)
    if not present or not present <= group_ids:
        raise refuse(_("Mark the group members present (members of this group only)."), "present")
    return participant.person


def _save_meeting(s: StepRun, meeting: Meeting, person: Person, present_ids: Iterable[int]):
    """Save the checked meeting; it meets the first-meeting deadline (§ 8–9)."""
    meeting.save()
    meeting.present.set(set(present_ids))
    if meeting.person_appeared:
        meeting.heard.add(person)
    s.meet_deadline(meeting.held_on)
    s.person = person


def victim_meeting_record(
    *,
    actor: User,
    procedure_id: int,
    meeting: Meeting,
    person_id: int,
    present_ids: Iterable[int],
    nkc: NKC,
    plan: Sequence[HelpPlanItem],
    planned_id: int | None = None,
) -> NKC:
    """The group meets the victim ``person_id``: NK-C, the individual help plan and the
    safety plan.

    ``meeting``, ``nkc`` and the ``plan``'s items are unsaved records (the forms'
    ``save(commit=False)``); the step links them to the case, validates them with their
    models' rules (plan keys ``plan-<n>-<field>``) and saves them.
    """
    if not meeting.person_appeared:
        raise refuse(_("NK-C is filled with the victim present."), "person_appeared")
    if not plan:
        raise refuse(_("The individual help plan needs at least one action."))
    present_ids = list(present_ids)
    with step(
        actor=actor, procedure_id=procedure_id, action="victim_meeting", event="meeting.victim_held"
    ) as s:
        procedure = s.procedure
        victim = _meeting_person(
            s, Meeting.Kind.VICTIM, meeting, person_id, present_ids, VICTIM_ROLES
        )
        nkc.procedure = procedure
        nkc.victim = victim
        nkc.edition = procedure.edition
        nkc.created_by = actor
        check_record(nkc, exclude=["meeting"])
        for index, item in enumerate(plan):
            item.procedure = procedure
            check_record(item, exclude=["nkc"], prefix=f"plan-{index}-")
        _save_meeting(s, meeting, victim, present_ids)
        nkc.meeting = meeting
        nkc.save()
        for item in plan:
            item.nkc = nkc
        HelpPlanItem.objects.bulk_create(plan)
        if meeting.invited_on:
            s.document(DocumentKind.VICTIM_INVITATION, f"meeting:{meeting.pk}")
        s.document(DocumentKind.NKC, f"meeting:{meeting.pk}")
        s.document(DocumentKind.MINUTES, f"meeting:{meeting.pk}")
        s.payload = {"meeting": meeting.pk, "nkc": nkc.pk, "plan_items": len(plan)}
        link_planned(s, planned_id, meeting)
    return nkc


def suspect_meeting_record(
    *,
    actor: User,
    procedure_id: int,
    meeting: Meeting,
    person_id: int,
    present_ids: Iterable[int],
    nkd: NKD,
    planned_id: int | None = None,
) -> NKD:
    """The group meets the suspect ``person_id`` separately: NK-D, or the notification of
    initiation when they do not appear.

    ``meeting`` and ``nkd`` are unsaved records (the form's ``save(commit=False)``); the
    step links them to the case, validates them with their models' rules (the programme
    agreed is one of ``forms.choices.Programme``) and saves them.
    """
    if meeting.person_appeared and not nkd.consequences_explained:
        raise refuse(
            _("Record that the legal consequences were explained."), "consequences_explained"
        )
    if not meeting.person_appeared and nkd.initiation_notice_sent_on is None:
        raise refuse(
            _("When the suspect does not appear, record the notification of initiation."),
            "initiation_notice_sent_on",
        )
    not_future(nkd.initiation_notice_sent_on, "initiation_notice_sent_on")
    present_ids = list(present_ids)
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="suspect_meeting",
        event="meeting.suspect_held" if meeting.person_appeared else "meeting.suspect_absent",
    ) as s:
        procedure = s.procedure
        suspect = _meeting_person(
            s, Meeting.Kind.SUSPECT, meeting, person_id, present_ids, [Role.SUSPECT]
        )
        nkd.procedure = procedure
        nkd.suspect = suspect
        nkd.edition = procedure.edition
        nkd.appeared = meeting.person_appeared
        nkd.created_by = actor
        check_record(nkd, exclude=["meeting"])
        _save_meeting(s, meeting, suspect, present_ids)
        nkd.meeting = meeting
        nkd.save()
        if meeting.invited_on:
            s.document(DocumentKind.SUSPECT_SUMMONS, f"meeting:{meeting.pk}")
        notice = DocumentKind.NKD if meeting.person_appeared else DocumentKind.INITIATION_NOTICE
        s.document(notice, f"meeting:{meeting.pk}")
        s.document(DocumentKind.MINUTES, f"meeting:{meeting.pk}")
        s.payload = {"meeting": meeting.pk, "nkd": nkd.pk}
        link_planned(s, planned_id, meeting)
    return nkd


__all__ = [
    "suspect_meeting_record",
    "victim_meeting_record",
]
