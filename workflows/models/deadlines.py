"""Statutory deadlines, their reminders and the one-time form tokens."""

import dataclasses

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.models.procedure import Procedure
from workflows.models.records import Referral
from workflows.protective_orders import ProtectiveOrder
from workflows.rules import RULE_LABELS, Rule, find_rule


class DeadlineQuerySet(models.QuerySet):
    def current(self):
        """Deadlines that still bind: not those of a withdrawn NK-A.

        A corrected card's deadlines move to its new version (``workflows.corrections``),
        so a superseded card has none.
        """
        return self.filter(
            models.Q(nka__isnull=True) | models.Q(nka__withdrawn_at__isnull=True),
            models.Q(protective_order__isnull=True)
            | models.Q(protective_order__withdrawn_at__isnull=True),
        )


class Deadline(models.Model):
    """One statutory deadline of one procedure, judged by the procedure's edition."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="deadlines")
    rule = models.CharField(
        max_length=30, choices=[(code.value, label) for code, label in RULE_LABELS.items()]
    )
    edition = models.CharField(max_length=8)
    starts_on = models.DateField()
    due_on = models.DateField(db_index=True)
    met_on = models.DateField(null=True, blank=True)
    # The NK-A or referral the deadline belongs to, where there can be several.
    nka = models.ForeignKey(
        "nkforms.NKA", on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    # A protective order's expiry (rule PROTECTIVE_ORDER): met on the day the order ended.
    protective_order = models.ForeignKey(
        ProtectiveOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    # The period the deadline was counted with when its rule is a team setting
    # (``Rule.team_setting``): the team may change the setting later, this one stays.
    period = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["met_on", "due_on"]),
            # Open deadlines of one procedure, soonest first: the list's next deadline, the
            # dashboard's overdue / due-this-week conditions (docs/benchmarks.md).
            models.Index(
                fields=["procedure", "due_on"],
                condition=models.Q(met_on__isnull=True),
                name="deadline_open_by_procedure",
            ),
            # Open deadlines of one rule: the inbox's protective orders and suspect notices.
            models.Index(
                fields=["rule", "due_on"],
                condition=models.Q(met_on__isnull=True),
                name="deadline_open_by_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.number} {self.rule} {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.met_on is None

    def applied_rule(self) -> Rule | None:
        """The rule this deadline was counted with: the edition's, with the team's period
        when the rule is a team setting; ``None`` when the edition had no such rule."""
        found = find_rule(self.rule, self.edition)
        if found is not None and found.team_setting and self.period:
            return dataclasses.replace(found, value=self.period)
        return found

    def days_late(self) -> int | None:
        """Calendar days after the due date on which it was met (negative = early)."""
        if self.met_on is None:
            return None
        return (self.met_on - self.due_on).days


class DeadlineNotice(models.Model):
    """One reminder or escalation e-mail; the unique key makes ``check_deadlines`` idempotent."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("reminder")
        ESCALATION = "escalation", _("escalation")
        AT_RISK = "at_risk", _("at risk")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "kind", "recipient"], name="deadline_notice_once"
            )
        ]


class FormSubmission(models.Model):
    """A one-time form token, spent in the transaction that wrote what the form created.

    A second POST of the same form (back button, double click, a retried request) finds
    the token spent, creates nothing and goes where the first one went
    (``workflows.idempotency``).
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    redirect_to = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return self.token
