"""Recount the compliance report's tallies of met and open deadlines from the deadlines.

    python manage.py rebuild_deadline_tallies

The tallies are kept in the transaction that meets a deadline (``workflows.tallies``); this
is for a database whose deadlines were written another way (a bulk import, ``bench/``'s
generator) or to check them: the rows are replaced in one transaction.
"""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from workflows.tallies import open_tally_rebuild, tally_rebuild


class Command(BaseCommand):
    help = "Recount the compliance report's tallies of met and open deadlines."

    def handle(self, *args, **options):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A step meeting a deadline meanwhile waits for the new rows (its count is
                # added to them), or the rebuild waits for its commit and reads its deadline.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "LOCK TABLE workflows_deadlinetally, workflows_opendeadlinetally "
                        "IN EXCLUSIVE MODE"
                    )
            rows = tally_rebuild()
            open_rows = open_tally_rebuild()
        self.stdout.write(f"{rows} tally rows, {open_rows} open tally rows")
