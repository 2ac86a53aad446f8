"""Why a deadline was missed (issue 15 item 5): the compliance report shows "late, because…".

A reason is recorded by the chair or a group member for a deadline met late or still open
after its due date, from a short list plus free text. It is never edited: a later reason for
the same deadline replaces it on the report and the earlier one stays in the audit trail.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.models.deadlines import Deadline
from workflows.rules import RuleCode

# Periods, not terms to act: their end is no breach and takes no reason (a lapsed protective
# order, a hostel stay, the monitoring after closure).
NOT_BREACHES = frozenset(
    {RuleCode.PROTECTIVE_ORDER, RuleCode.HOSTEL_STAY, RuleCode.POST_CLOSURE_MONITORING}
)


class BreachReason(models.TextChoices):
    PARTY_UNAVAILABLE = "party_unavailable", _("a party could not be reached or did not come")
    MEMBER_UNAVAILABLE = "member_unavailable", _("a required group member was unavailable")
    LATE_RECEIPT = "late_receipt", _("the card or documents arrived late")
    HOLIDAYS = "holidays", _("days off or holidays in the period")
    WORKLOAD = "workload", _("workload of the team")
    OTHER = "other", _("other")


class DeadlineReason(models.Model):
    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="reasons")
    reason = models.CharField(_("cause of the delay"), max_length=30, choices=BreachReason.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reason for a missed deadline")
        verbose_name_plural = _("reasons for missed deadlines")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.reason}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a recorded reason is never edited")
        super().save(*args, **kwargs)

    @property
    def shown(self) -> str:
        label = str(self.get_reason_display())
        return f"{label}: {self.details}" if self.details else label
