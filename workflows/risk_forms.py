"""The forms of the risk assessment (issue 15): the checklist, the safety-plan action, the
reason for a missed deadline. The checklist's questions come from ``workflows.risk``, one
radio group (a fieldset with its legend) per question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.form_base import PastDateField, StepForm
from workflows.models import BreachReason, RiskAssessment
from workflows.risk import ANSWER_LABELS, Answer, Checklist
from workflows.services.risk import ANSWER_PREFIX

OCCASIONS = [
    (value, label)
    for value, label in RiskAssessment.Occasion.choices
    if value != RiskAssessment.Occasion.CARD
]


class RiskForm(StepForm):
    """The checklist ``found`` about one of ``victims``; ``occasion`` is asked of the chair
    and the group only (the initiator's is the card)."""

    person = forms.TypedChoiceField(label=_("victim"), coerce=int)
    assessed_on = PastDateField(label=_("assessed on"))

    def __init__(self, *args, found: Checklist, victims, with_occasion: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.found = found
        self.fields["person"].choices = [(p.pk, p.full_name) for p in victims]
        if with_occasion:
            self.fields["occasion"] = forms.ChoiceField(
                label=_("occasion"), choices=OCCASIONS, widget=forms.RadioSelect
            )
        for number, question in enumerate(found.questions, start=1):
            label = f"{number}. {question.text}"
            self.fields[ANSWER_PREFIX + question.code] = forms.ChoiceField(
                label=label,
                choices=[(a.value, ANSWER_LABELS[a]) for a in Answer],
                widget=forms.RadioSelect,
                help_text=_("Calls for immediate action.") if question.immediate else "",
            )
        self.fields["note"] = forms.CharField(
            label=_("note"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
        )

    def answers(self) -> dict[str, str]:
        return {q.code: self.cleaned_data[ANSWER_PREFIX + q.code] for q in self.found.questions}


class CorrectionForm(RiskForm):
    correction_reason = forms.CharField(
        label=_("reason for the correction"), max_length=2000, widget=forms.Textarea({"rows": 2})
    )


class SafetyActionForm(StepForm):
    assessment = forms.TypedChoiceField(label=_("after the assessment"), coerce=int)
    taken_on = PastDateField(label=_("taken on"))
    description = forms.CharField(
        label=_("what was done for the victim's safety"),
        help_text=_(
            "For example: how to act in danger, safe contacts, a safe place, documents and "
            "money kept ready, a protective order asked for."
        ),
        max_length=4000,
        widget=forms.Textarea({"rows": 4}),
    )

    def __init__(self, *args, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].choices = [
            (a.pk, f"{a.person.full_name} – {a.get_level_display()}") for a in assessments
        ]


class DeadlineReasonForm(StepForm):
    reason = forms.ChoiceField(
        label=_("cause of the delay"), choices=BreachReason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Required for “other”."),
    )
