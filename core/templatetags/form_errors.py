"""The error summary at the top of a form page (WCAG 2.1 SC 3.3.1, 3.3.3; GOV.UK pattern).

``{% error_summary form formset ... %}`` lists every error of the forms and formsets given,
each field's message as a link to the field (its first box for a list of radio buttons or
checkboxes), non-field errors as text. ``core/static/core/forms.js`` moves the focus to the
summary when the page loads; without JavaScript it is the first thing after the heading.
Fields with errors already carry ``aria-invalid`` and ``aria-describedby`` pointing at
their message (Django's ``BoundField.build_widget_attrs``).
"""

from dataclasses import dataclass

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class ErrorLink:
    """One line of the summary: the field's label, the message, the id it links to."""

    label: str
    message: str
    target: str = ""


def field_target(bound: forms.BoundField) -> str:
    """The id a link to ``bound`` jumps to: the input itself, or the first of its boxes
    when the widget is a group (radio buttons, checkboxes, a date in several inputs)."""
    widget = bound.field.widget
    if widget.use_fieldset or isinstance(widget, forms.MultiWidget):
        return f"{bound.auto_id}_0"
    return bound.id_for_label or bound.auto_id or ""


def form_errors(form: forms.BaseForm, row: int | None = None) -> list[ErrorLink]:
    """The errors of one form, in the order of its fields, non-field errors first; ``row``
    (a formset's form, from 1) goes before each label so two rows' "first name" differ."""
    if not form.is_bound or not form.errors:
        return []
    links = [ErrorLink(label="", message=str(m)) for m in form.non_field_errors()]
    for bound in form:
        for message in bound.errors:
            if bound.is_hidden:
                links.append(ErrorLink(label="", message=str(message)))
            else:
                label = str(bound.label)
                if row is not None:
                    label = _("Row %(row)d: %(label)s") % {"row": row, "label": label}
                links.append(ErrorLink(label, str(message), field_target(bound)))
    return links


def collect(*items) -> list[ErrorLink]:
    """The errors of every form and formset in ``items`` (``None`` and other values are
    skipped, so a template can pass a formset its view does not always have)."""
    links: list[ErrorLink] = []
    for item in items:
        if isinstance(item, forms.BaseFormSet):
            if not item.is_bound:
                continue
            links += form_errors(item.management_form)
            links += [ErrorLink(label="", message=str(m)) for m in item.non_form_errors()]
            for index, form in enumerate(item.forms, start=1):
                links += form_errors(form, row=index)
        elif isinstance(item, forms.BaseForm):
            links += form_errors(item)
    return links


@register.inclusion_tag("core/error_summary.html")
def error_summary(*items) -> dict:
    """The summary of the errors of ``items`` (forms, formsets); nothing when there are none."""
    links = collect(*items)
    return {"errors": links, "count": len(links)}
