"""Reads shared by the snapshots of one step's documents.

A step's documents are built together, after its writes and before their jobs are saved
(``paperwork.schedule_all``), with the procedure locked: what one snapshot reads (the meeting
with who was present, the procedure's start, the group's members, the closure notices) is
what the next would read at the same moment, so within ``shared_reads`` it is read once. The
frozen content is exactly what each snapshot read on its own would hold. Outside the block
(a single document, a new version) every read goes to the database as before. A step may
also hand over what it holds (``held_meeting``), as the database would return it.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Model

from workflows.models import Meeting, Professional
from workflows.snapshot_values import suspect_side_of

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


# What a step that recorded a meeting holds, under the keys of ``workflows.snapshots``'s
# reads: its documents (the invitation or summons, the NK-C or NK-D, the minutes) are built
# from it instead of reading back what the step has just written.


def held_meeting(meeting: Meeting, present: list[Professional], heard: list, **forms) -> dict:
    """What the step that recorded ``meeting`` holds of it, under the keys its documents read
    (``StepRun.hold``): the meeting, who was present (their users loaded) and heard, and of
    ``forms`` its ``nkc`` with its ``plan``, its ``nkd``, their person's ``suspect_side``
    and the case's ``first_suspect`` side. Each as the database returns it (tests/
    test_step_tasks.py builds every document again from the database and compares)."""
    procedure_id = meeting.procedure_id
    held: dict = {
        ("meeting", procedure_id, meeting.pk): meeting,
        ("attendance", meeting.pk): (sorted(present, key=_pk), sorted(heard, key=_pk)),
    }
    if (nkc := forms.get("nkc")) is not None:
        held["nkc", procedure_id, meeting.pk] = nkc
        held["plan", nkc.pk] = sorted(forms["plan"], key=lambda item: (item.due_on, item.pk))
    if (nkd := forms.get("nkd")) is not None:
        held["nkd", procedure_id, meeting.pk] = nkd
        held["suspect_side", procedure_id, nkd.suspect_id] = suspect_side_of(nkd.suspect)
    if (first := forms.get("first_suspect")) is not None:
        held["suspect_side", procedure_id, None] = suspect_side_of(first)
    return held


def _pk(instance: Model) -> int:
    return instance.pk


__all__ = ["held_meeting", "once", "remember", "shared_reads"]
