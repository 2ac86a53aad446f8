"""The audit store: one append-only table of domain events and reads of personal data.

Written only by ``audit.services.log_event``. The auditors' issue adds the hash chain and
database-level refusal of UPDATE/DELETE.
"""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
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

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")
