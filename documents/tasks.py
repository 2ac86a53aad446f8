"""Background work of the documents app (Django's tasks framework)."""

from django.tasks import task


@task
def generate_document(
    *,
    procedure_id: int,
    kind: str,
    subject: str,
    snapshot: dict,
    actor_id: int,
    replaces_id: int | None = None,
    reason: str = "",
) -> int | None:
    """Render and store one document; returns its id (None when it already exists)."""
    from documents.services import store

    document = store(
        procedure_id=procedure_id,
        kind=kind,
        subject=subject,
        snapshot=snapshot,
        actor_id=actor_id,
        replaces_id=replaces_id,
        reason=reason,
    )
    return document.pk if document else None
