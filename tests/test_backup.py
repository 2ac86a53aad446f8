"""Backup and restore into an empty PostgreSQL database, proven by counts, hashes and the chain."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from documents.models import Document
from tests.scenarios import drive
from workflows.models import Stage

ROOT = Path(settings.BASE_DIR)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump/pg_restore back up PostgreSQL"
)


class EmptyDatabase:
    """A fresh database on the same server, dropped afterwards."""

    def __init__(self):
        db = connection.settings_dict
        self.server = {
            "host": db.get("HOST") or "127.0.0.1",
            "port": db.get("PORT") or 5432,
            "user": db.get("USER") or "postgres",
            "password": db.get("PASSWORD") or None,
        }
        self.name = f"restore_{uuid.uuid4().hex[:10]}"

    def __enter__(self):
        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    @property
    def url(self) -> str:
        s = self.server
        return f"postgres://{s['user']}@{s['host']}:{s['port']}/{self.name}"


def _restore(backup_dir: Path, database: EmptyDatabase, media: Path):
    env = {**os.environ, "DATABASE_URL": database.url, "OIK_MEDIA_ROOT": str(media)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_into_an_empty_database_and_proves_itself(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    drive(world, to=Stage.CLOSED)  # committed for real: documents rendered after each step
    assert Document.objects.count() >= 10
    backup_dir = tmp_path / "backup"
    call_command("backup", str(backup_dir))
    assert {p.name for p in backup_dir.iterdir()} == {
        "database.dump",
        "documents.tar.gz",
        "manifest.json",
    }

    with EmptyDatabase() as database:
        result = _restore(backup_dir, database, tmp_path / "restored")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Restored and verified" in result.stdout
        # Restoring again into the now-full database is refused.
        again = _restore(backup_dir, database, tmp_path / "restored")
        assert again.returncode != 0 and "not empty" in again.stderr

    # A backup whose documents do not match what it claims is reported, not accepted.
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    first = next(iter(manifest["documents"]))
    manifest["documents"][first] = "0" * 64
    (backup_dir / "manifest.json").write_text(json.dumps(manifest))
    with EmptyDatabase() as database:
        result = _restore(backup_dir, database, tmp_path / "restored-2")
        assert result.returncode != 0 and "hash does not match" in result.stderr


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite message")
@pytest.mark.django_db
def test_backup_explains_what_to_do_on_sqlite(tmp_path):
    with pytest.raises(CommandError, match="SQLite"):
        call_command("backup", str(tmp_path / "b"))


@pytest.mark.django_db
def test_the_manifest_counts_every_app_that_keeps_rows_the_centre_included():
    """A restore that lost the crisis centre's register must not prove itself."""
    from django.apps import apps

    from oversight.backup import row_counts

    counted = {label.split(".")[0] for label in row_counts()}
    ours = {"people", "workflows", "nkforms", "documents", "audit", "centre", "accounts"}
    keeping_rows = {
        config.label
        for config in apps.get_app_configs()
        if config.label in ours and list(config.get_models())
    }
    assert "centre" in counted
    assert keeping_rows <= counted
