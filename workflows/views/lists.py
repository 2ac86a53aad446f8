"""The user's lists: open tasks (inbox), the team's deadlines (dashboard), the case search."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from audit.services import log_read
from core.paging import counted_page, peeked_page
from workflows import calendar, selectors, step_forms
from workflows.models import Stage
from workflows.rules import RULE_LABELS


@login_required
def inbox(request):
    """The user's open tasks with their due dates, most urgent first."""
    rows = selectors.open_tasks_for(request.user)
    orders, notices = selectors.orders_and_notices(user=request.user)
    cards = [c for c in selectors.cards_of(user=request.user) if c.to_do]
    incomplete = selectors.incomplete_groups_for(user=request.user)
    group_notices = selectors.group_notices_for(user=request.user)
    pending = selectors.requests_awaiting_decision(user=request.user)
    high_risk = selectors.flagged_cases_for(user=request.user)
    today = calendar.legal_date()
    late_cards = sum(1 for c in cards if c.deadline and c.deadline.due_on < today)
    late_notices = sum(1 for d in notices if d.due_on < today)
    shown = (
        [row.procedure for row in rows]
        + [d.procedure for d in orders]
        + [g.group.procedure for g in incomplete]
        + [d.procedure for d in notices]
        + [r.procedure for r in pending]
        + [r.procedure for r in high_risk]
    )
    selectors.household_names_load(procedures=shown)
    log_read(action="inbox.viewed", request=request, procedures=shown)
    return render(
        request,
        "workflows/inbox.html",
        {
            "rows": rows,
            "high_risk": high_risk,
            "orders": orders,
            "notices": notices,
            "cards": cards,
            "incomplete_groups": incomplete,
            "group_notices": group_notices,
            "pending_requests": pending,
            "routed": selectors.cards_routed(user=request.user),
            "overdue": sum(1 for r in rows if r.overdue) + late_cards + late_notices,
        },
    )


def calendar_window() -> int:
    """How many working days ahead the dashboard and the reminders look."""
    return int(getattr(settings, "OIK_REMINDER_WORKING_DAYS", 2))


# Each list of the dashboard pages on its own parameter (``?overdue_page=2``).
DASHBOARD_PAGES = {"overdue": "overdue_page", "due_soon": "soon_page", "at_risk": "risk_page"}
DASHBOARD_PER_PAGE = 25


@login_required
def dashboard(request):
    """The team's deadlines: overdue and due within the reminder window, each list counted
    exactly and shown 25 at a time, most urgent first (``core.paging``: a COUNT and one page
    of rows, so the page does not grow with the team's caseload); for the chair (and an
    auditor) the open cases counted by stage and by what needs attention, each count a link
    to the procedure list filtered the same way."""
    days = calendar_window()
    queries = selectors.deadlines_due_queries(user=request.user, within_working_days=days)
    due = {
        name: counted_page(queries[name], request.GET, param=param, per_page=DASHBOARD_PER_PAGE)
        for name, param in DASHBOARD_PAGES.items()
    }
    shown = [d for page in due.values() for d in page]
    cards = selectors.card_deadlines_due(user=request.user, within_working_days=days)
    high_risk = selectors.flagged_cases_for(user=request.user)
    selectors.household_names_load(
        procedures=[d.procedure for d in shown] + [r.procedure for r in high_risk]
    )
    log_read(
        action="dashboard.viewed",
        request=request,
        procedures=[d.procedure_id for d in shown] + [r.procedure_id for r in high_risk],
    )
    return render(
        request,
        "workflows/dashboard.html",
        {
            "high_risk": high_risk,
            "overdue": due["overdue"],
            "due_soon": due["due_soon"],
            "at_risk": due["at_risk"],
            "cards_overdue": cards["overdue"],
            "cards_due_soon": cards["due_soon"],
            "window": days,
            "labels": RULE_LABELS,
            "today": calendar.legal_date(),
            "team": selectors.dashboard_counts(user=request.user),
        },
    )


LIST_PER_PAGE = 25


@login_required
def procedure_list(request):
    form = step_forms.ProcedureSearchForm(request.GET or None)
    query, stage, overdue, flags = "", "", False, []
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        stage = form.cleaned_data["stage"]
        overdue = form.cleaned_data["overdue"]
        flags = [name for name in form.FLAGS if form.cleaned_data[name]]
    procedures = selectors.procedure_search(
        user=request.user, query=query, stage=stage, overdue=overdue, flags=flags, request=request
    )
    # A text search is not counted: the count would read every match (every "Nowak" of the
    # team) however few are shown; the list and the other filters are (docs/benchmarks.md).
    paged = peeked_page if query and not selectors.is_pesel(query) else counted_page
    page = paged(procedures, request.GET, per_page=LIST_PER_PAGE)
    selectors.procedure_list_seen(
        user=request.user,
        procedures=page,
        query=query,
        stage=stage,
        overdue=overdue,
        flags=flags,
        request=request,
    )
    selectors.household_names_load(procedures=page)
    return render(
        request,
        "workflows/procedure_list.html",
        {
            "form": form,
            "page": page,
            "today": calendar.legal_date(),
            "closed": Stage.CLOSED,  # a closed case shows no next deadline
        },
    )
