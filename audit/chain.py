"""The hash of an audit event (SHA-256 over the previous hash and the event's content) and
the keyed MACs that anchor the chain outside the database."""

import hashlib
import hmac
import json

GENESIS = "0" * 64

# The chain is split into this many strands, each with its own head row (docs/audit.md,
# "Strands"): a change goes to the strand of its procedure, a read to the strand of its
# actor. Fixed: the migration that introduced them created one head row per strand, so a
# deleted head row is noticed. Changing it needs a migration creating the new heads.
STRANDS = 16


def strand_of(pk: int | None) -> int:
    """The strand of a procedure or an actor with primary key ``pk`` (``None``: strand 0)."""
    return pk % STRANDS if pk else 0


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
    strand: int = 0,
) -> str:
    content = {
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
    }
    # The strand is hashed with the event, so moving an event to another strand changes its
    # hash. Only when it is not 0: the events written before strands existed (all in strand
    # 0) keep the hashes they were written with.
    if strand:
        content["strand"] = strand
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


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
        strand=event.strand,
    )


# ----------------------------------------------------------------- keyed anchoring
#
# The SHA-256 chain alone shows that rows were changed only to someone who cannot re-hash
# it. A keyed MAC (HMAC-SHA256, RFC 2104) with a key kept outside the database closes that
# gap: rewriting an event, re-hashing the rest or moving the head back needs the key.


def _key() -> bytes:
    from django.conf import settings

    return settings.OIK_AUDIT_KEY.encode()


def _mac(purpose: str, message: str) -> str:
    # The purpose separates the three uses of one key (events, the head, checkpoints).
    return hmac.new(_key(), f"{purpose}\n{message}".encode(), hashlib.sha256).hexdigest()


def event_mac(digest: str) -> str:
    """The MAC an event with chain hash ``digest`` carries."""
    return _mac("event", digest)


def head_mac(last_event_id, last_hash: str, strand: int = 0) -> str:
    """The MAC of the head of ``strand`` pointing at event ``last_event_id`` with ``last_hash``
    (a copy of one strand's head in another's row does not verify). Strand 0 keeps the message
    of the single chain it continues, so its head needs no new MAC."""
    if strand:
        return _mac("head", f"{strand}:{last_event_id}:{last_hash}")
    return _mac("head", f"{last_event_id}:{last_hash}")


def signature(content: dict) -> str:
    """The MAC of a checkpoint's content (canonical JSON)."""
    return _mac("checkpoint", json.dumps(content, sort_keys=True, separators=(",", ":")))


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
