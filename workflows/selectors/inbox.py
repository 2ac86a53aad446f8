"""A user's open tasks and the deadlines due."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import calendar
from workflows.at_risk import annotate_at_risk
from workflows.flows import ProcedureFlow, group_nodes, rule_met_at
from workflows.models import (
    Deadline,
    Notification,
    Procedure,
    Referral,
)
from workflows.rules import RULE_LABELS, RuleCode, find_rule
from workflows.selectors.access import (
    acting_cases,
    memberships,
    professional_for,
    visible_procedures,
)


@dataclass(frozen=True)
class TaskRow:
    task: Task
    procedure: Procedure
    node: str
    title: str
    due_on: datetime.date | None
    rule_label: str
    at_risk: bool = False  # most of the deadline's window has passed (``workflows.at_risk``)
    high_risk: bool = False  # the case is flagged by a high risk (issue 15): listed first

    @property
    def days_left(self) -> int | None:
        if self.due_on is None:
            return None
        return (self.due_on - calendar.legal_date()).days

    @property
    def overdue(self) -> bool:
        days_left = self.days_left
        return days_left is not None and days_left < 0


def _node_name(task: Task) -> str:
    return task.flow_task.name


def _rule_label(code: RuleCode | None, edition: str) -> str:
    """The deadline a task is judged against, marked when its period is a team setting."""
    if code is None:
        return ""
    found = find_rule(code, edition)
    if found is not None and found.team_setting:
        return _("%(rule)s (team setting – no statutory basis)") % {"rule": RULE_LABELS[code]}
    return str(RULE_LABELS[code])


def open_tasks_for(user: User) -> list[TaskRow]:
    """The user's inbox: tasks assigned to them, and unassigned tasks of their groups.

    Runs a fixed number of queries whatever the number of procedures.
    """
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return []
    # The processes of the user's groups as a literal list: the open tasks are then read by
    # two partial indexes (``viewflow_task_open_by_owner`` / ``_by_process``), where a join
    # through every group membership with DISTINCT read the open tasks of all teams.
    processes = memberships(professional).group_processes()
    tasks = list(
        Task.objects.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .filter(
            Q(owner=user)
            | Q(owner__isnull=True, flow_task__in=group_nodes(), process_id__in=processes)
        )
        # The initiator's transfer is listed with their cards (``cards_of``), which name
        # no case.
        .exclude(flow_task=ProcedureFlow.transfer_to_chair)
        .select_related("process__procedure__household")
        # What the rows show and the read event names, no more: the inbox of a team of
        # 2,000 cases lists dozens of tasks, each built as four model instances (the
        # processes' and tasks' JSON data were decoded for nothing). A field left out here
        # and read later would cost a query per row: ``tests/test_web_queries.py`` counts
        # the inbox's queries with few and with many tasks.
        .only(
            "flow_task",
            "status",
            "created",
            "owner_id",
            "process_id",
            "process__procedure__number",
            "process__procedure__edition",
            "process__procedure__household_id",
            "process__procedure__household__label",
            "process__procedure__household__municipality_id",
        )
        # A case flagged by a high risk (issue 15) is listed first: read with the task.
        .annotate(case_flagged=F("process__procedure__risk_status__flagged"))
        .order_by("created")
    )
    procedure_ids = {t.process.procedure.pk for t in tasks}
    deadlines: dict[tuple[int, str], Deadline] = {}
    # Earliest open deadline per (procedure, rule): for the transfer task that is the
    # first NK-A's; a card that joined later has its own deadline on the dashboard.
    for deadline in (
        annotate_at_risk(Deadline.objects.current(), calendar.legal_date())
        .filter(procedure_id__in=procedure_ids, met_on__isnull=True)
        .exclude(rule=RuleCode.PROGRAMME_REPORT)
        .only("procedure_id", "rule", "due_on")
        .order_by("due_on", "id")
    ):
        deadlines.setdefault((deadline.procedure_id, deadline.rule), deadline)
    rows = []
    for task in tasks:
        node = _node_name(task)
        rule_code = rule_met_at(node)
        if rule_code and find_rule(rule_code, task.process.procedure.edition) is None:
            rule_code = None  # the case's edition had no such deadline: none is shown
        deadline = deadlines.get((task.process.procedure.pk, rule_code)) if rule_code else None
        rows.append(
            TaskRow(
                task=task,
                procedure=task.process.procedure,
                node=node,
                title=str(task.flow_task.task_title or node),
                due_on=deadline.due_on if deadline else None,
                rule_label=_rule_label(rule_code, task.process.procedure.edition),
                at_risk=bool(deadline and getattr(deadline, "at_risk", False)),
                high_risk=bool(task.case_flagged),
            )
        )
    rows.sort(key=lambda r: (not r.high_risk, r.due_on is None, r.due_on or datetime.date.max))
    return rows


def orders_and_notices(*, user: User) -> tuple[list[Deadline], list[Deadline]]:
    """Two lists of the inbox in one query, both most urgent first:

    - the expiry deadlines of the protective orders still binding in the cases the user acts
      in (a group member, or the chair of the team while the case has no group), each shown
      with the day it lapses (ustawa o Policji art. 15ak);
    - the open ``suspect_notice`` deadlines (an NK-A filled in the suspect's absence, 2023
      edition) of the cases the user acts in (a group member, or the team chair, who may
      notify before a group exists), each listed as a task until the notice is recorded; a
      2011 case has no such deadline (``add_deadline``).
    """
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return [], []
    acting = acting_cases(professional)
    orders: list[Deadline] = []
    notices: list[Deadline] = []
    for deadline in (
        Deadline.objects.current()
        .filter(
            Q(
                acting.member_or_chaired_without_group(),
                rule=RuleCode.PROTECTIVE_ORDER,
                due_on__gte=calendar.legal_date(),
            )
            | Q(acting.member_or_chaired(), rule=RuleCode.SUSPECT_NOTICE),
            met_on__isnull=True,
        )
        .select_related("procedure__household", "protective_order")
        .order_by("due_on", "id")
    ):
        (orders if deadline.rule == RuleCode.PROTECTIVE_ORDER else notices).append(deadline)
    return orders, notices


def orders_in_force(*, user: User) -> list[Deadline]:
    """The protective orders' expiry deadlines of ``orders_and_notices``."""
    return orders_and_notices(user=user)[0]


def suspect_notices_due(*, user: User) -> list[Deadline]:
    """The suspect notices due of ``orders_and_notices``."""
    return orders_and_notices(user=user)[1]


def deadlines_due_queries(*, user: User, within_working_days: int = 2) -> dict[str, QuerySet]:
    """The open deadlines of the procedures ``user`` sees as unevaluated querysets, most
    urgent first: ``overdue``, ``due_soon`` and ``at_risk`` (``workflows.at_risk``: most of
    the window passed, not yet overdue). The dashboard counts and pages each one
    (``core.paging``), so it renders a bounded number of rows however many are due."""
    today = calendar.legal_date()
    horizon = calendar.add_working_days(today, within_working_days)
    # The open cases first (``procedure_team_open``), then their open deadlines
    # (``deadline_open_by_procedure``): not every open deadline of every team.
    open_cases = visible_procedures(user).exclude(stage="closed").values("pk")
    base = (
        annotate_at_risk(Deadline.objects.current(), today)
        .filter(met_on__isnull=True, procedure__in=open_cases)
        .select_related("procedure__household")
        # A case flagged by a high risk first (issue 15), then by due date.
        .order_by(F("procedure__risk_status__flagged").desc(nulls_last=True), "due_on", "id")
    )
    return {
        # A lapsed order is not overdue: nobody had a step to take (``reminders._lapse``).
        "overdue": base.filter(due_on__lt=today).exclude(rule=RuleCode.PROTECTIVE_ORDER),
        "due_soon": base.filter(due_on__gte=today, due_on__lte=horizon),
        # ``base`` is annotated with ``at_risk`` (``workflows.at_risk``) already.
        "at_risk": base.filter(at_risk=True).order_by("due_on", "id"),
    }


def deadlines_due(*, user: User, within_working_days: int = 2) -> dict[str, list[Deadline]]:
    """``deadlines_due_queries`` evaluated: every overdue, due-soon and at-risk deadline."""
    queries = deadlines_due_queries(user=user, within_working_days=within_working_days)
    return {name: list(queryset) for name, queryset in queries.items()}


@dataclass(frozen=True)
class PendingRequest:
    """A request of the group waiting for the team's decision (art. 9b: the group asks, the
    team decides), as the chair's inbox lists it."""

    procedure: Procedure
    what: str
    requested_on: datetime.date
    decide_url_name: str
    pk: int


def requests_awaiting_decision(*, user: User) -> list[PendingRequest]:
    """The referrals and notifications the groups asked for in the open cases of the team
    the user chairs, not yet decided: the chair records the team's decision."""
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return []
    waiting = acting_cases(professional).chaired() & Q(decision="")
    referrals = Referral.objects.filter(waiting).select_related("procedure__household")
    # A withdrawn notification waits for nothing.
    notifications = (
        Notification.objects.current().filter(waiting).select_related("procedure__household")
    )
    rows = [
        PendingRequest(
            r.procedure,
            _("referral to a programme: %(programme)s") % {"programme": r.get_programme_display()},
            r.requested_on,
            "workflows:referral_decide",
            r.pk,
        )
        for r in referrals
    ] + [
        PendingRequest(
            n.procedure, n.get_kind_display(), n.requested_on, "workflows:notification_decide", n.pk
        )
        for n in notifications
    ]
    return sorted(rows, key=lambda row: (row.requested_on, row.pk))
