"""Walk the audit chain and report the first broken link."""

from dataclasses import dataclass

from audit.chain import GENESIS, hash_of
from audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    events: int
    broken_at: int | None = None  # the id of the first event that does not verify
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem


def verify_chain(batch: int = 2000) -> ChainReport:
    """Recompute every event's hash in id order; constant memory."""
    previous = GENESIS
    count = 0
    last_id = None
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
        previous, last_id = event.hash, event.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != previous or head.last_event_id != last_id):
        return ChainReport(
            count,
            None,
            f"the chain ends at event {last_id} but the head records event "
            f"{head.last_event_id} (events were removed from the end)",
        )
    return ChainReport(count)
