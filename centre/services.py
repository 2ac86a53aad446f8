"""Changes to the crisis centre's register. Each checks that the actor works at the centre.

Every service takes the acting user, refuses anyone who is not on the centre's staff
(``PermissionDenied``), refuses bad data with ``ServiceError`` (messages per form field),
writes in one transaction and logs an audit event.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_event
from centre.models import (
    Centre,
    CentreHousehold,
    CentrePerson,
    Consultation,
    ConsultationPerson,
    Contact,
    Enrolment,
    Group,
    GroupSession,
    HostelPlace,
    HostelStay,
    PreventionEvent,
    StayExtension,
    TherapyCourse,
    TherapySession,
)
from people import pesel as pesel_utils
from people.models import Person, Sex
from people.validators import check_pesel_agrees, clean_name, clean_phone
from workflows import calendar
from workflows.models import Referral
from workflows.rules import RuleCode, edition_on, rule
from workflows.services import ServiceError, _refuse

__all__ = ["ServiceError"]


def staff_centre(actor: User) -> Centre:
    """The centre ``actor`` works at; ``PermissionDenied`` for anyone else."""
    staff = getattr(actor, "centre_staff", None) if actor.is_authenticated else None
    if staff is None:
        raise PermissionDenied
    return staff.centre


def _not_future(day: datetime.date, field: str) -> None:
    if day > calendar.legal_date():
        raise _refuse(_("This date is in the future."), field)


def _own_person(centre: Centre, person_id: int) -> CentrePerson:
    """The centre's record ``person_id``; refused (next to "person") for anyone else's."""
    record = CentrePerson.objects.filter(centre=centre, pk=person_id).first()
    if record is None:
        raise _refuse(_("Choose a person recorded by this centre."), "person")
    return record


# --------------------------------------------------------------------------- people


@dataclass
class PersonData:
    first_name: str
    last_name: str
    pesel: str = ""
    birth_date: datetime.date | None = None
    sex: str = ""
    phone: str = ""
    household_id: int | None = None  # one the centre already knows
    household_label: str = ""  # or a new one


def _checked(data: PersonData) -> dict:
    """The typed data, cleaned (names NFC, phone in international form), or ``ServiceError``
    with a message next to each field that is wrong."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for field, clean in (
        ("first_name", clean_name),
        ("last_name", clean_name),
        ("phone", clean_phone),
    ):
        try:
            cleaned[field] = clean(getattr(data, field))
        except ValidationError as error:
            errors[field] = error.messages
    for field in ("first_name", "last_name"):
        if field not in errors and not cleaned[field]:
            errors[field] = [_("This field is required.")]
    pesel = data.pesel.strip()
    if pesel:
        try:
            pesel = pesel_utils.normalise(pesel)
        except ValueError:
            errors["pesel"] = [_("This PESEL number is not valid (checksum or date).")]
        else:
            for field, message in check_pesel_agrees(pesel, data.sex, data.birth_date).items():
                errors.setdefault(field, []).append(message)
    if data.sex and data.sex not in Sex.values:
        errors.setdefault("sex", []).append(_("Choose the sex."))
    if data.birth_date and data.birth_date > calendar.legal_date():
        errors.setdefault("birth_date", []).append(_("This date is in the future."))
    if errors:
        raise ServiceError(errors)
    return {**cleaned, "pesel": pesel}


def person_record(*, actor: User, data: PersonData) -> CentrePerson:
    """Record a person in the centre's register, as typed, with the centre's own household.

    Returns the centre's record. It links to the shared ``Person`` with this PESEL (or a new
    one when the PESEL is unknown or not given), so that a procedure's referral of that person
    reaches the centre; the shared record is never changed here, and nothing of it (name,
    phone, address, household) is copied into the centre's record. A PESEL the centre has
    recorded already is refused: the person is in its register.
    """
    centre = staff_centre(actor)
    typed = _checked(data)
    with transaction.atomic():
        household = _household(centre, data.household_id, data.household_label)
        pesel = typed["pesel"]
        # A person unknown to everyone gets a new shared record with what the centre typed
        # and no household (the centre's household is its own and never joins the
        # procedures'). A known PESEL only links: the shared record stays as it is.
        new_shared = {
            "first_name": typed["first_name"],
            "last_name": typed["last_name"],
            "birth_date": data.birth_date,
            "sex": data.sex,
        }
        if pesel:
            new_shared["birth_date"] = pesel_utils.birth_date(pesel)
            new_shared["sex"] = "female" if pesel_utils.sex(pesel) == "F" else "male"
            shared, created = Person.objects.get_or_create(pesel=pesel, defaults=new_shared)
            if not created and CentrePerson.objects.filter(centre=centre, person=shared).exists():
                raise _refuse(
                    _("This centre has already recorded a person with this PESEL."), "pesel"
                )
        else:
            shared = Person.objects.create(pesel=None, **new_shared)
        try:
            # Two entries of the same PESEL at the same moment: the second meets the unique
            # (centre, person) constraint and gets the same answer as one a minute later.
            with transaction.atomic():
                record = CentrePerson.objects.create(
                    centre=centre,
                    person=shared,
                    first_name=typed["first_name"],
                    last_name=typed["last_name"],
                    pesel=pesel,
                    birth_date=data.birth_date,
                    sex=data.sex,
                    phone=typed["phone"],
                    household=household,
                )
        except IntegrityError as error:
            raise _refuse(
                _("This centre has already recorded a person with this PESEL."), "pesel"
            ) from error
        log_event(
            action="centre.person_recorded",
            actor=actor,
            person=shared,
            payload={"centre_person": record.pk},
        )
    return record


def _household(centre: Centre, household_id: int | None, label: str) -> CentreHousehold | None:
    """A household of the centre's register by id, a new one named ``label``, or none."""
    if household_id:
        household = CentreHousehold.objects.filter(pk=household_id, centre=centre).first()
        if household is None:
            raise _refuse(_("Choose a household recorded by this centre."), "household_id")
        return household
    if label.strip():
        try:
            label = clean_name(label)
        except ValidationError as error:
            raise ServiceError({"household_label": error.messages}) from error
        return CentreHousehold.objects.create(centre=centre, label=label)
    return None


def person_household_set(
    *, actor: User, person_id: int, household_id: int | None = None, household_label: str = ""
) -> CentrePerson:
    """Put the centre's record of a person in a household of the centre (a known one or a new
    one), e.g. once the family of someone who came alone is known. Only the centre's record
    changes; the statistics then count the person with that family for the whole period."""
    centre = staff_centre(actor)
    if household_id and household_label.strip():
        raise _refuse(_("Choose a household or name a new one, not both."), "household_label")
    if not household_id and not household_label.strip():
        raise _refuse(_("Choose a household or name a new one."), "household_id")
    with transaction.atomic():
        record = (
            CentrePerson.objects.select_for_update().filter(centre=centre, pk=person_id).first()
        )
        if record is None:
            raise PermissionDenied
        household = _household(centre, household_id, household_label)
        previous = record.household_id
        record.household = household
        record.save(update_fields=["household"])
        log_event(
            action="centre.person_household_set",
            actor=actor,
            person=record.person,
            payload={"centre_person": record.pk, "from": previous, "to": record.household_id},
        )
    return record


# --------------------------------------------------------------------------- duty log


def contact_record(
    *,
    actor: User,
    at: datetime.datetime,
    channel: str,
    reason: str,
    outcome: str,
    person_id: int | None = None,
    new_person: PersonData | None = None,
) -> Contact:
    """One entry of the duty log: a person already recorded, a new one, or nobody named."""
    centre = staff_centre(actor)
    if person_id and new_person:
        raise _refuse(_("Choose a person or write a new one, not both."), "person")
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise _refuse(_("This moment is in the future."), "at")
    if channel not in Contact.Channel.values:
        raise _refuse(_("Choose how the person reached the centre."), "channel")
    if outcome not in Contact.Outcome.values:
        raise _refuse(_("Choose the outcome."), "outcome")
    if not reason.strip():
        raise _refuse(_("Give the reason."), "reason")
    with transaction.atomic():
        person: CentrePerson | None
        if new_person is not None:
            person = person_record(actor=actor, data=new_person)
        else:
            person = _own_person(centre, person_id) if person_id else None
        contact = Contact.objects.create(
            centre=centre,
            at=at,
            channel=channel,
            staff=actor,
            person=person,
            reason=reason.strip(),
            outcome=outcome,
        )
        log_event(
            action="centre.contact_recorded",
            actor=actor,
            person=person.person if person else None,
            payload={"contact": contact.pk, "channel": channel, "outcome": outcome},
        )
    return contact


# --------------------------------------------------------------------------- consultations


@dataclass
class ConsultationInput:
    kind: str
    mode: str
    held_on: datetime.date
    duration_minutes: int
    person_ids: list[int]
    place: str = ""
    field_reason: str = ""
    notes: str = ""
    contact_id: int | None = None


def consultation_record(*, actor: User, data: ConsultationInput) -> Consultation:
    centre = staff_centre(actor)
    _not_future(data.held_on, "held_on")
    if data.kind not in Consultation.Kind.values:
        raise _refuse(_("Choose the type of consultation."), "kind")
    if data.mode not in Consultation.Mode.values:
        raise _refuse(_("Choose the mode."), "mode")
    if data.mode == Consultation.Mode.FIELD:
        if not data.place.strip():
            raise _refuse(_("A field intervention needs its place."), "place")
        if data.field_reason not in Consultation.FieldReason.values:
            raise _refuse(_("A field intervention needs its reason."), "field_reason")
    elif data.place.strip() or data.field_reason:
        raise _refuse(_("Place and reason are for field interventions only."), "place")
    if not 1 <= data.duration_minutes <= 600:
        raise _refuse(_("Give the duration in minutes (1–600)."), "duration_minutes")
    with transaction.atomic():
        people = [_own_person(centre, pk) for pk in dict.fromkeys(data.person_ids)]
        contact = None
        if data.contact_id:
            contact = Contact.objects.filter(pk=data.contact_id, centre=centre).first()
            if contact is None:
                raise _refuse(_("Choose a contact of this centre's duty log."), "contact_id")
        consultation = Consultation.objects.create(
            centre=centre,
            kind=data.kind,
            mode=data.mode,
            staff=actor,
            held_on=data.held_on,
            duration_minutes=data.duration_minutes,
            place=data.place.strip(),
            field_reason=data.field_reason,
            notes=data.notes.strip(),
            contact=contact,
        )
        ConsultationPerson.objects.bulk_create(
            ConsultationPerson(consultation=consultation, person=p) for p in people
        )
        log_event(
            action="centre.consultation_recorded",
            actor=actor,
            person=people[0].person if len(people) == 1 else None,
            payload={"consultation": consultation.pk, "people": [p.person_id for p in people]},
        )
    return consultation


def consultation_link_procedure(*, actor: User, consultation_id: int, procedure) -> None:
    """Remember that an NK-A filled after this consultation opened or joined ``procedure``."""
    centre = staff_centre(actor)
    updated = Consultation.objects.filter(pk=consultation_id, centre=centre).update(
        procedure=procedure
    )
    if updated:
        log_event(
            action="centre.consultation_started_nka",
            actor=actor,
            procedure=procedure,
            payload={"consultation": consultation_id},
        )


# --------------------------------------------------------------------------- therapy


def therapy_course_start(
    *, actor: User, kind: str, person_id: int, started_on: datetime.date
) -> TherapyCourse:
    centre = staff_centre(actor)
    _not_future(started_on, "started_on")
    if kind not in TherapyCourse.Kind.values:
        raise _refuse(_("Choose individual or family therapy."), "kind")
    with transaction.atomic():
        person = _own_person(centre, person_id)
        course = TherapyCourse.objects.create(
            centre=centre, kind=kind, therapist=actor, person=person, started_on=started_on
        )
        log_event(action="centre.therapy_started", actor=actor, person=person.person)
    return course


def _own_course(centre: Centre, course_id: int, *, lock: bool = False) -> TherapyCourse:
    courses = TherapyCourse.objects.select_for_update() if lock else TherapyCourse.objects
    course = courses.filter(pk=course_id, centre=centre).first()
    if course is None:
        raise PermissionDenied
    return course


def therapy_session_record(
    *, actor: User, course_id: int, held_on: datetime.date, duration_minutes: int
) -> TherapySession:
    centre = staff_centre(actor)
    _not_future(held_on, "held_on")
    with transaction.atomic():
        course = _own_course(centre, course_id, lock=True)
        if course.ended_on:
            raise _refuse(_("The course has ended."))
        if held_on < course.started_on:
            raise _refuse(_("A session cannot precede the start of the course."), "held_on")
        if not 1 <= duration_minutes <= 600:
            raise _refuse(_("Give the duration in minutes (1–600)."), "duration_minutes")
        session = TherapySession.objects.create(
            course=course, held_on=held_on, duration_minutes=duration_minutes
        )
        log_event(action="centre.therapy_session_held", actor=actor, person=course.person.person)
    return session


def therapy_course_end(
    *, actor: User, course_id: int, ended_on: datetime.date, referred_to: str = ""
) -> TherapyCourse:
    centre = staff_centre(actor)
    _not_future(ended_on, "ended_on")
    with transaction.atomic():
        course = _own_course(centre, course_id, lock=True)
        if course.ended_on:
            raise _refuse(_("The course has already ended."))
        if ended_on < course.started_on:
            raise _refuse(_("The end cannot precede the start."), "ended_on")
        course.ended_on = ended_on
        course.referred_to = referred_to.strip()
        course.save(update_fields=["ended_on", "referred_to"])
        log_event(
            action="centre.therapy_ended",
            actor=actor,
            person=course.person.person,
            payload={"referred_long_term": bool(course.referred_to)},
        )
    return course


# --------------------------------------------------------------------------- groups


def group_create(
    *, actor: User, kind: str, name: str, starts_on: datetime.date, ends_on: datetime.date | None
) -> Group:
    centre = staff_centre(actor)
    if kind not in Group.Kind.values:
        raise _refuse(_("Choose the type of group."), "kind")
    if not name.strip():
        raise _refuse(_("Give the group a name."), "name")
    if ends_on and ends_on < starts_on:
        raise _refuse(_("The end cannot precede the start."), "ends_on")
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
    from workflows.services import _lock, record_programme_certificate

    centre = staff_centre(actor)
    _not_future(enrolled_on, "enrolled_on")
    with transaction.atomic():
        group = _own_group(centre, group_id)
        person = _own_person(centre, person_id)
        if enrolled_on < group.starts_on - datetime.timedelta(days=60):
            raise _refuse(_("The enrolment is long before the group starts."), "enrolled_on")
        if Enrolment.objects.filter(group=group, person=person).exists():
            raise _refuse(_("This person is already enrolled in this group."), "person")
        referral = None
        if referral_id:
            if group.kind != Group.Kind.CORRECTIONAL:
                raise _refuse(
                    _("Only a correctional-educational group answers a referral."), "referral"
                )
            referral = open_referrals_for(centre, person).filter(pk=referral_id).first()
            if referral is None:
                raise _refuse(_("Choose an open referral of this person."), "referral")
        enrolment = Enrolment.objects.create(
            group=group, person=person, enrolled_on=enrolled_on, referral=referral
        )
        if referral is not None:
            procedure = _lock(referral.procedure_id)
            try:
                record_programme_certificate(
                    actor=actor,
                    procedure=procedure,
                    referral_id=referral.pk,
                    certificate="reported",
                    received_on=enrolled_on,
                )
            except ServiceError as error:
                raise _refuse(
                    " ".join(m for ms in error.message_dict.values() for m in ms), "enrolled_on"
                ) from error
            _certificate(actor, procedure, referral, "reported")
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
    from workflows.services import _lock, record_programme_certificate

    centre = staff_centre(actor)
    _not_future(finished_on, "finished_on")
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
            raise _refuse(_("This enrolment has already ended."))
        if finished_on < enrolment.enrolled_on:
            raise _refuse(_("The end cannot precede the enrolment."), "finished_on")
        if completed:
            enrolment.finished_on = finished_on
        else:
            enrolment.left_on = finished_on
        enrolment.save(update_fields=["finished_on", "left_on"])
        if completed and enrolment.referral is not None:
            procedure = _lock(enrolment.referral.procedure_id)
            record_programme_certificate(
                actor=actor,
                procedure=procedure,
                referral_id=enrolment.referral.pk,
                certificate="completed",
                received_on=finished_on,
            )
            _certificate(actor, procedure, enrolment.referral, "completed")
        log_event(
            action="centre.enrolment_completed" if completed else "centre.enrolment_left",
            actor=actor,
            person=enrolment.person.person,
            payload={"group": enrolment.group_id},
        )
    return enrolment


def _certificate(actor: User, procedure, referral: Referral, certificate: str) -> None:
    from documents.models import DocumentKind
    from documents.services import schedule

    kind = (
        DocumentKind.PROGRAMME_REPORTED
        if certificate == "reported"
        else DocumentKind.PROGRAMME_COMPLETED
    )
    schedule(procedure=procedure, kind=kind, subject=f"referral:{referral.pk}", actor=actor)


def group_session_record(
    *, actor: User, group_id: int, held_on: datetime.date, topic: str, present_ids: list[int]
) -> GroupSession:
    centre = staff_centre(actor)
    _not_future(held_on, "held_on")
    with transaction.atomic():
        group = _own_group(centre, group_id)
        if held_on < group.starts_on or (group.ends_on and held_on > group.ends_on):
            raise _refuse(_("The session is outside the group's dates."), "held_on")
        enrolments = list(Enrolment.objects.filter(group=group, pk__in=present_ids))
        if len(enrolments) != len(set(present_ids)):
            raise _refuse(_("Mark only people enrolled in this group."), "present")
        session = GroupSession.objects.create(group=group, held_on=held_on, topic=topic.strip())
        session.present.set(enrolments)
        log_event(
            action="centre.group_session_held",
            actor=actor,
            payload={"group": group.pk, "session": session.pk, "present": len(enrolments)},
        )
    return session


# --------------------------------------------------------------------------- hostel


def stay_limit(centre: Centre, admitted_on: datetime.date) -> datetime.date:
    """The last planned day without an extension: the centre's limit, at most the statute's."""
    statutory = rule(RuleCode.HOSTEL_STAY, edition_on(admitted_on)).value
    months = min(centre.hostel_limit_months, statutory)
    return admitted_on + relativedelta(months=months)


def _place_free(place: HostelPlace, start: datetime.date, end: datetime.date) -> bool:
    """No other stay on ``place`` overlaps the nights from ``start`` to ``end``."""
    return not (
        HostelStay.objects.filter(place=place, admitted_on__lt=end)
        .exclude(discharged_on__isnull=False, discharged_on__lte=start)
        .exclude(discharged_on__isnull=True, planned_end_on__lte=start)
        .exists()
    )


def hostel_admit(
    *,
    actor: User,
    person_id: int,
    place_id: int,
    admitted_on: datetime.date,
    planned_end_on: datetime.date,
    reason: str,
    children: Sequence[tuple[int, int]] = (),
) -> HostelStay:
    """Admit a person (and the children who came along, each ``(person_id, place_id)``)."""
    centre = staff_centre(actor)
    _not_future(admitted_on, "admitted_on")
    if planned_end_on <= admitted_on:
        raise _refuse(_("The planned end must follow the admission."), "planned_end_on")
    limit = stay_limit(centre, admitted_on)
    if planned_end_on > limit:
        raise _refuse(
            _("A stay may be planned until %(limit)s at most; extend it later if needed.")
            % {"limit": limit.isoformat()},
            "planned_end_on",
        )
    if not reason.strip():
        raise _refuse(_("Give the reason for the stay."), "reason")
    with transaction.atomic():
        wanted = [(person_id, place_id), *children]
        if len({p for p, _ in wanted}) != len(wanted) or len({b for _, b in wanted}) != len(wanted):
            raise _refuse(_("Each person needs a place of their own."), "place")
        places = {
            p.pk: p
            for p in HostelPlace.objects.select_for_update().filter(
                centre=centre, pk__in=[b for _, b in wanted]
            )
        }
        stays: list[HostelStay] = []
        for index, (pid, bid) in enumerate(wanted):
            place = places.get(bid)
            if place is None:
                raise _refuse(_("Choose a place of this hostel."), "place")
            if not _place_free(place, admitted_on, planned_end_on):
                raise _refuse(
                    _("Place %(place)s is taken in these days.") % {"place": place}, "place"
                )
            person = _own_person(centre, pid)
            if HostelStay.objects.filter(
                person=person, discharged_on__isnull=True, centre=centre
            ).exists():
                raise _refuse(_("%(name)s is staying in the hostel already.") % {"name": person})
            stays.append(
                HostelStay.objects.create(
                    centre=centre,
                    person=person,
                    place=place,
                    accompanying=stays[0] if index else None,
                    admitted_on=admitted_on,
                    planned_end_on=planned_end_on,
                    reason=reason.strip(),
                    admitted_by=actor,
                )
            )
        log_event(
            action="centre.hostel_admitted",
            actor=actor,
            person=stays[0].person.person,
            payload={"stay": stays[0].pk, "children": len(stays) - 1},
        )
    return stays[0]


def _own_stay(centre: Centre, stay_id: int) -> HostelStay:
    stay = (
        HostelStay.objects.select_for_update()
        .filter(pk=stay_id, centre=centre, accompanying__isnull=True)
        .first()
    )
    if stay is None:
        raise PermissionDenied
    return stay


def hostel_extend(
    *, actor: User, stay_id: int, new_end_on: datetime.date, justification: str
) -> StayExtension:
    """The only way past the limit: a later end with its justification (children too)."""
    centre = staff_centre(actor)
    if not justification.strip():
        raise _refuse(_("An extension needs its justification."), "justification")
    with transaction.atomic():
        stay = _own_stay(centre, stay_id)
        if stay.discharged_on:
            raise _refuse(_("The stay has ended."))
        if new_end_on <= stay.planned_end_on:
            raise _refuse(_("The new end must be later than the planned one."), "new_end_on")
        for member in [stay, *stay.children.all()]:
            if not _place_free_except(member, new_end_on):
                raise _refuse(
                    _("Place %(place)s is booked after the current end.") % {"place": member.place},
                    "new_end_on",
                )
        extension = StayExtension.objects.create(
            stay=stay,
            previous_end_on=stay.planned_end_on,
            new_end_on=new_end_on,
            justification=justification.strip(),
            decided_by=actor,
        )
        HostelStay.objects.filter(pk=stay.pk).update(planned_end_on=new_end_on)
        stay.children.filter(discharged_on__isnull=True).update(planned_end_on=new_end_on)
        log_event(
            action="centre.hostel_extended",
            actor=actor,
            person=stay.person.person,
            payload={"stay": stay.pk, "until": new_end_on.isoformat()},
        )
    return extension


def _place_free_except(stay: HostelStay, new_end: datetime.date) -> bool:
    return not (
        HostelStay.objects.filter(
            place=stay.place, admitted_on__lt=new_end, admitted_on__gte=stay.planned_end_on
        )
        .exclude(pk=stay.pk)
        .exists()
    )


def hostel_discharge(*, actor: User, stay_id: int, discharged_on: datetime.date) -> HostelStay:
    """Discharge a person and the children with them; never past the planned end."""
    centre = staff_centre(actor)
    _not_future(discharged_on, "discharged_on")
    with transaction.atomic():
        stay = _own_stay(centre, stay_id)
        if stay.discharged_on:
            raise _refuse(_("The stay has already ended."))
        if discharged_on < stay.admitted_on:
            raise _refuse(_("The discharge cannot precede the admission."), "discharged_on")
        if discharged_on > stay.planned_end_on:
            raise _refuse(
                _("The stay was planned until %(end)s; record an extension first.")
                % {"end": stay.planned_end_on.isoformat()},
                "discharged_on",
            )
        HostelStay.objects.filter(pk=stay.pk).update(discharged_on=discharged_on)
        stay.children.filter(discharged_on__isnull=True).update(discharged_on=discharged_on)
        log_event(
            action="centre.hostel_discharged",
            actor=actor,
            person=stay.person.person,
            payload={"stay": stay.pk},
        )
        stay.refresh_from_db()
    return stay


# --------------------------------------------------------------------------- prevention


def prevention_event_record(
    *,
    actor: User,
    held_on: datetime.date,
    topic: str,
    audience: str,
    participants: int,
    place: str = "",
) -> PreventionEvent:
    centre = staff_centre(actor)
    _not_future(held_on, "held_on")
    if audience not in PreventionEvent.Audience.values:
        raise _refuse(_("Choose the audience."), "audience")
    if not topic.strip():
        raise _refuse(_("Give the topic."), "topic")
    if not 1 <= participants <= 100000:
        raise _refuse(_("Give the number of participants."), "participants")
    with transaction.atomic():
        event = PreventionEvent.objects.create(
            centre=centre,
            held_on=held_on,
            topic=topic.strip(),
            audience=audience,
            participants=participants,
            place=place.strip(),
        )
        log_event(action="centre.prevention_recorded", actor=actor, payload={"event": event.pk})
    return event
