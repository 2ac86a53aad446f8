"""The audit store: one append-only, hash-chained table of domain events and reads.

Written only by ``audit.services``. Every event stores the hash of the event before it in
its strand (the chain is split into ``audit.chain.STRANDS`` strands, see docs/audit.md) and a
keyed MAC of its hash; ``python manage.py
verify_audit`` walks the chain and compares it with the newest signed checkpoint. The model
refuses UPDATE and DELETE; on PostgreSQL a trigger refuses them too.
"""

from django.conf import settings
from django.db import models

from core.dates import shown_moment


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the actor was when they acted (kept even if their role changes later).
    actor_role = models.CharField(max_length=100, blank=True)
    actor_institution = models.CharField(max_length=200, blank=True)
    client = models.CharField(max_length=64, blank=True)  # the client's IP address
    action = models.CharField(max_length=80, db_index=True)  # dotted, e.g. "procedure.closed"
    procedure = models.ForeignKey(
        "workflows.Procedure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # HMAC-SHA256 of ``hash`` with the audit key, which lives outside the database
    # (settings.OIK_AUDIT_KEY): whoever rewrites rows and re-hashes the chain cannot forge it.
    mac = models.CharField(max_length=64)
    # The strand of the chain the event links into (``audit.chain.strand_of``); hashed with it
    # when not 0. 0 for every event written before the chain had strands.
    strand = models.PositiveSmallIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["procedure", "id"]),
            models.Index(fields=["person", "id"]),
        ]

    def __str__(self) -> str:
        return f"{shown_moment(self.at)} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")

    @property
    def is_read(self) -> bool:
        return is_read_action(self.action)


# The last verb of a read event's action: reads of personal data.
READ_VERBS = frozenset({"viewed", "downloaded", "exported", "searched", "verified"})


def is_read_action(action: str) -> bool:
    """``procedure.viewed`` and the crisis centre's ``centre.person_viewed`` are reads."""
    last = action.rsplit(".", 1)[-1]
    return last in READ_VERBS or last.rsplit("_", 1)[-1] in READ_VERBS


class AuditChainHead(models.Model):
    """One row per strand: the hash of the strand's newest event. Locked by every writer of
    the strand, so the strand never forks; writers of other strands do not wait for it."""

    strand = models.PositiveSmallIntegerField(unique=True)
    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True)
    # HMAC of (strand, last_event_id, last_hash): moving the head back to an earlier event, or
    # copying another strand's head here, is noticed.
    mac = models.CharField(max_length=64, blank=True)


class AuditEventSubject(models.Model):
    """Index rows of a read event: one per person or procedure the page showed.

    The event's payload lists the same ids (hashed with it); these rows only make "who saw
    this person" an indexed lookup on SQLite and PostgreSQL alike. ``verify_audit`` checks
    that they match the payloads.
    """

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="subjects")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    procedure = models.ForeignKey(
        "workflows.Procedure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["person", "event"]),
            models.Index(fields=["procedure", "event"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(procedure__isnull=False),
                name="audit_subject_names_someone",
            )
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")
