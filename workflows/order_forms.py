"""The protective order filed with the NK-A: the order section of the NK-A page.

The Police usually issue the order at the intervention where the officer fills the card
(ustawa o Policji art. 15aa–15aab), so the card's page offers the order's measures. The
section is one ``ProtectiveOrder`` ModelForm under the prefix ``order-0-`` kept in a formset
of exactly one form that needs no management data: ``web.form_submit`` validates it with the
card's people and ``apply_service_error`` puts the service's ``order-0-<field>`` errors next
to its fields. Left empty (no measure, no detail typed: a teacher who only knows that an
order was issued) it is valid and records nothing.
"""

from django import forms
from django.forms.formsets import (
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
    ManagementForm,
)
from django.utils.translation import gettext as _

from forms.models import NKAPerson
from workflows.models import ORDER_MEASURE_FIELDS, ProtectiveOrder, Role
from workflows.step_forms import PastDateField, StepModelForm, model_label

# What the filer types about the order; any of it makes the section an order to record.
_TYPED = (*ORDER_MEASURE_FIELDS, "issued_on", "issued_at_time", "court_extended_until")


class NKAOrderForm(StepModelForm):
    """The order's measures, issuer, date and time, and the suspect of the card it is
    against (``person``: the row of the card's people list; the service checks the role)."""

    person = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    field_order = ["person"]

    class Meta(StepModelForm.Meta):
        model = ProtectiveOrder
        fields = [
            *ORDER_MEASURE_FIELDS,
            "issuer",
            "issued_on",
            "issued_at_time",
            "court_extended_until",
        ]
        field_classes = {"issued_on": PastDateField}
        widgets = {"issued_at_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, rows: list[tuple[int, str]] = (), **kwargs):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["person"].label = model_label(ProtectiveOrder, "person")
        self.fields["person"].choices = [("", "—"), *rows]
        self.fields["issuer"].initial = ProtectiveOrder.Issuer.POLICE

    def has_changed(self) -> bool:
        """Only what describes the order counts: the issuer and the person chosen alone
        (they have defaults) leave the section empty."""
        return any(
            self.fields[name].widget.value_from_datadict(
                self.data, self.files, self.add_prefix(name)
            )
            for name in _TYPED
        )


class OneFormSet(forms.BaseFormSet):
    """Exactly one optional form under the formset's prefix, with nothing to post for it."""

    @property
    def management_form(self) -> ManagementForm:
        counts = {TOTAL_FORM_COUNT: 1, INITIAL_FORM_COUNT: 0, MIN_NUM_FORM_COUNT: 0}
        counts[MAX_NUM_FORM_COUNT] = 1
        form = ManagementForm(
            {f"{self.prefix}-{key}": value for key, value in counts.items()},
            auto_id=self.auto_id,
            prefix=self.prefix,
            renderer=self.renderer,
        )
        form.full_clean()
        return form


OrderFormSet = forms.formset_factory(
    NKAOrderForm, formset=OneFormSet, extra=1, min_num=0, max_num=1, absolute_max=1
)


def person_rows(people: forms.BaseFormSet) -> list[tuple[int, str]]:
    """The rows of the NK-A's people formset as choices: "2. Marek Ćwik" (the names as
    typed; an empty row by its number)."""
    rows = []
    for index, form in enumerate(people.forms):
        if form.is_bound:
            names = [
                form.data.get(form.add_prefix(n), "").strip() for n in ("first_name", "last_name")
            ]
            role = form.data.get(form.add_prefix("role"), "")
        else:
            names, role = [], form.initial.get("role", "")
        label = " ".join(n for n in names if n) or _("person in this row")
        if role and role != Role.SUSPECT:
            continue
        rows.append((index, f"{index + 1}. {label}"))
    return rows


def order_against(order_forms: forms.BaseFormSet, people: forms.BaseFormSet) -> NKAPerson | None:
    """The unsaved card entry of the row the order form names (``None`` when none)."""
    row = order_forms.forms[0].cleaned_data.get("person")
    if row is None or not 0 <= row < len(people.forms):
        return None
    return people.forms[row].instance
