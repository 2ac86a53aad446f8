"""Are the pages flat in data size? Queries and time per page at 1,000 and 100,000 procedures.

    python bench/pages.py [--rounds 25] [--sizes 1k,100k] [--rebuild] [--out FILE]

1. Builds or reuses the data sets ``oik_bench_1k`` and ``oik_bench_100k`` on
   ``postgres://postgres@127.0.0.1:5432/`` (``bench/scale_data.py``; ``OIK_BENCH_SERVER``
   names another server, ``OIK_BENCH_PREFIX=mine_`` copies of them) and migrates them (new
   indexes and the compliance tallies land there too; ``rebuild_deadline_tallies`` when empty).
2. For each data set, in a child process bound to that database (Django in-process test
   client, DEBUG off, a signed-in user per page): per page three warm-up requests, one request
   under ``CaptureQueriesContext`` that counts the queries, then ``--rounds`` rounds of (page,
   bare view) in turn. The bare view (``bench/urls.py``) returns a constant through the whole
   middleware stack: a page's time is reported as its median and as the median of the per-round
   ratios page / bare view, which cancels out how busy the machine is.
3. Prints per page the queries and times at each size and the growth: queries at 100k minus
   queries at 1k, and ×bare at 100k divided by ×bare at 1k. The last two lines are the worst of
   each: ``worst query growth: N`` (goal 0) and ``worst growth 100k/1k: X.XX`` (goal ≤ 1.5).

Timing belongs here, never in the test suite.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def targets() -> dict:
    """What the pages are asked for, the same way at every size.

    The chair: of the first team (by TERYT) whose inbox lists tasks and whose deadlines page
    lists deadlines, so that each page has the same shape at 1k and at 100k (an empty page
    writes no read event and runs fewer queries). The searches look for what that team has:
    the surname of the victim of its newest case, the number of its newest acting case, the
    PESEL of one of its people.
    """
    from people.models import Person
    from workflows import selectors
    from workflows.models import Participant, Procedure, Team

    for team in Team.objects.order_by("municipality__teryt"):
        chair = selectors.team_chair_user(team_id=team.pk)
        due = selectors.deadlines_due(user=chair) if chair else {}
        if chair and selectors.open_tasks_for(chair) and any(due.values()):
            break
    else:
        raise SystemExit("no team whose chair has tasks and deadlines")
    closed = (
        Procedure.objects.filter(team=team, stage="closed", referrals__isnull=False)
        .order_by("-id")
        .first()
    )
    acting = Procedure.objects.filter(team=team, stage="actions").order_by("-id").first()
    newest = Procedure.objects.filter(team=team).order_by("-id").first()
    victim = Participant.objects.filter(procedure=newest, role="victim").first().person
    person = (
        Person.objects.filter(participations__procedure__team=team, pesel__isnull=False)
        .exclude(pesel="")
        .order_by("-id")
        .first()
    )
    return {
        "chair": chair.username,
        "closed": closed.pk,
        "acting": acting.pk,
        "surname": victim.last_name,
        "pesel": person.pesel,
        "number": acting.number,
    }


def pages(t: dict) -> list[tuple[str, str, str]]:
    chair = t["chair"]
    return [
        ("procedure list", chair, "/procedures/"),
        ("search by surname", chair, f"/procedures/?q={t['surname']}"),
        ("search by number", chair, f"/procedures/?q={t['number']}"),
        ("search by PESEL", chair, f"/procedures/?q={t['pesel']}"),
        ("inbox (chair)", chair, "/"),
        ("deadlines dashboard", chair, "/dashboard/"),
        ("procedure page", chair, f"/procedures/{t['closed']}/"),
        (
            "compliance, national auditor, 10 years",
            "audit_all",
            "/audit/compliance/?from=2016-01-01&to=2025-12-31",
        ),
        (
            "centre statistics, one year",
            "bench",
            "/centre/statistics/?start=2025-01-01&end=2025-12-31",
        ),
    ]


def _timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed


def measure(database_url: str, rounds: int, out: str) -> None:
    """In the child process: migrate, then time every page against the bare view."""
    from bench.scale_data import LOCAL_DIR

    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "OIK_LOCAL_DIR": LOCAL_DIR,  # the read events MACed with the data set's key
            "DJANGO_SETTINGS_MODULE": "oik_site.settings",
            "DJANGO_DEBUG": "false",
            "OIK_TASKS_BACKEND": "dummy",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    call_command("migrate", verbosity=0)  # a new table's data migration fills it
    from workflows.models import Deadline, DeadlineTally, OpenDeadlineTally

    if (
        not DeadlineTally.objects.exists()
        and Deadline.objects.filter(met_on__isnull=False).exists()
    ) or (
        not OpenDeadlineTally.objects.exists()
        and Deadline.objects.filter(met_on__isnull=True).exists()
    ):
        call_command("rebuild_deadline_tallies")  # a set migrated before its rows were written
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    settings.ROOT_URLCONF = "bench.urls"
    setup_test_environment()  # the test client's response.context and template signals
    User = get_user_model()
    t = targets()
    print(f"  targets: {t}", file=sys.stderr, flush=True)
    clients: dict = {}
    rows = []
    for name, username, url in pages(t):
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(User.objects.get(username=username))
        for _ in range(3):
            _timed(client, url)
            _timed(client, "/bench/bare/")
        with CaptureQueriesContext(connection) as ctx:
            _timed(client, url)
        queries = [(float(q["time"]), q["sql"]) for q in ctx.captured_queries]
        page_t, bare_t, ratios = [], [], []
        for _ in range(rounds):
            p = _timed(client, url)
            b = _timed(client, "/bench/bare/")
            page_t.append(p)
            bare_t.append(b)
            ratios.append(p / b)
        row = {
            "page": name,
            "url": url,
            "queries": len(queries),
            "page_ms": statistics.median(page_t) * 1000,
            "bare_ms": statistics.median(bare_t) * 1000,
            "ratio": statistics.median(ratios),
            "slowest": sorted(queries, reverse=True)[:3],
        }
        rows.append(row)
        print(
            f"  {name:42} {row['queries']:3} queries {row['page_ms']:8.1f} ms "
            f"×bare {row['ratio']:7.1f}",
            file=sys.stderr,
            flush=True,
        )
    Path(out).write_text(json.dumps(rows, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--sizes", default="1k,100k")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--out", help="write the measurements as JSON")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # child: this database URL
    parser.add_argument("--json", help=argparse.SUPPRESS)  # child: write here
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.rounds, args.json)
        return
    from bench.scale_data import ensure

    sizes = args.sizes.split(",")
    results: dict[str, list] = {}
    for size in sizes:
        url = ensure(size, rebuild=args.rebuild)
        print(f"{size}: {url}", file=sys.stderr, flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run(  # noqa: S603 - this script, fixed arguments
                [sys.executable, __file__, "--measure", url, "--rounds", str(args.rounds),
                 "--json", out.name],
                check=True,
            )  # fmt: skip
            results[size] = json.loads(Path(out.name).read_text())
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1, default=str))
    small, large = sizes[0], sizes[-1]
    print(
        f"{'page':42} {'queries':>12} {'ms ' + small:>9} {'ms ' + large:>9} "
        f"{'×bare ' + small:>11} {'×bare ' + large:>11} {'growth':>7}"
    )
    worst_queries, worst_growth = 0, 0.0
    for a, b in zip(results[small], results[large], strict=True):
        growth = b["ratio"] / a["ratio"]
        worst_queries = max(worst_queries, b["queries"] - a["queries"])
        worst_growth = max(worst_growth, growth)
        print(
            f"{a['page']:42} {a['queries']:5} → {b['queries']:4} {a['page_ms']:9.1f} "
            f"{b['page_ms']:9.1f} {a['ratio']:11.1f} {b['ratio']:11.1f} {growth:7.2f}"
        )
    print(f"worst query growth: {worst_queries}")
    print(f"worst growth {large}/{small}: {worst_growth:.2f}")


if __name__ == "__main__":
    main()
