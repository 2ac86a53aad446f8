"""Demo data of the crisis centre (seeded on ``workflows.demo.demo_seeded``): synthetic only.

Powiatowy Ośrodek Interwencji Kryzysowej w Przykładowie with a confidential hostel address,
six places, a duty-log of the last days, consultations over the year (one field
intervention), a short-term therapy course, a support group and a correctional-educational
group (Jan Mróz's referral from the demo procedure waits there to be answered), a stay in
the hostel with a child, and prevention events. Written through ``centre.services``.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import receiver

from centre import services
from centre.models import Centre, CentreStaff, HostelPlace
from people.models import Person
from workflows import calendar
from workflows.demo import Login, demo_logins, demo_seeded
from workflows.models import Municipality

DUTY_LOGIN = ("dyzurny_oik", "Paweł", "Nocny", "dyżurny OIK (dziennik dyżurów, hostel)")


def seed(municipality: Municipality, password: str, pesel) -> None:
    """Create the centre once (``pesel(birth, sex)`` makes synthetic PESELs)."""
    if Centre.objects.filter(municipality=municipality).exists():
        return
    User = get_user_model()
    today = calendar.legal_date()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    with transaction.atomic():
        centre = Centre.objects.create(
            name="Powiatowy Ośrodek Interwencji Kryzysowej w Przykładowie",
            county=municipality.county,
            municipality=municipality,
            address="ul. Szpitalna 4, 00-950 Przykładowo",
            hostel_address="ul. Cicha 7 (wejście od podwórza), 00-951 Przykładowo",
        )
        for room, bed in (("1", "A"), ("1", "B"), ("2", "A"), ("2", "B"), ("3", "A"), ("3", "B")):
            HostelPlace.objects.create(centre=centre, room=room, bed=bed)
        psychologist = User.objects.get(username="psycholog_oik")
        CentreStaff.objects.create(user=psychologist, centre=centre, function="psycholożka")
        duty = User.objects.create_user(
            DUTY_LOGIN[0],
            f"{DUTY_LOGIN[0]}@przykladowo.example",
            password,
            first_name=DUTY_LOGIN[1],
            last_name=DUTY_LOGIN[2],
        )
        CentreStaff.objects.create(user=duty, centre=centre, function="interwent, dyżur nocny")

        def person(first, last, born, sex, **household):
            return services.person_record(
                actor=psychologist,
                data=services.PersonData(
                    first_name=first, last_name=last, pesel=pesel(born, sex), **household
                ),
            )

        ola = person(
            "Aleksandra",
            "Wiśniewska",
            datetime.date(1991, 2, 14),
            "F",
            household_label="Wiśniewscy",
        )
        kuba = person(
            "Jakub", "Wiśniewski", datetime.date(2017, 8, 30), "M", household_id=ola.household_id
        )
        leszek = person(
            "Leszek", "Dąbrowski", datetime.date(1958, 10, 2), "M", household_label="Dąbrowscy"
        )
        ewa = person(
            "Ewa", "Dąbrowska", datetime.date(1960, 1, 20), "F", household_id=leszek.household_id
        )
        zofia = person("Zofia", "Kamińska", datetime.date(2005, 5, 5), "F")
        # Jan Mróz of the demo procedure: the same record (same PESEL) as in the procedure.
        mroz = Person.objects.filter(first_name="Jan", last_name="Mróz").first()
        if mroz is not None:
            services.person_record(
                actor=psychologist,
                data=services.PersonData(
                    first_name=mroz.first_name, last_name=mroz.last_name, pesel=mroz.pesel or ""
                ),
            )

        for days, kind, mode, people, minutes, extra in (
            (120, "psychological", "in_person", [leszek, ewa], 60, {}),
            (
                90,
                "crisis",
                "field",
                [leszek, ewa],
                120,
                {"place": "ul. Leśna 2, Przykładowo", "field_reason": "suicide"},
            ),
            (60, "legal", "in_person", [ola], 45, {}),
            (30, "psychological", "phone", [zofia], 30, {}),
            (10, "crisis", "in_person", [ola], 90, {}),
            (3, "social", "in_person", [ola], 40, {}),
        ):
            services.consultation_record(
                actor=psychologist,
                data=services.ConsultationInput(
                    kind=kind,
                    mode=mode,
                    held_on=ago(days),
                    duration_minutes=minutes,
                    person_ids=[p.pk for p in people],
                    **extra,
                ),
            )
        # The last two contacts the evening before the demo day (20:40 and 22:40): never in the
        # future, whatever the hour the demo is seeded at (a contact after midnight was).
        night = datetime.datetime.combine(ago(10), datetime.time(2, 40), tzinfo=calendar.WARSAW)
        for at, channel, person_id, reason, outcome in (
            (night, "police", ola.pk, "awantura domowa, matka z dzieckiem", "hostel"),
            (
                night + datetime.timedelta(days=9, hours=18),
                "phone",
                None,
                "myśli samobójcze, rozmowa interwencyjna",
                "intervention",
            ),
            (
                night + datetime.timedelta(days=9, hours=20),
                "walk_in",
                zofia.pk,
                "prośba o konsultację prawną",
                "referral",
            ),
        ):
            services.contact_record(
                actor=duty,
                at=at,
                channel=channel,
                reason=reason,
                outcome=outcome,
                person_id=person_id,
            )
        places = list(centre.places.all())
        services.hostel_admit(
            actor=duty,
            person_id=ola.pk,
            place_id=places[0].pk,
            admitted_on=ago(10),
            planned_end_on=ago(10) + datetime.timedelta(days=60),
            reason="Przemoc domowa; matka z synem, potrzeba schronienia.",
            children=[(kuba.pk, places[1].pk)],
        )
        course = services.therapy_course_start(
            actor=psychologist, kind="family", person_id=leszek.pk, started_on=ago(85)
        )
        for days in (85, 71, 57, 43):
            services.therapy_session_record(
                actor=psychologist, course_id=course.pk, held_on=ago(days), duration_minutes=90
            )
        services.therapy_course_end(
            actor=psychologist,
            course_id=course.pk,
            ended_on=ago(40),
            referred_to="Poradnia Zdrowia Psychicznego w Przykładowie",
        )
        support = services.group_create(
            actor=psychologist,
            kind="support",
            name="Grupa wsparcia dla osób doznających przemocy",
            starts_on=ago(56),
            ends_on=None,
        )
        enrolled = [
            services.enrol(
                actor=psychologist, group_id=support.pk, person_id=p.pk, enrolled_on=ago(56)
            )
            for p in (ola, zofia)
        ]
        for days in (56, 49, 42, 35):
            services.group_session_record(
                actor=psychologist,
                group_id=support.pk,
                held_on=ago(days),
                topic="",
                present_ids=[e.pk for e in enrolled],
            )
        services.group_create(
            actor=psychologist,
            kind="correctional_educational",
            name="Program korekcyjno-edukacyjny – edycja jesienna",
            starts_on=ago(14),
            ends_on=None,
        )
        for days, topic, audience, count in (
            (150, "Cyberprzemoc – warsztaty", "youth", 54),
            (100, "Rozpoznawanie przemocy wobec dziecka", "teachers", 23),
            (45, "Interwencja kryzysowa w pracy dzielnicowego", "police_officers", 17),
        ):
            services.prevention_event_record(
                actor=psychologist,
                held_on=ago(days),
                topic=topic,
                audience=audience,
                participants=count,
            )


@receiver(demo_seeded, dispatch_uid="centre.demo")
def on_demo_seeded(sender, *, municipality: Municipality, password: str, pesel, **kwargs) -> None:
    """``workflows.demo.demo_seeded``: the procedure's demo exists; add the centre's."""
    seed(municipality, password, pesel)


@receiver(demo_logins, dispatch_uid="centre.demo.logins")
def on_demo_logins(sender, **kwargs) -> list[Login]:
    """``workflows.demo.demo_logins``: the centre's demo login."""
    return [Login(DUTY_LOGIN[0], f"{DUTY_LOGIN[1]} {DUTY_LOGIN[2]}", DUTY_LOGIN[3])]
