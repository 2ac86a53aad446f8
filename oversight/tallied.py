"""What the compliance report reads of the tallies (``workflows.tallies``): the scope's rows,
added up by the database so that the report over ten years reads a bounded number of rows,
and what the tallies do not hold (the days of a month a period cuts), read one by one
(issue 16, docs/benchmarks.md). ``oversight.selectors.compliance`` and
``oversight.breaches`` use them."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Max, Min, Q, QuerySet, Sum

from workflows.models import DeadlineTally, OpenDeadlineTally, TallyLevel, Team
from workflows.selectors import auditor_scope_for, professional_for


@dataclass(frozen=True)
class TallyScope:
    """Which rows of ``DeadlineTally`` hold a user's scope: a level and its keys."""

    level: str
    keys: tuple[str, ...]


def compliance_tally_scope(user) -> TallyScope:
    """The tallies of ``compliance_scope(user)``: everything, a county, or teams (a
    municipality has one team; a chair reads the teams they chair). Others: refused."""
    scope = auditor_scope_for(user)
    if scope is not None:
        if scope.municipality_id:
            teams = Team.objects.filter(municipality_id=scope.municipality_id)
            return TallyScope(
                TallyLevel.TEAM, tuple(str(pk) for pk in teams.values_list("pk", flat=True))
            )
        if scope.county:
            return TallyScope(TallyLevel.COUNTY, (scope.county,))
        return TallyScope(TallyLevel.ALL, ("",))
    professional = professional_for(user)
    if professional is not None and professional.has_declaration:
        chaired = professional.team_memberships.filter(role="chair").values_list(
            "team_id", flat=True
        )
        if chaired:
            return TallyScope(TallyLevel.TEAM, tuple(str(pk) for pk in chaired))
    raise PermissionDenied


def whole_months(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """The first days of the first and the last whole month inside [start, end], or ``None``."""
    first = (
        start
        if start.day == 1
        else (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    )
    after = end + datetime.timedelta(days=1)
    last = after.replace(day=1) - datetime.timedelta(days=1)  # the last day of a whole month
    if after.day != 1:
        last = end.replace(day=1) - datetime.timedelta(days=1)
    if last < first:
        return None
    return first, last.replace(day=1)


def tallied(scope: TallyScope, months: tuple[datetime.date, datetime.date], rules) -> QuerySet:
    """The tally rows of ``scope`` for ``rules`` and the months in ``months``."""
    return DeadlineTally.objects.filter(
        level=scope.level, key__in=scope.keys, rule__in=rules, month__range=months
    ).order_by()


def tallied_totals(
    scope: TallyScope, months: tuple[datetime.date, datetime.date], rules
) -> list[dict]:
    """Per rule, the tally rows added up in one grouped query: met on time, late, and the
    largest delay of the rows that count any deadline (a row recounted to nothing does not)."""
    counted = Q(on_time__gt=0) | Q(late__gt=0)
    return list(
        tallied(scope, months, rules)
        .values("rule")
        .annotate(
            on_time_sum=Sum("on_time"),
            late_sum=Sum("late"),
            max_late_max=Max("max_late", filter=counted),
        )
        .order_by()
    )


def tallied_days(
    scope: TallyScope, months: tuple[datetime.date, datetime.date], rules
) -> list[tuple[str, int, int]]:
    """Per rule, the histograms of elapsed days of the tally rows added up by the database
    (``jsonb_each_text`` / SQLite's ``json_each``): (rule, days, count), one row per rule and
    number of days, however many months and rows hold them (issue 16: merging ten years of
    monthly histograms in Python was most of the report's time at 100,000 procedures)."""
    rows = tallied(scope, months, rules).values("pk")
    inner, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(DeadlineTally._meta.db_table)
    if connection.vendor == "postgresql":
        each, value = "jsonb_each_text(t.days)", "d.value::integer"
    else:
        each, value = "json_each(t.days)", "d.value"
    sql = (
        f"SELECT t.rule, d.key, SUM({value}) FROM {table} t, {each} d "  # noqa: S608 - no user text
        f"WHERE t.id IN ({inner}) GROUP BY t.rule, d.key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(rule, int(days), int(count)) for rule, days, count in cursor.fetchall()]


def untallied(
    months: tuple[datetime.date, datetime.date] | None, start: datetime.date, end: datetime.date
) -> Q | None:
    """What the tallies (met and open) do not hold: every deadline that started on a day of a
    month the period covers only in part (the whole period when it holds no whole month);
    ``None`` when the period is whole months, and nothing is read one by one."""
    if months is None:
        return Q()
    first, last = months
    after = (last + datetime.timedelta(days=31)).replace(day=1)
    live = []
    if start < first:
        live.append(Q(starts_on__lt=first))
    if end >= after:
        live.append(Q(starts_on__gte=after))
    if not live:
        return None
    return live[0] if len(live) == 1 else live[0] | live[1]


def open_tallied(
    scope: TallyScope, months: tuple[datetime.date, datetime.date], rules, today: datetime.date
) -> list[dict]:
    """Per rule, from ``OpenDeadlineTally``: the open deadlines of ``scope`` that started in
    ``months``, those of them past their day on ``today`` and the earliest such day (one
    grouped query over the rows, one per due day: "overdue" is derived here, not stored)."""
    overdue = Q(due_on__lt=today)
    return list(
        OpenDeadlineTally.objects.filter(
            level=scope.level,
            key__in=scope.keys,
            rule__in=rules,
            month__range=months,
            count__gt=0,  # the partial index ``open_deadline_tally_open``: rows at 0 skipped
        )
        .values("rule")
        .annotate(
            open=Sum("count"),
            overdue=Sum("count", filter=overdue),
            oldest=Min("due_on", filter=overdue),
        )
        .order_by()
    )
