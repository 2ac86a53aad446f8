"""Back up and restore the database and the stored documents, and prove the restore.

PostgreSQL only (``pg_dump``/``pg_restore`` of the same major version as the server). A
backup is a folder: ``database.dump`` (custom format), ``documents.tar.gz`` (the media
folder) and ``manifest.json`` (row counts, the document hashes, the audit chain head). A
restore goes into an empty database and then checks: the same row counts, every stored
document's SHA-256 matches, and the audit chain verifies.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

from audit.models import AuditChainHead
from audit.verify import verify_chain
from documents.models import Document

# Every app that keeps rows of its own (the crisis centre included): the manifest counts them
# and a restore must give the same counts back.
APP_LABELS = ("people", "workflows", "nkforms", "documents", "audit", "centre")


class BackupError(Exception):
    pass


def _require_postgresql() -> dict:
    if connection.vendor != "postgresql":
        raise BackupError(
            "Backup and restore need PostgreSQL; with SQLite copy .local/db.sqlite3 and "
            ".local/media while the server is stopped."
        )
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return {"env": env, "args": args, "name": db["NAME"]}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client).")
    return path


def row_counts() -> dict[str, int]:
    counts = {}
    for label in APP_LABELS:
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


def _manifest() -> dict:
    return {
        "counts": row_counts(),
        "documents": dict(Document.objects.values_list("file", "sha256")),
        # The last hash of each strand of the audit chain (docs/audit.md, "Strands").
        "audit_heads": {
            str(strand): last_hash
            for strand, last_hash in AuditChainHead.objects.order_by("strand").values_list(
                "strand", "last_hash"
            )
        },
    }


def backup(target: Path) -> dict:
    """Write the backup folder ``target`` and return its manifest."""
    pg = _require_postgresql()
    target.mkdir(parents=True, exist_ok=True)
    manifest = _manifest()  # before the dump: nothing the dump holds is missing from it
    # A fixed argument list, no shell.
    subprocess.run(  # noqa: S603
        [
            _tool("pg_dump"),
            "-Fc",
            "--no-owner",
            "-f",
            str(target / "database.dump"),
            *pg["args"],
            pg["name"],
        ],
        check=True,
        env=pg["env"],
    )
    with tarfile.open(target / "documents.tar.gz", "w:gz") as archive:
        media = Path(settings.MEDIA_ROOT)
        if (media / "documents").exists():
            archive.add(media / "documents", arcname="documents")
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


@dataclass
class RestoreReport:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    documents_checked: int = 0
    audit_events: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def restore(source: Path) -> RestoreReport:
    """Restore ``source`` into the (empty) configured database and media folder, then check."""
    pg = _require_postgresql()
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        if cursor.fetchone()[0]:
            raise BackupError(f"Database {pg['name']} is not empty; restore into an empty one.")
    connection.close()
    subprocess.run(  # noqa: S603
        [
            _tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "-d",
            pg["name"],
            *pg["args"],
            str(source / "database.dump"),
        ],
        check=True,
        env=pg["env"],
    )
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "documents.tar.gz", "r:gz") as archive:
        archive.extractall(media, filter="data")

    report = RestoreReport(counts=row_counts())
    if report.counts != manifest["counts"]:
        differ = {
            k: (manifest["counts"].get(k), report.counts.get(k))
            for k in set(manifest["counts"]) | set(report.counts)
            if manifest["counts"].get(k) != report.counts.get(k)
        }
        report.problems.append(f"row counts differ (backup, restored): {differ}")
    for document in Document.objects.all():
        report.documents_checked += 1
        try:
            digest = hashlib.sha256(Path(document.file.path).read_bytes()).hexdigest()
        except FileNotFoundError:
            report.problems.append(f"document {document.pk}: file {document.file.name} missing")
            continue
        if digest != document.sha256 or manifest["documents"].get(document.file.name) != digest:
            report.problems.append(f"document {document.pk}: hash does not match")
    chain = verify_chain()
    report.audit_events = chain.events
    if not chain.ok:
        report.problems.append(f"audit chain: {chain.problem}")
    return report
