"""Benchmark: the timeliness figures (issue 15 item 4) over 100,000 procedures on PostgreSQL.

    python bench/timeliness.py [--procedures 100000] [--repeat 7] [--database-url URL]

1. Builds, or reuses when it already holds ``--procedures`` procedures, a PostgreSQL
   database (default ``oik_bench_timeliness`` on postgres://postgres@127.0.0.1:5432/,
   created and migrated if missing) with the rows the figures read, streamed with COPY:
   50 teams; ten years (2016–2025) of procedures, each with its household, victim and
   suspect (a few hundred victims come back after a closed procedure: repeat cards); the
   group (95 %), 1–4 meetings (3 % of them withdrawn), the deadlines of the measured rules
   (met on time, late, or open), and protective orders for a fifth of them (extended by a
   court, lapsed, or ended by pretrial detention).
2. Times each figure of ``oversight.timeliness`` for a national auditor over the ten years
   (median of ``--repeat`` runs after a warm-up, alternating with its floor), and the
   whole page's figures together.
3. The floor, in the same run: one plain GROUP BY that reads the same tables, joined the
   same way, for the same period. Prints a table and, last, ``worst ratio to the floor:
   X.XX`` (the goal: ≤ 3).

Timing belongs here, never in the test suite.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/oik_bench_timeliness"
START, END = datetime.date(2016, 1, 1), datetime.date(2025, 12, 31)
TEAMS = 50


def setup(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "oik_site.settings",
            "DATABASE_URL": database_url,
            "OIK_TASKS_BACKEND": "dummy",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _copy(cursor, table: str, columns: tuple[str, ...], rows) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def generate(procedures: int, seed: int = 2026) -> None:  # noqa: PLR0915 - one generator
    """Writes ``procedures`` procedures and what the figures read (see the module doc)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from workflows.models import AuditorScope, Municipality, Team

    rnd = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    now = datetime.datetime.now(datetime.UTC)
    span = (END - START).days + 1
    with transaction.atomic():
        user = get_user_model().objects.create_user("bench_timeliness", password=None)
        AuditorScope.objects.create(user=user, institution="NIK (benchmark)")
        teams = [
            Team.objects.create(
                municipality=Municipality.objects.create(
                    name=f"Gmina T{n}", county=f"powiat T{n // 10}", teryt=f"{9800000 + n}"
                ),
                name=f"ZI T{n}",
            ).pk
            for n in range(TEAMS)
        ]
        with connection.cursor() as django_cursor:
            cursor = django_cursor.cursor  # psycopg's, for COPY
            tables = (
                "people_household",
                "people_person",
                "workflows_procedure",
                "workflows_participant",
                "workflows_diagnosticgroup",
                "workflows_meeting",
                "workflows_deadline",
                "workflows_protectiveorder",
            )
            base = {}
            for table in tables:  # constant names
                found = cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
                base[table] = found.fetchone()[0]
            days = sorted(rnd.randrange(span) for _ in range(procedures))
            plan = []  # (id, team, initiated, closed, victim, suspect)
            closed_victims: list[tuple[datetime.date, int]] = []
            person = base["people_person"]
            for n, offset in enumerate(days):
                initiated = START + datetime.timedelta(days=offset)
                closed = initiated + datetime.timedelta(days=rnd.randint(40, 420))
                closed = closed if closed <= END and rnd.random() < 0.9 else None
                recent = [v for c, v in closed_victims[-200:] if c <= initiated]
                if recent and rnd.random() < 0.08:
                    victim = rnd.choice(recent)
                else:
                    person += 1
                    victim = person
                person += 1
                pid = base["workflows_procedure"] + n + 1
                plan.append((pid, teams[n % TEAMS], initiated, closed, victim, person))
                if closed:
                    closed_victims.append((closed, victim))
            _copy(
                cursor,
                "people_person",
                ("id", "first_name", "last_name", "sex", "parents_names", "address", "phone")
                + ("email", "created_at"),
                (
                    (i, f"Imię{i}", f"Nazwisko{i}", "", "", "", "", "", now)
                    for i in range(base["people_person"] + 1, person + 1)
                ),
            )
            municipality = dict(Team.objects.values_list("pk", "municipality_id"))
            _copy(
                cursor,
                "people_household",
                ("id", "label", "address", "created_at", "municipality_id"),
                (
                    (base["people_household"] + k + 1, f"Rodzina {k}", "", now, municipality[t])
                    for k, (_p, t, *_rest) in enumerate(plan)
                ),
            )
            _copy(
                cursor,
                "workflows_procedure",
                ("id", "number", "edition", "stage", "initiated_on", "closed_on")
                + ("closure_ground", "closure_summary", "created_at", "updated_at")
                + ("household_id", "initiated_by_id", "team_id", "monitoring_off_reason"),
                (
                    (
                        pid,
                        f"NK/B/{pid}",
                        "2023",
                        "closed" if closed else "actions",
                        initiated,
                        closed,
                        "violence_stopped" if closed else "",
                        "",
                        now,
                        now,
                        base["people_household"] + k + 1,
                        user.pk,
                        team,
                        "",
                    )
                    for k, (pid, team, initiated, closed, _v, _s) in enumerate(plan)
                ),
            )
            _copy(
                cursor,
                "workflows_participant",
                ("procedure_id", "person_id", "role", "relation", "school", "disabled")
                + ("correspondence_address",),
                (
                    (pid, who, role, "", "", False, "")
                    for pid, _t, _i, _c, victim, suspect in plan
                    for who, role in ((victim, "victim"), (suspect, "suspect"))
                ),
            )
            groups, meetings, deadlines, orders = [], [], [], []
            for pid, _team, initiated, _closed, _victim, suspect in plan:
                chair = initiated + datetime.timedelta(days=rnd.choice((0, 1, 1, 2, 3, 5, 9)))
                deadlines.append(_deadline(rnd, pid, "nka_to_chair", initiated, 5))
                if rnd.random() < 0.95:
                    appointed = chair + datetime.timedelta(days=int(rnd.expovariate(1 / 4)))
                    groups.append((pid, appointed, user.pk, "team"))
                    deadlines.append(_deadline(rnd, pid, "group_created", chair, 3))
                    deadlines.append(_deadline(rnd, pid, "nka_to_group", chair, 3))
                    first = appointed + datetime.timedelta(days=int(rnd.expovariate(1 / 8)))
                    deadlines.append(_deadline(rnd, pid, "first_meeting", appointed, 7))
                    for k in range(rnd.choice((0, 1, 2, 3, 4, 4))):
                        held = first + datetime.timedelta(days=14 * k)
                        withdrawn = now if rnd.random() < 0.03 else None
                        meetings.append((pid, rnd.choice(("victim", "suspect", "group")), held))
                        meetings[-1] += (withdrawn,)
                if rnd.random() < 0.2:
                    deadlines.append(_deadline(rnd, pid, "programme_report", chair, 14))
                if rnd.random() < 0.2:
                    expires = initiated + datetime.timedelta(days=14)
                    draw = rnd.random()
                    extended = expires + datetime.timedelta(days=90) if draw < 0.3 else None
                    ended = expires - datetime.timedelta(days=3) if draw > 0.95 else None
                    orders.append((pid, suspect, initiated, expires, extended, ended))
            _copy(
                cursor,
                "workflows_diagnosticgroup",
                ("procedure_id", "appointed_on", "appointed_by_id", "authority"),
                groups,
            )
            _copy(
                cursor,
                "workflows_meeting",
                ("procedure_id", "kind", "held_on", "withdrawn_at", "place", "person_appeared")
                + ("minutes", "created_at", "recorded_by_id", "correction_reason")
                + ("withdrawal_reason", "companion_name", "companion_relation"),
                (
                    (pid, kind, held, withdrawn, "OPS", True, "", now, user.pk, "", "", "", "")
                    for pid, kind, held, withdrawn in meetings
                ),
            )
            _copy(
                cursor,
                "workflows_deadline",
                ("procedure_id", "rule", "edition", "starts_on", "due_on", "met_on"),
                deadlines,
            )
            _copy(
                cursor,
                "workflows_protectiveorder",
                ("procedure_id", "person_id", "issuer", "issued_on", "expires_on")
                + ("court_extended_until", "ended_on", "end_reason", "leave_home")
                + ("home_area", "no_approach", "no_contact", "no_entry", "entry_places")
                + ("created_by_id", "correction_reason", "withdrawal_reason"),
                (
                    (pid, who, "police", issued, expires, extended, ended)
                    + ("pretrial_detention" if ended else "", True, "", False, False, False)
                    + ("", user.pk, "", "")
                    for pid, who, issued, expires, extended, ended in orders
                ),
            )
            for table in base:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _deadline(rnd: random.Random, pid: int, rule: str, start: datetime.date, period: int):
    """Met on time (75 %), late (15 %), or still open (10 %)."""
    due = start + datetime.timedelta(days=period)
    draw = rnd.random()
    if draw < 0.75:
        met = start + datetime.timedelta(days=rnd.randint(0, period))
    elif draw < 0.9:
        met = due + datetime.timedelta(days=int(rnd.expovariate(1 / 10)) + 1)
    else:
        met = None
    return (pid, rule, "2023", start, due, met)


def timed(
    fn: Callable[[], object], floor: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Median milliseconds of ``fn`` and of ``floor``, alternated, after one warm-up each."""
    fn(), floor()
    ours, base = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        t1 = time.perf_counter()
        floor()
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        base.append(t2 - t1)
    return 1000 * statistics.median(ours), 1000 * statistics.median(base)


# The floors: one plain GROUP BY over the tables each figure reads, joined as it joins them,
# for the same procedures and period (``%(scope)s``: the auditor's procedures).
FLOORS = {
    "deadlines": """SELECT d.rule, count(*) FROM workflows_deadline d
        JOIN workflows_procedure p ON p.id = d.procedure_id
        WHERE d.starts_on BETWEEN %(start)s AND %(end)s GROUP BY d.rule""",
    "durations": """SELECT p.team_id, count(g.id), count(m.id) FROM workflows_procedure p
        LEFT JOIN workflows_diagnosticgroup g ON g.procedure_id = p.id
        LEFT JOIN workflows_meeting m ON m.procedure_id = p.id
        WHERE p.initiated_on BETWEEN %(start)s AND %(end)s GROUP BY p.team_id""",
    "orders": """SELECT o.issuer, count(*) FROM workflows_protectiveorder o
        JOIN workflows_procedure p ON p.id = o.procedure_id
        WHERE o.expires_on BETWEEN %(start)s AND %(end)s GROUP BY o.issuer""",
    "repeat": """SELECT p.team_id, count(*) FROM workflows_procedure p
        JOIN workflows_participant a ON a.procedure_id = p.id
        JOIN workflows_participant b ON b.person_id = a.person_id
        JOIN workflows_procedure q ON q.id = b.procedure_id
        WHERE p.initiated_on BETWEEN %(start)s AND %(end)s GROUP BY p.team_id""",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--procedures", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    setup(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from oversight import timeliness
    from oversight.selectors import compliance_scope
    from workflows.models import Procedure

    existing = Procedure.objects.count()
    if existing != args.procedures:
        if existing:
            sys.exit(f"the database holds {existing} procedures, not {args.procedures}: drop it")
        started = time.perf_counter()
        generate(args.procedures)
        print(f"generated {args.procedures:,} procedures in {time.perf_counter() - started:.1f} s")
    user = get_user_model().objects.get(username="bench_timeliness")
    procedures = compliance_scope(user)
    period = timeliness.Period(START, END, threshold=7)
    params = {"start": START, "end": END}

    def floor(name: str) -> Callable[[], object]:
        def run() -> object:
            with connection.cursor() as cursor:
                cursor.execute(FLOORS[name], params)
                return cursor.fetchall()

        return run

    def all_floors() -> None:
        for name in FLOORS:
            floor(name)()

    figures: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        (
            "share on time per step",
            lambda: timeliness.deadline_shares(procedures=procedures, period=period),
            floor("deadlines"),
        ),
        (
            "cases over the threshold",
            lambda: timeliness.cases_over_threshold(procedures=procedures, period=period),
            floor("deadlines"),
        ),
        (
            "NK-A → group, first meeting",
            lambda: timeliness.durations(procedures=procedures, period=period),
            floor("durations"),
        ),
        (
            "orders lapsed",
            lambda: timeliness.orders_lapsed(procedures=procedures, period=period),
            floor("orders"),
        ),
        (
            "repeat cards",
            lambda: timeliness.repeat_cards(procedures=procedures, period=period),
            floor("repeat"),
        ),
        (
            "trend by month",
            lambda: timeliness.trend(procedures=procedures, period=period),
            floor("deadlines"),
        ),
        (
            "all figures (the page)",
            lambda: timeliness.timeliness(procedures=procedures, period=period),
            all_floors,
        ),
    ]
    print(f"database: {connection.vendor}; {Procedure.objects.count():,} procedures")
    print(f"period {START} – {END}, national auditor, median of {args.repeat} runs")
    print(f"{'figure':32} {'ms':>9} {'floor ms':>9} {'ratio':>6}")
    worst = 0.0
    for name, fn, base in figures:
        ours, floor_ms = timed(fn, base, args.repeat)
        ratio = ours / floor_ms
        worst = max(worst, ratio)
        print(f"{name:32} {ours:9.1f} {floor_ms:9.1f} {ratio:6.2f}")
    print(f"worst ratio to the floor: {worst:.2f}")


if __name__ == "__main__":
    main()
