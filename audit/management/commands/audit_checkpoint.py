"""``python manage.py audit_checkpoint``: sign the chain's head into a file outside the database.

Meant for cron (e.g. hourly, and before every backup): each run verifies the chain, then
writes the last event id, its hash, the event count and the time, signed with the audit key,
to ``OIK_AUDIT_CHECKPOINT_DIR``. ``verify_audit`` compares the chain with the newest one.
"""

from django.core.management.base import BaseCommand, CommandError

from audit.verify import CheckpointError, write_checkpoint


class Command(BaseCommand):
    help = "Verify the audit chain and write a signed checkpoint of its head."

    def handle(self, *args, **options):
        try:
            path = write_checkpoint()
        except CheckpointError as error:
            raise CommandError(f"No checkpoint written: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Checkpoint written: {path}"))
