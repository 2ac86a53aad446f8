"""Audit events per second: ``log_event`` (the chain: the head row locked) against the same
INSERT without the chain, in 1 and N processes.

    DATABASE_URL=postgres://.../db python bench/audit_rate.py [--procs 1,8] [--seconds 10]
        [--rounds 3] [--hold-ms 0]

Each worker opens its own connection and, for ``--seconds``, appends events about its own
procedure (worker i: the i-th newest; different workers, different cases, as different users
working on different cases): ``chain`` calls ``audit.services.log_event`` (one transaction
each); ``plain`` creates an ``AuditEvent`` row with a random hash and no head lock (same table,
same indexes). Rounds alternate chain / plain. ``--hold-ms`` > 0: the chain worker logs inside
a transaction that then works that long before committing (as a step did before its events
were batched: the head stays locked until the commit). With one chain (before issue 16) every
worker waits for the one head; with strands, workers of cases in different strands do not.
At the end the ``bench.*`` rows are deleted (triggers off) and every head is put back on its
strand's last event with its MAC, so the chain verifies again. Timing belongs here, never in
the test suite.
"""

import argparse
import multiprocessing
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oik_site.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")


def _worker(kind, index, seconds, hold, barrier, queue):
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from audit.models import AuditEvent
    from audit.services import log_event
    from workflows.models import Procedure

    procedure = Procedure.objects.order_by("-id")[index]
    n = 0
    barrier.wait()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if kind == "chain":
            with transaction.atomic():
                log_event(action="bench.chain", procedure=procedure, payload={"n": n})
                if hold:
                    time.sleep(hold)
        else:
            AuditEvent.objects.create(
                at=timezone.now(),
                action="bench.plain",
                procedure=procedure,
                payload={"n": n},
                prev_hash="0" * 64,
                hash=secrets.token_hex(32),
            )
        n += 1
    connection.close()
    queue.put(n)


def run(kind, procs, seconds, hold):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(procs)
    queue = ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(kind, i, seconds, hold, barrier, queue))
        for i in range(procs)
    ]
    for worker in workers:
        worker.start()
    total = sum(queue.get() for _ in workers)
    for worker in workers:
        worker.join()
    return total / seconds


def cleanup():
    import django

    django.setup()
    from django.db import connection

    from audit import chain
    from audit.models import AuditChainHead

    with connection.cursor() as c:
        c.execute("SET session_replication_role = replica")
        c.execute("DELETE FROM audit_auditevent WHERE action IN ('bench.chain', 'bench.plain')")
        c.execute("SET session_replication_role = origin")
    strands = getattr(chain, "STRANDS", None)
    for head in AuditChainHead.objects.all():
        with connection.cursor() as c:
            where = "WHERE strand = %s" if strands else ""
            c.execute(
                f"SELECT id, hash FROM audit_auditevent {where} ORDER BY id DESC LIMIT 1",  # noqa: S608
                [getattr(head, "strand", 0)] if strands else [],
            )
            row = c.fetchone()
        last_id, last_hash = row if row else (None, chain.GENESIS)
        mac = (
            chain.head_mac(last_id, last_hash, head.strand)
            if strands
            else chain.head_mac(last_id, last_hash)
        )
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_event_id=last_id, last_hash=last_hash, mac=mac
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procs", default="1,8")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hold-ms", type=float, default=0)
    args = parser.parse_args()
    hold = args.hold_ms / 1000
    try:
        for procs in [int(p) for p in args.procs.split(",")]:
            chain, plain = [], []
            for _ in range(args.rounds):
                chain.append(run("chain", procs, args.seconds, hold))
                plain.append(run("plain", procs, args.seconds, 0))
            ratios = [c / p for c, p in zip(chain, plain, strict=True)]
            print(
                f"{procs} process(es){' hold ' + str(args.hold_ms) + ' ms' if hold else ''}: "
                f"chain {statistics.median(chain):7.1f}/s [{min(chain):.0f}–{max(chain):.0f}]  "
                f"plain {statistics.median(plain):7.1f}/s [{min(plain):.0f}–{max(plain):.0f}]  "
                f"chain/plain {statistics.median(ratios):.2f} "
                f"[{min(ratios):.2f}–{max(ratios):.2f}]",
                flush=True,
            )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
