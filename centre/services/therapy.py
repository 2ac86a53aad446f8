"""Short-term individual and family therapy courses and their sessions."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import log_event
from centre.models import Centre, TherapyCourse, TherapySession
from centre.services._shared import not_future, own_person, staff_centre
from workflows.steps import refuse


def therapy_course_start(
    *, actor: User, kind: str, person_id: int, started_on: datetime.date
) -> TherapyCourse:
    centre = staff_centre(actor)
    not_future(started_on, "started_on")
    if kind not in TherapyCourse.Kind.values:
        raise refuse(_("Choose individual or family therapy."), "kind")
    with transaction.atomic():
        person = own_person(centre, person_id)
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
    not_future(held_on, "held_on")
    with transaction.atomic():
        course = _own_course(centre, course_id, lock=True)
        if course.ended_on:
            raise refuse(_("The course has ended."))
        if held_on < course.started_on:
            raise refuse(_("A session cannot precede the start of the course."), "held_on")
        if not 1 <= duration_minutes <= 600:
            raise refuse(_("Give the duration in minutes (1–600)."), "duration_minutes")
        session = TherapySession.objects.create(
            course=course, held_on=held_on, duration_minutes=duration_minutes
        )
        log_event(action="centre.therapy_session_held", actor=actor, person=course.person.person)
    return session


def therapy_course_end(
    *, actor: User, course_id: int, ended_on: datetime.date, referred_to: str = ""
) -> TherapyCourse:
    centre = staff_centre(actor)
    not_future(ended_on, "ended_on")
    with transaction.atomic():
        course = _own_course(centre, course_id, lock=True)
        if course.ended_on:
            raise refuse(_("The course has already ended."))
        if ended_on < course.started_on:
            raise refuse(_("The end cannot precede the start."), "ended_on")
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
