"""Stored statutory documents: frozen once written, verifiable by their hash.

A document is rendered from a data snapshot taken inside the transaction of the step that
produced it; the snapshot, the form code and edition, the PDF, its SHA-256, who generated
it and when are kept for ever. A correction is a new version that points to the one it
replaces, with a reason. ``save()`` on an existing row and ``delete()`` raise; on
PostgreSQL a trigger refuses UPDATE and DELETE as well (migration 0002).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    NKA = "nka", _("„Niebieska Karta – A”")
    NKB = "nkb", _("„Niebieska Karta – B”")
    NKC = "nkc", _("„Niebieska Karta – C”")
    NKD = "nkd", _("„Niebieska Karta – D”")
    GROUP_DECISION = "group_decision", _("Decision creating the diagnostic-support group")
    DECLARATION = "declaration", _("Confidentiality declaration of a group member")
    VICTIM_INVITATION = "victim_invitation", _("Invitation to the meeting of the group")
    SUSPECT_SUMMONS = "suspect_summons", _("Summons to the meeting of the group")
    INITIATION_NOTICE = "initiation_notice", _("Notification of the initiation of the procedure")
    MINUTES = "minutes", _("Minutes of the group meeting")
    REFERRAL = "referral", _("Referral to a programme with instructions")
    MISDEMEANOUR = "misdemeanour", _("Misdemeanour notification (art. 66c k.w.)")
    NOTICE = "notice", _("Notice to the prosecutor, the Police or the alcohol commission")
    CLOSURE_PROTOCOL = "closure_protocol", _("Protocol of the closure of the procedure")
    CLOSURE_NOTICE = "closure_notice", _("Notice of closure to the participating institutions")
    PROGRAMME_REPORTED = "programme_reported", _("Certificate of reporting to a programme")
    PROGRAMME_COMPLETED = "programme_completed", _("Certificate of completing a programme")


# Documents addressed to the suspected person: never a victim's address, phone or shelter.
SUSPECT_FACING = frozenset(
    {
        DocumentKind.NKD,
        DocumentKind.SUSPECT_SUMMONS,
        DocumentKind.INITIATION_NOTICE,
        DocumentKind.REFERRAL,
        DocumentKind.PROGRAMME_REPORTED,
        DocumentKind.PROGRAMME_COMPLETED,
    }
)


class FrozenQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("Documents are never changed; generate a new version instead.")

    def delete(self):
        raise ValueError("Documents are never deleted.")


class Document(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    procedure = models.ForeignKey(
        "workflows.Procedure", on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    # Which record of the procedure it is about ("nka:12", "meeting:3", "member:7" …).
    subject = models.CharField(max_length=40)
    form_code = models.CharField(_("form"), max_length=20)
    edition = models.CharField(_("edition"), max_length=8)
    version = models.PositiveIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    reason = models.CharField(_("reason for the new version"), max_length=300, blank=True)
    snapshot = models.JSONField()
    snapshot_sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="documents/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveIntegerField()
    pages = models.PositiveSmallIntegerField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)

    objects = FrozenQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["generated_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "kind", "subject", "version"], name="document_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} ({self.procedure_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Documents are never changed; generate a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Documents are never deleted.")

    @property
    def short_hash(self) -> str:
        return self.snapshot_sha256[:12]


class HelpContact(models.Model):
    """The help directory printed on NK-B: edited by an administrator, not in the template.

    Without a municipality the entry is national (112, helplines) and printed everywhere.
    """

    municipality = models.ForeignKey(
        "workflows.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="help_contacts",
        verbose_name=_("municipality (empty: national)"),
    )
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    note = models.CharField(_("what they help with"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("help directory entry")
        verbose_name_plural = _("help directory")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class DocumentJob(models.Model):
    """A document a step asked for: its snapshot, kept until the PDF is stored.

    Written in the step's transaction, so the snapshot survives a renderer crash or a lost
    task; a failed job is rendered again from the same snapshot
    (``workflows.services.documents_retry`` or ``python manage.py render_documents``).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        FAILED = "failed", _("failed")
        DONE = "done", _("generated")

    procedure = models.ForeignKey(
        "workflows.Procedure", on_delete=models.PROTECT, related_name="document_jobs"
    )
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    subject = models.CharField(max_length=40)
    snapshot = models.JSONField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The exception's class only: a message could quote personal data.
    last_error = models.CharField(max_length=200, blank=True)
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="job"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document job")
        verbose_name_plural = _("document jobs")
        indexes = [models.Index(fields=["status", "procedure"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} ({self.get_status_display()})"
