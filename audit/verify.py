"""Walk the audit chain, check it against the key and the newest signed checkpoint.

What each check catches (docs/audit.md, "Tamper evidence"):

- an event's hash differs from its content: the row was changed;
- an event links to another hash than its predecessor's: a row was removed or inserted;
- an event's MAC is not the keyed MAC of its hash: the chain was re-hashed without the key;
- the head is missing, or does not point at the last event, or its MAC is wrong: the tail
  was cut (or the head row deleted);
- fewer events than the newest checkpoint, or the checkpointed event missing or changed:
  the tail (or everything) was removed, head included;
- the index rows of reads (``AuditEventSubject``) differ from the ids the payloads list.
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from audit.chain import GENESIS, event_mac, hash_of, head_mac, same, signature
from audit.models import AuditChainHead, AuditEvent, AuditEventSubject


@dataclass(frozen=True)
class ChainReport:
    events: int
    broken_at: int | None = None  # the id of the first event that does not verify
    problem: str = ""
    checkpoint: str = ""  # the checkpoint file compared with, if any

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem


# --------------------------------------------------------------------------- checkpoints


class CheckpointError(Exception):
    pass


def checkpoint_dir() -> Path:
    return Path(settings.OIK_AUDIT_CHECKPOINT_DIR)


def write_checkpoint(directory: Path | None = None) -> Path:
    """Write the head of the chain (last id, last hash, event count, time), signed with the
    audit key, to a new file in ``directory`` (default ``OIK_AUDIT_CHECKPOINT_DIR``).

    Refuses when the chain does not verify: a checkpoint must never bless a forgery.
    """
    report = verify_chain(checkpoints=directory)
    if not report.ok:
        raise CheckpointError(f"the chain does not verify: {report.problem}")
    directory = directory or checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    head = AuditChainHead.objects.filter(pk=1).first()
    now = datetime.datetime.now(datetime.UTC)
    content = {
        "last_event_id": head.last_event_id if head else None,
        "last_hash": head.last_hash if head else GENESIS,
        "events": AuditEvent.objects.count(),
        "at": now.isoformat(timespec="microseconds"),
    }
    body = json.dumps({**content, "signature": signature(content)}, indent=2, sort_keys=True)
    # Names sort by time: the newest checkpoint is the last name.
    path = directory / f"checkpoint-{now:%Y%m%dT%H%M%S%fZ}.json"
    partial = path.with_suffix(".part")
    partial.write_text(body + "\n")
    partial.chmod(0o600)
    partial.rename(path)
    return path


def newest_checkpoint(directory: Path | None = None) -> tuple[Path, dict] | None:
    """The newest checkpoint and its content; ``CheckpointError`` if it is not genuine."""
    directory = directory or checkpoint_dir()
    if not directory.is_dir():
        return None
    paths = sorted(directory.glob("checkpoint-*.json"))
    if not paths:
        return None
    path = paths[-1]
    try:
        data = json.loads(path.read_text())
        stored = data.pop("signature")
        keys = {"last_event_id", "last_hash", "events", "at"}
        if set(data) != keys:
            raise ValueError("unexpected fields")
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"checkpoint {path.name} cannot be read ({exc})") from exc
    if not isinstance(stored, str) or not same(stored, signature(data)):
        raise CheckpointError(
            f"checkpoint {path.name} has a bad signature (changed, or signed with another key)"
        )
    return path, data


def _against_checkpoint(count: int, hashes_at: dict, directory: Path | None) -> tuple[str, str]:
    """(problem, checkpoint name) comparing the verified chain with the newest checkpoint."""
    try:
        found = newest_checkpoint(directory)
    except CheckpointError as error:
        return str(error), ""
    if found is None:
        return "", ""
    path, data = found
    name = path.name
    if data["events"] and count == 0:
        return (
            f"the chain is empty but checkpoint {name} recorded {data['events']} events "
            "(every event was deleted)",
            name,
        )
    if count < data["events"]:
        return (
            f"the chain has {count} events, fewer than the {data['events']} of checkpoint "
            f"{name} (events were removed)",
            name,
        )
    last_id = data["last_event_id"]
    if last_id is not None:
        stored = hashes_at.get(last_id)
        if stored is None:
            return (
                f"event {last_id} recorded by checkpoint {name} is missing "
                "(events were removed from the end)",
                name,
            )
        if not same(stored, data["last_hash"]):
            return (
                f"event {last_id} has hash {stored[:16]}…, checkpoint {name} recorded "
                f"{data['last_hash'][:16]}… (the chain was rewritten)",
                name,
            )
    return "", name


# --------------------------------------------------------------------------- the walk


def _subjects_of(event_ids: list[int]) -> dict[int, tuple[list[int], list[int]]]:
    people: dict[int, list[int]] = defaultdict(list)
    procedures: dict[int, list[int]] = defaultdict(list)
    rows = AuditEventSubject.objects.filter(event_id__in=event_ids).values_list(
        "event_id", "person_id", "procedure_id"
    )
    for event_id, person_id, procedure_id in rows:
        if person_id is not None:
            people[event_id].append(person_id)
        if procedure_id is not None:
            procedures[event_id].append(procedure_id)
    return {
        pk: (sorted(people[pk]), sorted(procedures[pk])) for pk in set(people) | set(procedures)
    }


def _subjects_problem(chunk: list[AuditEvent]) -> tuple[int | None, str]:
    """Compare a chunk's index rows with the ids its payloads list (one query a chunk)."""
    indexed = _subjects_of([e.pk for e in chunk])
    for event in chunk:
        shown = event.payload.get("shown") if isinstance(event.payload, dict) else None
        listed = (shown.get("people", []), shown.get("procedures", [])) if shown else ([], [])
        if indexed.get(event.pk, ([], [])) != (list(listed[0]), list(listed[1])):
            return event.pk, (
                f"event {event.pk} ({event.action}) lists people {listed[0]} and procedures "
                f"{listed[1]}, its index rows say otherwise (the subject index was changed)"
            )
    return None, ""


def verify_chain(batch: int = 2000, checkpoints: Path | None = None) -> ChainReport:
    """Recompute every event's hash and MAC in id order (constant memory), check the head,
    the read index and the newest checkpoint."""
    previous = GENESIS
    count = 0
    last_id = None
    hashes_at: dict[int, str] = {}
    checkpoint_id = None
    try:
        found = newest_checkpoint(checkpoints)
        checkpoint_id = found[1]["last_event_id"] if found else None
    except CheckpointError:
        pass  # reported by _against_checkpoint below, after the walk
    chunk: list[AuditEvent] = []

    def flush() -> ChainReport | None:
        broken, problem = _subjects_problem(chunk)
        chunk.clear()
        return ChainReport(count, broken, problem) if broken else None

    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch):
        count += 1
        if event.prev_hash != previous:
            return ChainReport(
                count,
                event.pk,
                f"event {event.pk} ({event.action}) links to {event.prev_hash[:16]}…, "
                f"expected the previous event's hash {previous[:16]}… "
                "(an event was removed or inserted before it)",
            )
        expected = hash_of(event)
        if event.hash != expected:
            return ChainReport(
                count,
                event.pk,
                f"event {event.pk} ({event.action}) stores hash {event.hash[:16]}…, "
                f"its content hashes to {expected[:16]}… (the row was changed)",
            )
        if not same(event.mac, event_mac(event.hash)):
            return ChainReport(
                count,
                event.pk,
                f"event {event.pk} ({event.action}) has a MAC that the audit key did not make "
                "(the chain was rewritten and re-hashed, or the key is not the one in use)",
            )
        if event.pk == checkpoint_id:
            hashes_at[event.pk] = event.hash
        chunk.append(event)
        if len(chunk) >= batch and (report := flush()):
            return report
        previous, last_id = event.hash, event.pk
    if chunk and (report := flush()):
        return report
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None and count:
        return ChainReport(count, None, "the chain head row is missing (it was deleted)")
    if head is not None and (head.last_hash != previous or head.last_event_id != last_id):
        return ChainReport(
            count,
            None,
            f"the chain ends at event {last_id} but the head records event "
            f"{head.last_event_id} (events were removed from the end)",
        )
    if head is not None and count and not same(head.mac, head_mac(last_id, previous)):
        return ChainReport(
            count,
            None,
            f"the head's MAC does not match event {last_id}: the head was moved without the "
            "audit key (events were removed from the end)",
        )
    problem, name = _against_checkpoint(count, hashes_at, checkpoints)
    return ChainReport(count, None, problem, name)
