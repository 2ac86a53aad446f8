"""Reads of the document store (who may see a procedure's documents is the procedure's
question: ``workflows.selectors``)."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from documents.models import DocumentJob

# A queued job no worker has run after this long is offered for a retry too.
RETRY_QUEUED_AFTER = datetime.timedelta(minutes=15)


def jobs_to_retry(procedure_id: int | None = None) -> QuerySet[DocumentJob]:
    """Failed jobs, and queued ones no worker has taken for ``RETRY_QUEUED_AFTER``."""
    stale = timezone.now() - RETRY_QUEUED_AFTER
    jobs = DocumentJob.objects.filter(
        Q(status=DocumentJob.Status.FAILED)
        | Q(status=DocumentJob.Status.QUEUED, requested_at__lt=stale)
    )
    if procedure_id is not None:
        jobs = jobs.filter(procedure_id=procedure_id)
    return jobs.order_by("id")
