"""Background work of the documents app (Django's tasks framework)."""

from django.tasks import task


@task
def generate_document(*, job_id: int) -> int | None:
    """Render and store the document of one ``DocumentJob``; returns the document's id."""
    from documents.services import run_job

    document = run_job(job_id)
    return document.pk if document else None
