"""Reads of stored documents that respect who may see the procedure."""

from django.db.models import QuerySet
from django.http import Http404

from audit.services import log_event
from documents.models import Document, DocumentKind
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
