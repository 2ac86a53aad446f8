"""One run at a time across every host: a PostgreSQL advisory lock (issue 16 item 5).

The schedules that must not overlap (``check_deadlines``, ``render_documents``) are started
by cron or a timer on every application host, so that losing a host loses no schedule.
Each run first takes a session-level advisory lock named after the job
(``pg_try_advisory_lock``): the first host to start holds it for the run, any other run
that starts meanwhile sees it taken and does nothing. The lock belongs to the database
session: it is released when the run ends, and by PostgreSQL itself if the process dies
or its connection drops, so a crashed host never blocks the schedule.

Behind a transaction-pooling PgBouncer a session lock can outlive the client or be taken
on another client's server connection: run these commands with a direct connection (or a
session-pooled one), see docs/deployment.md. SQLite (development, one host) has no such
locks and needs none: the helper lets every run through.

The rows the jobs write are safe against overlap on their own as well (a notice is unique
per deadline, kind and recipient; a document per version): the lock saves the duplicate
work, the wasted e-mail connections and the "failed" marks a losing run would leave.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

# Keeps this application's locks apart from any other user of the same database.
NAMESPACE = "niebieska-karta:"


def lock_key(name: str) -> int:
    """The 64-bit signed key of the advisory lock for ``name`` (stable across hosts)."""
    digest = hashlib.sha256((NAMESPACE + name).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def single_run(name: str, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """Hold the advisory lock ``name`` for the block; yields ``True`` when this run holds
    it and ``False`` when another session does (the caller then does nothing). Never
    waits. On a database without advisory locks it yields ``True``."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
