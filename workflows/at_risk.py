"""Warnings before the breach: an open deadline is "at risk" once a share of its window
(from ``starts_on`` to ``due_on``, in calendar days) has passed and it is not yet overdue.

The share is the rule's ``warn_share`` (``workflows.rules.Rule``, declared per edition like
the deadline's value) or ``DEFAULT_WARN_SHARE``. It changes no deadline: it only decides
from which day a deadline is shown (and e-mailed, once: ``workflows.reminders``) as at risk.
The state is computed in the database (``at_risk_condition``), so the inbox, the chair's
dashboard and the procedure list's ``?at_risk=1`` filter count the same deadlines.
"""

import datetime
import math

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    Value,
    When,
)

from workflows.models import Deadline
from workflows.rules import EDITIONS, RuleCode

# Issue 15 item 3: "a share of its window elapsed, default 60%". No law sets it: a practice
# value, changed per rule by ``warn_share`` in the edition's rule data.
DEFAULT_WARN_SHARE = 0.6
# Never "at risk": a protective order's expiry is no step anybody must take, and the team's
# own meetings are a team setting reminded elsewhere.
NEVER_AT_RISK = (RuleCode.PROTECTIVE_ORDER, RuleCode.TEAM_MEETINGS)


def warn_share(rule: RuleCode | str, edition: str) -> float:
    """The share of the window after which a deadline of ``rule`` under ``edition`` is at
    risk."""
    spec = EDITIONS.get(str(edition))
    found = spec.rules.get(RuleCode(rule)) if spec else None
    if found is not None and found.warn_share is not None:
        return found.warn_share
    return DEFAULT_WARN_SHARE


def warn_on(deadline: Deadline) -> datetime.date:
    """The first day ``deadline`` is at risk (the same day ``at_risk_condition`` gives)."""
    window = (deadline.due_on - deadline.starts_on).days
    share = warn_share(deadline.rule, deadline.edition)
    return deadline.starts_on + datetime.timedelta(days=math.ceil(share * window - 1e-9))


def _share_expression() -> Case:
    whens = [
        When(rule=code.value, edition=spec.code, then=Value(rule.warn_share))
        for spec in EDITIONS.values()
        for code, rule in spec.rules.items()
        if rule.warn_share is not None
    ]
    return Case(*whens, default=Value(DEFAULT_WARN_SHARE), output_field=FloatField())


def at_risk_condition(today: datetime.date) -> Q:
    """A ``Q`` on a ``Deadline`` queryset annotated by ``annotate_at_risk``: true for an
    open deadline at risk on ``today``: not met, not yet overdue, and
    ``today - starts_on >= share × (due_on - starts_on)``."""
    return Q(met_on__isnull=True, due_on__gte=today, risk_elapsed__gte=F("risk_threshold")) & ~Q(
        rule__in=NEVER_AT_RISK
    )


def annotate_at_risk(queryset, today: datetime.date):
    """The ``Deadline`` ``queryset`` with ``risk_elapsed`` (the time since the window
    opened) and ``risk_threshold`` (the share of the window) as durations, and ``at_risk``."""
    starts, due = F("starts_on"), F("due_on")
    queryset = queryset.annotate(
        risk_elapsed=ExpressionWrapper(
            Value(today, output_field=DateField()) - starts, output_field=DurationField()
        ),
        risk_threshold=ExpressionWrapper(
            (due - starts) * _share_expression(), output_field=DurationField()
        ),
    )
    return queryset.annotate(
        at_risk=Case(
            When(at_risk_condition(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def at_risk_deadlines(today: datetime.date):
    """The current open deadlines at risk on ``today``."""
    return annotate_at_risk(Deadline.objects.current(), today).filter(at_risk_condition(today))
