"""The procedure declared once: the viewflow process and, beside it, the table of its steps.

``ProcedureFlow`` is the diagram the users and auditors see; ``STEPS`` says, for every
human node and every record kept during the case, who acts, the statutory deadline the
step meets and those it opens, and the stage the case is in meanwhile. Everything else is
derived from these two: the stage (``stage_of``), who may act (``workflows.permissions``),
the nodes' assignment and permission (``.Assign`` / ``.Permission`` below), the inbox's
group tasks and due dates (``workflows.selectors``).

Every human node is completed only through the step services (``workflows.steps.step``
locks the procedure, checks the actor and the node, writes the audit event); viewflow's
own views are not exposed. Nodes read like the procedure of Dz.U. 2023 poz. 1870:

    NK-A filled → transfer to the chair → group appointed → NK-A passed to the group
    → (meeting with the victim ‖ meeting with the suspect) → actions and monitoring
    → closure → [monitoring after closure] → end
"""

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from workflows.models import Procedure, Stage
from workflows.rules import RuleCode


def _procedure_of(process: Process) -> Procedure:
    """The procedure of ``process``, also the object of a node's permission
    (``user.has_perm("workflows.<action>", procedure)``, answered by
    ``workflows.permissions.StepBackend``). The process row is saved before the procedure
    links to it, so nodes find it through the id the start handle stored in the data.
    Asked once per process object (a step completing a task asks it for every next node)."""
    procedure = getattr(process, "_procedure", None)
    if procedure is None:
        in_hand = _in_hand.get()
        if in_hand is not None and in_hand.pk == (process.data or {}).get("procedure"):
            procedure = in_hand
        else:
            procedure = Procedure.objects.select_related("team").get(pk=process.data["procedure"])
        remember_procedure(process, procedure)
    return procedure


# The procedure a step holds (locked) while it runs its process: every node, whichever
# process object viewflow loaded, gets it without asking the database again.
_in_hand: contextvars.ContextVar[Procedure | None] = contextvars.ContextVar(
    "procedure_in_hand", default=None
)


@contextlib.contextmanager
def procedure_in_hand(procedure: Procedure) -> Iterator[None]:
    """Within the block, the nodes of ``procedure``'s process take ``procedure`` as it is."""
    token = _in_hand.set(procedure)
    try:
        yield
    finally:
        _in_hand.reset(token)


def procedure_of(process: Process) -> Procedure:
    """The procedure of ``process`` (loaded once per process object)."""
    return _procedure_of(process)


def remember_procedure(process: Process, procedure: Procedure) -> None:
    """Let ``process`` answer ``_procedure_of`` with ``procedure`` (loaded, or locked, already)."""
    process._procedure = procedure


def _procedure(activation) -> Procedure:
    return _procedure_of(activation.process)


def _chair(activation):
    from workflows.selectors import team_chair_user

    return team_chair_user(team_id=_procedure(activation).team_id)


def _initiator(activation):
    return _procedure(activation).initiated_by


class Actor(StrEnum):
    """Who takes a step of a case."""

    INITIATOR = "initiator"  # the professional who filled the card, for their card only
    CHAIR = "chair"  # the team chair
    GROUP = "group"  # a member of the case's diagnostic-support group
    CASE_WORKER = "case_worker"  # the chair or a member of the group


@dataclass(frozen=True)
class Step:
    """One thing that can be done in a case: the one declaration of who, when and which rule.

    ``node`` is the flow node the step completes (``None`` for a record kept while the case
    is in one of ``stages``). ``stage`` is where the case stands while the node's task is
    open. A step with a node and ``stages`` may also be taken without its node while the
    case is in one of ``stages`` (a joined card's transfer). ``during`` are other nodes
    while whose task the step may also be taken (it does not complete them). ``meets`` is
    the statutory deadline the step meets and ``opens`` those it starts (``workflows.rules``).
    ``needs_full_group``: a meeting of the group, refused while the group lacks a member
    the law requires (art. 9a ust. 11 of the Act; ``workflows.selectors.group_gaps``).
    """

    action: str
    actor: Actor
    node: str | None = None
    stage: Stage | None = None
    stages: frozenset[Stage] = frozenset()
    during: frozenset[str] = frozenset()
    meets: RuleCode | None = None
    opens: tuple[RuleCode, ...] = ()
    needs_full_group: bool = False


ACTIVE = frozenset({Stage.MEETINGS, Stage.ACTIONS})
NOT_CLOSED = frozenset(Stage) - {Stage.CLOSED}
ANY_STAGE = frozenset(Stage)
WITH_GROUP = frozenset({Stage.GROUP_APPOINTED, Stage.MEETINGS, Stage.ACTIONS})

# The steps of the procedure (Dz.U. 2023 poz. 1870; the numbers are in workflows.rules).
STEPS: dict[str, Step] = {
    step.action: step
    for step in (
        # § 7: the initiator sends the NK-A original to the chair.
        Step(
            "transfer",
            Actor.INITIATOR,
            node="transfer_to_chair",
            stage=Stage.INITIATED,
            # A card that joined an open case is sent at any stage, completing no node.
            stages=ANY_STAGE,
            meets=RuleCode.NKA_TO_CHAIR,
            opens=(RuleCode.GROUP_CREATED, RuleCode.NKA_TO_GROUP),
        ),
        # art. 9a ust. 10–11 of the Act: the group is created.
        Step(
            "appoint_group",
            Actor.CHAIR,
            node="appoint_group",
            stage=Stage.WITH_CHAIR,
            meets=RuleCode.GROUP_CREATED,
        ),
        # The chair changes the group's members after its appointment (each change a new
        # version of the group decision) and notes what the inbox told them about it.
        Step("group_member_add", Actor.CHAIR, stages=WITH_GROUP),
        Step("group_member_remove", Actor.CHAIR, stages=WITH_GROUP),
        Step("group_notice_seen", Actor.CHAIR, stages=ANY_STAGE),
        # § 8: the chair passes the NK-A to the group.
        Step(
            "pass_to_group",
            Actor.CHAIR,
            node="pass_to_group",
            stage=Stage.GROUP_APPOINTED,
            meets=RuleCode.NKA_TO_GROUP,
            opens=(RuleCode.FIRST_MEETING,),
        ),
        # § 8–9: separate meetings with each victim (NK-C, or a recorded non-appearance) and
        # each suspect (NK-D, or the notification of initiation). The node completes with
        # the record that covers the last person (``StepRun.keep_node_open``); a person a
        # later card adds is met in the meetings or actions stage, completing no node.
        Step(
            "victim_meeting",
            Actor.GROUP,
            node="victim_meeting",
            stage=Stage.MEETINGS,
            stages=ACTIVE,
            meets=RuleCode.FIRST_MEETING,
            needs_full_group=True,
        ),
        Step(
            "suspect_meeting",
            Actor.GROUP,
            node="suspect_meeting",
            stage=Stage.MEETINGS,
            stages=ACTIVE,
            meets=RuleCode.FIRST_MEETING,
            needs_full_group=True,
        ),
        # Meetings are planned before they are held (domain note 4a): the group sets the
        # date, time and place and whom it invites; the invitation and the summons are made
        # then. Afterwards a plan is held (through its meeting's own step), not held or
        # cancelled (``meeting_plan_close``).
        Step("meeting_plan", Actor.GROUP, stages=ACTIVE),
        Step("meeting_plan_close", Actor.GROUP, stages=ACTIVE),
        # § 8: a working meeting of the group without the parties; the group's first
        # meeting, whoever attends it, meets the first-meeting deadline.
        Step(
            "group_meeting",
            Actor.GROUP,
            stages=ACTIVE,
            meets=RuleCode.FIRST_MEETING,
            needs_full_group=True,
        ),
        # The address a participant chose for this procedure's letters (a victim's safe one).
        Step("correspondence_address", Actor.GROUP, stages=NOT_CLOSED),
        # The suspect absent when the NK-A was filled is notified of the initiation (2023).
        Step("suspect_notice", Actor.CASE_WORKER, stages=NOT_CLOSED, meets=RuleCode.SUSPECT_NOTICE),
        # § 18: closure on one of two grounds.
        Step("close", Actor.CASE_WORKER, node="actions", stage=Stage.ACTIONS),
        # Monitoring after closure: the group's task until it ends (its period is a team
        # setting, a deadline reminded by check_deadlines when it passes).
        Step(
            "end_monitoring",
            Actor.CASE_WORKER,
            node="post_closure_monitoring",
            stage=Stage.CLOSED,
            meets=RuleCode.POST_CLOSURE_MONITORING,
        ),
        # Records kept while the case runs.
        Step("plan_item_add", Actor.CASE_WORKER, stages=ACTIVE),
        Step("plan_item_status", Actor.CASE_WORKER, stages=ACTIVE),
        # art. 9b of the Act: the group asks, the team decides (the chair records it); only
        # a granted referral counts the team's period to report (a team setting).
        Step("referral_request", Actor.GROUP, stages=ACTIVE),
        Step(
            "referral_decision",
            Actor.CHAIR,
            stages=ACTIVE,
            opens=(RuleCode.PROGRAMME_REPORT,),
        ),
        Step(
            "referral_certificate",
            Actor.CASE_WORKER,
            stages=ANY_STAGE,
            meets=RuleCode.PROGRAMME_REPORT,
        ),
        # Police orders arrive first, often with the NK-A (ustawa o Policji art. 15aa–15ak):
        # recorded from the day the procedure exists, and the notice of a detention too.
        Step("protective_order", Actor.CASE_WORKER, stages=NOT_CLOSED),
        # The card's initiator (usually the officer whose unit issued the order) records
        # the orders against their card's suspects while the procedure runs, on their card's
        # page: they see no case (issue 11).
        Step("card_order", Actor.INITIATOR, stages=NOT_CLOSED),
        Step("detention_notice", Actor.CASE_WORKER, stages=NOT_CLOSED),
        # The art. 66c notification and the notices take the same shape; a granted one is
        # then sent.
        Step("notification_request", Actor.GROUP, stages=ACTIVE),
        Step("notification_decision", Actor.CHAIR, stages=ACTIVE),
        Step("notification_sent", Actor.CASE_WORKER, stages=NOT_CLOSED),
        # After closure only while monitoring runs (the service checks the date too).
        Step(
            "monitoring_note",
            Actor.CASE_WORKER,
            stages=ACTIVE,
            during=frozenset({"post_closure_monitoring"}),
        ),
        Step("reconcile", Actor.CASE_WORKER, stages=ANY_STAGE),
        # Issue 15 (workflows/risk.py, docs/risk.md): the risk checklist, filled by the
        # initiator with their card and by the group (or the chair) at each victim's meeting
        # and on a new card; a high level opens the safety-plan action's deadline.
        Step(
            "risk_assess",
            Actor.CASE_WORKER,
            stages=NOT_CLOSED,
            meets=RuleCode.RISK_REASSESSMENT,
            opens=(RuleCode.RISK_REASSESSMENT,),
        ),
        Step(
            "card_risk_assess",
            Actor.INITIATOR,
            stages=NOT_CLOSED,
            meets=RuleCode.RISK_REASSESSMENT,
            opens=(RuleCode.RISK_REASSESSMENT,),
        ),
        Step("safety_action", Actor.CASE_WORKER, stages=NOT_CLOSED, meets=RuleCode.SAFETY_PLAN),
        # A reason recorded for a missed deadline (the compliance report's "late, because").
        Step("deadline_reason", Actor.CASE_WORKER, stages=ANY_STAGE),
        # Withdrawal and correction of a record (workflows.corrections); an NK-A card also
        # by its initiator until the original is with the chair (§ 7).
        Step("record_revise", Actor.CASE_WORKER, stages=NOT_CLOSED),
        Step("card_revise", Actor.INITIATOR, stages=NOT_CLOSED),
        Step("documents_retry", Actor.CASE_WORKER, stages=ANY_STAGE),
        Step("document_regenerate", Actor.CASE_WORKER, stages=ANY_STAGE),
    )
}


def _human(action: str, title) -> flow.View:
    """The human node of ``STEPS[action]``: assigned to the initiator or the chair when they
    act (a group's task stays unassigned until a member takes it), and permitted to whoever
    ``workflows.permissions.may`` allows (``user.has_perm("workflows.<action>", procedure)``).
    """
    step = STEPS[action]
    node = (
        flow.View(None).Annotation(title=title).Permission(f"workflows.{action}", obj=_procedure_of)
    )
    if step.actor == Actor.INITIATOR:
        node = node.Assign(_initiator)
    elif step.actor == Actor.CHAIR:
        node = node.Assign(_chair)
    return node


class ProcedureFlow(flow.Flow):
    process_title = _("Niebieska Karta procedure")
    # The Join needs a real row lock on PostgreSQL; on SQLite (no SELECT … FOR UPDATE)
    # Django drops the clause and the database serialises writers anyway.
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle().Next(this.transfer_to_chair)

    transfer_to_chair = _human("transfer", _("Send the NK-A original to the team chair")).Next(
        this.appoint_group
    )
    appoint_group = _human("appoint_group", _("Appoint the diagnostic-support group")).Next(
        this.pass_to_group
    )
    pass_to_group = _human("pass_to_group", _("Pass the NK-A to the group members")).Next(
        this.split_meetings
    )
    split_meetings = flow.Split().Next(this.victim_meeting).Next(this.suspect_meeting)
    victim_meeting = _human(
        "victim_meeting", _("Meeting with the victim: NK-C and help plan")
    ).Next(this.join_meetings)
    suspect_meeting = _human("suspect_meeting", _("Meeting with the suspect: NK-D")).Next(
        this.join_meetings
    )
    join_meetings = flow.Join().Next(this.actions)
    actions = _human("close", _("Actions, monitoring and closure")).Next(this.check_post_closure)
    check_post_closure = (
        flow.If(lambda activation: _procedure(activation).monitor_until is not None)
        .Annotation(title=_("Monitoring after closure?"))
        .Then(this.post_closure_monitoring)
        .Else(this.end)
    )
    post_closure_monitoring = _human("end_monitoring", _("Monitoring after closure")).Next(this.end)
    end = flow.End()


NODE_STEPS: dict[str, Step] = {step.node: step for step in STEPS.values() if step.node}


def stage_of(open_nodes: set[str] | frozenset[str]) -> Stage:
    """Where a case stands, derived from the open tasks of its process.

    The one function that decides the stage; ``Procedure.stage`` stores its answer for
    constraints and filtering (``workflows.steps.step`` saves it after every node). No open
    task means the process ended (closed, no monitoring).
    """
    stages: set[Stage] = {
        stage
        for node in open_nodes
        if node in NODE_STEPS and (stage := NODE_STEPS[node].stage) is not None
    }
    if not stages:
        return Stage.CLOSED
    # Open tasks of one case always share a stage (the split's two meetings); the
    # earliest is the honest answer should they ever not.
    order = list(Stage)
    return min(stages, key=lambda stage: order.index(stage))


OPEN = (STATUS.NEW, STATUS.ASSIGNED)


def open_nodes(procedure: Procedure) -> frozenset[str]:
    """The names of the nodes whose tasks are open in ``procedure``'s process."""
    if procedure.process_id is None:
        return frozenset()
    # While a step's service works (``steps.step``), its tasks do not change: asked once.
    memo = getattr(procedure, "_open_nodes_memo", None)
    if memo:
        return memo[0]
    nodes = frozenset(
        task.flow_task.name
        for task in Task.objects.filter(process_id=procedure.process_id, status__in=OPEN).only(
            "flow_task"
        )
    )
    if memo is not None:
        memo.append(nodes)
    return nodes


# The open tasks of the process a step holds, by id (their node's name), kept up to date by
# every save of one of its tasks while the step runs (``workflows.signals``): the stage after
# the step's node completes is derived from them instead of asking the tasks again.
_watched: contextvars.ContextVar[tuple[int, dict[int, str]] | None] = contextvars.ContextVar(
    "open_tasks_watched", default=None
)


@contextlib.contextmanager
def watching_open_tasks(process_id: int, open_tasks: dict[int, str]) -> Iterator[dict[int, str]]:
    """Within the block, ``open_tasks`` (task id → node name, the open tasks of process
    ``process_id`` as read at the step's start) follows every save of the process's tasks:
    viewflow changes a task only by saving it, so it stays what the database holds."""
    token = _watched.set((process_id, open_tasks))
    try:
        yield open_tasks
    finally:
        _watched.reset(token)


def task_saved(task: Task) -> None:
    """Note a saved task of the watched process (``watching_open_tasks``) as open or not."""
    watched = _watched.get()
    if watched is None or task.process_id != watched[0]:
        return
    if task.status in OPEN:
        watched[1][task.pk] = task.flow_task.name
    else:
        watched[1].pop(task.pk, None)


def procedure_stage(procedure: Procedure) -> Stage:
    """The stage of ``procedure`` now, read from its process (``stage_of``)."""
    return stage_of(open_nodes(procedure))


def group_nodes() -> list[flow.View]:
    """Nodes any member of the case's group may take: unassigned until a member acts."""
    return [
        getattr(ProcedureFlow, node)
        for node, step in NODE_STEPS.items()
        if step.actor in (Actor.GROUP, Actor.CASE_WORKER)
    ]


def rule_met_at(node: str) -> RuleCode | None:
    """The statutory deadline the task ``node`` is judged against (the inbox's due date)."""
    step = NODE_STEPS.get(node)
    return step.meets if step else None
