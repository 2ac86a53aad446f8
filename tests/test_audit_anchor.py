"""The audit chain is anchored outside the database: a keyed MAC on every event and on the
head, and signed checkpoints of the head written to files (docs/audit.md).

Each forgery below is done as someone who can write to the database but holds neither the
audit key nor the checkpoint files: ``verify_audit`` must fail and say what is wrong.
"""

import json
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.chain import hash_of
from audit.management.commands.audit_grants import grant_statements
from audit.models import AuditChainHead, AuditEvent
from audit.services import log_event
from audit.verify import newest_checkpoint, verify_chain
from tests.scenarios import drive
from tests.test_audit import _tamper
from workflows.models import Stage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def _events() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("id"))


def _refused(match: str) -> None:
    with pytest.raises(CommandError, match=match):
        call_command("verify_audit")


def _rehash_from(start: int) -> None:
    """Recompute prev_hash/hash of every event from index ``start`` on and move the head, as
    an attacker who knows the (public) hashing but not the key would."""
    events = _events()
    previous: dict[int, str] = {}  # strand → last hash
    for event in events[:start]:
        previous[event.strand] = event.hash
    last: dict[int, int] = {}
    for event in events[start:]:
        event.prev_hash = previous.get(event.strand, "0" * 64)
        digest = hash_of(event)
        _tamper(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [event.prev_hash, digest, event.pk],
        )
        previous[event.strand], last[event.strand] = digest, event.pk
    for strand, pk in last.items():
        _tamper(
            "UPDATE audit_auditchainhead SET last_hash = %s, last_event_id = %s WHERE strand = %s",
            [previous[strand], pk, strand],
        )


def test_an_edited_row_fails_verification(world):
    drive(world, to=Stage.ACTIONS)
    call_command("audit_checkpoint")
    edited = _events()[4]
    _tamper("UPDATE audit_auditevent SET actor_role = 'x' WHERE id = %s", [edited.pk])
    _refused(f"event {edited.pk} .* stores hash.*the row was changed")


def test_a_rehashed_chain_fails_on_the_mac(world):
    drive(world, to=Stage.ACTIONS)
    edited = _events()[4]
    _tamper("UPDATE audit_auditevent SET action = 'procedure.nothing' WHERE id = %s", [edited.pk])
    _rehash_from(4)
    # Every link and hash is consistent again; only the key could have made the MACs.
    _refused(f"event {edited.pk} .* MAC that the audit key did not make")


def test_a_cut_tail_with_the_head_moved_back_fails(world):
    drive(world, to=Stage.ACTIONS)
    events = _events()
    keep = events[-4]
    # The tail of keep's strand (the case's) is cut and the strand's head moved back to keep.
    _tamper("DELETE FROM audit_auditevent WHERE id > %s AND strand = %s", [keep.pk, keep.strand])
    _tamper(
        "UPDATE audit_auditchainhead SET last_hash = %s, last_event_id = %s WHERE strand = %s",
        [keep.hash, keep.pk, keep.strand],
    )
    _refused(f"strand {keep.strand}: the head's MAC does not match event {keep.pk}")


def test_a_cut_tail_with_an_old_genuine_head_fails_against_the_checkpoint(world):
    """The attacker restores a head row copied earlier (its MAC genuine): the checkpoint
    written since still shows the events that were removed."""
    drive(world, to=Stage.GROUP_APPOINTED)
    old_heads = list(AuditChainHead.objects.all())
    last_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    drive(world, to=Stage.ACTIONS)
    call_command("audit_checkpoint")
    checkpointed = AuditEvent.objects.count()
    _tamper("DELETE FROM audit_auditevent WHERE id > %s", [last_id])
    for old_head in old_heads:  # every strand's head as it was
        _tamper(
            "UPDATE audit_auditchainhead SET last_hash = %s, last_event_id = %s, mac = %s "
            "WHERE strand = %s",
            [old_head.last_hash, old_head.last_event_id, old_head.mac, old_head.strand],
        )
    remaining = AuditEvent.objects.count()
    _refused(f"has {remaining} events, fewer than the {checkpointed} of checkpoint")


def test_a_deleted_head_row_fails(world):
    drive(world, to=Stage.ACTIONS)
    _tamper("DELETE FROM audit_auditchainhead", [])
    _refused("the chain head row is missing")


def test_an_emptied_table_fails_against_the_checkpoint(world):
    drive(world, to=Stage.ACTIONS)
    call_command("audit_checkpoint")
    count = AuditEvent.objects.count()
    _tamper("DELETE FROM audit_auditeventsubject", [])
    _tamper("DELETE FROM audit_auditevent", [])
    _tamper("DELETE FROM audit_auditchainhead", [])
    _refused(f"the chain is empty but checkpoint .* recorded {count} events")


def test_a_forged_checkpoint_fails_on_its_signature(world, settings):
    drive(world, to=Stage.ACTIONS)
    call_command("audit_checkpoint")
    path, data = newest_checkpoint()
    stored = json.loads(path.read_text())
    stored["events"] = 1  # lower the count, to hide removed events later
    path.write_text(json.dumps(stored))
    _refused(f"checkpoint {path.name} has a bad signature")


def test_a_deleted_read_index_row_fails(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    client.force_login(world.chair)
    client.get("/procedures/")
    listed = AuditEvent.objects.get(action="procedure_list.viewed")
    assert listed.payload["shown"]["procedures"] == [procedure.pk]
    _tamper("DELETE FROM audit_auditeventsubject WHERE event_id = %s", [listed.pk])
    _refused(f"event {listed.pk}.*the subject index was changed")


def test_the_checkpoint_command_signs_the_head_and_verify_compares(world, settings, capsys):
    drive(world, to=Stage.ACTIONS)
    call_command("audit_checkpoint")
    path, data = newest_checkpoint()
    assert path.parent == settings.OIK_AUDIT_CHECKPOINT_DIR
    assert data["events"] == AuditEvent.objects.count()
    for head in AuditChainHead.objects.all():
        assert data["strands"][head.strand] == {
            "last_event_id": head.last_event_id,
            "last_hash": head.last_hash,
            "events": AuditEvent.objects.filter(strand=head.strand).count(),
        }
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    # More events after the checkpoint are fine: the chain only grows.
    drive(world, to=Stage.INITIATED)
    call_command("verify_audit")
    assert f"matches checkpoint {path.name}" in capsys.readouterr().out
    report = verify_chain()
    assert report.ok and report.checkpoint == path.name


def test_no_checkpoint_is_written_over_a_broken_chain(world, settings):
    drive(world, to=Stage.ACTIONS)
    _tamper("DELETE FROM audit_auditchainhead", [])
    with pytest.raises(CommandError, match="No checkpoint written: .*head row is missing"):
        call_command("audit_checkpoint")
    assert not list(Path(settings.OIK_AUDIT_CHECKPOINT_DIR).glob("*.json"))


def test_events_made_with_another_key_do_not_verify(world, settings):
    drive(world, to=Stage.INITIATED)
    settings.OIK_AUDIT_KEY = secrets.token_urlsafe(48)
    assert "MAC that the audit key did not make" in verify_chain().problem


def test_production_refuses_to_start_without_the_audit_key_and_takes_a_key_file(tmp_path):
    env = {
        **os.environ,
        "OIK_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "nk.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    }
    env.pop("OIK_AUDIT_KEY", None)
    command = [sys.executable, "manage.py", "check"]
    refused = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "OIK_AUDIT_KEY" in refused.stderr
    key_file = tmp_path / "audit_key"
    key_file.write_text(secrets.token_urlsafe(48))
    started = subprocess.run(
        command,
        cwd=ROOT,
        env={**env, "OIK_AUDIT_KEY_FILE": str(key_file)},
        capture_output=True,
        text=True,
    )
    assert started.returncode == 0, started.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and grants are PostgreSQL's")
def test_the_application_role_appends_but_cannot_rewrite_or_unprotect_the_audit_table(world):
    """As the role of ``audit_grants`` (it owns nothing): INSERT works; UPDATE, DELETE,
    TRUNCATE and disabling the append-only trigger are refused."""
    drive(world, to=Stage.INITIATED)
    role = f"oik_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")  # rolled back with the test
        for statement in grant_statements(role):
            cursor.execute(statement)
        cursor.execute(f"SET ROLE {role}")
    try:
        event = log_event(action="procedure.viewed", actor=world.chair)
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        for sql in (
            "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
            "DELETE FROM audit_auditevent WHERE id = %s",
            "TRUNCATE audit_auditevent CASCADE",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
            "DELETE FROM audit_auditchainhead WHERE id = %s",
            "DELETE FROM audit_auditeventsubject WHERE event_id = %s",
        ):
            with (
                pytest.raises(DatabaseError, match="permission denied|must be owner"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [event.pk] if "%s" in sql else None)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert verify_chain().ok


def test_audit_grants_prints_the_sql_for_a_role(capsys):
    call_command("audit_grants", "oik_web")
    out = capsys.readouterr().out
    assert "GRANT SELECT, INSERT ON audit_auditevent, audit_auditeventsubject TO oik_web;" in out
    assert "REVOKE ALL ON audit_auditevent" in out
    with pytest.raises(CommandError):
        call_command("audit_grants", "x; DROP TABLE audit_auditevent")
