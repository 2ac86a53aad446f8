"""Reads of stored documents that respect who may see the procedure."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from audit.services import log_event
from documents.models import Document, DocumentJob, DocumentKind
from workflows.selectors import Access, procedure_get

INITIATOR_KINDS = (DocumentKind.NKA, DocumentKind.NKB)


def documents_for(*, procedure, access: Access, user) -> QuerySet[Document]:
    """The documents of ``procedure`` that ``user`` may see, oldest first.

    Team, group and auditors see them all; an initiator sees the NK-A and NK-B of the
    cards they filled.
    """
    documents = Document.objects.filter(procedure=procedure).select_related("generated_by")
    if access.full_read:
        return documents.order_by("kind", "subject", "version")
    own = procedure.nka_forms.filter(initiator=user).values_list("pk", flat=True)
    return documents.filter(
        kind__in=INITIATOR_KINDS, subject__in=[f"nka:{pk}" for pk in own]
    ).order_by("kind", "subject", "version")


def document_open(*, user, public_id, request=None) -> Document:
    """The document for a download; 404 unless the user may see it. Logged."""
    document = Document.objects.filter(public_id=public_id).only("procedure_id").first()
    if document is None:
        raise Http404
    procedure, access = procedure_get(user=user, pk=document.procedure_id)
    document = (
        documents_for(procedure=procedure, access=access, user=user)
        .filter(public_id=public_id)
        .first()
    )
    if document is None:
        raise Http404
    log_event(
        action="document.downloaded",
        actor=user,
        procedure=procedure,
        payload={"document": document.pk, "kind": document.kind, "version": document.version},
        request=request,
    )
    return document


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
