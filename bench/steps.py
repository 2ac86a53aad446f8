"""What does a step cost? Queries and time of each step service against bare viewflow.

    python bench/steps.py [--rounds 15] [--sql STEP] [--out FILE]
    DATABASE_URL=postgres://.../db python bench/steps.py    # another (migrated or not) database

One procedure is driven through the seven services from NK-A to closure (initiate, transfer,
appoint, pass, victim meeting, suspect meeting, close), each in its own ``request_scope`` as
the middleware opens one per request, and one ``bench.bare_flow.BareFlow`` process through
its seven steps (start + six human tasks completed from code, each in its own transaction,
the audit's task signals disconnected: bare viewflow). After one warm-up round (the caches a
running server holds), one round counts the queries of every step with
``CaptureQueriesContext`` (``--sql STEP`` prints that step's SQL); then ``--rounds`` rounds,
real and bare in turn, are timed.

Without ``DATABASE_URL`` it works on ``oik_bench_1k_steps``, a copy of the 1k data set
(``bench/scale_data.py``; ``oik_bench_1k`` itself is only read, as the template of the copy,
which is made when absent), migrated first. ``OIK_TASKS_BACKEND`` defaults to ``database``,
what production runs (documents queued for the db worker, rendered after the commit off the
request path; the queued task rows are counted); ``dummy`` queues nothing, ``immediate``
renders the PDFs inside the counted step. The backend is printed on the result lines.

The last line is the goal of issue 16: ``whole procedure: N queries, R× viewflow`` with R the
QUERY ratio real / bare (goal ≤ 2); the line above it gives the time ratio.
Timing belongs here, never in the test suite.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STEPS = ["initiate", "transfer", "appoint", "pass", "victim_meeting", "suspect_meeting", "close"]
BARE_NODES = ["t1", "t2", "t3", "v", "s", "actions"]
SERVER = os.environ.get("OIK_BENCH_SERVER", "postgres://postgres@127.0.0.1:5432/")
COPY = "oik_bench_1k_steps"
# The data sets' local directory (their audit key), as bench/scale_data.py sets it.
SCALE_LOCAL_DIR = os.path.join(os.environ.get("TMPDIR", "/var/tmp"), "oik-scale-local")  # noqa: S108

_rnd = random.Random(16)  # noqa: S311 - synthetic data


def _database_url() -> str:
    """The scratch copy of the 1k data set (made from it as a template when absent)."""
    import psycopg

    from bench.scale_data import ensure

    source = ensure("1k", server=SERVER).rsplit("/", 1)[1]
    with psycopg.connect(SERVER + "postgres", autocommit=True) as conn:
        present = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        if COPY not in present:
            print(f"copying {source} to {COPY} …", flush=True)
            conn.execute(f"CREATE DATABASE {COPY} TEMPLATE {source}")
    return SERVER + COPY


def actors() -> dict:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.select_related("professional")
    return {k: users.get(username=f"m00_{k}") for k in ("in1", "chair", "sw1", "po1", "ps1")}


def _fresh_pesel(born: datetime.date, sex: str) -> str:
    from people.models import Person
    from people.pesel import generate

    while True:
        pesel = generate(born, sex, _rnd.randrange(1000))
        if not Person.objects.filter(pesel=pesel).exists():
            return pesel


def _nka_input() -> dict:
    """The NK-A of one fictitious household: a victim and a suspect, new PESELs."""
    from forms.models import NKA, NKAPerson
    from workflows import calendar

    born_v = datetime.date(_rnd.randint(1960, 1999), _rnd.randint(1, 12), _rnd.randint(1, 28))
    born_s = datetime.date(_rnd.randint(1950, 1999), _rnd.randint(1, 12), _rnd.randint(1, 28))
    people = [
        NKAPerson(
            first_name="Anna",
            last_name="Benchowa",
            role="victim",
            pesel=_fresh_pesel(born_v, "F"),
            address="ul. Polna 1",
            relation="żona",
        ),
        NKAPerson(
            first_name="Jan",
            last_name="Benchowy",
            role="suspect",
            pesel=_fresh_pesel(born_s, "M"),
            relation="mąż",
        ),
    ]
    card = NKA(
        place="Gmina 0",
        incident_date=calendar.legal_date(),
        incident_place="mieszkanie",
        incident_description="Awantura (dane fikcyjne).",
        violence_forms=["psychological"],
        nkb_handed=True,
        nkb_handed_to="Anna Benchowa",
    )
    return {"card": card, "people": people}


def real_steps(u: dict) -> list:
    """The seven step services of one new procedure, as (name, callable) in order."""
    from forms.models import NKC, NKD, HelpPlanItem
    from workflows import calendar, services
    from workflows.models import Meeting, Participant

    today = calendar.legal_date()
    members = [u[k].professional.pk for k in ("sw1", "po1", "ps1")]
    card = _nka_input()  # new PESELs looked up here, before the steps run and are counted
    state: dict = {}

    def people() -> None:
        # What the meeting page knows (the person chosen on its form): not counted.
        rows = Participant.objects.filter(procedure=state["p"]).values_list("role", "person")
        state.update(rows)

    def initiate():
        state["p"], state["nka"], _ = services.procedure_initiate(actor=u["in1"], **card)

    def transfer():
        services.nka_transfer(
            actor=u["in1"],
            procedure_id=state["p"].pk,
            nka_id=state["nka"].pk,
            sent_on=today,
            received_on=today,
        )

    def appoint():
        services.group_appoint(
            actor=u["chair"], procedure_id=state["p"].pk, member_ids=members, appointed_on=today
        )

    def pass_():
        services.nka_pass_to_group(actor=u["chair"], procedure_id=state["p"].pk, passed_on=today)

    def victim_meeting():
        services.victim_meeting_record(
            actor=u["sw1"],
            procedure_id=state["p"].pk,
            meeting=Meeting(held_on=today, invited_on=today, place="OPS", minutes="Przebieg."),
            present_ids=members,
            person_id=state["victim"],
            nkc=NKC(
                situation="s",
                first_act="f",
                last_act="l",
                needs="n",
                risk_assessment="r",
                safety_how_to_act="112",
            ),
            plan=[
                HelpPlanItem(form_of_help="legal", action="Porada", responsible="OPS", due_on=today)
            ],
        )

    def suspect_meeting():
        services.suspect_meeting_record(
            actor=u["po1"],
            procedure_id=state["p"].pk,
            meeting=Meeting(held_on=today, invited_on=today, place="KP", minutes="Przebieg."),
            present_ids=members[:2],
            person_id=state["suspect"],
            nkd=NKD(consequences_explained=True, situation="s"),
        )

    def close():
        services.procedure_close(
            actor=u["sw1"],
            procedure_id=state["p"].pk,
            ground="no_grounds",
            closed_on=today,
            summary="Brak podstaw (dane fikcyjne).",
        )

    victim_meeting.prepare = people  # type: ignore[attr-defined]
    fns = [initiate, transfer, appoint, pass_, victim_meeting, suspect_meeting, close]
    return list(zip(STEPS, fns, strict=True))


def bare_steps(user) -> list:
    """A BareFlow process through its seven steps, one transaction each."""
    from django.db import transaction
    from viewflow.workflow.models import Task

    from bench.bare_flow import OWNER, BareFlow, complete

    OWNER["user"] = user
    state: dict = {}

    def start():
        state["process"] = BareFlow.start.run()

    def human(node: str):
        def run():
            with transaction.atomic():
                task = (
                    Task.objects.select_for_update()
                    .filter(process_id=state["process"].pk, flow_task=getattr(BareFlow, node))
                    .order_by("-id")
                    .first()
                )
                complete(task, user)

        return run

    return list(zip(STEPS, [start, *(human(n) for n in BARE_NODES)], strict=True))


def _task_signals(connect: bool) -> None:
    """The audit's task signals (workflows.signals), off while the bare flow runs."""
    from django.db.models.signals import post_save, pre_save
    from viewflow.workflow.models import Task

    from workflows import signals

    for signal, receiver in (
        (pre_save, signals._remember_previous),
        (post_save, signals._task_event),
    ):
        (signal.connect if connect else signal.disconnect)(receiver, sender=Task)


def run(steps: list, *, bare: bool, counts: dict | None = None, sql: str = "") -> dict:
    """Run the steps, each as in its own request; their seconds (or query counts)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.services import request_scope

    out = {}
    if bare:
        _task_signals(False)
    try:
        for name, fn in steps:
            if prepare := getattr(fn, "prepare", None):
                prepare()  # the benchmark's own lookups: neither counted nor timed
            with request_scope("127.0.0.1"):
                if counts is not None:
                    with CaptureQueriesContext(connection) as ctx:
                        fn()
                    counts[name] = len(ctx.captured_queries)
                    if sql == name:
                        for query in ctx.captured_queries:
                            print(query["sql"][:300])
                    continue
                start = time.perf_counter()
                fn()
                out[name] = time.perf_counter() - start
    finally:
        if bare:
            _task_signals(True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--sql", default="", choices=["", *STEPS], help="print a step's SQL")
    parser.add_argument("--out")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = _database_url()
    # The data sets' local directory (their audit key): the events appended here verify.
    os.environ.setdefault("OIK_LOCAL_DIR", SCALE_LOCAL_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oik_site.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    # What production runs (oik_site/settings.py), not the development default.
    backend = os.environ.setdefault("OIK_TASKS_BACKEND", "database")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    u = actors()
    counts: dict = {"real": {}, "bare": {}}
    run(real_steps(u), bare=False)  # warm-up: the caches a running server has
    run(bare_steps(u["chair"]), bare=True)
    run(real_steps(u), bare=False, counts=counts["real"], sql=args.sql)
    run(bare_steps(u["chair"]), bare=True, counts=counts["bare"], sql=args.sql)
    times: dict = {"real": {s: [] for s in STEPS}, "bare": {s: [] for s in STEPS}}
    totals: dict = {"real": [], "bare": []}
    for _ in range(args.rounds):
        for kind, steps in (("real", real_steps(u)), ("bare", bare_steps(u["chair"]))):
            seconds = run(steps, bare=kind == "bare")
            for s in STEPS:
                times[kind][s].append(seconds[s])
            totals[kind].append(sum(seconds.values()))
    nan = float("nan")
    med = {
        k: {s: statistics.median(v[s]) * 1000 if v[s] else nan for s in STEPS}
        for k, v in times.items()
    }
    print(
        f"database {connection.settings_dict['NAME']}, tasks backend {backend}, "
        f"{args.rounds} rounds (medians)"
    )
    print(
        f"{'step':16} {'queries':>7} {'bare':>5} {'ratio':>6} {'ms':>7} {'bare ms':>8} {'ratio':>6}"
    )
    for s in STEPS:
        q, qb, t, tb = counts["real"][s], counts["bare"][s], med["real"][s], med["bare"][s]
        print(f"{s:16} {q:7} {qb:5} {q / qb:6.2f} {t:7.1f} {tb:8.2f} {t / tb:6.2f}")
    real_ms, bare_ms = (
        statistics.median(totals[k]) * 1000 if totals[k] else nan for k in ("real", "bare")
    )
    n, nb = sum(counts["real"].values()), sum(counts["bare"].values())
    print(
        f"whole procedure time: {real_ms:.1f} ms, bare {bare_ms:.1f} ms, "
        f"{real_ms / bare_ms:.2f}× viewflow (tasks backend {backend})"
    )
    print(f"whole procedure: {n} queries, {n / nb:.2f}× viewflow")
    if args.out:
        Path(args.out).write_text(
            json.dumps({"backend": backend, "counts": counts, "times": times, "totals": totals})
        )


if __name__ == "__main__":
    main()
