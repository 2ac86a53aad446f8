"""Generating, regenerating and verifying the statutory documents.

``schedule`` is called by the workflow services inside the transaction of a step: it takes
the data snapshot there (so the document shows the state the step wrote) and queues the
rendering for after the commit. A step that rolls back queues nothing.
"""

import functools
import hashlib
import re
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_event
from documents import render, snapshots
from documents.models import Document, DocumentJob, DocumentKind
from documents.selectors import jobs_to_retry
from documents.tasks import generate_document
from workflows.models import Procedure


def schedule(*, procedure: Procedure, kind: str, subject: str, actor: User) -> None:
    """Snapshot now, render after commit (inside the step's transaction)."""
    _render_after_commit(
        procedure=procedure,
        kind=kind,
        subject=subject,
        snapshot=snapshots.build(procedure, kind, subject),
        actor=actor,
    )


def _render_after_commit(
    *, procedure, kind: str, subject: str, snapshot: dict, actor: User, replaces_id=None, reason=""
) -> DocumentJob:
    """Record the job in the current transaction; queue its rendering for the commit.

    If the step rolls back, neither the job nor the task exists. If the rendering fails,
    the job stays with its snapshot and is marked failed, ready to be rendered again.
    """
    job = DocumentJob.objects.create(
        procedure=procedure,
        kind=str(kind),
        subject=subject,
        snapshot=snapshot,
        requested_by=actor,
        replaces_id=replaces_id,
        reason=reason,
    )
    transaction.on_commit(lambda: generate_document.enqueue(job_id=job.pk))
    return job


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


def documents_retry(*, actor: User, procedure_id: int) -> int:
    """Queue again every document of the procedure that failed (chair or group member)."""
    from workflows.services import _access, _group_member_or_chair, _lock

    with transaction.atomic():
        procedure = _lock(procedure_id)
        _group_member_or_chair(_access(actor, procedure))
        jobs = list(jobs_to_retry(procedure.pk).values_list("pk", flat=True))
        if jobs:
            DocumentJob.objects.filter(pk__in=jobs).update(
                status=DocumentJob.Status.QUEUED, updated_at=timezone.now()
            )
            log_event(
                action="document.retry_requested",
                actor=actor,
                procedure=procedure,
                payload={"jobs": jobs},
            )
            for job_id in jobs:
                transaction.on_commit(functools.partial(generate_document.enqueue, job_id=job_id))
    return len(jobs)


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


def document_regenerate(*, actor: User, document_id: int, reason: str) -> None:
    """A new version of a document from the current data, pointing to the one it replaces."""
    from workflows.services import ServiceError, _access, _group_member_or_chair, _lock

    if not reason.strip():
        raise ServiceError({"reason": [_("Give the reason for the new version.")]})
    document = Document.objects.filter(pk=document_id).only("procedure_id").first()
    if document is None:
        raise PermissionDenied
    with transaction.atomic():
        procedure = _lock(document.procedure_id)
        _group_member_or_chair(_access(actor, procedure))
        document = Document.objects.get(pk=document_id)
        if hasattr(document, "replaced_by"):
            raise ServiceError({"__all__": [_("A newer version of this document exists.")]})
        log_event(
            action="document.regeneration_requested",
            actor=actor,
            procedure=procedure,
            payload={"document": document.pk, "kind": document.kind},
        )
        _render_after_commit(
            procedure=procedure,
            kind=document.kind,
            subject=document.subject,
            snapshot=snapshots.build(procedure, document.kind, document.subject),
            actor=actor,
            replaces_id=document.pk,
            reason=reason.strip(),
        )


def documents_supersede(
    *, procedure, old_subject: str, new_subject: str, actor: User, reason: str
) -> int:
    """A corrected record: a new version of each current document about ``old_subject``,
    built from the corrected record ``new_subject`` and pointing at the one it replaces.

    Call inside the correction's transaction; returns how many versions were scheduled.
    """
    current = Document.objects.filter(
        procedure=procedure, subject=old_subject, replaced_by__isnull=True
    ).order_by("id")
    for document in current:
        _render_after_commit(
            procedure=procedure,
            kind=document.kind,
            subject=new_subject,
            snapshot=snapshots.build(procedure, document.kind, new_subject),
            actor=actor,
            replaces_id=document.pk,
            reason=reason,
        )
    return len(current)


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


__all__ = ["DocumentKind", "document_regenerate", "schedule", "store", "verify"]
