"""The chair's dashboard: the team's open cases counted in the database, each count a filter
of the procedure list (``FILTERS``), so that a count and the list behind its link agree."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from workflows import calendar
from workflows.at_risk import at_risk_deadlines
from workflows.models import (
    Deadline,
    GroupMember,
    Meeting,
    Notification,
    Procedure,
    Profession,
    Referral,
    Stage,
)
from workflows.rules import RuleCode
from workflows.selectors.access import auditor_scope_for, professional_for, visible_procedures


def week_end(today: datetime.date) -> datetime.date:
    """The Sunday that ends ``today``'s week (Monday to Sunday, as Polish calendars print it)."""
    return today + datetime.timedelta(days=6 - today.weekday())


def _open_deadlines():
    # A lapsed protective order is not overdue: nobody had a step to take.
    return (
        Deadline.objects.current()
        .filter(procedure=OuterRef("pk"), met_on__isnull=True)
        .exclude(rule=RuleCode.PROTECTIVE_ORDER)
    )


def _overdue(today: datetime.date) -> Q:
    return Q(Exists(_open_deadlines().filter(due_on__lt=today)))


def _due_week(today: datetime.date) -> Q:
    return Q(Exists(_open_deadlines().filter(due_on__range=(today, week_end(today)))))


def _at_risk(today: datetime.date) -> Q:
    """An open deadline is at risk: most of its window passed, not yet due
    (``workflows.at_risk``, issue 15 item 3)."""
    return Q(Exists(at_risk_deadlines(today).filter(procedure=OuterRef("pk"))))


def _no_meeting(today: datetime.date) -> Q:
    """The group received the card (``nka_to_group`` met) and no meeting is on record."""
    received = Deadline.objects.current().filter(
        procedure=OuterRef("pk"), rule=RuleCode.NKA_TO_GROUP, met_on__isnull=False
    )
    meetings = Meeting.objects.current().filter(procedure=OuterRef("pk"))
    return Q(Exists(received)) & ~Q(Exists(meetings))


def _incomplete_group(today: datetime.date) -> Q:
    """The group cannot meet now: ``selectors.composition_gaps`` as one SQL condition (art. 9a
    ust. 11 and art. 9c ust. 3 of the Act, Dz.U. 2024 poz. 1673)."""
    members = GroupMember.objects.filter(group__procedure=OuterRef("pk"))
    active = members.filter(professional__user__is_active=True)
    return Q(group__isnull=False) & (
        ~Q(Exists(active.filter(professional__profession=Profession.SOCIAL_WORKER)))
        | ~Q(Exists(active.filter(professional__profession=Profession.POLICE_OFFICER)))
        | Q(
            Exists(
                members.filter(
                    Q(professional__confidentiality_declared_on__isnull=True)
                    | Q(professional__user__is_active=False)
                )
            )
        )
    )


def _awaiting_decision(today: datetime.date) -> Q:
    """A referral or notification the group asked for, not yet decided by the team (art. 9b)."""
    referrals = Referral.objects.filter(procedure=OuterRef("pk"), decision="")
    notifications = Notification.objects.current().filter(procedure=OuterRef("pk"), decision="")
    return Q(Exists(referrals)) | Q(Exists(notifications))


# The list's filter parameters (``?overdue=1``): each a condition on an open procedure.
FILTERS: dict[str, Callable[[datetime.date], Q]] = {
    "overdue": _overdue,
    "due_week": _due_week,
    "at_risk": _at_risk,
    "no_meeting": _no_meeting,
    "incomplete_group": _incomplete_group,
    "awaiting_decision": _awaiting_decision,
}


def procedures_flagged(procedures: QuerySet[Procedure], flags) -> QuerySet[Procedure]:
    """``procedures`` that are open and meet every condition named in ``flags``."""
    if not flags:
        return procedures
    today = calendar.legal_date()
    for flag in flags:
        procedures = procedures.filter(FILTERS[flag](today))
    return procedures.exclude(stage=Stage.CLOSED)


@dataclass
class Dashboard:
    """The counts the chair (or an auditor, within scope) sees; ``None`` for anyone else."""

    by_stage: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, n)
    counts: dict[str, int] = field(default_factory=dict)
    week_end: datetime.date | None = None

    @property
    def open_total(self) -> int:
        return sum(n for _code, _label, n in self.by_stage)


def sees_team_counts(user: User) -> bool:
    """A team chair, or an auditor: group members see their own deadlines only."""
    if auditor_scope_for(user) is not None:
        return True
    professional = professional_for(user)
    return (
        professional is not None
        and professional.has_declaration
        and bool(professional.chaired_team_ids)
    )


def dashboard_counts(*, user: User) -> Dashboard | None:
    """The open procedures the user sees, by stage, and the number meeting each of
    ``FILTERS``: two queries whatever the number of cases. The procedure list with the same
    parameter (``?stage=…``, ``?overdue=1`` …) lists exactly the counted cases."""
    if not sees_team_counts(user):
        return None
    today = calendar.legal_date()
    procedures = visible_procedures(user).exclude(stage=Stage.CLOSED)
    stages = dict(procedures.order_by().values_list("stage").annotate(n=Count("pk")))
    counts = procedures.aggregate(
        **{name: Count("pk", filter=condition(today)) for name, condition in FILTERS.items()}
    )
    return Dashboard(
        by_stage=[
            (code, str(label), stages.get(code, 0))
            for code, label in Stage.choices
            if code != Stage.CLOSED
        ],
        counts=counts,
        week_end=week_end(today),
    )
