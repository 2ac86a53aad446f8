"""The hash of an audit event: SHA-256 over the previous hash and the event's content."""

import hashlib
import json

GENESIS = "0" * 64


def event_hash(
    *,
    prev_hash: str,
    at,
    actor_id,
    actor_role: str,
    actor_institution: str,
    client: str,
    action: str,
    procedure_id,
    person_id,
    payload: dict,
) -> str:
    content = json.dumps(
        {
            "prev": prev_hash,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor_id,
            "role": actor_role,
            "institution": actor_institution,
            "client": client,
            "action": action,
            "procedure": procedure_id,
            "person": person_id,
            "payload": payload,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode()).hexdigest()


def hash_of(event) -> str:
    """The hash ``event`` should carry, recomputed from its stored fields."""
    return event_hash(
        prev_hash=event.prev_hash,
        at=event.at,
        actor_id=event.actor_id,
        actor_role=event.actor_role,
        actor_institution=event.actor_institution,
        client=event.client,
        action=event.action,
        procedure_id=event.procedure_id,
        person_id=event.person_id,
        payload=event.payload,
    )
