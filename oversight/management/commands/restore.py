"""``python manage.py restore DIR``: restore a backup into an empty database and prove it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oversight.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the configured (empty) PostgreSQL database and media "
        "folder, then check row counts, every document hash and the audit chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)

    def handle(self, *args, source: Path, **options):
        try:
            report = restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            raise CommandError("Restore does not match the backup: " + "; ".join(report.problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified: {sum(report.counts.values())} rows, "
                f"{report.documents_checked} documents with matching hashes, "
                f"audit chain of {report.audit_events} events intact."
            )
        )
