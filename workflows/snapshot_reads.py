"""Reads shared by the snapshots of one step's documents.

A step's documents are built together, after its writes and before their jobs are saved
(``paperwork.schedule_all``), with the procedure locked: what one snapshot reads (the meeting
with who was present, the procedure's start, the group's members, the closure notices) is
what the next would read at the same moment, so within ``shared_reads`` it is read once. The
frozen content is exactly what each snapshot read on its own would hold. Outside the block
(a single document, a new version) every read goes to the database as before.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("snapshot_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Share the snapshots' reads until the block ends (nested blocks share the outer one)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def once[T](key: Hashable, read: Callable[[], T]) -> T:
    """``read()``, done once per ``key`` inside ``shared_reads`` (every time outside it)."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def remember(key: Hashable, value: Any) -> None:
    """Keep ``value`` as what ``once(key, …)`` reads, when inside ``shared_reads``."""
    memo = _memo.get()
    if memo is not None:
        memo.setdefault(key, value)


__all__ = ["once", "remember", "shared_reads"]
