"""The timeliness page (issue 15 item 4): the figures for a period, a team and a step, each
linked to its cases, the trend by month as a chart drawn on the server, and the exports."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import log_event, log_read
from core.dates import shown_date
from core.exports import Flavour
from oversight import selectors, timeliness, timeliness_exports
from oversight.charts import month_columns
from oversight.views import _period, _scope_text
from workflows.rules import RULE_LABELS, RuleCode

EXPORTS = ("csv", "csv-data", "xlsx", "pdf")

# The deadline columns of the page (``timeliness.DEADLINE_FIGURES``), for the cases' title.
STATE_LABELS = {
    "on_time": gettext_lazy("met on time"),
    "late": gettext_lazy("met late"),
    "overdue": gettext_lazy("open and overdue"),
    "not_due": gettext_lazy("open, not yet due"),
}

# The largest threshold the form accepts (days late), to keep it a number of days.
THRESHOLD_MAX = 3650


def _int(value: str | None, default: int | None, lo: int, hi: int) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return default
    return number if lo <= number <= hi else default


def _filters(request) -> tuple[timeliness.Period, int | None]:
    """The period, step, threshold and team from the query string; anything invalid falls
    back to its default (the whole scope, every step, threshold 0)."""
    start, end = _period(request)
    rule = request.GET.get("rule", "")
    threshold = _int(request.GET.get("threshold"), 0, 0, THRESHOLD_MAX) or 0
    team_id = _int(request.GET.get("team"), None, 1, 2**31 - 1)
    rule = rule if rule in timeliness.TIMELINESS_RULES else ""
    return timeliness.Period(start, end, rule, threshold), team_id


def _query(period: timeliness.Period, team_id: int | None) -> str:
    """The filters as a query string, for the links to the cases and the exports."""
    values = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    if period.rule:
        values["rule"] = period.rule
    if period.threshold:
        values["threshold"] = str(period.threshold)
    if team_id:
        values["team"] = str(team_id)
    return urlencode(values)


def _payload(period: timeliness.Period, team_id: int | None) -> dict:
    """The filters as the audit event records them."""
    return {
        "from": str(period.start),
        "to": str(period.end),
        "rule": period.rule,
        "threshold": period.threshold,
        "team": team_id,
    }


def _chart(months: list[timeliness.MonthRow]):
    """Columns of the share met on time by month (0–100 %), every month from the first to
    the last with a deadline due: a month with none is a gap."""
    shares = {m.month: m.share for m in months if m.share is not None}
    if not shares:
        return ""
    month, last, rows = min(shares), max(shares), []
    while month <= last:
        rows.append((month, shares.get(month)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return month_columns(rows, _("Deadlines met on time, by month"))


@login_required
def timeliness_report(request):
    period, team_id = _filters(request)
    scope = selectors.compliance_scope(request.user)  # others are refused
    procedures = timeliness.scoped(scope, team_id)
    export = request.GET.get("export")
    if export in EXPORTS:
        with translation.override("pl"):
            data = timeliness.timeliness(procedures=procedures, period=period)
            log_event(
                action="timeliness.exported",
                actor=request.user,
                payload={"format": export, **_payload(period, team_id)},
                request=request,
            )
            if export == "xlsx":
                return timeliness_exports.as_xlsx(data)
            if export == "pdf":
                return timeliness_exports.as_pdf(data, _scope_text(request.user))
            flavour = Flavour.EXCEL if export == "csv" else Flavour.MACHINE
            return timeliness_exports.as_csv(data, flavour)
    data = timeliness.timeliness(procedures=procedures, period=period)
    teams = timeliness.teams_of(scope)
    query = _query(period, team_id)
    return render(
        request,
        "audit/timeliness.html",
        {
            "t": data,
            "teams": teams if len(teams) > 1 else [],
            "team_id": team_id,
            "rules": [(code, RULE_LABELS[code]) for code in timeliness.TIMELINESS_RULES],
            "query": query,
            "durations": [
                (measure, item, timeliness_exports.MEASURE_LABELS[measure])
                for measure, item in data.durations.items()
            ],
            "chart": _chart(data.months),
            "repeat_months": timeliness.REPEAT_MONTHS,
        },
    )


def _figure_title(figure: str, period: timeliness.Period, min_days: int) -> str:
    if figure in timeliness.MEASURES and not min_days:
        return str(timeliness_exports.MEASURE_LABELS[figure])
    if figure == "group":
        return _("From the NK-A to the group's creation: %(n)d days or more") % {"n": min_days}
    if figure == "meeting":
        return _("From the NK-A to the first meeting: %(n)d days or more") % {"n": min_days}
    if figure == "missed":
        return _("Deadlines missed by more than %(n)d days") % {"n": period.threshold}
    if figure == "lapsed":
        return _("Protective orders lapsed with no court extension")
    if figure == "repeat":
        return _("Repeat cards within %(n)d months of a closure") % {"n": timeliness.REPEAT_MONTHS}
    if figure in STATE_LABELS:
        return _("Deadlines: %(state)s") % {"state": STATE_LABELS[figure]}
    return ""


@login_required
def timeliness_cases(request):
    """The cases behind one figure of the timeliness page (logged as a read)."""
    period, team_id = _filters(request)
    procedures = timeliness.scoped(selectors.compliance_scope(request.user), team_id)
    figure = request.GET.get("figure", "")
    min_days = _int(request.GET.get("min"), 0, 0, THRESHOLD_MAX) or 0
    if figure not in timeliness.CASE_FIGURES:
        figure = ""
    rows, total = timeliness.cases_behind(
        procedures=procedures, period=period, figure=figure, min_days=min_days
    )
    log_read(
        action="timeliness_cases.viewed",
        actor=request.user,
        request=request,
        procedures=[row.procedure.pk for row in rows],
        payload={"figure": figure, "min": min_days, **_payload(period, team_id)},
    )
    return render(
        request,
        "audit/timeliness_cases.html",
        {
            "rows": rows,
            "total": total,
            "figure": figure,
            "title": _figure_title(figure, period, min_days),
            "rule_label": RULE_LABELS[RuleCode(period.rule)] if period.rule else "",
            "period_text": _("from %(start)s to %(end)s")
            % {"start": shown_date(period.start), "end": shown_date(period.end)},
            "query": _query(period, team_id),
            "limited": total > len(rows),
        },
    )
