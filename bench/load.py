"""Load test: 50 signed-in users against gunicorn on 127.0.0.1, next to a bare view in the same run.

    python bench/load.py [--size 100k] [--users 50] [--writers 4] [--seconds 60] [--out FILE]

1. Builds or reuses the data set (``bench/scale_data.py``, ``oik_bench_100k`` by default) and
   migrates it.
2. Serves the site with gunicorn (``--workers 4`` sync workers, DEBUG off, documents queued
   for the worker, ``bench/settings.py``: the site's URLs plus ``/bench/bare/``, a constant
   answered through the whole middleware stack) on 127.0.0.1.
3. A bounded asyncio client signs ``--users`` readers in through the login form (chairs and
   social workers of 25 teams, each sees their own team's cases) and ``--writers`` group members
   who take a step (GET the monitoring-note form, POST a note). Readers mix the inbox (30 %), the
   procedure list (15 %), a case page (35 %) and a search (20 %: surname 60 %, PESEL 20 %,
   number 20 %).
4. Four runs of ``--seconds`` each, the same users and sessions:
   closed loop (no pause) against the bare view, closed loop with the application's mix, then
   the same two with every user pausing 1 s between requests, as people reading.

The last line is ``paused: p95 N ms, errors E; closed loop: R% of bare``: the application's p95
latency and error count with pauses, and its closed-loop throughput as a share of the bare
view's. Goal (issue 16): N ≤ 300, E = 0, R ≥ 25.
"""

import argparse
import asyncio
import datetime
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-2026"  # noqa: S105 - the synthetic accounts of bench/scale_data.py
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
SURNAMES = [
    "Kowalska",
    "Nowak",
    "Wiśniewska",
    "Zając",
    "Mazur",
    "Król",
    "Michalska",
    "Dudek",
    "Kamiński",
    "Wójcik",
    "Lewandowska",
    "Woźniak",
    "Jankowski",
    "Krawczyk",
    "Mróz",
]
BARE = "/bench/bare/"
OK = {200, 302}


# ----------------------------------------------------------------------------- the client


class Session:
    """One user's cookies; one HTTP/1.1 request per connection (gunicorn's sync workers close
    every connection anyway)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            body = urlencode(form).encode() if form is not None else b""
            head = [
                f"{method} {quote(path, safe='/?=&%:+')} HTTP/1.1",
                f"Host: 127.0.0.1:{self.port}",
                "Connection: close",
                "Accept-Language: pl",
            ]
            if self.cookies:
                head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if form is not None:
                head += [
                    "Content-Type: application/x-www-form-urlencoded",
                    f"Content-Length: {len(body)}",
                    f"Referer: http://127.0.0.1:{self.port}{path}",
                    f"X-CSRFToken: {self.cookies.get('csrftoken', '')}",
                ]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
        header, _, content = raw.partition(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "set-cookie":
                key, _, rest = value.strip().partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return status, content

    async def login(self, username: str) -> None:
        _, page = await self.request("GET", "/login/")
        token = CSRF.search(page).group(1).decode()
        form = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        status, _ = await self.request("POST", "/login/", form)
        if status != 302:
            raise RuntimeError(f"sign-in of {username}: HTTP {status}")


@dataclass
class Run:
    """What one run saw: (kind, seconds, status) per request."""

    results: list = field(default_factory=list)
    elapsed: float = 0.0


def reader_path(rnd: random.Random, data: dict) -> tuple[str, str]:
    x = rnd.random()
    if x < 0.30:
        return "inbox", "/"
    if x < 0.45:
        return "list", "/procedures/"
    if x < 0.80:
        return "case page", f"/procedures/{rnd.choice(data['procs'])[0]}/"
    y = rnd.random()
    if y < 0.6:
        q = rnd.choice(SURNAMES)
    elif y < 0.8 and data["pesels"]:
        q = rnd.choice(data["pesels"])
    else:
        q = rnd.choice(data["procs"])[1]
    return "search", "/procedures/?" + urlencode({"q": q})


async def timed(session: Session, run: Run, kind: str, method: str, path: str, form=None):
    start = time.perf_counter()
    try:
        status, page = await session.request(method, path, form)
    except OSError as error:
        status, page = f"{type(error).__name__}", b""
    run.results.append((kind, time.perf_counter() - start, status))
    return status, page


async def reader(session, data, run, *, bare, pause, stop, rnd):
    while not stop.is_set():
        kind, path = ("bare", BARE) if bare else reader_path(rnd, data)
        await timed(session, run, kind, "GET", path)
        if pause:
            await asyncio.sleep(pause)


async def writer(session, data, run, *, bare, pause, stop, rnd):
    today = datetime.date.today().isoformat()
    while not stop.is_set():
        if bare:
            await timed(session, run, "bare", "GET", BARE)
        else:
            path = f"/procedures/{rnd.choice(data['procs'])}/monitoring/new/"
            status, page = await timed(session, run, "step form", "GET", path)
            found = CSRF.search(page) if status == 200 else None
            if pause:
                await asyncio.sleep(pause)
            form = {
                "csrfmiddlewaretoken": found.group(1).decode() if found else "",
                "visited_on": today,
                "note": "Wizyta monitorująca (dane fikcyjne).",
            }
            await timed(session, run, "step POST", "POST", path, form)
        if pause:
            await asyncio.sleep(pause)


def _cpu_of(pid: str) -> float:
    """CPU seconds (user + system) process ``pid`` has used; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(server_pid: int, database: str) -> dict[str, tuple[str, float]]:
    """Per process: (``gunicorn`` or ``postgresql``, CPU seconds used so far) of gunicorn's
    workers and of PostgreSQL's backends of ``database`` (Linux /proc)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parent = stat.rsplit(")", 1)[1].split()[1]
        if parent == str(server_pid):
            out[entry.name] = ("gunicorn", _cpu_of(entry.name))
        elif command.startswith("postgres: ") and f" {database} " in command:
            out[entry.name] = ("postgresql", _cpu_of(entry.name))
    return out


def cpu_spent(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds per kind between two ``server_cpu`` readings (a process that ended in
    between is not counted: the figures are a lower bound)."""
    spent = {"gunicorn": 0.0, "postgresql": 0.0}
    for pid, (kind, seconds) in after.items():
        spent[kind] += seconds - before.get(pid, (kind, 0.0))[1]
    return spent


async def one_run(users, *, bare: bool, pause: float, seconds: float) -> Run:
    run, stop = Run(), asyncio.Event()
    tasks = [
        asyncio.create_task(
            (writer if is_writer else reader)(
                session,
                data,
                run,
                bare=bare,
                pause=pause,
                stop=stop,
                rnd=random.Random(n),  # noqa: S311 - reproducible mixes
            )
        )
        for n, (session, data, is_writer) in enumerate(users)
    ]
    start = time.perf_counter()
    await asyncio.sleep(seconds)
    stop.set()
    run.elapsed = time.perf_counter() - start
    done = len(run.results)
    await asyncio.gather(*tasks)
    run.results = run.results[:done]  # what finished inside the window
    return run


# ------------------------------------------------------------------------------ the server


def targets(readers: list[str]) -> dict:
    """Each reader's cases (id, number) and PESELs to search for."""
    from django.contrib.auth import get_user_model

    from people.models import Person
    from workflows.models import Procedure

    out = {}
    for username in readers:
        team = (
            get_user_model()
            .objects.get(username=username)
            .professional.team_memberships.first()
            .team
        )
        procs = Procedure.objects.filter(team=team).order_by("-id").values_list("id", "number")
        pesels = Person.objects.filter(participations__procedure__team=team, pesel__isnull=False)
        out[username] = {
            "procs": list(procs[:300]),
            "pesels": list(pesels.exclude(pesel="").values_list("pesel", flat=True)[:100]),
        }
    return out


def writers_with_cases(count: int) -> dict:
    """``count`` group members of teams 25–49 (no reader's team) with cases in the actions stage,
    each with those cases."""
    from django.contrib.auth import get_user_model

    from workflows.models import Procedure

    out: dict = {}
    for team in range(25, 50):
        for role in ("sw1", "sw2", "sw3", "po1"):
            user = get_user_model().objects.filter(username=f"m{team:02d}_{role}").first()
            if user is None or len(out) == count:
                continue
            procs = Procedure.objects.filter(
                stage="actions", group__memberships__professional=user.professional
            ).values_list("id", flat=True)
            if procs:
                out[user.username] = {"procs": list(procs[:50])}
    if len(out) < count:
        raise SystemExit(f"only {len(out)} group members with cases in the actions stage")
    return out


def serve(database_url: str, port: int, workers: int) -> subprocess.Popen:
    from bench.scale_data import LOCAL_DIR

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "OIK_LOCAL_DIR": LOCAL_DIR,  # the events MACed with the data set's key
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "OIK_TASKS_BACKEND": "database",  # documents queued for the worker, as in production
    }
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "oik_site.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
        ],
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = asyncio.run(Session(port).request("GET", BARE))
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def summary(run: Run) -> dict:
    ok = [r for r in run.results if r[2] in OK]
    errors = [r for r in run.results if r[2] not in OK]
    by_kind = {}
    for kind in sorted({r[0] for r in run.results}) + ["ALL"]:
        ms = [r[1] * 1000 for r in ok if kind in ("ALL", r[0])]
        by_kind[kind] = {
            "n": len(ms),
            "rps": len(ms) / run.elapsed,
            "p50_ms": pct(ms, 0.5),
            "p95_ms": pct(ms, 0.95),
            "p99_ms": pct(ms, 0.99),
            "max_ms": max(ms) if ms else float("nan"),
        }
    return {
        "seconds": run.elapsed,
        "requests": len(run.results),
        "rps": len(ok) / run.elapsed,
        "errors": len(errors),
        "error_kinds": sorted({str(r[2]) for r in errors}),
        "by_kind": by_kind,
    }


def show(name: str, s: dict) -> None:
    cpu = s.get("cpu_ms_per_request", {})
    print(
        f"{name}: {s['rps']:.1f} requests/s, {s['errors']} errors {s['error_kinds'] or ''}; "
        f"server CPU per request: gunicorn {cpu.get('gunicorn', 0):.1f} ms, "
        f"PostgreSQL {cpu.get('postgresql', 0):.1f} ms"
    )
    for kind, k in s["by_kind"].items():
        print(
            f"  {kind:10} {k['n']:6} {k['rps']:7.1f}/s  p50 {k['p50_ms']:7.1f}  "
            f"p95 {k['p95_ms']:7.1f}  p99 {k['p99_ms']:7.1f}  max {k['max_ms']:7.1f} ms"
        )
    sys.stdout.flush()


async def drive(port: int, plan: dict, args) -> dict:
    users = []
    for username, (data, is_writer) in plan.items():
        session = Session(port)
        await session.login(username)
        users.append((session, data, is_writer))
    print(f"{len(users)} users signed in", flush=True)
    await one_run(users, bare=False, pause=0, seconds=min(10, args.seconds))  # warm-up
    out = {}
    pid, database = args.server_pid, args.database
    for name, bare, pause in (
        ("closed, bare", True, 0),
        ("closed, app", False, 0),
        ("paused, bare", True, 1),
        ("paused, app", False, 1),
    ):
        before = server_cpu(pid, database)
        out[name] = summary(await one_run(users, bare=bare, pause=pause, seconds=args.seconds))
        after = server_cpu(pid, database)
        done = max(out[name]["requests"], 1)
        spent = cpu_spent(before, after)
        out[name]["cpu_ms_per_request"] = {k: 1000 * v / done for k, v in spent.items()}
        show(name, out[name])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8301)
    parser.add_argument("--out", help="write the measurements as JSON")
    args = parser.parse_args()
    from bench.scale_data import ensure

    database_url = ensure(args.size)
    from bench.scale_data import LOCAL_DIR

    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "OIK_LOCAL_DIR": LOCAL_DIR,
            "DJANGO_SETTINGS_MODULE": "oik_site.settings",
            "DJANGO_DEBUG": "false",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    readers = [
        f"m{i % 25:02d}_{'chair' if i < 25 else 'sw1'}" for i in range(args.users - args.writers)
    ]
    data = targets(readers)
    plan = {u: (data[u], False) for u in readers}
    plan |= {u: (d, True) for u, d in writers_with_cases(args.writers).items()}
    connections.close_all()
    server = serve(database_url, args.port, args.workers)
    args.server_pid, args.database = server.pid, database_url.rsplit("/", 1)[1]
    try:
        results = asyncio.run(drive(args.port, plan, args))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))
    paused, closed = results["paused, app"], results["closed, app"]
    share = 100 * closed["rps"] / results["closed, bare"]["rps"]
    print(
        f"paused: p95 {paused['by_kind']['ALL']['p95_ms']:.0f} ms, errors {paused['errors']}; "
        f"closed loop: {share:.0f}% of bare"
    )


if __name__ == "__main__":
    main()
