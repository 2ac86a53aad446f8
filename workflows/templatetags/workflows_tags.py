"""Small helpers for the procedure pages."""

import datetime

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workflows import calendar, idempotency

register = template.Library()


@register.simple_tag
def due(due_on: datetime.date | None, met_on: datetime.date | None = None):
    """The due date with days left or late, coloured; 'met' once the deadline was met."""
    if due_on is None:
        return "—"
    if met_on is not None:
        late = (met_on - due_on).days
        if late > 0:
            text = ngettext("met %(n)d day late", "met %(n)d days late", late) % {"n": late}
            return format_html('<span class="late">{} ({})</span>', due_on.isoformat(), text)
        return format_html(
            '<span class="ontime">{} ({})</span>', due_on.isoformat(), _("met on time")
        )
    days = (due_on - calendar.legal_date()).days
    if days < 0:
        text = ngettext("%(n)d day late", "%(n)d days late", -days) % {"n": -days}
        css = "late"
    elif days == 0:
        text, css = _("due today"), "soon"
    else:
        text = ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
        css = "soon" if days <= 3 else ""
    return format_html('<span class="{}">{} ({})</span>', css, due_on.isoformat(), text)


@register.filter
def in_set(value, container) -> bool:
    return value in container


@register.simple_tag
def form_token():
    """The hidden one-time token of a creating form (``workflows.idempotency``)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', idempotency.FIELD, idempotency.issue_token()
    )
