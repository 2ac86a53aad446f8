"""The procedure's documents after their step: a new version, a retry of failed renderings.

The store (``documents``) keeps and renders; who may ask and from which data is decided
here, inside the step skeleton.
"""

from django.utils.translation import gettext as _

from documents import services as store
from documents.models import Document
from documents.selectors import jobs_to_retry
from workflows import paperwork
from workflows.steps import User, procedure_id_of, refuse, step


def document_regenerate(*, actor: User, document_id: int, reason: str) -> None:
    """A new version of a document from the current data, pointing to the one it replaces
    (chair or group member). Raises ``ServiceError`` without a reason or when a newer
    version exists."""
    if not reason.strip():
        raise refuse(_("Give the reason for the new version."), "reason")
    with step(
        actor=actor,
        procedure_id=procedure_id_of(Document, document_id),
        action="document_regenerate",
        event="document.regeneration_requested",
    ) as s:
        document = Document.objects.get(pk=document_id)
        if hasattr(document, "replaced_by"):
            raise refuse(_("A newer version of this document exists."))
        s.payload = {"document": document.pk, "kind": document.kind}
        paperwork.new_version(
            procedure=s.procedure, document=document, actor=actor, reason=reason.strip()
        )


def documents_retry(*, actor: User, procedure_id: int) -> int:
    """Queue again every document of the procedure that failed (chair or group member);
    returns how many."""
    with step(actor=actor, procedure_id=procedure_id, action="documents_retry", event="") as s:
        jobs = list(jobs_to_retry(s.procedure.pk).values_list("pk", flat=True))
        # The store writes the one event ``document.retry_requested`` when it queues any.
        return store.requeue(procedure=s.procedure, job_ids=jobs, actor=actor)
