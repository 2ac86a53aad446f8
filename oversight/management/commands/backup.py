"""``python manage.py backup DIR``: dump the database and the stored documents into DIR."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oversight.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the PostgreSQL database and the stored documents into a folder."

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path)

    def handle(self, *args, target: Path, **options):
        try:
            manifest = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {total} rows and {len(manifest['documents'])} documents to {target}."
            )
        )
