"""Walk the audit chain, check it against the key and the newest signed checkpoint.

The chain is split into strands (``audit.chain.STRANDS``, docs/audit.md): the walk goes
through every event in id order once (constant memory), keeping the last hash of each strand.
What each check catches (docs/audit.md, "Tamper evidence"):

- an event's hash differs from its content (its strand included): the row was changed, or
  moved to another strand;
- an event links to another hash than its strand's previous event's: a row was removed or
  inserted (or moved to another strand);
- an event's MAC is not the keyed MAC of its hash: the chain was re-hashed without the key;
- a strand's head row is missing, or does not point at the strand's last event, or its MAC
  (which covers the strand) is wrong: the tail of that strand was cut (or the head deleted);
- fewer events than the newest checkpoint (in all, or in a strand), or an event a checkpoint
  recorded as a strand's last missing or changed: the tail (or everything) was removed,
  heads included;
- the index rows of reads (``AuditEventSubject``) differ from the ids the payloads list.
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count

from audit.chain import GENESIS, STRANDS, event_mac, hash_of, head_mac, same, signature
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
    """Write the heads of every strand (last id, last hash, event count) and the number of
    events, with the time, signed with the audit key, to a new file in ``directory`` (default
    ``OIK_AUDIT_CHECKPOINT_DIR``).

    Refuses when the chain does not verify: a checkpoint must never bless a forgery.
    """
    report = verify_chain(checkpoints=directory)
    if not report.ok:
        raise CheckpointError(f"the chain does not verify: {report.problem}")
    directory = directory or checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    # Heads first, counts after: a count never falls behind the head it is written with.
    heads = list(AuditChainHead.objects.order_by("strand"))
    counts = dict(
        AuditEvent.objects.order_by()
        .values("strand")
        .annotate(n=Count("id"))
        .values_list("strand", "n")
    )
    now = datetime.datetime.now(datetime.UTC)
    content = {
        "strands": {
            str(head.strand): {
                "last_event_id": head.last_event_id,
                "last_hash": head.last_hash,
                "events": counts.get(head.strand, 0),
            }
            for head in heads
        },
        "events": sum(counts.values()),
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


# A checkpoint written before the chain had strands: one head, which is now strand 0's.
SINGLE_CHAIN_KEYS = {"last_event_id", "last_hash", "events", "at"}
STRAND_KEYS = {"strands", "events", "at"}


def newest_checkpoint(directory: Path | None = None) -> tuple[Path, dict] | None:
    """The newest checkpoint and its content; ``CheckpointError`` if it is not genuine.

    The content always has ``strands`` (strand number → ``last_event_id``, ``last_hash``,
    ``events``) and ``events``; a checkpoint of the single chain is read as strand 0.
    """
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
        if set(data) not in (SINGLE_CHAIN_KEYS, STRAND_KEYS):
            raise ValueError("unexpected fields")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointError(f"checkpoint {path.name} cannot be read ({exc})") from exc
    if not isinstance(stored, str) or not same(stored, signature(data)):
        raise CheckpointError(
            f"checkpoint {path.name} has a bad signature (changed, or signed with another key)"
        )
    if "strands" in data:
        strands = {int(strand): head for strand, head in data["strands"].items()}
    else:
        strands = {0: {k: data[k] for k in ("last_event_id", "last_hash", "events")}}
    return path, {"strands": strands, "events": data["events"], "at": data["at"]}


def _against_checkpoint(
    count: int, counts: dict[int, int], hashes_at: dict, directory: Path | None
) -> tuple[str, str]:
    """(problem, checkpoint name) comparing the verified chain with the newest checkpoint.

    ``counts``: events per strand; ``hashes_at``: (strand, hash) of the events the checkpoint
    names as a strand's last."""
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
    for strand, head in sorted(data["strands"].items()):
        if counts.get(strand, 0) < head["events"]:
            return (
                f"strand {strand} has {counts.get(strand, 0)} events, fewer than the "
                f"{head['events']} of checkpoint {name} (events were removed)",
                name,
            )
        last_id = head["last_event_id"]
        if last_id is None:
            continue
        stored = hashes_at.get(last_id)
        if stored is None:
            return (
                f"event {last_id} recorded by checkpoint {name} is missing "
                "(events were removed from the end)",
                name,
            )
        if stored[0] != strand or not same(stored[1], head["last_hash"]):
            return (
                f"event {last_id} has hash {stored[1][:16]}… in strand {stored[0]}, checkpoint "
                f"{name} recorded {head['last_hash'][:16]}… in strand {strand} (the chain was "
                "rewritten)",
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
    """Recompute every event's hash and MAC in id order (constant memory: the last hash of
    each strand), check every strand's head, the read index and the newest checkpoint."""
    previous: dict[int, str] = {}  # strand → hash of its last event so far
    last_ids: dict[int, int] = {}
    counts: dict[int, int] = defaultdict(int)
    count = 0
    hashes_at: dict[int, tuple[int, str]] = {}
    checkpoint_ids: set[int] = set()
    try:
        found = newest_checkpoint(checkpoints)
        if found:
            checkpoint_ids = {
                head["last_event_id"]
                for head in found[1]["strands"].values()
                if head["last_event_id"] is not None
            }
    except CheckpointError:
        pass  # reported by _against_checkpoint below, after the walk
    chunk: list[AuditEvent] = []

    def flush() -> ChainReport | None:
        broken, problem = _subjects_problem(chunk)
        chunk.clear()
        return ChainReport(count, broken, problem) if broken else None

    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch):
        count += 1
        strand = event.strand
        if strand >= STRANDS:
            return ChainReport(
                count,
                event.pk,
                f"event {event.pk} ({event.action}) is in strand {strand}, which does not exist "
                "(the row was changed)",
            )
        expected_prev = previous.get(strand, GENESIS)
        if event.prev_hash != expected_prev:
            return ChainReport(
                count,
                event.pk,
                f"event {event.pk} ({event.action}) links to {event.prev_hash[:16]}…, "
                f"expected the previous event's hash {expected_prev[:16]}… in strand {strand} "
                "(an event was removed or inserted before it, or moved between strands)",
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
        if event.pk in checkpoint_ids:
            hashes_at[event.pk] = (strand, event.hash)
        chunk.append(event)
        if len(chunk) >= batch and (report := flush()):
            return report
        previous[strand], last_ids[strand] = event.hash, event.pk
        counts[strand] += 1
    if chunk and (report := flush()):
        return report
    if problem := _heads_problem(count, previous, last_ids):
        return ChainReport(count, None, problem)
    problem, name = _against_checkpoint(count, counts, hashes_at, checkpoints)
    return ChainReport(count, None, problem, name)


def _heads_problem(count: int, previous: dict[int, str], last_ids: dict[int, int]) -> str:
    """Every strand's head row is there, points at the strand's last event and carries the MAC
    of (strand, last id, last hash). No head at all is a fresh, empty chain."""
    heads = {head.strand: head for head in AuditChainHead.objects.all()}
    if not heads and not count:
        return ""
    for strand in range(STRANDS):
        head = heads.get(strand)
        if head is None:
            return f"the chain head row is missing for strand {strand} (it was deleted)"
        last_hash, last_id = previous.get(strand, GENESIS), last_ids.get(strand)
        if head.last_hash != last_hash or head.last_event_id != last_id:
            return (
                f"strand {strand}: the chain ends at event {last_id} but the head records event "
                f"{head.last_event_id} (events were removed from the end)"
            )
        if not same(head.mac, head_mac(last_id, last_hash, strand)):
            return (
                f"strand {strand}: the head's MAC does not match event {last_id}: the head was "
                "moved without the audit key (events were removed from the end)"
            )
    if set(heads) - set(range(STRANDS)):
        return f"head rows of strands that do not exist: {sorted(set(heads) - set(range(STRANDS)))}"
    return ""
