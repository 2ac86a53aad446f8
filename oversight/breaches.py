"""The compliance report's "late, because…" (issue 15 item 5): each missed deadline of the
period with the reason the chair or the group recorded for it (``workflows.DeadlineReason``),
and how many have none. The report shows them 25 at a time (``missed_page``): the number
missed comes from the tallies of met and open deadlines (``workflows.tallies``), so the page
reads a bounded number of rows however many years and cases it covers."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet, Sum

from core.paging import Page, page_of
from oversight.selectors import (
    TallyScope,
    compliance_deadlines,
    open_tallied,
    tallied,
    untallied,
    whole_months,
)
from workflows import calendar
from workflows.models import Deadline, DeadlineReason, Procedure
from workflows.rules import RULE_LABELS, RuleCode
from workflows.tallies import TALLIED_RULES


@dataclass(frozen=True)
class Breach:
    deadline: Deadline
    label: str
    days: int  # days late, or overdue so far
    reason: DeadlineReason | None


def reasons_for(deadline_ids) -> dict[int, DeadlineReason]:
    """The reason in force (the latest recorded) for each of ``deadline_ids`` (one query)."""
    found: dict[int, DeadlineReason] = {}
    for reason in (
        DeadlineReason.objects.filter(deadline_id__in=list(deadline_ids))
        .select_related("recorded_by")
        .order_by("recorded_at", "id")
    ):
        found[reason.deadline_id] = reason
    return found


def _missed(today: datetime.date) -> Q:
    return Q(met_on__gt=F("due_on")) | Q(met_on__isnull=True, due_on__lt=today)


def breaches(*, deadlines: QuerySet[Deadline]) -> list[Breach]:
    """The missed ones among ``deadlines`` (met after the due date, or open past it), oldest
    due first, each with its reason or ``None``."""
    today = calendar.legal_date()
    missed = list(
        deadlines.filter(_missed(today))
        .select_related("procedure__household")
        .order_by("due_on", "id")
    )
    return _with_reasons(missed, today)


def _with_reasons(missed: list[Deadline], today: datetime.date) -> list[Breach]:
    reasons = reasons_for(d.pk for d in missed)
    return [
        Breach(
            deadline=d,
            label=str(RULE_LABELS[RuleCode(d.rule)]),
            days=((d.met_on or today) - d.due_on).days,
            reason=reasons.get(d.pk),
        )
        for d in missed
    ]


def _period_deadlines(
    procedures: QuerySet[Procedure], start: datetime.date, end: datetime.date
) -> QuerySet[Deadline]:
    # Every rule but ``NOT_BREACHES``, named (``TALLIED_RULES``): an index condition.
    return compliance_deadlines(procedures=procedures, start=start, end=end, rules=TALLIED_RULES)


def period_breaches(
    *, procedures: QuerySet[Procedure], start: datetime.date, end: datetime.date
) -> list[Breach]:
    """The missed deadlines started in [start, end] in ``procedures``, every rule that is a
    term to act (``NOT_BREACHES`` are periods)."""
    return breaches(deadlines=_period_deadlines(procedures, start, end))


@dataclass(frozen=True)
class MissedPage:
    """One page of the period's missed deadlines, and how many there are and lack a reason."""

    page: Page  # of ``Breach``
    unexplained: int


def period_breaches_page(
    *,
    procedures: QuerySet[Procedure],
    tally: TallyScope,
    start: datetime.date,
    end: datetime.date,
    params: Mapping[str, Any],
    param: str = "missed_page",
) -> MissedPage:
    """Page ``params[param]`` of ``period_breaches`` (oldest due first), counted without
    reading them all: the deadlines met late or open past their day in the whole months of
    the period from the tallies (``tally``, the scope of ``procedures``), those of a month
    the period cuts counted one by one; those with a reason counted by their reasons. At
    most five queries."""
    today = calendar.legal_date()
    deadlines = _period_deadlines(procedures, start, end)
    months = whole_months(start, end)
    live = untallied(months, start, end)
    count = 0 if live is None else deadlines.filter(live).filter(_missed(today)).count()
    if months is not None:
        count += tallied(tally, months, TALLIED_RULES).aggregate(late=Sum("late"))["late"] or 0
        count += sum(
            item["overdue"] or 0 for item in open_tallied(tally, months, TALLIED_RULES, today)
        )
    explained = (
        deadlines.filter(_missed(today))
        .filter(pk__in=DeadlineReason.objects.values("deadline_id"))
        .count()
    )
    listed = deadlines.filter(_missed(today)).select_related("procedure__household")
    page = page_of(listed.order_by("due_on", "id"), count, params, param=param)
    page.rows = _with_reasons(page.rows, today)
    return MissedPage(page, count - explained)
