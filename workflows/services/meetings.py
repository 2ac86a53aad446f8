"""The group's meetings: with the victim (NK-C, the help plan, the safety plan) and,
separately, with the suspect (NK-D or the notification of initiation); § 8–9 of
Dz.U. 2023 poz. 1870."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from documents.models import DocumentKind
from forms.models import NKC, NKD, HelpPlanItem
from people.models import Person
from workflows.models import VICTIM_ROLES, Meeting, Participant, Role
from workflows.services.actions import PlanItemInput
from workflows.steps import StepRun, User, not_future, refuse, step


@dataclass
class MeetingInput:
    held_on: datetime.date
    place: str
    present_ids: list[int]
    person_id: int
    invited_on: datetime.date | None = None
    minutes: str = ""
    next_meeting_on: datetime.date | None = None
    person_appeared: bool = True


def _check_dates(data: MeetingInput) -> None:
    not_future(data.held_on, "held_on")
    not_future(data.invited_on, "invited_on")
    if data.invited_on and data.invited_on > data.held_on:
        raise refuse(_("The invitation must precede the meeting."), "invited_on")


def _record_meeting(
    s: StepRun, kind: str, data: MeetingInput, allowed_roles: Iterable[str]
) -> tuple[Meeting, Person]:
    """The meeting of the step ``s``, checked against the case; it meets the first-meeting
    deadline (§ 8–9)."""
    _check_dates(data)
    procedure = s.procedure
    if procedure.group_received_on and data.held_on < procedure.group_received_on:
        raise refuse(_("The meeting cannot precede the group's receipt of the NK-A."), "held_on")
    participant = (
        Participant.objects.filter(
            procedure=procedure, person_id=data.person_id, role__in=list(allowed_roles)
        )
        .select_related("person")
        .first()
    )
    if participant is None:
        # Meetings with the victim and with the suspect are always separate.
        raise refuse(_("Choose a person of the right role in this procedure."), "person")
    group_ids = set(procedure.group.memberships.values_list("professional_id", flat=True))
    present = set(data.present_ids)
    if not present or not present <= group_ids:
        raise refuse(_("Mark the group members present (members of this group only)."), "present")
    meeting = Meeting.objects.create(
        procedure=procedure,
        kind=kind,
        invited_on=data.invited_on,
        held_on=data.held_on,
        place=data.place,
        person_appeared=data.person_appeared,
        minutes=data.minutes,
        next_meeting_on=data.next_meeting_on,
        recorded_by=s.actor,
    )
    meeting.present.set(present)
    if data.person_appeared:
        meeting.heard.add(participant.person)
    s.meet_deadline(data.held_on)
    s.person = participant.person
    return meeting, participant.person


@dataclass
class NKCInput:
    situation: str
    first_act: str
    last_act: str
    needs: str
    risk_assessment: str
    safety_how_to_act: str
    repeated_acts: str = ""
    most_dangerous_act: str = ""
    safety_contacts: str = ""
    safety_place: str = ""
    safety_documents_ready: bool = False


def victim_meeting_record(
    *,
    actor: User,
    procedure_id: int,
    meeting: MeetingInput,
    nkc: NKCInput,
    plan: Sequence[PlanItemInput],
) -> NKC:
    """The group meets the victim: NK-C, the individual help plan and the safety plan."""
    if not meeting.person_appeared:
        raise refuse(_("NK-C is filled with the victim present."), "person_appeared")
    if not plan:
        raise refuse(_("The individual help plan needs at least one action."))
    with step(
        actor=actor, procedure_id=procedure_id, action="victim_meeting", event="meeting.victim_held"
    ) as s:
        procedure = s.procedure
        record, victim = _record_meeting(s, Meeting.Kind.VICTIM, meeting, VICTIM_ROLES)
        form = NKC.objects.create(
            procedure=procedure,
            meeting=record,
            victim=victim,
            edition=procedure.edition,
            created_by=actor,
            **nkc.__dict__,
        )
        HelpPlanItem.objects.bulk_create(
            [HelpPlanItem(procedure=procedure, nkc=form, **item.__dict__) for item in plan]
        )
        if meeting.invited_on:
            s.document(DocumentKind.VICTIM_INVITATION, f"meeting:{record.pk}")
        s.document(DocumentKind.NKC, f"meeting:{record.pk}")
        s.document(DocumentKind.MINUTES, f"meeting:{record.pk}")
        s.payload = {"meeting": record.pk, "nkc": form.pk, "plan_items": len(plan)}
    return form


@dataclass
class NKDInput:
    situation: str = ""
    substances: str = ""
    consequences_explained: bool = False
    statement: str = ""
    agreed_programme: str = ""
    agreed_alcohol_commission: bool = False
    agreed_other: str = ""
    initiation_notice_sent_on: datetime.date | None = None


def suspect_meeting_record(
    *, actor: User, procedure_id: int, meeting: MeetingInput, nkd: NKDInput
) -> NKD:
    """The group meets the suspect separately: NK-D, or the notification of initiation."""
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
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="suspect_meeting",
        event="meeting.suspect_held" if meeting.person_appeared else "meeting.suspect_absent",
    ) as s:
        procedure = s.procedure
        record, suspect = _record_meeting(s, Meeting.Kind.SUSPECT, meeting, [Role.SUSPECT])
        form = NKD.objects.create(
            procedure=procedure,
            meeting=record,
            suspect=suspect,
            edition=procedure.edition,
            appeared=meeting.person_appeared,
            created_by=actor,
            **nkd.__dict__,
        )
        if meeting.invited_on:
            s.document(DocumentKind.SUSPECT_SUMMONS, f"meeting:{record.pk}")
        notice = DocumentKind.NKD if meeting.person_appeared else DocumentKind.INITIATION_NOTICE
        s.document(notice, f"meeting:{record.pk}")
        s.document(DocumentKind.MINUTES, f"meeting:{record.pk}")
        s.payload = {"meeting": record.pk, "nkd": form.pk}
    return form


__all__ = [
    "MeetingInput",
    "NKCInput",
    "NKDInput",
    "suspect_meeting_record",
    "victim_meeting_record",
]
