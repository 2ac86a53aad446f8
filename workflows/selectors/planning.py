"""Reads of planned meetings: a case's plans, the calendar of the group and the team, the
feed of a member's own meetings, and where a victim's invitation may be sent."""

import datetime
import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from workflows.models import (
    VICTIM_ROLES,
    CalendarFeed,
    GroupMember,
    Participant,
    PlannedMeeting,
    Procedure,
    Role,
    TeamMember,
)
from workflows.selectors.access import professional_for, visible_procedures


def _same_address(first: str, second: str) -> bool:
    """Two addresses as typed are the same one (case, spaces and punctuation aside)."""

    def key(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    return bool(key(first)) and key(first) == key(second)


def _suspect_addresses(procedure_id: int) -> list[str]:
    return list(
        Participant.objects.filter(procedure_id=procedure_id, role=Role.SUSPECT).values_list(
            "person__address", flat=True
        )
    )


def shares_address_with_suspect(
    participant: Participant, suspect_addresses: list[str] | None = None
) -> bool:
    """Whether ``participant``'s own address (the shared person record's) is a suspect's in
    the same procedure (``suspect_addresses``, read when not given): a letter there could
    reach the suspect."""
    if suspect_addresses is None:
        suspect_addresses = _suspect_addresses(participant.procedure_id)
    address = participant.person.address
    return any(_same_address(address, other) for other in suspect_addresses)


@dataclass(frozen=True)
class LetterAddress:
    """Where a letter to a participant goes: ``address``, or, when ``in_person``, nowhere
    (it is handed over in person) and ``shared_with_suspect`` says why."""

    address: str
    in_person: bool
    shared_with_suspect: bool


def letter_address(
    participant: Participant, suspect_addresses: list[str] | None = None
) -> LetterAddress:
    """The address a victim's invitation is sent to: the correspondence address the person
    chose for this procedure; without one, their address unless a suspect of the procedure
    shares it (then, or with no address at all, none: the letter is handed over in person).
    A victim's letter never goes by default to the address shared with a suspect."""
    if participant.correspondence_address:
        return LetterAddress(participant.correspondence_address, False, False)
    shared = shares_address_with_suspect(participant, suspect_addresses)
    address = "" if shared else participant.person.address
    return LetterAddress(address, not address, shared)


def planned_for_case(procedure: Procedure) -> list[PlannedMeeting]:
    """The planned meetings of ``procedure`` (every status), for its page (one query)."""
    return list(
        PlannedMeeting.objects.filter(procedure=procedure)
        .select_related("invitee", "meeting", "replaces")
        .order_by("-date", "-time", "-id")
    )


def victims_without_safe_address(procedure: Procedure) -> list[Participant]:
    """The procedure's victims whose invitation could not be posted safely: no
    correspondence address chosen, and their address is a suspect's (or none)."""
    suspects = _suspect_addresses(procedure.pk)
    return [
        participant
        for participant in Participant.objects.filter(
            procedure=procedure, role__in=list(VICTIM_ROLES), correspondence_address=""
        ).select_related("person")
        if letter_address(participant, suspects).in_person
    ]


def calendar_procedures(user: User) -> QuerySet[Procedure]:
    """The cases whose planned meetings ``user``'s calendar shows: those whose group they sit
    in, and for a team chair every case of the team (within what they may see at all)."""
    professional = professional_for(user)
    if professional is None:
        return Procedure.objects.none()
    return visible_procedures(user).filter(
        Q(
            Exists(
                GroupMember.objects.filter(
                    group__procedure=OuterRef("pk"), professional=professional
                )
            )
        )
        | Q(
            Exists(
                TeamMember.objects.filter(
                    team=OuterRef("team"), professional=professional, role=TeamMember.Role.CHAIR
                )
            )
        )
    )


def calendar_meetings(
    *, user: User, start: datetime.date, end: datetime.date
) -> list[PlannedMeeting]:
    """The planned meetings from ``start`` to ``end`` (inclusive) of ``user``'s calendar
    (``calendar_procedures``); the page logs which cases it showed."""
    return list(
        PlannedMeeting.objects.filter(
            procedure__in=calendar_procedures(user), date__gte=start, date__lte=end
        )
        .select_related("procedure")
        .order_by("date", "time", "id")
    )


def feed_owner(token: str) -> User:
    """The user whose calendar feed ``token`` opens; ``Http404`` for an unknown or revoked
    token, or a user who no longer works in the procedure (inactive, no declaration)."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=digest).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    professional = professional_for(feed.user)
    if professional is None or not professional.has_declaration:
        raise Http404
    return feed.user


def own_meetings(user: User, *, since: datetime.date) -> list[PlannedMeeting]:
    """The meetings still planned from ``since`` of the groups ``user`` sits in (their own
    meetings: a chair's feed is not the whole team's)."""
    professional = professional_for(user)
    if professional is None:
        return []
    return list(
        PlannedMeeting.objects.filter(
            procedure__in=visible_procedures(user),
            procedure__group__memberships__professional=professional,
            status=PlannedMeeting.Status.PLANNED,
            date__gte=since,
        ).order_by("date", "time", "id")
    )


def has_feed(user: User) -> bool:
    return CalendarFeed.objects.filter(user=user).exists()
