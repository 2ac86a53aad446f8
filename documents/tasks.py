"""Background work of the documents app (Django's tasks framework)."""

from django.tasks import task


@task
def generate_document(*, job_id: int) -> int | None:
    """Render and store the document of one ``DocumentJob``; returns the document's id."""
    from documents.services import run_job

    document = run_job(job_id)
    return document.pk if document else None


@task
def generate_documents(*, job_ids: list[int]) -> list[int | None]:
    """Render the documents of one step's jobs in order (one task row for the step, not one
    per document); returns their ids. A job that fails is marked failed by ``run_job`` and
    the others are still rendered; the first failure is raised at the end, so the task
    reports it and ``render_documents`` takes the failed job up again."""
    from documents.services import run_job

    made: list[int | None] = []
    failure: Exception | None = None
    for job_id in job_ids:
        try:
            document = run_job(job_id)
        except Exception as error:  # noqa: BLE001 - re-raised once the others are rendered
            failure = failure or error
            made.append(None)
        else:
            made.append(document.pk if document else None)
    if failure is not None:
        raise failure
    return made
