"""Small helpers for the procedure pages."""

import datetime

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import labels
from core.dates import shown_date
from workflows import calendar, corrections, idempotency, permissions
from workflows.flows import STEPS
from workflows.selectors.households import household_name as _household_name

register = template.Library()


@register.simple_tag
def due(due_on: datetime.date | None, met_on: datetime.date | None = None):
    """The due date with the working days left (``calendar.working_days_between``, the unit of
    the dashboard's window) or the calendar days late, coloured; 'met' once it was met."""
    if due_on is None:
        return "—"
    if met_on is not None:
        late = (met_on - due_on).days
        if late > 0:
            text = ngettext("met %(n)d day late", "met %(n)d days late", late) % {"n": late}
            return format_html('<span class="late">{} ({})</span>', shown_date(due_on), text)
        return format_html(
            '<span class="ontime">{} ({})</span>', shown_date(due_on), _("met on time")
        )
    today = calendar.legal_date()
    days = (due_on - today).days
    if days < 0:
        text = ngettext("%(n)d day late", "%(n)d days late", -days) % {"n": -days}
        css = "late"
    elif days == 0:
        text, css = _("due today"), "soon"
    else:
        left = calendar.working_days_between(today, due_on)
        if left == 0:  # due on a day off that does not move: today was the last working day
            text = _("due on a day off, no working day left")
        else:
            text = ngettext("%(n)d working day left", "%(n)d working days left", left) % {"n": left}
        css = "soon" if left <= 3 else ""
    return format_html('<span class="{}">{} ({})</span>', css, shown_date(due_on), text)


@register.simple_tag
def day_off_note(deadline) -> str:
    """Beside a deadline whose period ends on a Saturday, Sunday or holiday: whether it moved
    to the next working day and on what basis (``Rule.rolls_forward``), or that it does not
    move. Nothing when the period ends on a working day or counts working days."""
    statutory = deadline.applied_rule()
    if statutory is None:
        return ""
    end = calendar.day_off_end(statutory, deadline.starts_on)
    if end is None:
        return ""
    # Weekday names are lower-case in a Polish sentence ("niedziela"); Django capitalises them.
    ends = "{} ({})".format(shown_date(end.nominal), date_format(end.nominal, "l").lower())
    if deadline.due_on != end.nominal and statutory.rolls_forward:
        text = _("ends on %(end)s, a day off: moved to %(due)s under %(basis)s by analogy") % {
            "end": ends,
            "due": shown_date(deadline.due_on),
            "basis": statutory.roll_basis,
        }
    else:
        text = _("ends on %(end)s, a day off: does not move to the next working day") % {
            "end": ends
        }
    return format_html('<br><small class="muted">{}</small>', text)


@register.simple_tag
def form_token():
    """The hidden one-time token of a creating form (``workflows.idempotency``)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', idempotency.FIELD, idempotency.issue_token()
    )


@register.simple_tag
def record_class(record) -> str:
    """CSS class of a record's row: struck through when withdrawn, muted when superseded."""
    if record.is_withdrawn:
        return "withdrawn"
    return "superseded" if record.is_superseded else ""


@register.inclusion_tag("workflows/includes/record_state.html", takes_context=True)
def record_state(context, record, kind: str) -> dict:
    """A record's state (corrected, withdrawn, superseded) and, for whoever may, the
    "correct" and "withdraw" links (``workflows.corrections.may_revise``, while the case is
    in a stage where records are revised: ``flows.STEPS["record_revise"]``)."""
    procedure = context["procedure"]
    may = (
        record.is_current
        and procedure.stage in STEPS["record_revise"].stages
        and corrections.may_revise(
            access=context["access"],
            kind=corrections.KINDS[kind],
            record=record,
            user=context["user"],
        )
    )
    return {"r": record, "kind": kind, "may": may, "procedure": procedure}


@register.simple_tag
def event_label(action: str) -> str:
    """The case history's name of an event (``audit.labels``: one table for every page)."""
    return labels.event_label(action)


@register.filter
def may_file_nka(user) -> bool:
    """``{% if user|may_file_nka %}``: the "New NK-A" link for those who may fill one
    (``permissions.may_file_nka``)."""
    return permissions.may_file_nka(getattr(user, "professional", None))


@register.filter
def household_name(procedure) -> str:
    """The household as pages name it: 'Nowicka — Gmina Przykładowo, A.N.'
    (``workflows.selectors.households``; never used in documents)."""
    return _household_name(procedure)
