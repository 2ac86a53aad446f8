"""Legal dates and working-day arithmetic: the only place that counts days.

Datetimes are stored as aware UTC; a legal date is the date in Europe/Warsaw, so an NK-A
filled at 00:30 Warsaw time (23:30 UTC the day before) counts from the Warsaw date.
Working days exclude Saturdays, Sundays and the public holidays of the Act of 18 January
1951 on public holidays (ustawa o dniach wolnych od pracy), taken from the maintained
``holidays`` library's Polish calendar (which has 24 December from 2025 on).

Counting follows the civil/administrative convention (k.p.a. art. 57 § 1): the day of the
event is not counted. Whether a deadline counted in calendar days or months that ends on a
Saturday, Sunday or holiday moves to the next working day is the rule's own
(``Rule.rolls_forward`` and its ``roll_basis``): the regulation does not say, so only the rules
to which k.p.a. art. 57 § 4 or k.c. art. 115 apply by analogy move.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from workflows.rules import Rule, Unit

WARSAW = ZoneInfo("Europe/Warsaw")


def legal_date(moment: datetime.datetime | None = None) -> datetime.date:
    """The date in Europe/Warsaw of an aware datetime (now by default)."""
    moment = moment or timezone.now()
    return moment.astimezone(WARSAW).date()


def legal_days(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """The moments of the legal days ``start`` … ``end``: from midnight in Europe/Warsaw that
    begins ``start`` (inclusive) to the one that begins the day after ``end`` (exclusive).

    A filter on this half-open range selects exactly the rows ``__date__range=(start, end)``
    would (Django's ``__date`` is the date in Europe/Warsaw, ``TIME_ZONE``), but an index on
    the column serves it. Midnight exists on every day in Warsaw (the clocks change at 2:00
    and 3:00), so a day of 23 or 25 hours is still whole.
    """
    return (
        datetime.datetime.combine(start, datetime.time(), tzinfo=WARSAW),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tzinfo=WARSAW),
    )


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Poland(years=year).keys())


def is_holiday(day: datetime.date) -> bool:
    return day in _holidays(day.year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, else the next one."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Signed number of working days in (start, end]; negative when ``end`` is earlier.

    Counted by arithmetic, not day by day: the weekdays of the span less the holidays that
    fall on a weekday inside it (a page shows it beside every open deadline, some months or
    years away; ``tests/test_calendar.py`` checks it against the day-by-day count)."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign == 1 else (end, start)
    weeks, rest = divmod((high - low).days, 7)
    first = low.weekday()
    count = weeks * 5 + sum(1 for i in range(1, rest + 1) if (first + i) % 7 < 5)
    for year in range(low.year, high.year + 1):
        count -= sum(1 for day in _holidays(year) if low < day <= high and day.weekday() < 5)
    return sign * count


def nominal_end(rule: Rule, start: datetime.date) -> datetime.date:
    """The day the period of ``rule`` counted from ``start`` ends, before any moving."""
    if rule.unit == Unit.WORKING_DAYS:
        return add_working_days(start, rule.value)
    if rule.unit == Unit.CALENDAR_DAYS:
        return start + datetime.timedelta(days=rule.value)
    return start + relativedelta(months=rule.value)


def due_date(
    rule: Rule, start: datetime.date, *, roll_forward: bool | None = None
) -> datetime.date:
    """The last day on which ``rule`` is met when counted from ``start``.

    An end on a Saturday, Sunday or holiday moves to the next working day only when the rule
    says so (``Rule.rolls_forward``); ``roll_forward`` overrides that for one count.
    """
    end = nominal_end(rule, start)
    moves = rule.rolls_forward if roll_forward is None else roll_forward
    return next_working_day(end) if moves else end


@dataclass(frozen=True)
class DayOffEnd:
    """A calendar-day or month deadline whose period ends on a day off: where it ends and
    whether (and on what basis) it moves to ``due_on``."""

    nominal: datetime.date
    due_on: datetime.date
    moved: bool
    basis: str


def day_off_end(rule: Rule, start: datetime.date) -> DayOffEnd | None:
    """How the end of ``rule`` counted from ``start`` is treated when it falls on a Saturday,
    Sunday or holiday; ``None`` when it falls on a working day (nothing to say)."""
    end = nominal_end(rule, start)
    if is_working_day(end):
        return None
    due = due_date(rule, start)
    return DayOffEnd(nominal=end, due_on=due, moved=due != end, basis=rule.roll_basis)
