"""Meetings planned before they are held (domain note 4a, "Meetings are planned"), the
group's working meetings without the parties (§ 8 of Dz.U. 2023 poz. 1870), the address a
participant chose for this procedure's letters, and the secret address of a member's
calendar feed.

A plan is made by the group (``meeting_plan``): a date not in the past, a time, a place and,
for a meeting with a party, exactly one participant of that party's role. The victim's
invitation and the suspect's summons are generated then (subject ``planned:<pk>``), with the
date, time and place. A new date is a new plan replacing the old one, which is cancelled;
its invitation or summons gets a new version from the new plan (``paperwork.supersede``).
Afterwards the plan is held (the meeting's own step links it: ``link_planned``), not held
or cancelled (``planned_meeting_close``).
"""

import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_event
from documents.models import DocumentKind
from workflows import calendar, notifications, paperwork
from workflows.models import (
    VICTIM_ROLES,
    CalendarFeed,
    Meeting,
    Participant,
    PlannedMeeting,
    Role,
)
from workflows.steps import StepRun, User, check_record, not_future, refuse, step

# Whom a meeting with a party invites, and the letter it is invited by.
INVITED_ROLES: dict[str, frozenset[str]] = {
    Meeting.Kind.VICTIM: frozenset(VICTIM_ROLES),
    Meeting.Kind.SUSPECT: frozenset({Role.SUSPECT}),
}
LETTERS: dict[str, str] = {
    Meeting.Kind.VICTIM: DocumentKind.VICTIM_INVITATION,
    Meeting.Kind.SUSPECT: DocumentKind.SUSPECT_SUMMONS,
}


def _check_plan(s: StepRun, planned: PlannedMeeting, invitee_id: int | None) -> None:
    """Complete the unsaved ``planned`` of step ``s`` (procedure, invitee, author) and check
    it against the case; nothing is written."""
    planned.procedure = s.procedure
    planned.created_by = s.actor
    planned.status = PlannedMeeting.Status.PLANNED
    if planned.date is not None and planned.date < calendar.legal_date():
        raise refuse(_("A meeting cannot be planned for a day that has passed."), "date")
    if planned.time is None:
        raise refuse(_("Give the time of the meeting."), "time")
    roles = INVITED_ROLES.get(planned.kind)
    if roles is None:
        # A working meeting of the group invites no party: its members attend.
        planned.invitee = None
    else:
        participant = (
            Participant.objects.filter(
                procedure=s.procedure, person_id=invitee_id, role__in=list(roles)
            )
            .select_related("person")
            .first()
            if invitee_id
            else None
        )
        if participant is None:
            raise refuse(
                _("Invite one participant of this procedure of the meeting's role."), "invitee"
            )
        planned.invitee = participant.person
    check_record(planned, exclude=["procedure", "created_by", "replaces", "meeting"])


def meeting_plan(
    *,
    actor: User,
    procedure_id: int,
    planned: PlannedMeeting,
    invitee_id: int | None = None,
    replaces_id: int | None = None,
    reason: str = "",
) -> PlannedMeeting:
    """The group plans a meeting: ``planned`` is the unsaved plan (kind, date, time, place),
    ``invitee_id`` the person invited to a meeting with the victim or the suspect.

    The invitation or summons is generated now. With ``replaces_id`` the plan is a new date
    for that open plan (same kind and person; ``reason`` required): the old one is cancelled
    and its letter gets a new version from this plan. Raises ``ServiceError`` for a day
    that has passed, no time, or an invitee of the wrong role.
    """
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="meeting_plan",
        event="meeting.rescheduled" if replaces_id else "meeting.planned",
    ) as s:
        _check_plan(s, planned, invitee_id)
        old = None
        if replaces_id is not None:
            old = PlannedMeeting.objects.filter(
                pk=replaces_id, procedure=s.procedure, status=PlannedMeeting.Status.PLANNED
            ).first()
            if old is None:
                raise refuse(_("Only a meeting still planned can be given a new date."))
            if old.kind != planned.kind or old.invitee_id != planned.invitee_id:
                raise refuse(
                    _(
                        "A new date keeps the kind of meeting and the person invited; plan a "
                        "separate meeting otherwise."
                    )
                )
            if not reason.strip():
                raise refuse(_("Give the reason for the new date."), "reason")
            _close(s, old, PlannedMeeting.Status.CANCELLED, reason)
            planned.replaces = old
        planned.save()
        letter = LETTERS.get(planned.kind)
        if old is not None and letter:
            paperwork.supersede(
                procedure=s.procedure,
                old_subject=f"planned:{old.pk}",
                new_subject=f"planned:{planned.pk}",
                actor=actor,
                reason=reason.strip(),
            )
        elif letter:
            s.document(letter, f"planned:{planned.pk}")
        notifications.meeting_planned(planned=planned, actor=actor)
        s.person = planned.invitee
        s.payload = {
            "planned": planned.pk,
            "kind": planned.kind,
            "date": planned.date.isoformat(),
            "replaces": old.pk if old else None,
        }
    return planned


def _close(s: StepRun, planned: PlannedMeeting, status: str, reason: str) -> None:
    planned.status = status
    planned.reason = reason.strip()
    planned.closed_by = s.actor
    planned.closed_at = timezone.now()
    planned.save(update_fields=["status", "reason", "closed_by", "closed_at"])


def planned_meeting_close(
    *, actor: User, planned_id: int, status: str, reason: str
) -> PlannedMeeting:
    """Record that the planned meeting ``planned_id`` was not held, or is cancelled, and why.

    A party who did not come is recorded here as "not held" with the reason; the record of
    their non-appearance belongs to the meeting steps (issue 13 item 2). Raises
    ``ServiceError`` for another status, no reason, or a plan that is no longer open.
    """
    if status not in (PlannedMeeting.Status.NOT_HELD, PlannedMeeting.Status.CANCELLED):
        raise refuse(_("Choose “not held” or “cancelled”."), "status")
    if not reason.strip():
        raise refuse(_("Give the reason."), "reason")
    procedure_id = (
        PlannedMeeting.objects.filter(pk=planned_id).values_list("procedure_id", flat=True).first()
    )
    if procedure_id is None:
        raise refuse(_("No such planned meeting."))
    event = "meeting.not_held" if status == PlannedMeeting.Status.NOT_HELD else "meeting.cancelled"
    with step(
        actor=actor, procedure_id=procedure_id, action="meeting_plan_close", event=event
    ) as s:
        planned = PlannedMeeting.objects.select_for_update().get(pk=planned_id)
        if not planned.is_open:
            raise refuse(_("This meeting is no longer planned."))
        if status == PlannedMeeting.Status.NOT_HELD and planned.date > calendar.legal_date():
            raise refuse(_("A meeting not held yet can be cancelled, not recorded as not held."))
        _close(s, planned, status, reason)
        s.person = planned.invitee
        s.payload = {"planned": planned.pk, "kind": planned.kind}
    return planned


def link_planned(s: StepRun, planned_id: int | None, meeting: Meeting) -> None:
    """Inside a meeting's step ``s``: mark the planned meeting ``planned_id`` held by the
    saved ``meeting`` (the same kind, and the person met is the person invited).

    Nothing happens without ``planned_id``; a plan of another case, kind or person, or no
    longer open, refuses the whole step (``ServiceError``)."""
    if planned_id is None:
        return
    planned = (
        PlannedMeeting.objects.select_for_update()
        .filter(pk=planned_id, procedure=s.procedure)
        .first()
    )
    if planned is None or not planned.is_open:
        raise refuse(_("This meeting is no longer planned."))
    met = set(meeting.heard.values_list("pk", flat=True)) | ({s.person.pk} if s.person else set())
    if planned.kind != meeting.kind or (planned.invitee_id and planned.invitee_id not in met):
        raise refuse(_("The meeting recorded is not the one planned (kind or person)."), "person")
    planned.meeting = meeting
    planned.status = PlannedMeeting.Status.HELD
    planned.closed_by = s.actor
    planned.closed_at = timezone.now()
    planned.save(update_fields=["meeting", "status", "closed_by", "closed_at"])
    s.payload["planned"] = planned.pk


def group_meeting_record(
    *,
    actor: User,
    procedure_id: int,
    meeting: Meeting,
    present_ids: Iterable[int],
    planned_id: int | None = None,
) -> Meeting:
    """A working meeting of the group without the parties (``meeting`` unsaved: date,
    place, minutes), with the members ``present_ids``.

    § 8 of Dz.U. 2023 poz. 1870: the group's first meeting, whoever attends it, meets the
    first-meeting deadline; its minutes are generated. ``planned_id``: the plan it held.
    """
    present = set(present_ids)
    with step(
        actor=actor, procedure_id=procedure_id, action="group_meeting", event="meeting.group_held"
    ) as s:
        procedure = s.procedure
        meeting.procedure = procedure
        meeting.kind = Meeting.Kind.GROUP
        meeting.recorded_by = actor
        meeting.person_appeared = False  # nobody was invited
        not_future(meeting.held_on, "held_on")
        check_record(meeting)
        if procedure.group_received_on and meeting.held_on < procedure.group_received_on:
            raise refuse(
                _("The meeting cannot precede the group's receipt of the NK-A."), "held_on"
            )
        group_ids = set(procedure.group.memberships.values_list("professional_id", flat=True))
        if not present or not present <= group_ids:
            raise refuse(
                _("Mark the group members present (members of this group only)."), "present"
            )
        meeting.save()
        meeting.present.set(present)
        s.meet_deadline(meeting.held_on)
        s.document(DocumentKind.MINUTES, f"meeting:{meeting.pk}")
        s.payload = {"meeting": meeting.pk, "present": len(present)}
        link_planned(s, planned_id, meeting)
    return meeting


def correspondence_address_set(
    *, actor: User, procedure_id: int, participant_id: int, address: str
) -> Participant:
    """The address ``participant_id`` chose for this procedure's letters (empty: none).

    It is the procedure's own record of the participant: the shared ``people.Person`` is
    never changed by it. The audit event names the person, never the address."""
    address = " ".join(address.split())
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="correspondence_address",
        event="participant.address_chosen",
    ) as s:
        participant = (
            Participant.objects.select_related("person")
            .filter(pk=participant_id, procedure=s.procedure)
            .first()
        )
        if participant is None:
            raise refuse(_("No such participant in this procedure."))
        participant.correspondence_address = address
        check_record(participant)
        participant.save(update_fields=["correspondence_address"])
        s.person = participant.person
        s.payload = {"participant": participant.pk, "set": bool(address)}
    return participant


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_issue(*, actor: User) -> str:
    """A new secret token for ``actor``'s calendar feed; any earlier one stops working.

    Returns the token, which is not kept (only its SHA-256): the page shows it once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            user=actor, defaults={"token_hash": token_digest(token)}
        )
        log_event(action="calendar_feed.issued", actor=actor)
    return token


def calendar_feed_revoke(*, actor: User) -> bool:
    """Switch ``actor``'s calendar feed off; whether there was one."""
    with transaction.atomic():
        deleted, _rows = CalendarFeed.objects.filter(user=actor).delete()
        if deleted:
            log_event(action="calendar_feed.revoked", actor=actor)
    return bool(deleted)


__all__ = [
    "calendar_feed_issue",
    "calendar_feed_revoke",
    "correspondence_address_set",
    "group_meeting_record",
    "link_planned",
    "meeting_plan",
    "planned_meeting_close",
]
