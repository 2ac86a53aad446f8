"""Recompute the centre statistics' kept procedure figures from the records.

    python manage.py rebuild_procedure_figures

The rows are kept by the steps (``workflows.figures``); this is for a database whose
records were written another way (a bulk import, a data fix) or to check them: the rows are
replaced in one transaction, the horizon set to the current month.
"""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from workflows.figures import figures_rebuild


class Command(BaseCommand):
    help = "Recompute the centre statistics' procedure figures kept per month and year."

    def handle(self, *args, **options):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A step writing rows meanwhile waits for the rebuild, or the rebuild for it.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "LOCK TABLE workflows_procedurefigure, workflows_figurehorizon "
                        "IN EXCLUSIVE MODE"
                    )
            rows = figures_rebuild()
        self.stdout.write(f"{rows} procedure figure rows")
