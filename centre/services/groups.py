"""Groups, their sessions and enrolments; a correctional-educational group answers a
procedure's referral to the programme (docs/centre.md)."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from audit.services import log_event
from centre.models import Centre, CentrePerson, Enrolment, Group, GroupSession
from centre.services._shared import not_future, own_person, staff_centre
from documents.models import DocumentKind
from workflows.models import Referral, TeamDecision
from workflows.paperwork import schedule
from workflows.services import ServiceError, record_programme_certificate
from workflows.steps import lock_procedure, refuse


def group_create(
    *, actor: User, kind: str, name: str, starts_on: datetime.date, ends_on: datetime.date | None
) -> Group:
    centre = staff_centre(actor)
    if kind not in Group.Kind.values:
        raise refuse(_("Choose the type of group."), "kind")
    if not name.strip():
        raise refuse(_("Give the group a name."), "name")
    if ends_on and ends_on < starts_on:
        raise refuse(_("The end cannot precede the start."), "ends_on")
    with transaction.atomic():
        group = Group.objects.create(
            centre=centre,
            kind=kind,
            name=name.strip(),
            leader=actor,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        log_event(action="centre.group_created", actor=actor, payload={"group": group.pk})
    return group


def _own_group(centre: Centre, group_id: int) -> Group:
    group = Group.objects.select_for_update().filter(pk=group_id, centre=centre).first()
    if group is None:
        raise PermissionDenied
    return group


def open_referrals_for(centre: Centre, people) -> QuerySet[Referral]:
    """Correctional-educational referrals of ``people`` (the centre's record of a person, or
    a queryset of them) that no report answers yet, from procedures of the centre's county.

    A referral reaches the centre through the link of its record to the shared person (same
    PESEL): all the centre learns of a procedure is its number and the referral's dates
    (art. 9b of the Act on counteracting domestic violence)."""
    shared = [people.person_id] if isinstance(people, CentrePerson) else people.values("person")
    return (
        Referral.objects.filter(
            person__in=shared,
            programme=Referral.Programme.CORRECTIONAL,
            decision=TeamDecision.GRANTED,
            reported_on__isnull=True,
            enrolment__isnull=True,
            procedure__team__municipality__county=centre.county,
        )
        .select_related("procedure")
        .order_by("referred_on")
    )


def enrol(
    *,
    actor: User,
    group_id: int,
    person_id: int,
    enrolled_on: datetime.date,
    referral_id: int | None = None,
) -> Enrolment:
    """Enrol a person; for a correctional-educational group, answer their referral.

    With a referral, the enrolment date is the report date: it meets (or misses) the 30-day
    deadline in the procedure, and the certificate of reporting is generated.
    """
    centre = staff_centre(actor)
    not_future(enrolled_on, "enrolled_on")
    with transaction.atomic():
        group = _own_group(centre, group_id)
        person = own_person(centre, person_id)
        if enrolled_on < group.starts_on - datetime.timedelta(days=60):
            raise refuse(_("The enrolment is long before the group starts."), "enrolled_on")
        if Enrolment.objects.filter(group=group, person=person).exists():
            raise refuse(_("This person is already enrolled in this group."), "person")
        referral = None
        if referral_id:
            if group.kind != Group.Kind.CORRECTIONAL:
                raise refuse(
                    _("Only a correctional-educational group answers a referral."), "referral"
                )
            referral = open_referrals_for(centre, person).filter(pk=referral_id).first()
            if referral is None:
                raise refuse(_("Choose an open referral of this person."), "referral")
        enrolment = Enrolment.objects.create(
            group=group, person=person, enrolled_on=enrolled_on, referral=referral
        )
        if referral is not None:
            try:
                _certify(actor, referral, "reported", enrolled_on)
            except ServiceError as error:
                raise refuse(
                    " ".join(m for ms in error.message_dict.values() for m in ms), "enrolled_on"
                ) from error
        log_event(
            action="centre.enrolled",
            actor=actor,
            person=person.person,
            payload={"group": group.pk, "referral": referral.pk if referral else None},
        )
    return enrolment


def enrolment_finish(
    *, actor: User, enrolment_id: int, finished_on: datetime.date, completed: bool = True
) -> Enrolment:
    """The person finished the group (``completed``) or left it; completion is certified."""
    centre = staff_centre(actor)
    not_future(finished_on, "finished_on")
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .filter(pk=enrolment_id, group__centre=centre)
            .select_related("group", "referral")
            .first()
        )
        if enrolment is None:
            raise PermissionDenied
        if enrolment.finished_on or enrolment.left_on:
            raise refuse(_("This enrolment has already ended."))
        if finished_on < enrolment.enrolled_on:
            raise refuse(_("The end cannot precede the enrolment."), "finished_on")
        if completed:
            enrolment.finished_on = finished_on
        else:
            enrolment.left_on = finished_on
        enrolment.save(update_fields=["finished_on", "left_on"])
        if completed and enrolment.referral is not None:
            _certify(actor, enrolment.referral, "completed", finished_on)
        log_event(
            action="centre.enrolment_completed" if completed else "centre.enrolment_left",
            actor=actor,
            person=enrolment.person.person,
            payload={"group": enrolment.group_id},
        )
    return enrolment


def _certify(actor: User, referral: Referral, certificate: str, on: datetime.date) -> None:
    """Record the certificate of reporting or completion in the referral's procedure (which
    meets or misses its deadline there) and generate it as the procedure's document."""
    procedure = lock_procedure(referral.procedure_id)
    record_programme_certificate(
        actor=actor,
        procedure=procedure,
        referral_id=referral.pk,
        certificate=certificate,
        received_on=on,
    )
    kind = (
        DocumentKind.PROGRAMME_REPORTED
        if certificate == "reported"
        else DocumentKind.PROGRAMME_COMPLETED
    )
    group = referral.enrolment.group
    schedule(
        procedure=procedure,
        kind=kind,
        subject=f"referral:{referral.pk}",
        actor=actor,
        # The centre's public address, never the hostel's.
        issuer={
            "group": group.name,
            "provider": group.centre.name,
            "provider_address": group.centre.address,
        },
    )


def group_session_record(
    *, actor: User, group_id: int, held_on: datetime.date, topic: str, present_ids: list[int]
) -> GroupSession:
    centre = staff_centre(actor)
    not_future(held_on, "held_on")
    with transaction.atomic():
        group = _own_group(centre, group_id)
        if held_on < group.starts_on or (group.ends_on and held_on > group.ends_on):
            raise refuse(_("The session is outside the group's dates."), "held_on")
        enrolments = list(Enrolment.objects.filter(group=group, pk__in=present_ids))
        if len(enrolments) != len(set(present_ids)):
            raise refuse(_("Mark only people enrolled in this group."), "present")
        session = GroupSession.objects.create(group=group, held_on=held_on, topic=topic.strip())
        session.present.set(enrolments)
        log_event(
            action="centre.group_session_held",
            actor=actor,
            payload={"group": group.pk, "session": session.pk, "present": len(enrolments)},
        )
    return session
