"""Issue 16: the audit chain in strands, and a step's events appended in one batch.

A change goes to the strand of its procedure, a read (or a change of no procedure) to the
strand of its actor; each strand has its own head row. ``verify_audit`` walks every event once
and checks every strand (docs/audit.md, "Strands"). Tampering is done as in
``tests/test_audit_anchor.py``: someone with SQL but without the audit key.
"""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.chain import GENESIS, STRANDS, signature, strand_of
from audit.models import AuditChainHead, AuditEvent
from audit.services import audit_batch, log_event, log_read
from audit.verify import newest_checkpoint, verify_chain
from tests.factories import UserFactory
from tests.scenarios import drive
from tests.test_audit import _tamper
from tests.test_audit_anchor import _refused
from workflows.models import Stage

pytestmark = pytest.mark.django_db


def _user_in_strand(strand: int):
    """A new user whose events without a procedure go to ``strand``."""
    while True:
        user = UserFactory()
        if strand_of(user.pk) == strand:
            return user


def _changes_in_strand(strand: int, n: int = 3) -> list[AuditEvent]:
    """``n`` events in ``strand``: changes of no procedure by a user of that strand."""
    user = _user_in_strand(strand)
    return [log_event(action="calendar_feed.issued", actor=user) for _ in range(n)]


def test_every_strand_has_its_head_and_two_strands_verify(world):
    assert set(AuditChainHead.objects.values_list("strand", flat=True)) == set(range(STRANDS))
    first = drive(world, to=Stage.GROUP_APPOINTED)
    _changes_in_strand((strand_of(first.pk) + 1) % STRANDS)
    events = list(AuditEvent.objects.order_by("id"))
    assert len({event.strand for event in events}) >= 2
    # Each event links to the previous event of its own strand.
    last: dict[int, str] = {}
    for event in events:
        assert event.prev_hash == last.get(event.strand, GENESIS)
        last[event.strand] = event.hash
    for head in AuditChainHead.objects.all():
        assert head.last_hash == last.get(head.strand, GENESIS)
    assert verify_chain().ok


def test_a_change_goes_to_its_procedures_strand_a_read_to_its_actors(world):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    changes = AuditEvent.objects.filter(procedure=procedure).exclude(action__endswith="viewed")
    assert {event.strand for event in changes} == {strand_of(procedure.pk)}
    read = log_read(action="procedure_list.viewed", actor=world.chair, procedures=[procedure])
    assert read.strand == strand_of(world.chair.pk)
    viewed = log_event(action="procedure.viewed", actor=world.chair, procedure=procedure)
    assert viewed.strand == strand_of(world.chair.pk)
    anonymous = log_event(action="auth.second_factor_failed")
    assert anonymous.strand == 0


def test_a_cut_tail_in_strand_3_is_noticed(world):
    drive(world, to=Stage.INITIATED)
    events = _changes_in_strand(3)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    _refused(
        f"strand 3: the chain ends at event {events[-2].pk} but the head records event "
        f"{events[-1].pk}"
    )


def test_a_cut_tail_in_strand_3_with_its_head_moved_back_fails_on_the_head_mac(world):
    events = _changes_in_strand(3)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    _tamper(
        "UPDATE audit_auditchainhead SET last_hash = %s, last_event_id = %s WHERE strand = 3",
        [events[-2].hash, events[-2].pk],
    )
    _refused(f"strand 3: the head's MAC does not match event {events[-2].pk}")


def test_another_strands_genuine_head_copied_over_fails_on_the_head_mac(world):
    """The MAC covers the strand: a genuine head of one strand does not pass in another's row
    (two empty strands: same last hash, same last id, only the MAC tells them apart)."""
    used = set(AuditEvent.objects.values_list("strand", flat=True))
    one, other = sorted(set(range(STRANDS)) - used)[:2]
    _tamper(
        "UPDATE audit_auditchainhead SET mac = %s WHERE strand = %s",
        [AuditChainHead.objects.get(strand=one).mac, other],
    )
    _refused(f"strand {other}: the head's MAC does not match event None")


def test_a_deleted_head_row_of_one_strand_is_noticed(world):
    drive(world, to=Stage.INITIATED)
    _tamper("DELETE FROM audit_auditchainhead WHERE strand = 5", [])
    _refused("the chain head row is missing for strand 5")


def test_an_event_moved_to_another_strand_is_noticed_by_its_hash(world):
    """The first event of a strand links to the genesis hash, as the first of any strand does:
    moved to an empty strand its links still look right, but the strand is hashed."""
    events = _changes_in_strand(3, n=1)
    used = set(AuditEvent.objects.values_list("strand", flat=True))
    empty = min(set(range(1, STRANDS)) - used)
    assert events[0].prev_hash == GENESIS
    _tamper("UPDATE audit_auditevent SET strand = %s WHERE id = %s", [empty, events[0].pk])
    _refused(f"event {events[0].pk} .* stores hash.*the row was changed")


def test_an_event_moved_into_a_busy_strand_breaks_its_link(world):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    events = _changes_in_strand((strand_of(procedure.pk) + 2) % STRANDS)
    _tamper(
        "UPDATE audit_auditevent SET strand = %s WHERE id = %s",
        [strand_of(procedure.pk), events[1].pk],
    )
    _refused(f"event {events[1].pk} .* links to")


def test_an_old_single_chain_checkpoint_is_read_as_strand_0(world, settings):
    """A checkpoint written before strands (one head) still counts: compared with strand 0."""
    drive(world, to=Stage.INITIATED)
    head = AuditChainHead.objects.get(strand=0)
    content = {
        "last_event_id": head.last_event_id,
        "last_hash": head.last_hash,
        "events": AuditEvent.objects.filter(strand=0).count(),
        "at": "2026-01-01T00:00:00.000000+00:00",
    }
    directory = settings.OIK_AUDIT_CHECKPOINT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "checkpoint-20260101T000000000000Z.json"
    path.write_text(json.dumps({**content, "signature": signature(content)}))
    found = newest_checkpoint()
    assert found is not None and found[1]["strands"] == {
        0: {k: content[k] for k in ("last_event_id", "last_hash", "events")}
    }
    assert verify_chain().checkpoint == path.name
    call_command("verify_audit")
    # Claiming more events than the chain has is noticed, as before.
    content["events"] = AuditEvent.objects.count() + 5
    path.write_text(json.dumps({**content, "signature": signature(content)}))
    _refused("fewer than the .* of checkpoint")


def test_a_checkpoint_notices_a_strand_cut_back_with_its_old_genuine_head(world):
    events = _changes_in_strand(3, n=2)
    old_head = AuditChainHead.objects.get(strand=3)
    later = log_event(action="calendar_feed.issued", actor=events[0].actor)
    assert later.strand == 3
    call_command("audit_checkpoint")
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [later.pk])
    _tamper(
        "UPDATE audit_auditchainhead SET last_hash = %s, last_event_id = %s, mac = %s "
        "WHERE strand = 3",
        [old_head.last_hash, old_head.last_event_id, old_head.mac],
    )
    # Add an event elsewhere so the total alone does not give it away.
    _changes_in_strand(4, n=1)
    _refused("strand 3 has 2 events, fewer than the 3 of checkpoint")


# ----------------------------------------------------------------------------- batches


def test_a_steps_events_are_appended_in_one_flush_with_one_head_lock(world):
    procedure = drive(world, to=Stage.INITIATED)
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        drive_transfer(world, procedure)
    heads = [q["sql"] for q in captured if "audit_auditchainhead" in q["sql"]]
    inserts = [q["sql"] for q in captured if q["sql"].startswith('INSERT INTO "audit_auditevent"')]
    if connection.vendor == "postgresql":
        # The head locked and the events numbered; the events inserted and the head moved by
        # one statement (audit.services._flush_postgresql).
        assert len(heads) == 2
        assert "FOR UPDATE" in heads[0] and "nextval" in heads[0]
        assert 'INSERT INTO "audit_auditevent"' in heads[1] and heads[1].count("INSERT") == 1
    else:
        assert len(heads) == 2  # SELECT … FOR UPDATE (no-op clause on SQLite), UPDATE
        assert len(inserts) == 1
    written = list(AuditEvent.objects.order_by("id")[before:])
    assert len(written) >= 3  # the step, the deadline met, the tasks
    assert {event.strand for event in written} == {strand_of(procedure.pk)}
    assert [event.at for event in written] == sorted(event.at for event in written)
    assert verify_chain().ok


def drive_transfer(world, procedure):
    import datetime

    from workflows import services

    today = datetime.date.today()
    services.nka_transfer(
        actor=world.teacher,
        procedure_id=procedure.pk,
        nka_id=procedure.nka_forms.get().pk,
        sent_on=today,
        received_on=today,
    )


def test_an_exception_inside_a_batch_discards_its_events(world):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), audit_batch():
        log_event(action="calendar_feed.issued", actor=world.chair)
        raise RuntimeError
    assert AuditEvent.objects.count() == before
    assert verify_chain().ok


def test_events_in_a_batch_keep_the_time_they_were_logged_and_get_ids_at_the_flush(world):
    with audit_batch():
        first = log_event(action="calendar_feed.issued", actor=world.chair)
        at = first.at
        assert first.pk is None and at is not None
        second = log_event(action="calendar_feed.revoked", actor=world.chair)
        assert second.pk is None
    assert first.pk is not None and second.pk == first.pk + 1
    assert AuditEvent.objects.get(pk=first.pk).at == at
    assert AuditEvent.objects.get(pk=second.pk).prev_hash == first.hash


def test_outside_a_batch_an_event_is_appended_at_once(world):
    event = log_event(action="calendar_feed.issued", actor=world.chair)
    assert event.pk is not None and AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_batches_flushed_at_once_into_one_strand_keep_their_ids_in_chain_order():
    # On PostgreSQL the flush numbers its events after it holds the head's lock
    # (audit.services._flush_postgresql): concurrent batches of one strand never interleave,
    # and within the strand the ids follow the links, which verify_audit walks by id.
    import threading

    from django.db import transaction

    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            for round_ in range(5):
                with transaction.atomic(), audit_batch():
                    for i in range(3):
                        log_event(action="test.concurrent", payload={"n": n, "r": round_, "i": i})
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    events = list(AuditEvent.objects.filter(action="test.concurrent").order_by("id"))
    assert len(events) == 60
    for earlier, later in zip(events, events[1:], strict=False):
        assert later.prev_hash == earlier.hash  # strand 0, no other writer: one unbroken run
    # Each batch's three events are consecutive.
    for start in range(0, 60, 3):
        assert len({(e.payload["n"], e.payload["r"]) for e in events[start : start + 3]}) == 1
    assert verify_chain().ok
