"""Which of a procedure's documents a user may have."""

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from audit.services import log_event
from documents.models import Document, DocumentKind
from forms.models import NKA
from workflows.models import (
    Procedure,
)
from workflows.selectors.access import Access, procedure_get, professional_for

INITIATOR_KINDS = (DocumentKind.NKA, DocumentKind.NKB)


def documents_for(*, procedure, access: Access, user: User) -> QuerySet[Document]:
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


def card_documents(*, nka) -> QuerySet[Document]:
    """The NK-A and NK-B of one card: what its initiator may see and print (handing NK-B
    to the victim is the initiator's job), whatever case the card belongs to."""
    return (
        Document.objects.filter(
            procedure_id=nka.procedure_id, kind__in=INITIATOR_KINDS, subject=f"nka:{nka.pk}"
        )
        .select_related("generated_by")
        .order_by("kind", "version")
    )


def document_open(*, user: User, public_id, request=None) -> Document:
    """The document for a download; 404 unless the user may see it. Logged.

    The team, the group and auditors open the documents of the cases they see; an
    initiator opens the NK-A and NK-B of the cards they filled (and nothing else).
    """
    document = (
        Document.objects.filter(public_id=public_id).only("procedure_id", "kind", "subject").first()
    )
    if document is None:
        raise Http404
    try:
        procedure, access = procedure_get(user=user, pk=document.procedure_id)
    except Http404:
        own = (
            document.kind in INITIATOR_KINDS
            and document.subject.startswith("nka:")
            and (professional := professional_for(user)) is not None
            and professional.has_declaration
            and NKA.objects.filter(
                pk=int(document.subject.split(":", 1)[1]),
                procedure_id=document.procedure_id,
                initiator=user,
            ).exists()
        )
        if not own:
            raise
        procedure = Procedure.objects.get(pk=document.procedure_id)
        access = Access(initiator=True)
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
