"""The help-plan page that adds several actions at once: whose plan (the victim's NK-C) and
the rows of actions (``step_forms.PlanItemForm``, the model's labels and choices)."""

from django import forms

from core.dates import shown_date
from forms.models import HelpPlanItem
from workflows.form_base import StepForm, model_label
from workflows.step_forms import PlanItemForm

# Rows shown at first; "More rows" adds as many again, up to MAX_ROWS (no JavaScript).
FIRST_ROWS = 3
MAX_ROWS = 30


class PlanOwnerForm(StepForm):
    """Whose help plan the actions go to: a current NK-C of the case (its victim)."""

    nkc = forms.TypedChoiceField(label=model_label(HelpPlanItem, "nkc"), coerce=int)

    def __init__(self, *args, nkcs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nkc"].choices = [
            (nkc.pk, f"{nkc.victim} – NK-C {shown_date(nkc.meeting.held_on)}") for nkc in nkcs
        ]


PlanRowsFormSet = forms.formset_factory(
    PlanItemForm,
    extra=FIRST_ROWS - 1,
    min_num=1,
    validate_min=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


def with_more_rows(data, prefix: str = "plan", more: int = FIRST_ROWS):
    """A copy of the POST ``data`` with ``more`` empty rows added (at most ``MAX_ROWS``)."""
    data = data.copy()
    total = data.get(f"{prefix}-TOTAL_FORMS", "")
    rows = int(total) if total.isdigit() and len(total) < 4 else FIRST_ROWS
    data[f"{prefix}-TOTAL_FORMS"] = str(min(rows + more, MAX_ROWS))
    return data
