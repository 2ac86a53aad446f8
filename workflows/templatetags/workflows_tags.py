"""Small helpers for the procedure pages."""

import datetime

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from workflows import calendar, corrections, idempotency
from workflows.flows import STEPS

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


# The case history's names of the events of a procedure (the audit's action codes are
# English identifiers, never shown on a Polish page: tests/test_no_codes.py).
EVENT_LABELS = {
    "procedure.initiated": gettext_lazy("procedure initiated (NK-A filled)"),
    "procedure.closed": gettext_lazy("procedure closed"),
    "nka.joined": gettext_lazy("NK-A joined to the procedure"),
    "nka.routed": gettext_lazy("NK-A received from another municipality"),
    "nka.transferred": gettext_lazy("NK-A original sent to the chair"),
    "nka.passed_to_group": gettext_lazy("NK-A passed to the group"),
    "group.appointed": gettext_lazy("diagnostic-support group appointed"),
    "meeting.victim_held": gettext_lazy("meeting with the victim held (NK-C)"),
    "meeting.suspect_held": gettext_lazy("meeting with the suspect held (NK-D)"),
    "meeting.suspect_absent": gettext_lazy("the suspect did not appear"),
    "help_plan.item_added": gettext_lazy("help-plan action added"),
    "help_plan.item_status": gettext_lazy("help-plan action status changed"),
    "referral.issued": gettext_lazy("referral to a programme issued"),
    "referral.reported": gettext_lazy("certificate of reporting received"),
    "referral.completed": gettext_lazy("certificate of completion received"),
    "protective_order.recorded": gettext_lazy("protective order recorded"),
    "notification.sent": gettext_lazy("notification sent"),
    "monitoring.note_added": gettext_lazy("monitoring note added"),
    "monitoring.ended": gettext_lazy("monitoring after closure ended"),
    "deadline.met": gettext_lazy("deadline met"),
    "deadline.met_late": gettext_lazy("deadline met late"),
    "deadline.missed": gettext_lazy("deadline missed"),
    "deadline.reminded": gettext_lazy("deadline reminder sent"),
    "person.reconciled": gettext_lazy("person's record updated from the card"),
    "document.generated": gettext_lazy("document generated"),
    "document.failed": gettext_lazy("document generation failed"),
    "centre.consultation_started_nka": gettext_lazy("NK-A started from a consultation"),
    "task.created": gettext_lazy("task opened"),
    "task.assigned": gettext_lazy("task taken"),
    "task.reassigned": gettext_lazy("task handed over"),
    "task.completed": gettext_lazy("task completed"),
}


@register.simple_tag
def event_label(action: str) -> str:
    """The case history's name of an event: a withdrawal or correction of a record, or
    ``EVENT_LABELS``; an unknown code as it is."""
    for kind in corrections.KINDS.values():
        if action == f"{kind.event}withdrawn":
            return _("%(record)s withdrawn") % {"record": kind.label}
        if action == f"{kind.event}corrected":
            return _("%(record)s corrected") % {"record": kind.label}
    return str(EVENT_LABELS.get(action, action))
