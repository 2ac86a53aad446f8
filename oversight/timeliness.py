"""The timeliness figures inspectors measure (issue 15 item 4), for a period, a team and a step.

The Supreme Audit Office's 2024 audit measured how soon the group was created and first met
after the card (NK-A), and whether the statutory deadlines were kept. For the procedures in
the reader's compliance scope (``oversight.selectors.compliance_scope``), optionally one team:

- ``deadline_shares``: per measured rule, deadlines met on time, met late, open past their
  day and still open, the share met on time, and those missed by more than a threshold;
- ``durations``: days from the card to the group's creation and to the first meeting,
  median, 90th percentile and maximum (nearest rank, as the compliance report);
- ``orders_lapsed``: protective orders that lost force on their 14th day with no court
  extension (ustawa o Policji art. 15aj–15ak);
- ``repeat_cards``: procedures opened for a person whose earlier procedure closed no more
  than 12 months before;
- ``trend``: the share met on time by month, for the chart.

Every figure is one aggregate query, whatever the number of rows (docs/timeliness.md).
Percentiles: on PostgreSQL ``percentile_disc``, an ordered-set aggregate: the discrete
percentile is the nearest-rank one, always a number of days that some case took, so its
cases can be listed. SQLite has no percentile aggregate (development and tests): the same
query returns each procedure's durations and the nearest ranks are read in Python
(``oversight.selectors._nearest_rank``), with the same results.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from oversight.selectors import COMPLIANCE_STATES, _nearest_rank
from workflows import calendar
from workflows.models import Deadline, DeadlineReason, Participant, Procedure, Team
from workflows.protective_orders import ProtectiveOrder
from workflows.rules import RULE_LABELS, RuleCode

# The rules whose share met on time is reported, in the order of the procedure.
TIMELINESS_RULES = (
    RuleCode.NKA_TO_CHAIR,
    RuleCode.GROUP_CREATED,
    RuleCode.NKA_TO_GROUP,
    RuleCode.FIRST_MEETING,
    RuleCode.PROGRAMME_REPORT,
    RuleCode.SUSPECT_NOTICE,
)

# From the card (the procedure's initiation date, the date of the NK-A that opened it) to …
MEASURES = ("group", "meeting")

# A repeat card: the earlier procedure closed no more than this many months before.
REPEAT_MONTHS = 12

# The deadlines in each column of the page, as ``oversight.selectors.COMPLIANCE_STATES``
# (``today``: the legal date); "open" there includes the overdue, "not_due" here does not.
DEADLINE_FIGURES = {
    "on_time": COMPLIANCE_STATES["on_time"],
    "late": COMPLIANCE_STATES["late"],
    "overdue": COMPLIANCE_STATES["overdue"],
    "not_due": lambda today: Q(met_on__isnull=True, due_on__gte=today),
}

# What each figure of the drill-down lists, for readers (the audit trail's details).
FIGURE_LABELS = {
    "group": _("from the NK-A to the group's creation"),
    "meeting": _("from the NK-A to the first meeting"),
    "missed": _("deadlines over the threshold with no recorded reason"),
    "lapsed": _("protective orders lapsed with no court extension"),
    "repeat": _("repeat cards"),
    "on_time": _("met on time"),
    "late": _("met late"),
    "overdue": _("open and overdue"),
    "not_due": _("open, not yet due"),
}

# The drill-down lists at most this many cases (most delayed first) and says so.
CASES_LIMIT = 500


@dataclass(frozen=True)
class Period:
    """What the figures are for: deadlines started, and procedures initiated, in
    [``start``, ``end``]; ``rule`` one measured rule or "" for all; a deadline counts as
    "over the threshold" when it was met, or is still open, more than ``threshold`` days
    after its day."""

    start: datetime.date
    end: datetime.date
    rule: str = ""
    threshold: int = 0


def scoped(procedures: QuerySet[Procedure], team_id: int | None) -> QuerySet[Procedure]:
    """``procedures`` (the reader's scope) narrowed to one team; a team outside the scope
    leaves nothing, never another team's cases."""
    return procedures.filter(team_id=team_id) if team_id else procedures


def teams_of(procedures: QuerySet[Procedure]) -> list[Team]:
    """The teams whose procedures the reader may audit, for the team filter (one query)."""
    return list(
        Team.objects.filter(pk__in=procedures.values("team_id"))
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )


def _rules(period: Period) -> tuple[str, ...]:
    return (period.rule,) if period.rule in TIMELINESS_RULES else tuple(TIMELINESS_RULES)


def measured_deadlines(*, procedures: QuerySet[Procedure], period: Period) -> QuerySet[Deadline]:
    """The deadlines the figures count: current, of the measured rules (or the one asked),
    started in the period."""
    return Deadline.objects.current().filter(
        procedure__in=procedures,
        rule__in=_rules(period),
        starts_on__range=(period.start, period.end),
    )


def _over_threshold(today: datetime.date, threshold: int) -> Q:
    """Met more than ``threshold`` days after the due day, or open and that far past it.

    ``late_by`` is annotated by ``missed_deadlines``."""
    return Q(late_by__gt=datetime.timedelta(days=threshold)) | Q(
        met_on__isnull=True, due_on__lt=today - datetime.timedelta(days=threshold)
    )


def missed_deadlines(
    *, procedures: QuerySet[Procedure], period: Period, today: datetime.date
) -> QuerySet[Deadline]:
    """The deadlines over the period's threshold (late or overdue by more than it).

    The one place a recorded reason for a missed deadline (issue 15 item 5) joins the
    figures: a deadline with a reason is excluded here ("no recorded reason"), and the
    case count, the drill-down and the exports follow; ``deadline_shares`` uses the same
    test for its per-step count."""
    return (
        measured_deadlines(procedures=procedures, period=period)
        .annotate(
            late_by=ExpressionWrapper(F("met_on") - F("due_on"), output_field=DurationField()),
            has_reason=_has_reason(),
        )
        .filter(_over_threshold(today, period.threshold), has_reason=False)
    )


def _has_reason() -> Exists:
    """Whether someone recorded why the deadline was missed (``DeadlineReason``)."""
    return Exists(DeadlineReason.objects.filter(deadline=OuterRef("pk")))


# --------------------------------------------------------------------------- deadlines


@dataclass
class ShareRow:
    rule: str
    label: str
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    open: int = 0  # still open, not yet due
    over_threshold: int = 0

    @property
    def decided(self) -> int:
        """Deadlines whose day has come: met (on time or late) or open past it."""
        return self.on_time + self.late + self.overdue

    @property
    def share(self) -> float | None:
        """Per cent met on time of those whose day has come (one decimal); ``None``: none."""
        return round(100 * self.on_time / self.decided, 1) if self.decided else None


def deadline_shares(*, procedures: QuerySet[Procedure], period: Period) -> list[ShareRow]:
    """Per measured rule: on time, late, overdue, open, and those over the threshold. One
    query, a hash aggregate (no DISTINCT: the cases over the threshold are counted apart,
    over the missed deadlines only, by ``cases_over_threshold``)."""
    today = calendar.legal_date()
    rows = {code: ShareRow(code, str(RULE_LABELS[RuleCode(code)])) for code in _rules(period)}
    over = _over_threshold(today, period.threshold)
    counts = (
        measured_deadlines(procedures=procedures, period=period)
        .annotate(
            late_by=ExpressionWrapper(F("met_on") - F("due_on"), output_field=DurationField()),
            has_reason=_has_reason(),
        )
        .values("rule")
        .annotate(
            on_time=Count("id", filter=DEADLINE_FIGURES["on_time"](today)),
            late=Count("id", filter=DEADLINE_FIGURES["late"](today)),
            overdue=Count("id", filter=DEADLINE_FIGURES["overdue"](today)),
            still_open=Count("id", filter=DEADLINE_FIGURES["not_due"](today)),
            over=Count("id", filter=over & Q(has_reason=False)),
        )
        .order_by()
    )
    for item in counts:
        row = rows[item["rule"]]
        row.on_time, row.late, row.overdue = item["on_time"], item["late"], item["overdue"]
        row.open, row.over_threshold = item["still_open"], item["over"]
    return list(rows.values())


def cases_over_threshold(*, procedures: QuerySet[Procedure], period: Period) -> int:
    """How many procedures have at least one deadline over the threshold (one query)."""
    missed = missed_deadlines(procedures=procedures, period=period, today=calendar.legal_date())
    return missed.values("procedure").distinct().count()


# --------------------------------------------------------------------------- durations


class PercentileDisc(Aggregate):
    """PostgreSQL's ``percentile_disc(f) WITHIN GROUP (ORDER BY x)``: the first value whose
    cumulative share reaches ``f`` (the nearest rank)."""

    function = "percentile_disc"
    name = "PercentileDisc"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 < fraction <= 1:
            raise ValueError(fraction)
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


@dataclass
class DurationFigures:
    measure: str
    cases: int = 0  # procedures initiated in the period that reached the step
    pending: int = 0  # … that have not reached it yet
    median: int | None = None
    p90: int | None = None
    maximum: int | None = None
    histogram: list[tuple[int, int]] = field(default_factory=list)

    @property
    def figures(self) -> list[int | None]:
        """Median, 90th percentile, maximum, in the page's order."""
        return [self.median, self.p90, self.maximum]


# A meeting that counts: neither withdrawn nor replaced by a correction (``Revisable``).
CURRENT_MEETING = Q(meetings__withdrawn_at__isnull=True, meetings__corrected_by__isnull=True)


def with_durations(procedures: QuerySet[Procedure]) -> QuerySet[Procedure]:
    """``procedures`` with ``group_on``, ``meeting_on`` (the first current meeting) and the
    days from the card to each (``group_days``, ``meeting_days``: durations, NULL when the
    step has not happened).

    Joins, not a correlated subquery per procedure: the group is a LEFT JOIN (one per
    procedure), the first meeting a MIN over the joined meetings grouped by procedure, so
    the database reads each table once (hash joins) however many procedures there are."""
    return procedures.annotate(
        group_on=Max("group__appointed_on"),
        meeting_on=Min("meetings__held_on", filter=CURRENT_MEETING),
    ).annotate(
        group_days=ExpressionWrapper(
            F("group_on") - F("initiated_on"), output_field=DurationField()
        ),
        meeting_days=ExpressionWrapper(
            F("meeting_on") - F("initiated_on"), output_field=DurationField()
        ),
    )


def _initiated(procedures: QuerySet[Procedure], period: Period) -> QuerySet[Procedure]:
    return procedures.filter(initiated_on__range=(period.start, period.end))


def durations(*, procedures: QuerySet[Procedure], period: Period) -> dict[str, DurationFigures]:
    """Days from the card to the group's creation and to the first meeting, for the
    procedures initiated in the period: median, p90, maximum (whole days, nearest rank).

    PostgreSQL: one query of ordered-set aggregates over ``with_durations`` (a subquery in
    FROM). SQLite, which has no percentile aggregate (development and tests only): one
    query returns the two durations of each procedure, and the histogram and its nearest
    ranks are made in Python."""
    base = with_durations(_initiated(procedures, period).order_by())
    figures = {measure: DurationFigures(measure) for measure in MEASURES}
    if connection.vendor == "postgresql":
        aggregates: dict[str, Aggregate] = {}
        for measure in MEASURES:
            days = F(f"{measure}_days")
            known = Q(**{f"{measure}_days__isnull": False})
            aggregates |= {
                f"{measure}_cases": Count("id", filter=known),
                f"{measure}_pending": Count("id", filter=~known),
                f"{measure}_median": PercentileDisc(days, 0.5, output_field=DurationField()),
                f"{measure}_p90": PercentileDisc(days, 0.9, output_field=DurationField()),
                f"{measure}_max": Max(days),
            }
        found = base.aggregate(**aggregates)
        for measure, item in figures.items():
            item.cases = found[f"{measure}_cases"]
            item.pending = found[f"{measure}_pending"]
            item.median = _days(found[f"{measure}_median"])
            item.p90 = _days(found[f"{measure}_p90"])
            item.maximum = _days(found[f"{measure}_max"])
        return figures
    counted: dict[str, Counter[int]] = {measure: Counter() for measure in MEASURES}
    columns = tuple(f"{measure}_days" for measure in MEASURES)  # the annotations above
    for group_days, meeting_days in base.values_list(*columns):
        for measure, value in (("group", group_days), ("meeting", meeting_days)):
            if value is None:
                figures[measure].pending += 1
            else:
                counted[measure][value.days] += 1
    for measure, item in figures.items():
        item.histogram = sorted(counted[measure].items())
        item.cases = sum(n for _days_, n in item.histogram)
        item.median = _nearest_rank(item.histogram, 0.5)
        item.p90 = _nearest_rank(item.histogram, 0.9)
        item.maximum = item.histogram[-1][0] if item.histogram else None
    return figures


def _days(value: datetime.timedelta | None) -> int | None:
    return None if value is None else value.days


# --------------------------------------------------------------------------- orders


@dataclass
class OrderFigures:
    expired: int = 0  # orders whose 14 days ran out in the period (up to today)
    extended: int = 0  # … that a court extended
    lapsed: int = 0  # … that lapsed with no court extension


def expiring_orders(
    *, procedures: QuerySet[Procedure], period: Period, today: datetime.date
) -> QuerySet[ProtectiveOrder]:
    """Current orders whose own 14 days ended in the period and before today, not ended
    earlier by pretrial detention (art. 15ak) and not bans that end with a leave-home
    order (art. 15aab ust. 3: they follow that order, counted itself)."""
    last = min(period.end, today - datetime.timedelta(days=1))
    return ProtectiveOrder.objects.current().filter(
        procedure__in=procedures,
        expires_on__range=(period.start, last),
        ends_with__isnull=True,
        ended_on__isnull=True,
    )


LAPSED = Q(court_extended_until__isnull=True)


def orders_lapsed(*, procedures: QuerySet[Procedure], period: Period) -> OrderFigures:
    """Orders whose 14 days ran out in the period: extended by a court, or lapsed with no
    extension (ustawa o Policji art. 15aj: the court may extend on the prosecutor's
    motion). One query."""
    found = expiring_orders(
        procedures=procedures, period=period, today=calendar.legal_date()
    ).aggregate(
        expired=Count("id"), lapsed=Count("id", filter=LAPSED), extended=Count("id", filter=~LAPSED)
    )
    return OrderFigures(**found)


# --------------------------------------------------------------------------- repeat cards


class MonthsBefore(Func):
    """``date`` minus ``months`` calendar months, in the database (PostgreSQL keeps the end
    of a shorter month: 29.02 − 12 months = 28.02; SQLite rolls over to 01.03)."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        self.months = int(months)
        super().__init__(expression)

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '-{self.months} months')", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) - interval '{self.months} months')::date", params


def is_repeat() -> Exists:
    """True for a procedure one of whose participants took part in another procedure
    closed on or before this one's initiation, at most ``REPEAT_MONTHS`` earlier."""
    earlier = Participant.objects.filter(
        person__participations__procedure=OuterRef("pk"),
        procedure__closed_on__lte=OuterRef("initiated_on"),
        procedure__closed_on__gte=MonthsBefore(OuterRef("initiated_on"), REPEAT_MONTHS),
    ).exclude(procedure=OuterRef("pk"))
    return Exists(earlier)


def repeat_cards(*, procedures: QuerySet[Procedure], period: Period) -> tuple[int, int]:
    """``(repeats, initiated)``: the procedures initiated in the period, and those of them
    that are a repeat card (``is_repeat``). One query."""
    found = (
        _initiated(procedures, period)
        .order_by()
        .aggregate(initiated=Count("id"), repeats=Count("id", filter=is_repeat()))
    )
    return found["repeats"], found["initiated"]


# --------------------------------------------------------------------------- trend


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date  # the first day of the month
    on_time: int
    decided: int

    @property
    def share(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None


def trend(*, procedures: QuerySet[Procedure], period: Period) -> list[MonthRow]:
    """Per month the deadlines started (the measured rules, or the one asked): how many
    had their day come and how many of those were met on time. One query; months with no
    deadline are left out."""
    today = calendar.legal_date()
    decided = Q(met_on__isnull=False) | Q(due_on__lt=today)
    rows = (
        measured_deadlines(procedures=procedures, period=period)
        .annotate(month=TruncMonth("starts_on"))
        .values("month")
        .annotate(
            on_time=Count("id", filter=COMPLIANCE_STATES["on_time"](today)),
            decided=Count("id", filter=decided),
        )
        .order_by("month")
    )
    return [MonthRow(row["month"], row["on_time"], row["decided"]) for row in rows]


# --------------------------------------------------------------------------- all of it


@dataclass
class Timeliness:
    period: Period
    shares: list[ShareRow]
    cases_over_threshold: int
    durations: dict[str, DurationFigures]
    orders: OrderFigures
    repeats: int
    initiated: int
    months: list[MonthRow]


def timeliness(*, procedures: QuerySet[Procedure], period: Period) -> Timeliness:
    """Every figure of the page for ``procedures`` (already scoped): 6 queries, whatever
    the number of rows."""
    repeats, initiated = repeat_cards(procedures=procedures, period=period)
    return Timeliness(
        period=period,
        shares=deadline_shares(procedures=procedures, period=period),
        cases_over_threshold=cases_over_threshold(procedures=procedures, period=period),
        durations=durations(procedures=procedures, period=period),
        orders=orders_lapsed(procedures=procedures, period=period),
        repeats=repeats,
        initiated=initiated,
        months=trend(procedures=procedures, period=period),
    )


# --------------------------------------------------------------------------- drill-down

# The figures whose cases the page lists (``timeliness_cases``).
CASE_FIGURES = ("group", "meeting", "missed", "lapsed", "repeat", *DEADLINE_FIGURES)


@dataclass(frozen=True)
class CaseRow:
    """One case behind a figure: its procedure, what is counted, from when to when, days."""

    procedure: Procedure
    what: str
    since: datetime.date | None
    until: datetime.date | None
    days: int | None


def _deadline_case(deadline: Deadline, today: datetime.date) -> CaseRow:
    end = deadline.met_on or today
    return CaseRow(
        deadline.procedure,
        str(RULE_LABELS[RuleCode(deadline.rule)]),
        deadline.due_on,
        deadline.met_on,
        (end - deadline.due_on).days,
    )


def cases_behind(
    *, procedures: QuerySet[Procedure], period: Period, figure: str, min_days: int = 0
) -> tuple[list[CaseRow], int]:
    """The cases behind one figure, most delayed first, at most ``CASES_LIMIT`` of them,
    and how many there are in all (two queries). ``group``/``meeting``: the procedures
    whose step came ``min_days`` or more days after the card (the median's, the 90th
    percentile's or the maximum's cases); ``missed``: the deadlines over the threshold;
    one of ``DEADLINE_FIGURES``: the deadlines in it; ``lapsed``: orders lapsed with
    no court extension; ``repeat``: repeat cards. Unknown figure: nothing."""
    today = calendar.legal_date()
    rows: list[CaseRow]
    if figure in MEASURES:
        found = (
            with_durations(_initiated(procedures, period))
            .filter(**{f"{figure}_days__gte": datetime.timedelta(days=max(min_days, 0))})
            .order_by(f"-{figure}_days", "initiated_on", "id")
        )
        total = found.count()
        rows = [
            CaseRow(
                p,
                str(p),
                p.initiated_on,
                getattr(p, f"{figure}_on"),
                getattr(p, f"{figure}_days").days,
            )
            for p in found.select_related("household")[:CASES_LIMIT]
        ]
        return rows, total
    if figure == "missed" or figure in DEADLINE_FIGURES:
        deadlines = (
            missed_deadlines(procedures=procedures, period=period, today=today)
            if figure == "missed"
            else measured_deadlines(procedures=procedures, period=period).filter(
                DEADLINE_FIGURES[figure](today)
            )
        )
        total = deadlines.count()
        listed = deadlines.select_related("procedure").order_by("due_on", "id")[:CASES_LIMIT]
        rows = [_deadline_case(deadline, today) for deadline in listed]
        return rows, total
    if figure == "lapsed":
        orders = expiring_orders(procedures=procedures, period=period, today=today).filter(LAPSED)
        total = orders.count()
        lapsed = orders.select_related("procedure").order_by("expires_on", "id")[:CASES_LIMIT]
        rows = [CaseRow(o.procedure, "", o.issued_on, o.expires_on, None) for o in lapsed]
        return rows, total
    if figure == "repeat":
        repeats = _initiated(procedures, period).filter(is_repeat())
        total = repeats.count()
        found_repeats = repeats.order_by("initiated_on", "id")[:CASES_LIMIT]
        rows = [CaseRow(p, "", p.initiated_on, None, None) for p in found_repeats]
        return rows, total
    return [], 0
