"""The base of the step forms: date inputs, labels from the model, the model form of a step.

Split from ``workflows.step_forms`` (which re-exports every name here) to keep each module
under 600 lines.
"""

from django import forms
from django.db import models
from django.forms.utils import ErrorDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from workflows import calendar


class DateInput(forms.DateInput):
    """``<input type="date">``: its value is ISO whatever the display format. A date typed as
    dd.mm.rrrr (``DATE_INPUT_FORMATS``) and sent back is shown again in ISO, or a browser
    would show the field empty while the date is applied."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str) and value:
            try:
                value = forms.DateField().to_python(value)
            except forms.ValidationError:
                return value
        return super().format_value(value)


class PastDateField(forms.DateField):
    """A date that cannot be in the future (legal date in Europe/Warsaw)."""

    widget = DateInput

    def validate(self, value):
        super().validate(value)
        if value and value > calendar.legal_date():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")


class StepForm(forms.Form):
    """Base of every step form (a place for shared behaviour)."""


def model_label(model, name: str):
    """The label of ``model``'s field ``name``: its ``verbose_name``, the one name it has
    (capitalised as Django's ModelForms print it)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def formfield(db_field, **kwargs):
    """The form field of a model field on these pages.

    Label, help text, choices, ``max_length`` and required-ness come from the model; dates
    get the browser's date input, texts a textarea, and the empty choice reads "—".
    """
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("widget", DateInput)
    elif isinstance(db_field, models.TextField):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
    field = db_field.formfield(**kwargs)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        field.choices = [(value, "—" if value == "" else label) for value, label in field.choices]
    return field


class StepModelForm(forms.ModelForm):
    """Base of the forms that write one model's record; subclasses' ``Meta`` extend this one.

    The form validates only what the user typed (the model's own checks on those fields);
    the service still builds and saves the record.
    """

    class Meta:
        formfield_callback = formfield


def model_fields(model, names, **kwargs) -> type[forms.Form]:
    """A form class holding ``model``'s fields ``names`` (labels, choices and lengths from
    ``model``), mixed into a ModelForm of another model when one page writes two records."""
    fields = forms.fields_for_model(model, fields=names, formfield_callback=formfield, **kwargs)
    return type(f"{model.__name__}Fields", (forms.Form,), {name: fields[name] for name in names})


def without_validation(form: forms.Form, *formsets: forms.BaseFormSet) -> None:
    """Render bound forms as typed without running their validation (no error shown).

    Django validates a bound form the first time its errors are read; marking the errors
    as already computed and empty keeps the typed values and skips the checks.
    """
    form._errors = ErrorDict()
    for formset in formsets:
        formset._errors = []
        formset._non_form_errors = formset.error_class()
        for member in formset.forms:
            member._errors = ErrorDict()
