"""The store of frozen documents: queue a snapshot, render it, keep it, verify it.

The store knows nothing of the procedure. The procedure's side (``workflows.paperwork``)
builds each document's snapshot inside the transaction of its step and hands it to
``queue``, which records a ``DocumentJob`` there and renders it after the commit. A step
that rolls back queues nothing; a rendering that fails leaves the job, ready to run again.
"""

import functools
import hashlib
import re
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.services import log_event
from documents import render
from documents.models import Document, DocumentJob
from documents.tasks import generate_document, generate_documents


def queue(
    *,
    procedure_id: int,
    kind: str,
    subject: str,
    snapshot: dict,
    actor: User,
    replaces_id: int | None = None,
    reason: str = "",
) -> DocumentJob:
    """Record the job in the current transaction; queue its rendering for the commit.

    If the step rolls back, neither the job nor the task exists. If the rendering fails,
    the job stays with its snapshot and is marked failed, ready to be rendered again.
    """
    job = DocumentJob.objects.create(
        procedure_id=procedure_id,
        kind=str(kind),
        subject=subject,
        snapshot=snapshot,
        requested_by=actor,
        replaces_id=replaces_id,
        reason=reason,
    )
    transaction.on_commit(lambda: generate_document.enqueue(job_id=job.pk))
    return job


def queue_many(*, procedure_id: int, jobs: list[tuple[str, str, dict]], actor: User) -> None:
    """``queue`` for several documents of one step: ``jobs`` are (kind, subject, snapshot);
    one INSERT, their renderings queued for the commit in that order as one task (one task
    row with the ``database`` backend, whatever the number of documents)."""
    created = DocumentJob.objects.bulk_create(
        DocumentJob(
            procedure_id=procedure_id,
            kind=str(kind),
            subject=subject,
            snapshot=snapshot,
            requested_by=actor,
        )
        for kind, subject, snapshot in jobs
    )
    ids = [job.pk for job in created]
    if ids:
        transaction.on_commit(lambda: generate_documents.enqueue(job_ids=ids))


def run_job(job_id: int) -> Document | None:
    """Render one job and store its document; a crash marks the job failed and re-raises."""
    job = DocumentJob.objects.filter(pk=job_id).first()
    if job is None or job.status == DocumentJob.Status.DONE:
        return None
    try:
        document = store(
            procedure_id=job.procedure_id,
            kind=job.kind,
            subject=job.subject,
            snapshot=job.snapshot,
            actor_id=job.requested_by_id,
            replaces_id=job.replaces_id,
            reason=job.reason,
        )
    except Exception as error:
        DocumentJob.objects.filter(pk=job.pk).update(
            status=DocumentJob.Status.FAILED,
            attempts=F("attempts") + 1,
            last_error=type(error).__name__[:200],
            updated_at=timezone.now(),
        )
        log_event(
            action="document.failed",
            procedure=job.procedure,
            payload={"job": job.pk, "kind": job.kind, "error": type(error).__name__},
        )
        raise
    version = job.replaces.version + 1 if job.replaces is not None else 1
    stored = (
        document
        or Document.objects.filter(
            procedure_id=job.procedure_id, kind=job.kind, subject=job.subject, version=version
        ).first()
    )
    DocumentJob.objects.filter(pk=job.pk).update(
        status=DocumentJob.Status.DONE,
        attempts=F("attempts") + 1,
        document=stored,
        last_error="",
        updated_at=timezone.now(),
    )
    return document


def requeue(*, procedure, job_ids: list[int], actor: User) -> int:
    """Queue the jobs ``job_ids`` of ``procedure`` again (the caller locked it and checked
    the actor's right); returns how many."""
    if job_ids:
        DocumentJob.objects.filter(pk__in=job_ids, procedure_id=procedure.pk).update(
            status=DocumentJob.Status.QUEUED, updated_at=timezone.now()
        )
        log_event(
            action="document.retry_requested",
            actor=actor,
            procedure=procedure,
            payload={"jobs": job_ids},
        )
        for job_id in job_ids:
            transaction.on_commit(functools.partial(generate_document.enqueue, job_id=job_id))
    return len(job_ids)


def store(
    *,
    procedure_id: int,
    kind: str,
    subject: str,
    snapshot: dict,
    actor_id: int,
    replaces_id: int | None = None,
    reason: str = "",
) -> Document | None:
    """Render ``snapshot`` and store it as a new, frozen document (idempotent per version)."""
    replaces = Document.objects.filter(pk=replaces_id).first() if replaces_id else None
    version = replaces.version + 1 if replaces else 1
    if Document.objects.filter(
        procedure_id=procedure_id, kind=kind, subject=subject, version=version
    ).exists():
        return None  # a retried task: this version is already stored
    public_id = uuid.uuid4()
    rendered = render.render(kind, snapshot, public_id=str(public_id), version=version)
    document = Document(
        public_id=public_id,
        procedure_id=procedure_id,
        kind=kind,
        subject=subject,
        form_code=snapshot["header"]["form_code"],
        edition=snapshot["header"]["edition"],
        version=version,
        replaces=replaces,
        reason=reason,
        snapshot=snapshot,
        snapshot_sha256=render.snapshot_hash(kind, snapshot),
        sha256=rendered.sha256,
        size=len(rendered.pdf),
        pages=rendered.pages,
        generated_by_id=actor_id,
    )
    document.file.save(f"{public_id}.pdf", ContentFile(rendered.pdf), save=False)
    try:
        with transaction.atomic():
            document.save()
            log_event(
                action="document.generated",
                actor=document.generated_by,
                procedure=document.procedure,
                payload={"document": document.pk, "kind": kind, "version": version},
            )
    except IntegrityError:
        if document.file.name:
            document.file.storage.delete(document.file.name)
        return None
    return document


def current_versions(*, procedure_id: int, subject: str) -> list[Document]:
    """The documents about ``subject`` that no newer version replaces, oldest first."""
    return list(
        Document.objects.filter(
            procedure_id=procedure_id, subject=subject, replaced_by__isnull=True
        ).order_by("id")
    )


@dataclass(frozen=True)
class Verification:
    document: Document | None
    matched_by: str = ""  # "file", "hash", "short hash", "document id"

    @property
    def known(self) -> bool:
        return self.document is not None

    @property
    def current(self) -> bool:
        return self.document is not None and not hasattr(self.document, "replaced_by")


HEX = re.compile(r"^[0-9a-f]+$")


def verify(*, data: bytes | None = None, text: str = "") -> Verification:
    """Identify a document by its PDF bytes, its SHA-256, the footer's short hash or id."""
    found = Document.objects.select_related("procedure", "replaced_by")
    if data is not None:
        digest = hashlib.sha256(data).hexdigest()
        return Verification(found.filter(sha256=digest).first(), "file")
    value = text.strip().lower()
    try:
        return Verification(found.filter(public_id=uuid.UUID(value)).first(), "document id")
    except ValueError:
        pass
    if not HEX.match(value) or len(value) < 12:
        return Verification(None)
    if len(value) == 64:
        by_file = found.filter(sha256=value).first()
        if by_file:
            return Verification(by_file, "hash")
        return Verification(found.filter(snapshot_sha256=value).first(), "hash")
    matches = list(found.filter(snapshot_sha256__startswith=value)[:2])
    return Verification(matches[0] if len(matches) == 1 else None, "short hash")


__all__ = ["current_versions", "queue", "requeue", "run_job", "store", "verify"]
