"""Benchmark: the crisis centre's statistics over ten years of one centre.

    python bench/centre_stats.py [--procedures 100000] [--repeat 5] [--database-url URL]

1. Generates, in a throw-away database (SQLite by default; ``--database-url`` for an empty
   PostgreSQL database), ten years (2016–2025) of one centre: 2,000 households, 3,000
   people, 15,000 consultations (1–2 people each, some anonymous), 20,000 duty-log
   contacts, hostel stays on 20 places, 40 groups with sessions and attendance, 300
   prevention events; and 100,000 procedures in its county with their NK-A, victims,
   suspects and (for a third of them) NK-C and NK-D.
2. Times ``centre_statistics`` for the last year and for the ten years (median of
   ``--repeat`` runs, alternating with the floor).
3. The floor, in the same run: reading each table the statistics read once, with one plain
   GROUP BY per table (consultations ⨝ their people, contacts, hostel stays, group
   attendance, prevention events, procedures, NK-A, NK-C, NK-D, victims ⨝ people), for the
   same period. Target: the statistics within 3× the floor.

Timing belongs here, never in the test suite.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url: str | None) -> None:
    tmp = tempfile.mkdtemp(prefix="oik-bench-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "oik_site.settings",
            "DATABASE_URL": database_url or f"sqlite:///{tmp}/bench.sqlite3",
            "OIK_LOCAL_DIR": tmp,
            "OIK_TASKS_BACKEND": "dummy",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(procedures: int, seed: int = 2026) -> "object":
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from centre import models as c
    from forms.models import NKA, NKC, NKD
    from people.models import Household, Person
    from workflows.models import (
        ClosureGround,
        Meeting,
        Municipality,
        Participant,
        Procedure,
        Sector,
        Team,
    )

    rnd = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    start = datetime.date(2016, 1, 1)
    days = (datetime.date(2025, 12, 31) - start).days + 1

    def day() -> datetime.date:
        return start + datetime.timedelta(days=rnd.randrange(days))

    def born(lo: int, hi: int) -> datetime.date:
        return datetime.date(rnd.randint(lo, hi), rnd.randint(1, 12), rnd.randint(1, 28))

    with transaction.atomic():
        user = get_user_model().objects.create_user("bench", password=None)
        municipalities = [
            Municipality.objects.create(
                name=f"Gmina {n}", county="powiat benchmarkowy", teryt=f"{9900000 + n}"
            )
            for n in range(10)
        ]
        teams = [Team.objects.create(municipality=m, name=f"ZI {m.name}") for m in municipalities]
        centre = c.Centre.objects.create(
            name="OIK benchmark",
            county="powiat benchmarkowy",
            municipality=municipalities[0],
            address="ul. Jawna 1",
            hostel_address="ul. Ukryta 1",
        )
        c.CentreStaff.objects.create(user=user, centre=centre, function="psycholog")
        households = c.CentreHousehold.objects.bulk_create(
            c.CentreHousehold(centre=centre, label=f"Rodzina {n}") for n in range(2000)
        )
        shared = Person.objects.bulk_create(
            Person(first_name=f"Imię{n}", last_name=f"Nazwisko{n}") for n in range(3000)
        )
        people = c.CentrePerson.objects.bulk_create(
            c.CentrePerson(
                centre=centre,
                person=p,
                first_name=p.first_name,
                last_name=p.last_name,
                birth_date=born(1940, 2020),
                sex=rnd.choice(("female", "male")),
                household=households[n] if n < 2000 else rnd.choice(households + [None] * 200),
            )
            for n, p in enumerate(shared)
        )
        consultations = c.Consultation.objects.bulk_create(
            c.Consultation(
                centre=centre,
                kind=rnd.choice(c.Consultation.Kind.values),
                mode=(mode := rnd.choice(["in_person"] * 6 + ["phone"] * 3 + ["field"])),
                staff=user,
                held_on=day(),
                duration_minutes=rnd.choice((30, 45, 50, 60, 90)),
                place="ul. Polna" if mode == "field" else "",
                field_reason=rnd.choice(c.Consultation.FieldReason.values)
                if mode == "field"
                else "",
            )
            for _ in range(15000)
        )
        clients = []
        for consultation in consultations:
            for person in rnd.sample(people, rnd.choice((0, 1, 1, 1, 1, 2, 2))):
                clients.append(c.ConsultationPerson(consultation=consultation, person=person))
        c.ConsultationPerson.objects.bulk_create(clients, batch_size=5000)
        c.Contact.objects.bulk_create(
            (
                c.Contact(
                    centre=centre,
                    at=datetime.datetime.combine(
                        day(), datetime.time(rnd.randrange(24)), datetime.UTC
                    ),
                    channel=rnd.choice(c.Contact.Channel.values),
                    staff=user,
                    reason="kryzys",
                    outcome=rnd.choice(c.Contact.Outcome.values),
                )
                for _ in range(20000)
            ),
            batch_size=5000,
        )
        places = c.HostelPlace.objects.bulk_create(
            c.HostelPlace(centre=centre, room=str(n // 2), bed="AB"[n % 2]) for n in range(20)
        )
        stays = []
        for place in places:
            moment = start
            while True:
                moment += datetime.timedelta(days=rnd.randint(0, 20))
                length = rnd.randint(1, 60)
                if moment + datetime.timedelta(days=length) > datetime.date(2025, 12, 31):
                    break
                stays.append(
                    c.HostelStay(
                        centre=centre,
                        person=rnd.choice(people),
                        place=place,
                        admitted_on=moment,
                        planned_end_on=moment + datetime.timedelta(days=length),
                        discharged_on=moment + datetime.timedelta(days=length),
                        reason="przemoc",
                        admitted_by=user,
                    )
                )
                moment += datetime.timedelta(days=length)
        c.HostelStay.objects.bulk_create(stays, batch_size=5000)
        for g in range(40):
            first = start + datetime.timedelta(days=g * 90)
            group = c.Group.objects.create(
                centre=centre,
                kind=rnd.choice(c.Group.Kind.values),
                name=f"Grupa {g}",
                leader=user,
                starts_on=first,
            )
            enrolments = c.Enrolment.objects.bulk_create(
                c.Enrolment(group=group, person=p, enrolled_on=first) for p in rnd.sample(people, 8)
            )
            for s in range(10):
                session = c.GroupSession.objects.create(
                    group=group, held_on=first + datetime.timedelta(days=7 * s)
                )
                session.present.set(rnd.sample(enrolments, 6))
        c.PreventionEvent.objects.bulk_create(
            c.PreventionEvent(
                centre=centre,
                held_on=day(),
                topic="Profilaktyka",
                audience=rnd.choice(c.PreventionEvent.Audience.values),
                participants=rnd.randint(5, 40),
            )
            for _ in range(300)
        )
        # Procedures: one household each, closed unless among the last ones.
        proc_households = Household.objects.bulk_create(
            (
                Household(label=f"Dom {n}", municipality=municipalities[n % 10])
                for n in range(procedures)
            ),
            batch_size=10000,
        )
        rows = []
        for n, household in enumerate(proc_households):
            initiated = day()
            closed = n < procedures * 0.9
            closed_on = min(
                initiated + datetime.timedelta(days=rnd.randint(30, 400)),
                datetime.date(2025, 12, 31),
            )
            rows.append(
                Procedure(
                    number=f"B/{n}",
                    team=teams[n % 10],
                    household=household,
                    edition="2023",
                    stage="closed" if closed else "actions",
                    initiated_on=initiated,
                    initiated_by=user,
                    closed_on=closed_on if closed else None,
                    closed_by=user if closed else None,
                    closure_ground=rnd.choice(ClosureGround.values) if closed else "",
                )
            )
        procs = Procedure.objects.bulk_create(rows, batch_size=10000)
        NKA.objects.bulk_create(
            (
                NKA(
                    procedure=p,
                    edition="2023",
                    filled_at=datetime.datetime.combine(
                        p.initiated_on, datetime.time(10), datetime.UTC
                    ),
                    place="x",
                    initiator=user,
                    initiator_sector=rnd.choice(Sector.values),
                    initiator_institution="x",
                    incident_date=p.initiated_on,
                    incident_place="x",
                    incident_description="x",
                )
                for p in procs
            ),
            batch_size=10000,
        )
        persons = Person.objects.bulk_create(
            (
                Person(
                    first_name="V",
                    last_name=str(n),
                    birth_date=born(1930, 2020),
                    sex=rnd.choice(("female", "female", "male")),
                )
                for n in range(procedures * 2)
            ),
            batch_size=10000,
        )
        participants = []
        for n, p in enumerate(procs):
            participants.append(
                Participant(procedure=p, person=persons[2 * n], role="victim", disabled=n % 17 == 0)
            )
            participants.append(Participant(procedure=p, person=persons[2 * n + 1], role="suspect"))
        Participant.objects.bulk_create(participants, batch_size=10000)
        met = procs[::3]
        meetings = Meeting.objects.bulk_create(
            (
                Meeting(
                    procedure=p,
                    kind=kind,
                    held_on=p.initiated_on + datetime.timedelta(days=10),
                    place="x",
                    recorded_by=user,
                )
                for p in met
                for kind in ("victim", "suspect")
            ),
            batch_size=10000,
        )
        NKC.objects.bulk_create(
            (
                NKC(
                    procedure=m.procedure,
                    meeting=m,
                    victim_id=persons[0].pk,
                    edition="2023",
                    situation="x",
                    first_act="x",
                    last_act="x",
                    needs="x",
                    risk_assessment="x",
                    safety_how_to_act="x",
                    created_by=user,
                )
                for m in meetings
                if m.kind == "victim"
            ),
            batch_size=10000,
        )
        NKD.objects.bulk_create(
            (
                NKD(
                    procedure=m.procedure,
                    meeting=m,
                    suspect_id=persons[1].pk,
                    edition="2023",
                    appeared=rnd.random() < 0.7,
                    created_by=user,
                )
                for m in meetings
                if m.kind == "suspect"
            ),
            batch_size=10000,
        )
    return centre


def floor_queries(centre, start, end) -> None:
    """Each table the statistics read, read once with one plain GROUP BY."""
    from django.db.models import Count

    from centre import models as c
    from forms.models import NKA, NKC, NKD
    from workflows.models import Participant, Procedure

    county = centre.county
    list(
        c.ConsultationPerson.objects.filter(
            consultation__centre=centre, consultation__held_on__range=(start, end)
        )
        .values("consultation__kind")
        .annotate(n=Count("id"))
    )
    list(
        c.Contact.objects.filter(centre=centre, at__date__range=(start, end))
        .values("channel")
        .annotate(n=Count("id"))
    )
    list(
        c.HostelStay.objects.filter(centre=centre, admitted_on__lte=end)
        .values("place")
        .annotate(n=Count("id"))
    )
    list(
        c.GroupSession.objects.filter(group__centre=centre, held_on__range=(start, end))
        .values("group__kind")
        .annotate(n=Count("present"))
    )
    list(
        c.PreventionEvent.objects.filter(centre=centre, held_on__range=(start, end))
        .values("audience")
        .annotate(n=Count("id"))
    )
    list(
        Procedure.objects.filter(team__municipality__county=county, initiated_on__lte=end)
        .values("stage")
        .annotate(n=Count("id"))
    )
    list(
        NKA.objects.filter(
            procedure__team__municipality__county=county, filled_at__date__range=(start, end)
        )
        .values("initiator_sector")
        .annotate(n=Count("id"))
    )
    for model in (NKC, NKD):
        list(
            model.objects.filter(
                procedure__team__municipality__county=county, meeting__held_on__range=(start, end)
            )
            .values("edition")
            .annotate(n=Count("id"))
        )
    list(
        Participant.objects.filter(
            procedure__team__municipality__county=county,
            procedure__initiated_on__lte=end,
            role="victim",
        )
        .values("person__sex")
        .annotate(n=Count("id"))
    )


def timed(function, *args) -> float:
    began = time.perf_counter()
    function(*args)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procedures", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="an EMPTY database to fill (default: SQLite)")
    args = parser.parse_args()
    setup(args.database_url)
    from django.db import connection
    from django.utils import translation

    translation.activate("en")  # the labels looked up below

    from centre.statistics import centre_statistics

    began = time.perf_counter()
    centre = generate(args.procedures)
    print(
        f"database: {connection.vendor}; generated ten years and {args.procedures:,} "
        f"procedures in {time.perf_counter() - began:.1f} s"
    )
    periods = {
        "year 2025": (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        "ten years": (datetime.date(2016, 1, 1), datetime.date(2025, 12, 31)),
    }
    today = datetime.date(2025, 12, 31)
    worst = 0.0
    print(f"\n{'period':12} {'statistics ms':>14} {'floor ms':>10} {'ratio':>7}")
    for label, (start, end) in periods.items():
        stats = centre_statistics(centre, start, end, today)  # warm-up
        floor_queries(centre, start, end)
        ours, floor = [], []
        for _ in range(args.repeat):
            ours.append(timed(centre_statistics, centre, start, end, today))
            floor.append(timed(floor_queries, centre, start, end))
        a, b = statistics.median(ours) * 1000, statistics.median(floor) * 1000
        worst = max(worst, a / b)
        print(f"{label:12} {a:14.1f} {b:10.1f} {a / b:7.2f}")
        print(
            f"             consultations {stats.value('summary', 'consultations'):,}, "
            f"people {stats.value('summary', 'distinct people'):,}, "
            f"families {stats.value('summary', 'distinct families'):,}"
        )
    print(f"\nworst ratio to the floor: {worst:.2f} (target ≤ 3)")


if __name__ == "__main__":
    main()
