"""Risk assessments, the case's risk status and the safety-plan actions (issue 15).

An assessment is frozen when it is written, like a statutory form: who answered, when, with
which checklist version (``workflows.risk``), each answer, the score and the level. It is
never edited or deleted; a correction is a new assessment that points at the old one
(``corrects``), and the old one leaves the case's current picture but stays in its history.
Only ``workflows.services.risk`` writes these rows, inside the step skeleton.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Person
from workflows.models.procedure import Procedure
from workflows.risk import ANSWER_LABELS, KIND_LABELS, LEVEL_LABELS, Answer, Level, checklist


class FrozenError(ValidationError):
    """A frozen record was about to be changed or deleted."""


class AssessmentQuerySet(models.QuerySet):
    def current(self):
        """Assessments not replaced by a correction."""
        return self.filter(corrected_by__isnull=True)


class RiskAssessment(models.Model):
    """One answered risk checklist about one victim of one procedure."""

    class Occasion(models.TextChoices):
        CARD = "card", _("with the NK-A")
        VICTIM_MEETING = "victim_meeting", _("at the meeting with the victim")
        NEW_CARD = "new_card", _("on a new NK-A")
        REVIEW = "review", _("reassessment")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="risk_assessments"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("victim")
    )
    nka = models.ForeignKey(
        "nkforms.NKA", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    kind = models.CharField(
        _("checklist"),
        max_length=10,
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
    )
    version = models.CharField(_("checklist version"), max_length=20)
    # Question code → "yes" / "no" / "unknown", as answered (``workflows.risk.Answer``).
    answers = models.JSONField(_("answers"))
    score = models.PositiveSmallIntegerField(_("score"))
    immediate = models.JSONField(_("immediate-action answers"), default=list)
    high_threshold = models.PositiveSmallIntegerField(_("high-risk threshold applied"))
    level = models.CharField(
        _("level"), max_length=10, choices=[(lv.value, label) for lv, label in LEVEL_LABELS.items()]
    )
    note = models.TextField(_("note"), blank=True)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["assessed_on", "id"]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.kind} {self.assessed_on} {self.level}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise FrozenError(_("A risk assessment is frozen; correct it with a new one."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenError(_("A risk assessment is never deleted."))

    @property
    def acts(self) -> bool:
        return self.level in (Level.HIGH, Level.IMMEDIATE)

    def answered(self) -> list[tuple[str, str, bool]]:
        """(question, answer shown, whether it counted) in the checklist's order."""
        found = checklist(self.kind, self.version)
        rows = []
        for question in found.questions:
            value = Answer(self.answers.get(question.code, Answer.UNKNOWN))
            rows.append((str(question.text), str(ANSWER_LABELS[value]), value in question.counts))
        return rows


class RiskStatus(models.Model):
    """The case's risk now, derived by ``services.risk`` from each victim's latest current
    assessment and stored for the lists' sorting (one join, no per-case query)."""

    procedure = models.OneToOneField(
        Procedure, on_delete=models.CASCADE, related_name="risk_status"
    )
    level = models.CharField(
        max_length=10, choices=[(lv.value, label) for lv, label in LEVEL_LABELS.items()]
    )
    flagged = models.BooleanField(default=False, db_index=True)
    assessed_on = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.level}"

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[Level(self.level)])


class SafetyAction(models.Model):
    """What the chair or the group did for the victim's safety after a high risk (the safety
    plan's first action: how to act in danger, safe contacts, a safe place, documents and
    money kept ready). Meets the ``safety_plan`` deadline. Never edited."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="safety_actions"
    )
    assessment = models.ForeignKey(
        RiskAssessment, on_delete=models.PROTECT, related_name="safety_actions"
    )
    taken_on = models.DateField(_("taken on"))
    description = models.TextField(_("what was done"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("safety-plan action")
        verbose_name_plural = _("safety-plan actions")
        ordering = ["taken_on", "id"]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.taken_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise FrozenError(_("A safety-plan action is never edited."))
        super().save(*args, **kwargs)
