"""``python manage.py render_documents``: render again every document that failed."""

from django.core.management.base import BaseCommand

from core.locks import single_run
from documents.selectors import jobs_to_retry
from documents.services import run_job


class Command(BaseCommand):
    help = (
        "Render the documents whose rendering failed (or that no worker picked up within "
        "15 minutes) from the snapshot their step took. Safe to run at any time, on every "
        "host at once: one run at a time does the work (a PostgreSQL advisory lock) and a "
        "document is never stored twice."
    )

    def handle(self, *args, **options):
        with single_run("render_documents") as mine:
            if not mine:
                self.stdout.write("Another render_documents run is in progress: nothing done.")
                return
            self._render()

    def _render(self) -> None:
        made = failed = 0
        for job_id in list(jobs_to_retry().values_list("pk", flat=True)):
            try:
                run_job(job_id)
            except Exception as error:  # noqa: BLE001 - reported, the job stays failed
                failed += 1
                self.stderr.write(f"Job {job_id}: {type(error).__name__}")
            else:
                made += 1
        self.stdout.write(f"Documents rendered: {made}; still failing: {failed}.")
        if failed:
            raise SystemExit(1)
