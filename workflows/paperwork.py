"""The procedure's documents: what each one says and when it is made.

``documents`` is a store of frozen PDFs that knows nothing of the procedure. This module is
the procedure's side of it: a step calls ``schedule`` inside its transaction, which builds
the document's snapshot there (``snapshots``, so the document shows what the step wrote)
and hands it to the store, which renders it after the commit. A correction gives each
current document of the corrected record a new version (``supersede``).
"""

from collections.abc import Hashable
from typing import Any

from django.contrib.auth.models import User

from documents import services as store
from documents.models import Document, DocumentJob
from workflows import snapshots
from workflows.models import Procedure
from workflows.snapshot_reads import remember, shared_reads


def schedule(
    *,
    procedure: Procedure,
    kind: str,
    subject: str,
    actor: User,
    issuer: dict[str, str] | None = None,
) -> None:
    """Snapshot now, render after commit (call inside the step's transaction).

    ``issuer``: what the issuing body says of itself (``snapshots.ISSUER_KEYS``).
    """
    store.queue(
        procedure_id=procedure.pk,
        kind=kind,
        subject=subject,
        snapshot=snapshots.build(procedure, kind, subject, issuer=issuer),
        actor=actor,
    )


def schedule_all(
    *,
    procedure: Procedure,
    documents: list[tuple[str, str]],
    actor: User,
    held: dict[Hashable, Any] | None = None,
) -> None:
    """``schedule`` each (kind, subject) of ``documents``, in order, with one INSERT of their
    jobs (a step that makes several documents); ``held``: what the step holds, under the
    keys of the snapshots' reads (``snapshot_reads.held_meeting``), not read again."""
    if documents:
        with shared_reads():  # what several of them read is read once (snapshot_reads)
            for key, value in (held or {}).items():
                remember(key, value)
            jobs = [
                (kind, subject, snapshots.build(procedure, kind, subject))
                for kind, subject in documents
            ]
        store.queue_many(procedure_id=procedure.pk, jobs=jobs, actor=actor)


def file_name(document: Document) -> str:
    """What a downloaded document of the procedure is called (after its form code): the
    case number, or for a card's own documents the card, never the case (its initiator
    downloads them)."""
    if document.subject.startswith("nka:"):
        return f"karta-{document.subject.split(':', 1)[1]}"
    return document.procedure.number.replace("/", "-")


def _issuer(document: Document) -> dict[str, str]:
    """The issuer's part of ``document``, carried unchanged into its new version."""
    keys = snapshots.ISSUER_KEYS.get(document.kind, ())
    return {key: document.snapshot["data"][key] for key in keys}


def new_version(*, procedure: Procedure, document: Document, actor: User, reason: str) -> None:
    """A new version of ``document`` from the current data, pointing at the one it replaces."""
    store.queue(
        procedure_id=procedure.pk,
        kind=document.kind,
        subject=document.subject,
        snapshot=snapshots.build(
            procedure, document.kind, document.subject, issuer=_issuer(document)
        ),
        actor=actor,
        replaces_id=document.pk,
        reason=reason,
    )


def reissue(*, procedure: Procedure, kind: str, subject: str, actor: User, reason: str) -> None:
    """``kind`` about ``subject`` again from the current data (call inside the step's
    transaction): a new version of the one in force; or, when that one is not rendered yet
    (its job still waits), the waiting job's snapshot rebuilt, since nothing was issued
    from it; or a first one.

    A change made while the renderer has not caught up (two changes of a group within
    seconds, or the demo seeded in one transaction) must not queue a second "version 1".
    """
    found = store.current_versions(procedure_id=procedure.pk, subject=subject)
    current = [d for d in found if d.kind == kind]
    if current:
        new_version(procedure=procedure, document=current[-1], actor=actor, reason=reason)
        return
    waiting = DocumentJob.objects.filter(
        procedure_id=procedure.pk, kind=kind, subject=subject, document__isnull=True
    ).exclude(status=DocumentJob.Status.DONE)
    job = waiting.order_by("-id").first()
    if job is not None:
        issuer = {key: job.snapshot["data"][key] for key in snapshots.ISSUER_KEYS.get(kind, ())}
        snapshot = snapshots.build(procedure, kind, subject, issuer=issuer)
        if waiting.filter(pk=job.pk).update(snapshot=snapshot):
            return
    schedule(procedure=procedure, kind=kind, subject=subject, actor=actor)


def supersede(
    *, procedure: Procedure, old_subject: str, new_subject: str, actor: User, reason: str
) -> int:
    """A corrected record: a new version of each current document about ``old_subject``,
    built from the corrected record ``new_subject`` and pointing at the one it replaces.

    Call inside the correction's transaction; returns how many versions were scheduled.
    """
    current = store.current_versions(procedure_id=procedure.pk, subject=old_subject)
    for document in current:
        store.queue(
            procedure_id=procedure.pk,
            kind=document.kind,
            subject=new_subject,
            snapshot=snapshots.build(
                procedure, document.kind, new_subject, issuer=_issuer(document)
            ),
            actor=actor,
            replaces_id=document.pk,
            reason=reason,
        )
    return len(current)
