"""The one function that writes audit events, and the request context it reads."""

import contextlib
import contextvars
import datetime
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from audit.chain import GENESIS, event_hash, event_mac, head_mac
from audit.models import READ_VERBS, AuditChainHead, AuditEvent, AuditEventSubject, is_read_action

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
    chair = bool(professional.chaired_team_ids)
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
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_hash=GENESIS)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        at = _round_trip(timezone.now())
        fields = {
            "at": at,
            "actor_id": actor.pk if actor else None,
            "actor_role": role,
            "actor_institution": institution,
            "client": client,
            "action": action,
            "procedure_id": procedure_id,
            "person_id": person_id,
            "payload": payload,
        }
        digest = event_hash(prev_hash=head.last_hash, **fields)
        event = AuditEvent.objects.create(
            prev_hash=head.last_hash, hash=digest, mac=event_mac(digest), **fields
        )
        AuditChainHead.objects.filter(pk=1).update(
            last_hash=digest, last_event_id=event.pk, mac=head_mac(event.pk, digest)
        )
        if subjects:
            for subject in subjects:
                subject.event = event
            AuditEventSubject.objects.bulk_create(subjects)
    return event
