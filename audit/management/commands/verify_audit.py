"""``python manage.py verify_audit``: check that no audit event was changed or removed."""

from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Walk the audit hash chain, check every event's MAC, the head and the newest signed "
        "checkpoint; exit with an error naming what is wrong."
    )

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"Audit chain broken after {report.events} events: {report.problem}")
        against = f", matches checkpoint {report.checkpoint}" if report.checkpoint else ""
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.events} events{against}.")
        )
