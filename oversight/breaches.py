"""The compliance report's "late, because…" (issue 15 item 5): each missed deadline of the
period with the reason the chair or the group recorded for it (``workflows.DeadlineReason``),
and how many have none. Two queries."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from workflows import calendar
from workflows.models import NOT_BREACHES, Deadline, DeadlineReason, Procedure
from workflows.rules import RULE_LABELS, RuleCode


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


def breaches(*, deadlines: QuerySet[Deadline]) -> list[Breach]:
    """The missed ones among ``deadlines`` (met after the due date, or open past it), oldest
    due first, each with its reason or ``None``."""
    today = calendar.legal_date()
    missed = list(
        deadlines.filter(Q(met_on__gt=F("due_on")) | Q(met_on__isnull=True, due_on__lt=today))
        .select_related("procedure__household")
        .order_by("due_on", "id")
    )
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


def period_breaches(
    *, procedures: QuerySet[Procedure], start: datetime.date, end: datetime.date
) -> list[Breach]:
    """The missed deadlines started in [start, end] in ``procedures``, every rule that is a
    term to act (``NOT_BREACHES`` are periods)."""
    return breaches(
        deadlines=Deadline.objects.current()
        .filter(procedure__in=procedures, starts_on__range=(start, end))
        .exclude(rule__in=NOT_BREACHES)
    )
