"""``python manage.py check_deadlines``: the cron entry point for reminders and escalations."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from core.locks import single_run
from workflows.reminders import check_deadlines


class Command(BaseCommand):
    help = (
        "Warn of deadlines at risk, remind before statutory deadlines and escalate overdue "
        "steps to the team chair. Safe to run as often as you like, on every host at once: "
        "one run at a time does the work (a PostgreSQL advisory lock) and nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Judge deadlines as on this date (YYYY-MM-DD) instead of today in Warsaw.",
        )

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, got {date!r}.") from exc
        with single_run("check_deadlines") as mine:
            if not mine:
                self.stdout.write("Another check_deadlines run is in progress: nothing done.")
                return
            report = check_deadlines(today)
        self.stdout.write(
            f"At-risk warnings sent: {report.at_risk}; reminders sent: {report.reminders}; "
            f"escalations sent: {report.escalations}."
        )
        if report.skipped_no_email:
            names = ", ".join(sorted(set(report.skipped_no_email)))
            self.stderr.write(
                f"No e-mail address on record for: {names} (told in the application only)."
            )
