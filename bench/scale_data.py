"""Generate a large, realistic data set on PostgreSQL (performance measurements only).

    python bench/scale_data.py --size 100k [--rebuild]   # database oik_bench_100k, reused
    DATABASE_URL=postgres://... python bench/scale_data.py --procedures 100000  # any empty DB

With ``--size`` (``1k``, ``10k``, ``100k``) the data set is a database of its own on
``--server`` (default ``postgres://postgres@127.0.0.1:5432/``), e.g. ``oik_bench_100k``: built
only when absent (or with ``--rebuild``) into ``oik_bench_100k_building``, which is renamed
when complete, so an interrupted build is never taken for a data set. ``ensure`` does the
same for ``bench/pages.py``. 100,000 procedures take about 10-15 minutes on 2 cores.

Into an EMPTY PostgreSQL database:

1. the crisis centre's ten years from ``bench/centre_stats.py`` (``generate(0)``: 10
   municipalities of its county, the centre, consultations, hostel, groups …);
2. 40 more municipalities (4 more counties): 50 teams, each with a chair, 3 social workers,
   3 police officers, 2 psychologists on the team and 8 initiators; auditors;
3. ``--procedures`` procedures (round robin over the 50 teams, ids in order of initiation,
   2016 – today), each written as the step services write it: household and people
   (PESEL), participants, NK-A (+ a joined second NK-A for some), NK-A entries, the
   statutory deadlines (real due dates from ``workflows.calendar``), the viewflow process
   with its tasks and task links (as viewflow 2.4 writes them), the group and members,
   meetings (present, heard), NK-C, help plan, NK-D, referrals, protective orders,
   notifications, monitoring notes, document jobs and documents (rows only, no PDF files,
   small snapshots), and the audit events the services and the task signals log, plus
   reads (procedure.viewed, searches), chained in time order in strand 0 of the audit chain
   after the world's own events (verify_audit passes).

Stage mix: 88 % closed, 6 % actions, 3 % meetings, 1 % each initiated / with chair / group
appointed. Rows are streamed with COPY (FK triggers off during the load, then checked).
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import sys
import time
import uuid
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARSAW = None
UTC = datetime.UTC

SURNAMES = [
    ("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"), ("Kozłowski", "Kozłowska"),
    ("Jankowski", "Jankowska"), ("Mazur", "Mazur"), ("Kwiatkowski", "Kwiatkowska"),
    ("Krawczyk", "Krawczyk"), ("Piotrowski", "Piotrowska"), ("Grabowski", "Grabowska"),
    ("Nowakowski", "Nowakowska"), ("Pawłowski", "Pawłowska"), ("Michalski", "Michalska"),
    ("Nowicki", "Nowicka"), ("Adamczyk", "Adamczyk"), ("Dudek", "Dudek"),
    ("Zając", "Zając"), ("Wieczorek", "Wieczorek"), ("Jabłoński", "Jabłońska"),
    ("Król", "Król"), ("Majewski", "Majewska"), ("Olszewski", "Olszewska"),
    ("Jaworski", "Jaworska"), ("Wróbel", "Wróbel"), ("Malinowski", "Malinowska"),
    ("Pawlak", "Pawlak"), ("Witkowski", "Witkowska"), ("Walczak", "Walczak"),
    ("Stępień", "Stępień"), ("Górski", "Górska"), ("Rutkowski", "Rutkowska"),
    ("Michalak", "Michalak"), ("Sikora", "Sikora"), ("Ostrowski", "Ostrowska"),
    ("Baran", "Baran"), ("Duda", "Duda"), ("Szewczyk", "Szewczyk"), ("Tomaszewski", "Tomaszewska"),
    ("Pietrzak", "Pietrzak"), ("Marciniak", "Marciniak"), ("Wróblewski", "Wróblewska"),
    ("Zalewski", "Zalewska"), ("Jakubowski", "Jakubowska"), ("Jasiński", "Jasińska"),
    ("Zawadzki", "Zawadzka"), ("Sadowski", "Sadowska"), ("Bąk", "Bąk"), ("Chmielewski", "Chmielewska"),
    ("Włodarczyk", "Włodarczyk"), ("Borkowski", "Borkowska"), ("Czarnecki", "Czarnecka"),
    ("Sawicki", "Sawicka"), ("Sokołowski", "Sokołowska"), ("Urbański", "Urbańska"),
    ("Kubiak", "Kubiak"), ("Maciejewski", "Maciejewska"), ("Szczepański", "Szczepańska"),
    ("Kucharski", "Kucharska"), ("Wilk", "Wilk"), ("Kalinowski", "Kalinowska"),
    ("Lis", "Lis"), ("Mazurek", "Mazurek"), ("Wysocki", "Wysocka"), ("Adamski", "Adamska"),
    ("Kaźmierczak", "Kaźmierczak"), ("Wasilewski", "Wasilewska"), ("Sobczak", "Sobczak"),
    ("Czerwiński", "Czerwińska"), ("Andrzejewski", "Andrzejewska"), ("Cieślak", "Cieślak"),
    ("Głowacki", "Głowacka"), ("Zakrzewski", "Zakrzewska"), ("Kołodziej", "Kołodziej"),
    ("Sikorski", "Sikorska"), ("Krajewski", "Krajewska"), ("Gajewski", "Gajewska"),
    ("Szymczak", "Szymczak"), ("Szulc", "Szulc"), ("Baranowski", "Baranowska"),
    ("Laskowski", "Laskowska"), ("Brzeziński", "Brzezińska"), ("Makowski", "Makowska"),
    ("Ziółkowski", "Ziółkowska"), ("Przybylski", "Przybylska"), ("Domański", "Domańska"),
    ("Nowacki", "Nowacka"), ("Borowski", "Borowska"), ("Błaszczyk", "Błaszczyk"),
    ("Chojnacki", "Chojnacka"), ("Ciesielski", "Ciesielska"), ("Mróz", "Mróz"),
]  # fmt: skip
FEMALE = "Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Elżbieta Zofia Joanna Magdalena Monika Teresa Danuta Natalia Karolina Marta Beata Dorota Aleksandra Halina Irena Jadwiga Alicja".split()  # noqa: E501
MALE = "Piotr Krzysztof Andrzej Tomasz Paweł Jan Michał Marcin Stanisław Jakub Adam Marek Łukasz Grzegorz Mateusz Wojciech Mariusz Dariusz Zbigniew Jerzy Maciej Kamil Rafał Robert Ryszard".split()  # noqa: E501
CHILD = (
    "Zuzanna Julia Lena Maja Hanna Oliwia Antoni Jan Aleksander Franciszek Nikodem Szymon".split()
)  # noqa: E501
STREETS = "Lipowa Polna Leśna Słoneczna Krótka Szkolna Ogrodowa Kwiatowa Długa Łąkowa Kościelna Sportowa Parkowa Brzozowa".split()  # noqa: E501

FLOW = "workflows/flows.ProcedureFlow."
# The key directory of every bench run on these data sets: the events the generator chains and
# the ones the benchmarks append carry one key's MACs, so ``verify_audit`` checks them all.
LOCAL_DIR = os.environ.get(
    "OIK_LOCAL_DIR",
    os.path.join(os.environ.get("TMPDIR", "/var/tmp"), "oik-scale-local"),  # noqa: S108
)


def setup(database_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "oik_site.settings",
            "DATABASE_URL": database_url,
            "OIK_LOCAL_DIR": LOCAL_DIR,
            "OIK_TASKS_BACKEND": "dummy",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Streams:
    """One COPY per table, each on its own connection, fed row by row (bounded memory)."""

    def __init__(self, conninfo: str):
        import psycopg

        self.conninfo = conninfo
        self.psycopg = psycopg
        self.conns = {}
        self.copies = {}
        self.ctx = {}
        self.counts = {}

    def open(self, table: str, columns: list[str]):
        conn = self.psycopg.connect(self.conninfo)
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET TimeZone = 'UTC'")
        cur = conn.cursor()
        ctx = cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")
        self.conns[table] = conn
        self.ctx[table] = ctx
        self.copies[table] = ctx.__enter__()
        self.counts[table] = 0

    def row(self, table: str, values: tuple) -> None:
        self.copies[table].write_row(values)
        self.counts[table] += 1

    def close(self) -> None:
        for table, ctx in self.ctx.items():
            ctx.__exit__(None, None, None)
            self.conns[table].commit()
            self.conns[table].close()


COLUMNS = {
    "people_household": ["id", "label", "address", "created_at", "municipality_id"],
    "people_person": [
        "id", "first_name", "last_name", "pesel", "birth_date", "sex", "parents_names",
        "address", "phone", "email", "created_at", "household_id",
    ],
    "workflows_procedure": [
        "id", "number", "edition", "stage", "initiated_on", "chair_received_on",
        "group_received_on", "closed_on", "closure_ground", "closure_summary", "monitor_until",
        "created_at", "updated_at", "closed_by_id", "household_id", "initiated_by_id",
        "process_id", "team_id",
    ],
    "workflows_participant": [
        "id", "role", "relation", "school", "person_id", "procedure_id", "disabled",
    ],
    "nkforms_nka": [
        "id", "edition", "filled_at", "place", "initiator_sector", "initiator_institution",
        "incident_date", "incident_place", "incident_description", "violence_forms",
        "violence_other", "visible_injuries", "medical_help_given", "medical_certificate",
        "suspect_under_influence", "victim_under_influence", "suspect_has_firearm",
        "victim_feels_in_danger", "witnesses", "police_called", "protective_order_issued",
        "suspect_detained", "shelter_arranged", "additional_info", "nkb_handed",
        "nkb_handed_to", "nkb_not_handed_reason", "transferred_on", "created_at",
        "initiator_id", "procedure_id",
    ],
    "nkforms_nkaperson": ["id", "role", "relation", "nka_id", "person_id"],
    "workflows_deadline": [
        "id", "rule", "edition", "starts_on", "due_on", "met_on", "nka_id", "procedure_id",
        "referral_id",
    ],
    "viewflow_process": ["id", "flow_class", "status", "created", "finished", "data"],
    "viewflow_task": [
        "id", "flow_task", "flow_task_type", "status", "created", "started", "finished",
        "token", "owner_id", "process_id", "data",
    ],
    "viewflow_task_previous": ["id", "from_task_id", "to_task_id"],
    "workflows_diagnosticgroup": ["id", "appointed_on", "appointed_by_id", "procedure_id"],
    "workflows_groupmember": ["id", "group_id", "professional_id"],
    "workflows_meeting": [
        "id", "kind", "invited_on", "held_on", "place", "person_appeared", "minutes",
        "next_meeting_on", "created_at", "recorded_by_id", "procedure_id",
    ],
    "workflows_meeting_present": ["id", "meeting_id", "professional_id"],
    "workflows_meeting_heard": ["id", "meeting_id", "person_id"],
    "nkforms_nkc": [
        "id", "edition", "situation", "first_act", "repeated_acts", "most_dangerous_act",
        "last_act", "needs", "risk_assessment", "safety_how_to_act", "safety_contacts",
        "safety_place", "safety_documents_ready", "created_at", "created_by_id", "meeting_id",
        "procedure_id", "victim_id",
    ],
    "nkforms_nkd": [
        "id", "edition", "appeared", "situation", "substances", "consequences_explained",
        "statement", "agreed_programme", "agreed_alcohol_commission", "agreed_other",
        "initiation_notice_sent_on", "created_at", "created_by_id", "meeting_id",
        "procedure_id", "suspect_id",
    ],
    "nkforms_helpplanitem": [
        "id", "form_of_help", "action", "responsible", "due_on", "status", "status_note",
        "procedure_id", "nkc_id",
    ],
    "workflows_referral": [
        "id", "programme", "provider", "referred_on", "received_on", "reported_on",
        "completed_on", "created_by_id", "person_id", "procedure_id",
    ],
    "workflows_protectiveorder": [
        "id", "no_contact", "issuer", "issued_on", "expires_on", "court_extended_until",
        "created_by_id", "person_id", "procedure_id",
    ],
    "workflows_notification": [
        "id", "kind", "addressee", "sent_on", "justification", "concerning_id", "created_by_id",
        "procedure_id",
    ],
    "workflows_monitoringnote": [
        "id", "visited_on", "note", "after_closure", "created_at", "author_id", "procedure_id",
    ],
    "documents_document": [
        "id", "public_id", "kind", "subject", "form_code", "edition", "version", "reason",
        "snapshot", "snapshot_sha256", "file", "sha256", "size", "pages", "generated_at",
        "generated_by_id", "procedure_id",
    ],
    "documents_documentjob": [
        "id", "kind", "subject", "snapshot", "reason", "status", "attempts", "last_error",
        "requested_at", "updated_at", "document_id", "procedure_id", "requested_by_id",
    ],
    "audit_stage": [
        "at", "seq", "action", "payload", "actor_id", "person_id", "procedure_id", "actor_role",
        "actor_institution", "client",
    ],
}  # fmt: skip


class Gen:
    def __init__(self, streams: Streams, rnd: random.Random, ids: dict, today: datetime.date):
        self.s = streams
        self.r = rnd
        self.ids = ids
        self.today = today
        self.seq = 0
        self.pesel_serial: dict = {}

    def nid(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def pesel(self, born: datetime.date, sex: str) -> str | None:
        from people.pesel import generate

        key = (born, sex)
        n = self.pesel_serial.get(key, 0)
        if n >= 1000:
            return None
        self.pesel_serial[key] = n + 1
        return generate(born, sex, n)

    def moment(self, day: datetime.date, hour: int | None = None) -> datetime.datetime:
        hour = self.r.randint(8, 17) if hour is None else hour
        local = datetime.datetime.combine(
            day, datetime.time(hour, self.r.randrange(60), self.r.randrange(60)), tzinfo=WARSAW
        )
        return local.astimezone(UTC).replace(microsecond=self.r.randrange(1_000_000))

    def event(
        self, at, action, *, actor=None, procedure=None, person=None, payload=None, client=""
    ):
        self.seq += 1
        role, inst = ACTORS.get(actor, ("", "")) if actor else ("", "")
        self.s.row(
            "audit_stage",
            (at, self.seq, action, json.dumps(payload or {}, ensure_ascii=False), actor, person,
             procedure, role, inst, client),
        )  # fmt: skip


ACTORS: dict[int, tuple[str, str]] = {}


RULES: dict[str, set[str]] = {}


@lru_cache(maxsize=None)
def due(code: str, edition: str, start: datetime.date) -> datetime.date:
    from workflows import calendar
    from workflows.rules import rule

    return calendar.due_date(rule(code, edition), start)


@lru_cache(maxsize=None)
def add_wd(start: datetime.date, n: int) -> datetime.date:
    from workflows import calendar

    return calendar.add_working_days(start, n)


def build_world(rnd: random.Random):
    """Municipalities, teams, users, professionals, auditors (ORM; small)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from bench.centre_stats import generate
    from workflows.models import (
        AuditorScope,
        Municipality,
        Profession,
        Professional,
        Sector,
        Team,
        TeamMember,
    )

    User = get_user_model()
    generate(0)  # the centre's ten years and its county's 10 municipalities and teams
    password = make_password(PASSWORD)
    User.objects.filter(username="bench").update(password=password)
    counties = ["powiat benchmarkowy", "powiat północny", "powiat południowy",
                "powiat wschodni", "powiat zachodni"]  # fmt: skip
    for n in range(10, 50):
        m = Municipality.objects.create(
            name=f"Gmina {n}", county=counties[n // 10], teryt=f"{9900000 + n}"
        )
        Team.objects.create(municipality=m, name=f"ZI {m.name}")
    municipalities = list(Municipality.objects.order_by("teryt"))
    Team.objects.filter(municipality__teryt__endswith="0").update(post_closure_monitoring_months=3)
    Team.objects.filter(municipality__teryt__endswith="5").update(post_closure_monitoring_months=3)
    declared = datetime.date(2015, 6, 1)
    world = []
    layout = (
        [("chair", Sector.SOCIAL_ASSISTANCE, Profession.SOCIAL_WORKER, "OPS", "chair")]
        + [(f"sw{k}", Sector.SOCIAL_ASSISTANCE, Profession.SOCIAL_WORKER, "OPS", "member") for k in range(1, 4)]  # noqa: E501
        + [(f"po{k}", Sector.POLICE, Profession.POLICE_OFFICER, "Komisariat Policji", "member") for k in range(1, 4)]  # noqa: E501
        + [(f"ps{k}", Sector.CRISIS_CENTRE, Profession.PSYCHOLOGIST, "Powiatowy OIK", "member") for k in range(1, 3)]  # noqa: E501
        + [(f"in{k}", sector, prof, inst, None) for k, (sector, prof, inst) in enumerate(
            [(Sector.EDUCATION, Profession.TEACHER, "Szkoła Podstawowa nr 1"),
             (Sector.EDUCATION, Profession.PEDAGOGUE, "Szkoła Podstawowa nr 2"),
             (Sector.HEALTH_CARE, Profession.NURSE, "Przychodnia Rodzinna"),
             (Sector.HEALTH_CARE, Profession.DOCTOR, "Szpital Powiatowy"),
             (Sector.POLICE, Profession.POLICE_OFFICER, "Komenda Powiatowa Policji"),
             (Sector.POLICE, Profession.POLICE_OFFICER, "Komenda Powiatowa Policji"),
             (Sector.SOCIAL_ASSISTANCE, Profession.SOCIAL_WORKER, "PCPR"),
             (Sector.ALCOHOL_COMMISSION, Profession.ALCOHOL_COMMISSION_MEMBER, "GKRPA")],
            start=1)]
    )  # fmt: skip
    for mi, m in enumerate(municipalities):
        team = m.team
        staff = {}
        for key, sector, prof, inst, team_role in layout:
            first = rnd.choice(FEMALE if rnd.random() < 0.7 else MALE)
            user = User.objects.create(
                username=f"m{mi:02d}_{key}",
                first_name=first,
                last_name=rnd.choice(SURNAMES)[1],
                password=password,
            )
            professional = Professional.objects.create(
                user=user,
                municipality=m,
                sector=sector,
                profession=prof,
                institution=f"{inst} w Gminie {mi}",
                confidentiality_declared_on=declared,
            )
            if team_role:
                TeamMember.objects.create(
                    team=team, professional=professional, role=team_role, since=declared
                )
            staff[key] = (user.pk, professional.pk)
            role = "chair" if team_role == "chair" else prof
            ACTORS[user.pk] = (str(role), professional.institution)
        world.append({"municipality": m, "team": team, "staff": staff,
                      "monitoring": team.post_closure_monitoring_months})  # fmt: skip
    for username, kwargs in (
        ("audit_all", {}),
        ("audit_county", {"county": "powiat benchmarkowy"}),
        ("audit_gmina", {"municipality": municipalities[0]}),
    ):
        user = User.objects.create(username=username, password=password)
        AuditorScope.objects.create(user=user, institution="Urząd Wojewódzki", **kwargs)
        ACTORS[user.pk] = ("auditor", "Urząd Wojewódzki")
    return world


PASSWORD = "bench-password-2026"  # noqa: S105 - synthetic benchmark accounts only


def plan_procedures(rnd: random.Random, n: int, today: datetime.date):
    """(initiated_on, stage) per procedure, sorted by initiation (ids follow time)."""
    first = datetime.date(2016, 1, 1)
    span_closed = (today - datetime.timedelta(days=90) - first).days
    stages = []
    for _ in range(n):
        x = rnd.random()
        if x < 0.01:
            stage, back = "initiated", rnd.randint(0, 16)
        elif x < 0.02:
            stage, back = "with_chair", rnd.randint(4, 30)
        elif x < 0.03:
            stage, back = "group_appointed", rnd.randint(6, 40)
        elif x < 0.06:
            stage, back = "meetings", rnd.randint(8, 60)
        elif x < 0.12:
            stage, back = "actions", rnd.randint(30, 330)
        else:
            stage, back = "closed", None
        if back is None:
            start = first + datetime.timedelta(days=rnd.randrange(span_closed))
        else:
            start = today - datetime.timedelta(days=back)
        stages.append((start, stage))
    stages.sort(key=lambda s: s[0])
    return stages


SERVER = os.environ.get("OIK_BENCH_SERVER", "postgres://postgres@127.0.0.1:5432/")
# The data sets' names: ``oik_bench_1k`` …; another prefix (``OIK_BENCH_PREFIX=mine_``) measures
# copies (``CREATE DATABASE mine_1k TEMPLATE oik_bench_1k``) that a branch may migrate.
PREFIX = os.environ.get("OIK_BENCH_PREFIX", "oik_bench_")
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}


def _databases(server: str) -> set[str]:
    import psycopg

    with psycopg.connect(server + "postgres", autocommit=True) as conn:
        return {name for (name,) in conn.execute("SELECT datname FROM pg_database")}


def ensure(size: str, *, server: str = SERVER, rebuild: bool = False) -> str:
    """The URL of the data set ``size`` (``oik_bench_<size>``, ``PREFIX``), built first if absent.

    The build runs in a child process (Django is set up once per process, for one database).
    """
    import subprocess

    import psycopg

    name = f"{PREFIX}{size}"
    building = f"{name}_building"
    present = _databases(server)
    if name in present and not rebuild:
        return server + name
    with psycopg.connect(server + "postgres", autocommit=True) as conn:
        for db in (building, name) if rebuild else (building,):
            if db in present:
                conn.execute(f"DROP DATABASE {db} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {building}")
    print(f"building {name} ({SIZES[size]:,} procedures) …", flush=True)
    env = {**os.environ, "DATABASE_URL": server + building}
    subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(Path(__file__)), "--procedures", str(SIZES[size])],
        env=env,
        check=True,
    )
    with psycopg.connect(server + "postgres", autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {building} RENAME TO {name}")
    return server + name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procedures", type=int, default=100_000)
    parser.add_argument("--size", choices=sorted(SIZES), help="build or reuse oik_bench_SIZE")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--server", default=SERVER)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.size:
        print(ensure(args.size, server=args.server, rebuild=args.rebuild))
        return
    url = os.environ["DATABASE_URL"]
    began = time.perf_counter()
    setup(url)
    global WARSAW
    from workflows.calendar import WARSAW as warsaw
    from workflows.calendar import legal_date

    WARSAW = warsaw
    from workflows.rules import EDITIONS

    RULES.update({code: {str(c) for c in spec.rules} for code, spec in EDITIONS.items()})
    rnd = random.Random(args.seed)  # noqa: S311 - synthetic data
    world = build_world(rnd)
    t_world = time.perf_counter() - began
    from django.db import connection

    with connection.cursor() as c:
        ids = {}
        for table in COLUMNS:
            if table == "audit_stage":
                continue
            c.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            ids[table] = c.fetchone()[0]
        c.execute("DROP TABLE IF EXISTS audit_stage")
        c.execute(
            "CREATE UNLOGGED TABLE audit_stage (at timestamptz, seq bigint, action varchar(80),"
            " payload jsonb, actor_id int, person_id bigint, procedure_id bigint,"
            " actor_role varchar(100), actor_institution varchar(200), client varchar(64))"
        )
    connection.close()
    conninfo = url
    relaxed = relax(conninfo)
    streams = Streams(conninfo)
    for table, cols in COLUMNS.items():
        streams.open(table, cols)
    today = legal_date()
    g = Gen(streams, rnd, ids, today)
    plan = plan_procedures(rnd, args.procedures, today)
    pools: dict[int, list] = {}  # per team: closed households to reuse
    for n, (d0, stage) in enumerate(plan):
        procedure(g, world[n % len(world)], d0, stage, pools.setdefault(n % len(world), []))
        if n % 10000 == 9999:
            print(f"  {n + 1:,} procedures, {time.perf_counter() - began:.0f} s", flush=True)
    t_rows = time.perf_counter()
    streams.close()
    t_copy = time.perf_counter() - t_rows
    print(f"rows streamed in {time.perf_counter() - began:.0f} s (final flush {t_copy:.0f} s)")
    fix_finished(conninfo)
    restore(conninfo, relaxed)
    events = chain(conninfo)
    # The compliance report's tallies of met and open deadlines, as the steps keep them.
    from workflows.tallies import open_tally_rebuild, tally_rebuild

    print(f"deadline tallies: {tally_rebuild():,} rows", flush=True)
    print(f"open deadline tallies: {open_tally_rebuild():,} rows", flush=True)
    # The county's procedure figures per month (centre statistics), as the steps keep them.
    from workflows.figures import figures_rebuild

    print(f"procedure figures: {figures_rebuild():,} rows", flush=True)
    connection.close()
    finish(conninfo, ids)
    total = time.perf_counter() - began
    print(f"world (ORM) {t_world:.1f} s; total {total:.0f} s; audit events {events:,}")
    for table, count in sorted(streams.counts.items()):
        print(f"  {table:28} {count:>10,}")


# Columns added since the generator was written, NOT NULL without a default: relaxed during the
# COPY and filled afterwards as the data migrations filled them for existing rows.
FILL = {
    ("workflows_referral", "requested_on"): "referred_on",
    ("workflows_referral", "requested_by_id"): "created_by_id",
    ("workflows_referral", "decision"): "'granted'",
    ("workflows_referral", "decided_as"): "'chair_for_team'",
    ("workflows_notification", "requested_on"): "sent_on",
    ("workflows_notification", "requested_by_id"): "created_by_id",
    ("workflows_notification", "decision"): "'granted'",
    ("workflows_notification", "decided_as"): "'chair_for_team'",
    ("workflows_diagnosticgroup", "authority"): (
        "(SELECT t.group_authority FROM workflows_procedure p JOIN workflows_team t"
        " ON t.id = p.team_id WHERE p.id = procedure_id)"
    ),
}
# An NK-A keeps its own copy of each person's data (what the card said).
NKA_PERSON = (
    "UPDATE nkforms_nkaperson n SET first_name = p.first_name, last_name = p.last_name,"
    " pesel = coalesce(p.pesel, ''), sex = p.sex, parents_names = p.parents_names,"
    " address = p.address, phone = p.phone, email = p.email"
    " FROM people_person p WHERE p.id = n.person_id"
)


def relax(conninfo: str) -> list[tuple[str, str, str]]:
    import psycopg

    relaxed = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for table, cols in COLUMNS.items():
            if table == "audit_stage":
                continue
            rows = conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL"
                " AND column_name <> ALL(%s)",
                (table, cols),
            ).fetchall()
            for column, kind in rows:
                conn.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL")
                relaxed.append((table, column, kind))
    return relaxed


def restore(conninfo: str, relaxed: list[tuple[str, str, str]]) -> None:
    import psycopg

    empty = {"text": "''", "character varying": "''", "boolean": "false", "jsonb": "'{}'"}
    tables: dict[str, list[str]] = {}
    for table, column, kind in relaxed:
        value = FILL.get((table, column), empty.get(kind))
        if value is not None:
            tables.setdefault(table, []).append(f"{column} = coalesce({column}, {value})")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(NKA_PERSON)
        for table, sets in tables.items():  # one UPDATE per table: each rewrites every row
            conn.execute(f"UPDATE {table} SET {', '.join(sets)}")
        for table, column, _kind in relaxed:
            conn.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL")


def chain(conninfo: str) -> int:
    """Audit events in time order, one hash chain, ids 1…N (what log_event writes)."""
    import psycopg

    from audit.chain import GENESIS, event_hash, event_mac, head_mac

    t = time.perf_counter()
    src = psycopg.connect(conninfo)
    src.execute("SET TimeZone = 'UTC'")
    dst = psycopg.connect(conninfo)
    dst.execute("SET session_replication_role = replica")
    sub = psycopg.connect(conninfo)
    sub.execute("SET session_replication_role = replica")
    # The world's own events (written through the services, in the strands of their procedures
    # and actors) come first; the generated events continue strand 0 (the column's default:
    # strand 0 is not hashed, docs/audit.md "Strands").
    head = src.execute(
        "SELECT last_hash, last_event_id FROM audit_auditchainhead WHERE strand = 0"
    ).fetchone()
    prev = head[0] if head else GENESIS
    n = src.execute("SELECT coalesce(max(id), 0) FROM audit_auditevent").fetchone()[0]
    first = n
    subject_id = src.execute("SELECT coalesce(max(id), 0) FROM audit_auditeventsubject").fetchone()[
        0
    ]
    cols = (
        "id, at, action, payload, actor_id, person_id, procedure_id, actor_role,"
        " actor_institution, client, prev_hash, hash, mac"
    )
    with (
        src.cursor(name="stage") as cur,
        dst.cursor().copy(f"COPY audit_auditevent ({cols}) FROM STDIN") as copy,
        sub.cursor().copy(
            "COPY audit_auditeventsubject (id, event_id, person_id, procedure_id) FROM STDIN"
        ) as subjects,
    ):
        cur.itersize = 20000
        cur.execute(
            "SELECT at, action, payload, actor_id, person_id, procedure_id, actor_role,"
            " actor_institution, client FROM audit_stage ORDER BY at, seq"
        )
        for at, action, payload, actor, person, proc, role, inst, client in cur:
            at = at.astimezone(UTC)
            digest = event_hash(
                prev_hash=prev, at=at, actor_id=actor, actor_role=role, actor_institution=inst,
                client=client, action=action, procedure_id=proc, person_id=person,
                payload=payload,
            )  # fmt: skip
            n += 1
            copy.write_row(
                (n, at, action, json.dumps(payload, ensure_ascii=False), actor, person, proc,
                 role, inst, client, prev, digest, event_mac(digest))
            )  # fmt: skip
            prev = digest
            shown = payload.get("shown") if isinstance(payload, dict) else None
            if shown:
                for pk in shown.get("people", []):
                    subject_id += 1
                    subjects.write_row((subject_id, n, pk, None))
                for pk in shown.get("procedures", []):
                    subject_id += 1
                    subjects.write_row((subject_id, n, None, pk))
    sub.commit()
    sub.close()
    if n > first:  # else nothing generated: strand 0's head is where the services left it
        dst.execute(
            "INSERT INTO audit_auditchainhead (strand, last_hash, last_event_id, mac) VALUES (0, %s, %s, %s)"
            " ON CONFLICT (strand) DO UPDATE SET last_hash = excluded.last_hash,"
            " last_event_id = excluded.last_event_id, mac = excluded.mac",
            (prev, n, head_mac(n, prev, 0)),
        )
    dst.commit()
    src.execute("DROP TABLE audit_stage")
    src.commit()
    print(f"audit chain: {n - first:,} events in {time.perf_counter() - t:.0f} s")
    return n


def finish(conninfo: str, ids: dict) -> None:
    import psycopg

    t = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for table in [*ids, "audit_auditevent", "audit_auditeventsubject"]:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" greatest((SELECT max(id) FROM {table}), 1))"
            )
        # Foreign keys were not checked during COPY: check the ones the generator sets.
        checks = [
            ("workflows_procedure", "process_id", "viewflow_process"),
            ("workflows_procedure", "household_id", "people_household"),
            ("workflows_participant", "person_id", "people_person"),
            ("workflows_participant", "procedure_id", "workflows_procedure"),
            ("viewflow_task", "process_id", "viewflow_process"),
            ("viewflow_task", "owner_id", "auth_user"),
            ("workflows_deadline", "procedure_id", "workflows_procedure"),
            ("workflows_deadline", "nka_id", "nkforms_nka"),
            ("workflows_deadline", "referral_id", "workflows_referral"),
            ("workflows_groupmember", "group_id", "workflows_diagnosticgroup"),
            ("workflows_groupmember", "professional_id", "workflows_professional"),
            ("workflows_meeting_present", "meeting_id", "workflows_meeting"),
            ("nkforms_nkc", "meeting_id", "workflows_meeting"),
            ("nkforms_nkd", "meeting_id", "workflows_meeting"),
            ("nkforms_helpplanitem", "nkc_id", "nkforms_nkc"),
            ("nkforms_nkaperson", "nka_id", "nkforms_nka"),
            ("documents_documentjob", "document_id", "documents_document"),
            ("audit_auditevent", "procedure_id", "workflows_procedure"),
            ("audit_auditevent", "person_id", "people_person"),
            ("audit_auditevent", "actor_id", "auth_user"),
            ("audit_auditeventsubject", "event_id", "audit_auditevent"),
            ("viewflow_task_previous", "to_task_id", "viewflow_task"),
        ]
        for table, col, ref in checks:
            bad = conn.execute(
                f"SELECT count(*) FROM {table} t WHERE t.{col} IS NOT NULL AND NOT EXISTS"
                f" (SELECT 1 FROM {ref} r WHERE r.id = t.{col})"
            ).fetchone()[0]
            if bad:
                raise SystemExit(f"{bad} rows of {table}.{col} point nowhere")
        conn.execute("VACUUM ANALYZE")
    print(f"sequences, FK checks, VACUUM ANALYZE: {time.perf_counter() - t:.0f} s")


# --------------------------------------------------------------------------- one procedure


def procedure(g: Gen, w: dict, d0: datetime.date, stage: str, pool: list) -> None:  # noqa: C901, PLR0912, PLR0915
    r, s, today = g.r, g.s, g.today
    staff = w["staff"]
    m = w["municipality"]
    team = w["team"]
    edition = "2023" if d0 >= datetime.date(2023, 9, 28) else "2011"
    initiator_key = f"in{r.randint(1, 8)}"
    initiator = staff[initiator_key][0]
    chair = staff["chair"][0]
    sw_key, po_key, ps_key = f"sw{r.randint(1, 3)}", f"po{r.randint(1, 3)}", f"ps{r.randint(1, 2)}"
    sw, po = staff[sw_key][0], staff[po_key][0]
    group_pros = [staff[sw_key][1], staff[po_key][1], staff[ps_key][1]]
    client = f"10.{m.pk % 250}.{r.randint(0, 255)}.{r.randint(1, 254)}"
    filled_at = g.moment(d0)
    pid = g.nid("workflows_procedure")

    # --- household and people (reuse a closed family of this team now and then)
    reuse = None
    if pool and r.random() < 0.12:
        k = r.randrange(len(pool))
        if pool[k][3] < d0:
            reuse = pool.pop(k)
    if reuse:
        household, people = reuse[0], reuse[1]
    else:
        household = g.nid("people_household")
        surname_m, surname_f = r.choice(SURNAMES)
        address = f"ul. {r.choice(STREETS)} {r.randint(1, 120)}, {m.name}"
        s.row("people_household", (household, surname_f, address, filled_at, m.pk))
        people = []
        victim_female = r.random() < 0.8
        spec = [
            ("victim", victim_female, (1950, 2004)),
            ("suspect", not victim_female, (1945, 2004)),
        ]
        if r.random() < 0.4:
            spec.append(("minor_witness", r.random() < 0.5, (max(d0.year - 17, 2000), d0.year - 1)))
        for role, female, (lo, hi) in spec:
            born = datetime.date(r.randint(lo, hi), r.randint(1, 12), r.randint(1, 28))
            pesel = g.pesel(born, "F" if female else "M") if r.random() < 0.92 else None
            person = g.nid("people_person")
            s.row(
                "people_person",
                (person, r.choice(FEMALE if female else MALE) if role != "minor_witness"
                 else r.choice(CHILD), surname_f if female else surname_m, pesel, born,
                 "female" if female else "male", "", address,
                 f"5{r.randint(10, 99)} {r.randint(100, 999)} {r.randint(100, 999)}"
                 if role == "victim" else "", "", filled_at, household),
            )  # fmt: skip
            people.append((person, role))
    victim = next(p for p, role in people if role == "victim")
    suspect = next(p for p, role in people if role == "suspect")

    # --- the process and its tasks
    process = g.nid("viewflow_process")

    def task(node, kind, status, created, *, owner=None, token="start", started=True,
             prev=(), finished=None):  # fmt: skip
        tid = g.nid("viewflow_task")
        s.row(
            "viewflow_task",
            (tid, FLOW + node, kind, status, created,
             (finished or created) if started and status in ("DONE", "STARTED") else None,
             finished if status == "DONE" else None, token, owner, process, "{}"),
        )  # fmt: skip
        for p in prev:
            s.row("viewflow_task_previous", (g.nid("viewflow_task_previous"), tid, p))
        return tid

    def ev(at, action, **kw):
        g.event(at, action, procedure=pid, **kw)

    def tick(at, ms=3):
        return at + datetime.timedelta(milliseconds=ms)

    def documents(at, actor, kinds_subjects):
        for kind, subject in kinds_subjects:
            did = g.nid("documents_document")
            jid = g.nid("documents_documentjob")
            gen_at = at + datetime.timedelta(seconds=r.uniform(0.5, 30))
            snap = json.dumps({"header": {"form_code": kind.upper(), "edition": edition}})
            digest = hashlib.sha256(f"doc{did}".encode()).hexdigest()
            s.row(
                "documents_document",
                (did, uuid.UUID(int=r.getrandbits(128), version=4), kind, subject, kind.upper(),
                 edition, 1, "", snap, hashlib.sha256(f"snap{did}".encode()).hexdigest(),
                 f"documents/{gen_at:%Y/%m}/{did}.pdf", digest, 30000 + r.randint(0, 20000),
                 r.choice((1, 1, 2)), gen_at, actor, pid),
            )  # fmt: skip
            s.row(
                "documents_documentjob",
                (jid, kind, subject, snap, "", "done", 1, "", at, gen_at, did, pid, actor),
            )
            g.event(gen_at, "document.generated", actor=actor, procedure=pid,
                    payload={"document": did, "kind": kind, "version": 1})  # fmt: skip

    def deadline(code, start, met=None, nka=None, referral=None):
        did = g.nid("workflows_deadline")
        if code not in RULES[edition]:  # a rule of a later edition: not counted for this case
            return did, due(code, "2023", start)
        due_on = due(code, edition, start)
        s.row("workflows_deadline", (did, code, edition, start, due_on, met, nka, pid, referral))
        return did, due_on

    def meet(at, did, code, due_on, met):
        late = (met - due_on).days
        ev(at, "deadline.met" if late <= 0 else "deadline.met_late",
           payload={"deadline": did, "rule": code, "due_on": str(due_on), "met_on": str(met),
                    "days_late": max(late, 0)})  # fmt: skip

    # Dates of every step (clamped to today), decided up front.
    def later(day, lo, hi, late_p=0.1, late_hi=12):
        n = r.randint(lo, hi) if r.random() > late_p else r.randint(hi + 1, late_hi)
        return min(add_wd(day, n), today)

    order = ["initiated", "with_chair", "group_appointed", "meetings", "actions", "closed"]
    reach = order.index(stage)
    sent = later(d0, 0, 4) if reach >= 1 else None
    if stage == "with_chair":
        sent = min(sent, today)
    appointed = later(sent, 0, 2, late_hi=10) if reach >= 2 else None
    passed = later(appointed, 0, 2) if reach >= 3 else None
    victim_day = later(passed, 1, 5, late_p=0.25, late_hi=20) if reach >= 4 else None
    suspect_day = later(passed, 1, 6, late_p=0.25, late_hi=20) if reach >= 4 else None
    victim_done = reach >= 4 or (stage == "meetings" and r.random() < 0.3)
    if stage == "meetings" and victim_done:
        victim_day = later(passed, 1, 5, late_p=0.25, late_hi=20)
    if stage == "closed":
        last = max(victim_day, suspect_day)
        closed_on = min(
            last + datetime.timedelta(days=r.randint(20, 330)), today - datetime.timedelta(days=1)
        )  # noqa: E501
        closed_on = max(closed_on, last)
    else:
        closed_on = None

    # --- initiation (procedure_initiate)
    number = f"NK/{m.teryt}/{d0.year}/{pid:05d}"
    at = filled_at
    s.row(
        "viewflow_process",
        (process, "workflows/flows.ProcedureFlow", "NEW", at, None, json.dumps({"procedure": pid})),
    )
    t_start = task("start", "START", "DONE", at, finished=tick(at))
    t_ttc = task("transfer_to_chair", "HUMAN", "ASSIGNED" if reach == 0 else "DONE", tick(at, 5),
                 owner=initiator, prev=[t_start], started=reach > 0,
                 finished=g.moment(sent) if sent else None)  # fmt: skip
    ev(
        tick(at, 6),
        "task.created",
        payload={"task": t_ttc, "node": "transfer_to_chair", "owner": initiator},
    )  # noqa: E501
    ev(
        tick(at, 7),
        "task.assigned",
        payload={"task": t_ttc, "node": "transfer_to_chair", "owner": initiator},
    )  # noqa: E501
    nka = g.nid("nkforms_nka")
    sector = {"in1": "education", "in2": "education", "in3": "health_care", "in4": "health_care",
              "in5": "police", "in6": "police", "in7": "social_assistance",
              "in8": "alcohol_commission"}[initiator_key]  # fmt: skip
    s.row(
        "nkforms_nka",
        (nka, edition, filled_at, m.name, sector, ACTORS[initiator][1], d0 - datetime.timedelta(days=r.randint(0, 2)),
         "mieszkanie rodziny", "Awantura domowa: wyzwiska, szarpanie (dane fikcyjne).",
         json.dumps(r.sample(["physical", "psychological", "economic", "sexual"], r.randint(1, 2))),
         "", r.random() < 0.3, r.random() < 0.2, r.random() < 0.1, r.random() < 0.5,
         r.random() < 0.1, r.random() < 0.02, r.random() < 0.4, "", r.random() < 0.6,
         r.random() < 0.1, r.random() < 0.1, r.random() < 0.05, "", True, "osoba doznająca przemocy",
         "", sent, filled_at, initiator, pid),
    )  # fmt: skip
    for person, role in people:
        s.row("nkforms_nkaperson", (g.nid("nkforms_nkaperson"), role, "", nka, person))
        s.row(
            "workflows_participant",
            (g.nid("workflows_participant"), role, "", "", person, pid, r.random() < 0.05),
        )
    d_chair, due_chair = deadline("nka_to_chair", d0, sent, nka=nka)
    ev(tick(at, 9), "procedure.initiated", actor=initiator, client=client,
       payload={"nka": nka, "people": len(people), "edition": edition})  # fmt: skip
    documents(at, initiator, [("nka", f"nka:{nka}"), ("nkb", f"nka:{nka}")])
    updated = at

    # --- transfer to the chair (nka_transfer)
    t_prev = t_ttc
    if sent:
        at = g.moment(sent)
        received = sent
        meet(at, d_chair, "nka_to_chair", due_chair, sent)
        ev(
            tick(at, 1),
            "task.completed",
            actor=initiator,
            payload={"task": t_ttc, "node": "transfer_to_chair", "owner": initiator},
        )  # noqa: E501
        t_app = task("appoint_group", "HUMAN", "ASSIGNED" if reach == 1 else "DONE", tick(at, 2),
                     owner=chair, prev=[t_ttc], started=reach > 1,
                     finished=g.moment(appointed) if appointed else None)  # fmt: skip
        ev(
            tick(at, 3),
            "task.created",
            payload={"task": t_app, "node": "appoint_group", "owner": chair},
        )  # noqa: E501
        ev(
            tick(at, 4),
            "task.assigned",
            payload={"task": t_app, "node": "appoint_group", "owner": chair},
        )  # noqa: E501
        ev(tick(at, 5), "nka.transferred", actor=initiator, client=client,
           payload={"nka": nka, "sent_on": str(sent), "received_on": str(received)})  # fmt: skip
        d_group, due_group = deadline("group_created", received, appointed)
        d_pass, due_pass = deadline("nka_to_group", received, passed)
        updated = at
        t_prev = t_app
    # --- the group (group_appoint)
    if appointed:
        at = g.moment(appointed)
        group = g.nid("workflows_diagnosticgroup")
        s.row("workflows_diagnosticgroup", (group, appointed, chair, pid))
        for pro in group_pros:
            s.row("workflows_groupmember", (g.nid("workflows_groupmember"), group, pro))
        meet(at, d_group, "group_created", due_group, appointed)
        ev(
            tick(at, 1),
            "task.completed",
            actor=chair,
            payload={"task": t_app, "node": "appoint_group", "owner": chair},
        )  # noqa: E501
        t_pass = task("pass_to_group", "HUMAN", "ASSIGNED" if reach == 2 else "DONE", tick(at, 2),
                      owner=chair, prev=[t_app], started=reach > 2,
                      finished=g.moment(passed) if passed else None)  # fmt: skip
        ev(
            tick(at, 3),
            "task.created",
            payload={"task": t_pass, "node": "pass_to_group", "owner": chair},
        )  # noqa: E501
        ev(
            tick(at, 4),
            "task.assigned",
            payload={"task": t_pass, "node": "pass_to_group", "owner": chair},
        )  # noqa: E501
        ev(tick(at, 5), "group.appointed", actor=chair, client=client,
           payload={"members": sorted(group_pros), "on": str(appointed)})  # fmt: skip
        documents(at, chair, [("group_decision", f"group:{group}")]
                  + [("declaration", f"member:{p}") for p in group_pros])  # fmt: skip
        updated = at
    # --- NK-A to the group (nka_pass_to_group)
    if passed:
        at = g.moment(passed)
        meet(at, d_pass, "nka_to_group", due_pass, passed)
        ev(
            tick(at, 1),
            "task.completed",
            actor=chair,
            payload={"task": t_pass, "node": "pass_to_group", "owner": chair},
        )  # noqa: E501
        t_split = task("split_meetings", "PARALLEL_GATEWAY", "DONE", tick(at, 2), prev=[t_pass],
                       started=False, finished=tick(at, 3))  # fmt: skip
        first_met = None
        if reach >= 4:
            first_met = min(victim_day, suspect_day)
        elif victim_done:
            first_met = victim_day
        d_meet, due_meet = deadline("first_meeting", passed, first_met)
        vm_done = victim_done
        sm_done = reach >= 4
        t_vm = task("victim_meeting", "HUMAN", "DONE" if vm_done else "NEW", tick(at, 4),
                    owner=sw if vm_done else None, token=f"start/{t_split}_1", prev=[t_split],
                    started=vm_done, finished=g.moment(victim_day) if vm_done else None)  # fmt: skip
        t_sm = task("suspect_meeting", "HUMAN", "DONE" if sm_done else "NEW", tick(at, 5),
                    owner=po if sm_done else None, token=f"start/{t_split}_2", prev=[t_split],
                    started=sm_done, finished=g.moment(suspect_day) if sm_done else None)  # fmt: skip
        ev(
            tick(at, 6),
            "task.created",
            payload={"task": t_vm, "node": "victim_meeting", "owner": None},
        )  # noqa: E501
        ev(
            tick(at, 7),
            "task.created",
            payload={"task": t_sm, "node": "suspect_meeting", "owner": None},
        )  # noqa: E501
        ev(
            tick(at, 8),
            "nka.passed_to_group",
            actor=chair,
            client=client,
            payload={"on": str(passed)},
        )  # noqa: E501
        updated = at
        # --- meetings (victim_meeting_record / suspect_meeting_record)
        meetings = []
        if vm_done:
            meetings.append(("victim", victim_day))
        if sm_done:
            meetings.append(("suspect", suspect_day))
        meetings.sort(key=lambda x: x[1])
        t_join = None
        first = True
        for kind, day in meetings:
            at = g.moment(day)
            mid = g.nid("workflows_meeting")
            appeared = kind == "victim" or r.random() < 0.7
            recorder = sw if kind == "victim" else po
            s.row(
                "workflows_meeting",
                (mid, kind, day - datetime.timedelta(days=r.randint(1, 5)), day, "OPS, pokój 12",
                 appeared, "Przebieg spotkania (dane fikcyjne).", None, at, recorder, pid),
            )  # fmt: skip
            present = group_pros if kind == "victim" else group_pros[:2]
            for pro in present:
                s.row("workflows_meeting_present", (g.nid("workflows_meeting_present"), mid, pro))
            if appeared:
                s.row("workflows_meeting_heard", (g.nid("workflows_meeting_heard"), mid,
                                                  victim if kind == "victim" else suspect))  # fmt: skip
            if first:
                meet(at, d_meet, "first_meeting", due_meet, day)
                first = False
            tnode, tid = ("victim_meeting", t_vm) if kind == "victim" else ("suspect_meeting", t_sm)
            ev(
                tick(at, 1),
                "task.assigned",
                payload={"task": tid, "node": tnode, "owner": recorder},
            )  # noqa: E501
            ev(
                tick(at, 2),
                "task.completed",
                actor=recorder,
                payload={"task": tid, "node": tnode, "owner": recorder},
            )  # noqa: E501
            if t_join is None:
                t_join = task("join_meetings", "JOIN", "DONE" if len(meetings) == 2 else "STARTED",
                              tick(at, 3), prev=[tid],
                              finished=g.moment(meetings[-1][1]) if len(meetings) == 2 else None)  # fmt: skip
            else:
                s.row("viewflow_task_previous", (g.nid("viewflow_task_previous"), t_join, tid))
            if kind == "victim":
                nkc = g.nid("nkforms_nkc")
                s.row(
                    "nkforms_nkc",
                    (nkc, edition, "Sytuacja rodziny.", "Dwa lata temu.", "", "", "Ostatnio.",
                     "Wsparcie.", "Umiarkowane.", "Dzwonić pod 112.", "112", "", False, at, sw,
                     mid, pid, victim),
                )  # fmt: skip
                plan_items = []
                for _ in range(2):
                    item = g.nid("nkforms_helpplanitem")
                    plan_items.append(item)
                    s.row(
                        "nkforms_helpplanitem",
                        (item, r.choice(["psychological", "legal", "social", "family"]),
                         "Konsultacje", "OIK", day + datetime.timedelta(days=r.randint(30, 120)),
                         "done" if stage == "closed" else "open", "", pid, nkc),
                    )  # fmt: skip
                ev(tick(at, 5), "meeting.victim_held", actor=sw, person=victim, client=client,
                   payload={"meeting": mid, "nkc": nkc, "plan_items": 2})  # fmt: skip
                documents(at, sw, [("victim_invitation", f"meeting:{mid}"),
                                   ("nkc", f"meeting:{mid}"), ("minutes", f"meeting:{mid}")])  # fmt: skip
            else:
                nkd = g.nid("nkforms_nkd")
                s.row(
                    "nkforms_nkd",
                    (nkd, edition, appeared, "", "", appeared, "", "", False, "",
                     None if appeared else day, at, po, mid, pid, suspect),
                )  # fmt: skip
                ev(tick(at, 5), "meeting.suspect_held" if appeared else "meeting.suspect_absent",
                   actor=po, person=suspect, client=client, payload={"meeting": mid, "nkd": nkd})  # fmt: skip
                documents(at, po, [("suspect_summons", f"meeting:{mid}"),
                                   ("nkd" if appeared else "initiation_notice", f"meeting:{mid}"),
                                   ("minutes", f"meeting:{mid}")])  # fmt: skip
            updated = at
        if reach >= 4:
            at = g.moment(meetings[-1][1])
            t_actions = task("actions", "HUMAN", "DONE" if stage == "closed" else "NEW",
                             tick(at, 4), owner=sw if stage == "closed" else None, prev=[t_join],
                             started=stage == "closed",
                             finished=g.moment(closed_on) if closed_on else None)  # fmt: skip
            ev(
                tick(at, 4),
                "task.created",
                payload={"task": t_actions, "node": "actions", "owner": None},
            )  # noqa: E501
            # --- actions: referral, order, notification, monitoring notes
            start_actions = meetings[-1][1]
            end_actions = closed_on or today
            span = max((end_actions - start_actions).days, 1)

            def some_day():
                return start_actions + datetime.timedelta(days=r.randrange(span))

            if r.random() < 0.3:
                ref_on = some_day()
                reported = ref_on + datetime.timedelta(days=r.randint(3, 45))
                reported = reported if reported <= end_actions and r.random() < 0.85 else None
                completed = (
                    reported + datetime.timedelta(days=r.randint(30, 120)) if reported else None
                )  # noqa: E501
                completed = completed if completed and completed <= end_actions else None
                ref = g.nid("workflows_referral")
                s.row("workflows_referral", (ref, "correctional_educational", "PCPR", ref_on,
                                             ref_on, reported, completed, chair, suspect, pid))  # fmt: skip
                at = g.moment(ref_on)
                d_ref, due_ref = deadline("programme_report", ref_on, reported, referral=ref)
                ev(at, "referral.issued", actor=chair, person=suspect, client=client,
                   payload={"referral": ref, "programme": "correctional_educational"})  # fmt: skip
                documents(at, chair, [("referral", f"referral:{ref}")])
                if reported:
                    at = g.moment(reported)
                    meet(at, d_ref, "programme_report", due_ref, reported)
                    ev(tick(at), "referral.reported", actor=chair, person=suspect, client=client,
                       payload={"referral": ref, "on": str(reported)})  # fmt: skip
                if completed:
                    ev(g.moment(completed), "referral.completed", actor=chair, person=suspect,
                       client=client, payload={"referral": ref, "on": str(completed)})  # fmt: skip
            if r.random() < 0.15:
                issued = some_day()
                order = g.nid("workflows_protectiveorder")
                expires = issued + datetime.timedelta(days=14)
                s.row("workflows_protectiveorder", (order, True, "police", issued, expires,
                                                    None, po, suspect, pid))  # fmt: skip
                ev(g.moment(issued), "protective_order.recorded", actor=po, person=suspect,
                   client=client, payload={"order": order, "kind": "leave_home",
                                           "expires_on": str(expires)})  # fmt: skip
            if r.random() < 0.2:
                sent_on = some_day()
                note = g.nid("workflows_notification")
                s.row("workflows_notification", (note, "police", "Komenda Powiatowa Policji",
                                                 sent_on, "Powód (dane fikcyjne).", suspect, po,
                                                 pid))  # fmt: skip
                at = g.moment(sent_on)
                ev(at, "notification.sent", actor=po, person=suspect, client=client,
                   payload={"notification": note, "kind": "police"})  # fmt: skip
                documents(at, po, [("notice", f"notification:{note}")])
            for _ in range(r.randint(0, 3)):
                visited = some_day()
                note = g.nid("workflows_monitoringnote")
                at = g.moment(visited)
                s.row("workflows_monitoringnote", (note, visited, "Wizyta (dane fikcyjne).", False,
                                                   at, sw, pid))  # fmt: skip
                ev(at, "monitoring.note_added", actor=sw, client=client,
                   payload={"note_id": note, "after_closure": False})  # fmt: skip
            if stage == "closed":
                at = g.moment(closed_on)
                ground = "violence_stopped" if r.random() < 0.6 else "no_grounds"
                for item in plan_items:
                    ev(tick(at, -60000), "help_plan.item_status", actor=sw, client=client,
                       payload={"item": item, "from": "open", "to": "done"})  # fmt: skip
                ev(
                    tick(at, 1),
                    "task.assigned",
                    payload={"task": t_actions, "node": "actions", "owner": sw},
                )  # noqa: E501
                ev(
                    tick(at, 2),
                    "task.completed",
                    actor=sw,
                    payload={"task": t_actions, "node": "actions", "owner": sw},
                )  # noqa: E501
                t_check = task("check_post_closure", "EXCLUSIVE_GATEWAY", "DONE", tick(at, 3),
                               prev=[t_actions], started=False, finished=tick(at, 4))  # fmt: skip
                monitor_until = None
                ended = True
                if w["monitoring"]:
                    monitor_until = closed_on + datetime.timedelta(days=91)
                    ended = monitor_until < today and r.random() < 0.97
                    t_pcm = task("post_closure_monitoring", "HUMAN", "DONE" if ended else "NEW",
                                 tick(at, 5), owner=sw if ended else None, prev=[t_check],
                                 started=ended,
                                 finished=g.moment(min(monitor_until, today)) if ended else None)  # fmt: skip
                    ev(
                        tick(at, 5),
                        "task.created",
                        payload={"task": t_pcm, "node": "post_closure_monitoring", "owner": None},
                    )  # noqa: E501
                    last_task = t_pcm
                else:
                    last_task = t_check
                ev(tick(at, 6), "procedure.closed", actor=sw, client=client,
                   payload={"ground": ground, "on": str(closed_on)})  # fmt: skip
                documents(at, sw, [("closure_protocol", f"procedure:{pid}"),
                                   ("closure_notice", f"procedure:{pid}")])  # fmt: skip
                updated = at
                finished_at = None
                if w["monitoring"] and ended:
                    end_day = min(monitor_until, today)
                    at2 = g.moment(end_day)
                    ev(
                        tick(at2, 1),
                        "task.assigned",
                        payload={"task": t_pcm, "node": "post_closure_monitoring", "owner": sw},
                    )  # noqa: E501
                    ev(
                        tick(at2, 2),
                        "task.completed",
                        actor=sw,
                        payload={"task": t_pcm, "node": "post_closure_monitoring", "owner": sw},
                    )  # noqa: E501
                    ev(tick(at2, 3), "monitoring.ended", actor=sw, client=client)
                    task(
                        "end", "END", "DONE", tick(at2, 4), prev=[last_task], finished=tick(at2, 5)
                    )
                    finished_at = tick(at2, 5)
                elif not w["monitoring"]:
                    task("end", "END", "DONE", tick(at, 7), prev=[last_task], finished=tick(at, 8))
                    finished_at = tick(at, 8)
                if finished_at:
                    # the process row is rewritten below with its end (UPDATE after COPY is
                    # avoided: the finished processes are recorded and fixed in one statement)
                    FINISHED.append((process, finished_at))
                s.row(
                    "workflows_procedure",
                    (pid, number, edition, "closed", d0, sent, passed, closed_on, ground,
                     "Działania podjęte (dane fikcyjne).", monitor_until, filled_at, updated,
                     sw, household, initiator, process, team.pk),
                )  # fmt: skip
                pool.append((household, people, pid, closed_on))
    if stage != "closed":
        s.row(
            "workflows_procedure",
            (pid, number, edition, stage, d0, sent, passed, None, "", "", None, filled_at,
             updated, None, household, initiator, process, team.pk),
        )  # fmt: skip
    del t_prev
    # --- reads: the case opened by its workers, found by searches, the auditor's timeline
    life_end = closed_on or today
    life = max((life_end - d0).days, 1)
    readers = [chair, sw, po] if reach >= 2 else [chair, initiator]
    for _ in range(r.randint(2, 10)):
        day = d0 + datetime.timedelta(days=r.randrange(life))
        reader = r.choice(readers)
        g.event(g.moment(day), "procedure.viewed", actor=reader, procedure=pid, client=client)
    for _ in range(r.randint(0, 3)):
        day = d0 + datetime.timedelta(days=r.randrange(life))
        reader = r.choice(readers)
        at = g.moment(day)
        # One read event per results page (audit.services.log_read), naming what it showed.
        g.event(at, "procedure.searched", actor=reader, client=client,
                payload={"query_kind": "text", "stage": "", "overdue": False,
                         "shown": {"people": [], "procedures": [pid]}})  # fmt: skip


FINISHED: list = []


def fix_finished(conninfo: str) -> None:
    import psycopg

    with psycopg.connect(conninfo) as conn:
        conn.execute("CREATE TEMP TABLE fin (id bigint, at timestamptz)")
        with conn.cursor().copy("COPY fin (id, at) FROM STDIN") as copy:
            for row in FINISHED:
                copy.write_row(row)
        conn.execute(
            "UPDATE viewflow_process p SET status = 'DONE', finished = fin.at FROM fin"
            " WHERE p.id = fin.id"
        )
        conn.commit()


if __name__ == "__main__":
    main()
