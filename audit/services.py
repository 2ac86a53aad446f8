"""The one function that writes audit events, and the request context it reads."""

import contextlib
import contextvars
import datetime
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from audit.chain import GENESIS, event_mac, hash_of, head_mac, strand_of
from audit.models import READ_VERBS, AuditChainHead, AuditEvent, AuditEventSubject, is_read_action
from core.sql import insert_values

# Keys whose values are personal data of special sensitivity: never stored in clear.
MASKED_KEYS = frozenset(
    {"pesel", "address", "phone", "email", "health", "note", "minutes", "query", "q"}
)

# The client address of the request being served (set by audit.middleware).
current_client: contextvars.ContextVar[str] = contextvars.ContextVar("audit_client", default="")
# Each actor's (role, institution), looked up once per request however many events the
# request writes (set by audit.middleware; ``None`` outside a request: looked up each time).
_actors: contextvars.ContextVar[dict[int, tuple[str, str]] | None] = contextvars.ContextVar(
    "audit_actors", default=None
)


@contextlib.contextmanager
def request_scope(client: str = "") -> Iterator[None]:
    """The audit context of one request: its client address, and the actors described once
    (issue 16: a step's events no longer ask 2–3 queries each who the actor is)."""
    client_token = current_client.set(client)
    actors_token = _actors.set({})
    try:
        yield
    finally:
        _actors.reset(actors_token)
        current_client.reset(client_token)


@contextlib.contextmanager
def actor_scope() -> Iterator[None]:
    """Describe each actor once inside the block: the request's scope when one is open (the
    middleware's), otherwise a scope of the block's own (a step run from a command)."""
    if _actors.get() is not None:
        yield
        return
    token = _actors.set({})
    try:
        yield
    finally:
        _actors.reset(token)


# The events written inside ``audit_batch``, appended when it ends (``None``: no batch open).
_pending: contextvars.ContextVar[list[AuditEvent] | None] = contextvars.ContextVar(
    "audit_pending", default=None
)


@contextlib.contextmanager
def audit_batch() -> Iterator[None]:
    """Collect the events logged inside the block and append them in ONE flush when it ends.

    Use it inside the transaction of a change that logs several events (``workflows.steps.step``
    does): the flush takes the chain head's lock once, inserts the events in one statement,
    moves the head once and inserts the read index rows in one statement, so the head stays
    locked only from the flush to the commit instead of from the first event on. The flush runs
    in the block's transaction: its events commit or roll back with the change. An exception
    inside the block discards them. Each event keeps the time it was logged (``at``);
    ``log_event`` returns it unsaved and it gets its id at the flush. A batch inside a batch
    is part of the outer one.
    """
    if _pending.get() is not None:
        yield
        return
    events: list[AuditEvent] = []
    token = _pending.set(events)
    try:
        yield
    finally:
        _pending.reset(token)
    _flush(events)


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("***" if k in MASKED_KEYS and v else _mask(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def actor_description(actor: User | None) -> tuple[str, str]:
    """(role, institution) of ``actor`` at this moment (within a request: as at the request's
    first event)."""
    if actor is None or not actor.is_authenticated:
        return "", ""
    cache = _actors.get()
    if cache is None:
        return _describe(actor)
    if actor.pk not in cache:
        cache[actor.pk] = _describe(actor)
    return cache[actor.pk]


def _describe(actor: User) -> tuple[str, str]:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return "auditor", actor.auditor_scope.institution
    except ObjectDoesNotExist:
        pass
    try:
        professional = actor.professional
    except ObjectDoesNotExist:
        return ("administrator" if actor.is_superuser else "user"), ""
    chair = professional.chairs_a_team
    return ("chair" if chair else professional.profession), professional.institution


def _round_trip(moment: datetime.datetime) -> datetime.datetime:
    # Microsecond precision, UTC: what both SQLite and PostgreSQL give back.
    return moment.astimezone(datetime.UTC)


def log_event(
    *,
    action: str,
    actor: User | None = None,
    procedure=None,
    person=None,
    payload: dict[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """Append one event to the chain and return it. Call inside the change's transaction.

    ``action`` is a dotted code: ``procedure.initiated`` for a change; a read of personal
    data ends in a verb of ``audit.models.READ_VERBS`` (``procedure.viewed``). Keys of
    ``payload`` in ``MASKED_KEYS`` are masked before they are stored.
    """
    return _append(
        action=action,
        actor=actor,
        procedure_id=procedure.pk if procedure else None,
        person_id=person.pk if person else None,
        payload=_mask(payload or {}),
        request=request,
    )


def _ids(items) -> list[int]:
    return sorted({item if isinstance(item, int) else item.pk for item in items})


def log_read(
    *,
    action: str,
    actor: User | None = None,
    request=None,
    people=(),
    procedures=(),
    payload: dict[str, Any] | None = None,
) -> AuditEvent | None:
    """Record that a page showed these people and procedures: ONE event for the page view.

    The payload's ``shown`` lists the ids (sorted, so they are hashed with the event) and each id
    gets an ``AuditEventSubject`` row, so "who saw this person" finds the read by index.
    ``people`` and ``procedures`` are objects or ids. A page that showed nobody writes
    nothing and ``None`` is returned. ``action`` must end in a read verb.
    """
    if not is_read_action(action):
        raise ValueError(f"{action!r} is not a read: its last part must be one of {READ_VERBS}")
    person_ids, procedure_ids = _ids(people), _ids(procedures)
    if not person_ids and not procedure_ids:
        return None
    content = _mask(payload or {})
    content["shown"] = {"people": person_ids, "procedures": procedure_ids}
    return _append(
        action=action,
        actor=actor,
        procedure_id=None,
        person_id=None,
        payload=content,
        request=request,
        subjects=[AuditEventSubject(person_id=pk) for pk in person_ids]
        + [AuditEventSubject(procedure_id=pk) for pk in procedure_ids],
    )


def _append(
    *, action, actor: User | None, procedure_id, person_id, payload, request, subjects=()
) -> AuditEvent:
    if actor is None and request is not None:
        actor = request.user
    if actor is not None and not actor.is_authenticated:
        actor = None
    client = request.META.get("REMOTE_ADDR", "") if request is not None else current_client.get()
    role, institution = actor_description(actor)
    event = AuditEvent(
        at=_round_trip(timezone.now()),
        actor_id=actor.pk if actor else None,
        actor_role=role,
        actor_institution=institution,
        client=client,
        action=action,
        procedure_id=procedure_id,
        person_id=person_id,
        payload=payload,
    )
    event._subjects = list(subjects)  # type: ignore[attr-defined]
    pending = _pending.get()
    if pending is not None:
        pending.append(event)
    else:
        _flush([event])
    return event


def _strand(events: list[AuditEvent]) -> int:
    """The strand the events go to: their procedure's when one of them changes a procedure
    (a step's events all name it), otherwise the first event's actor's (a read, or a change
    of no procedure: a user's own reads never wait for another user's)."""
    for event in events:
        if event.procedure_id and not is_read_action(event.action):
            return strand_of(event.procedure_id)
    return strand_of(events[0].actor_id)


def _flush(events: list[AuditEvent]) -> None:
    """Chain ``events`` (in the order they were logged) after the head of their strand and
    store them: one head lock, one INSERT of the events (their ids returned), one head UPDATE,
    one INSERT of the read index rows. No savepoint: a failure here fails the change it
    records. The head stays locked until the transaction ends."""
    if not events:
        return
    strand = _strand(events)
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql" and _flush_postgresql(events, strand):
            return
        head = AuditChainHead.objects.select_for_update().filter(strand=strand).first()
        if head is None:
            # Only after tampering (the migration made every head): the strand restarts, and
            # verify_audit reports the missing head and the broken link.
            head = AuditChainHead.objects.create(strand=strand, last_hash=GENESIS)
        _link(events, strand, head.last_hash)
        AuditEvent.objects.bulk_create(events)
        last = events[-1]
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_hash=last.hash, last_event_id=last.pk, mac=head_mac(last.pk, last.hash, strand)
        )
        subjects = _subjects_of(events)
        if subjects:
            AuditEventSubject.objects.bulk_create(subjects)


def _link(events: list[AuditEvent], strand: int, previous: str) -> None:
    """Chain ``events``, in order, after the hash ``previous`` of their strand's head."""
    for event in events:
        event.strand = strand
        event.prev_hash = previous
        event.hash = previous = hash_of(event)
        event.mac = event_mac(event.hash)


def _subjects_of(events: list[AuditEvent]) -> list[AuditEventSubject]:
    """The read index rows of ``events``, each pointing at its (numbered) event."""
    subjects = []
    for event in events:
        for subject in event._subjects:  # type: ignore[attr-defined]
            subject.event = event
            subjects.append(subject)
    return subjects


# The head of the strand locked, and only then (the lateral side runs for the locked row) the
# ids of the events drawn from their sequence: within a strand the ids follow the chain, as
# when the INSERT drew them under the lock.
_LOCK_AND_NUMBER = """
SELECT head.id, head.last_hash, numbers.ids
FROM (SELECT id, last_hash FROM {heads} WHERE strand = %s FOR UPDATE) AS head
CROSS JOIN LATERAL (
    SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) AS ids
    FROM generate_series(1, %s) AS n
    WHERE head.id IS NOT NULL
) AS numbers
"""


_MOVE_HEAD = """
WITH {inserts}
UPDATE {heads} SET last_hash = %s, last_event_id = %s, mac = %s WHERE id = %s
"""


def _flush_postgresql(events: list[AuditEvent], strand: int) -> bool:
    """``_flush`` in two statements on PostgreSQL: lock the head and number the events, then
    one statement that inserts the events (and the read index rows) and moves the head. False
    when the strand has no head row (``_flush`` then restarts the strand as it always did)."""
    heads = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            _LOCK_AND_NUMBER.format(heads=heads),
            [strand, AuditEvent._meta.db_table, len(events)],
        )
        found = cursor.fetchone()
        if found is None:
            return False
        head_id, previous, ids = found
        for event, pk in zip(events, sorted(ids), strict=True):
            event.pk = pk
        _link(events, strand, previous)
        sql, params = insert_values(AuditEvent, events, with_pk=True)
        parts = [f"events AS ({sql})"]
        subjects = _subjects_of(events)
        if subjects:
            sql, more = insert_values(AuditEventSubject, subjects, with_pk=False)
            parts.append(f"subjects AS ({sql})")
            params += more
        last = events[-1]
        cursor.execute(
            _MOVE_HEAD.format(inserts=", ".join(parts), heads=heads),
            [*params, last.hash, last.pk, head_mac(last.pk, last.hash, strand), head_id],
        )
    for event in events:
        event._state.adding = False
        event._state.db = connection.alias
    return True
