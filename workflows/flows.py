"""The procedure as a viewflow process: the diagram the users and auditors see.

Every human node is completed only through ``workflows.services`` (which locks the
procedure, checks state and permission, writes the domain data and the audit event);
viewflow's own views are not exposed. Nodes read like the procedure of
Dz.U. 2023 poz. 1870:

    NK-A filled → transfer to the chair → group appointed → NK-A passed to the group
    → (meeting with the victim ‖ meeting with the suspect) → actions and monitoring
    → closure → [monitoring after closure] → end
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.models import Procedure, Stage
from workflows.rules import RuleCode


def _procedure(activation):
    # The process row is saved before the Procedure links to it, so nodes find the
    # procedure through the id the start handle stored in the process data.
    return Procedure.objects.select_related("team").get(pk=activation.process.data["procedure"])


def _chair(activation):
    from workflows.selectors import team_chair_user

    return team_chair_user(team_id=_procedure(activation).team_id)


def _initiator(activation):
    return _procedure(activation).initiated_by


class ProcedureFlow(flow.Flow):
    process_title = _("Niebieska Karta procedure")
    # The Join needs a real row lock on PostgreSQL; on SQLite (no SELECT … FOR UPDATE)
    # Django drops the clause and the database serialises writers anyway.
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle().Next(this.transfer_to_chair)

    transfer_to_chair = (
        flow.View(None)
        .Annotation(title=_("Send the NK-A original to the team chair"))
        .Assign(_initiator)
        .Next(this.appoint_group)
    )
    appoint_group = (
        flow.View(None)
        .Annotation(title=_("Appoint the diagnostic-support group"))
        .Assign(_chair)
        .Next(this.pass_to_group)
    )
    pass_to_group = (
        flow.View(None)
        .Annotation(title=_("Pass the NK-A to the group members"))
        .Assign(_chair)
        .Next(this.split_meetings)
    )
    split_meetings = flow.Split().Next(this.victim_meeting).Next(this.suspect_meeting)
    victim_meeting = (
        flow.View(None)
        .Annotation(title=_("Meeting with the victim: NK-C and help plan"))
        .Next(this.join_meetings)
    )
    suspect_meeting = (
        flow.View(None)
        .Annotation(title=_("Meeting with the suspect: NK-D"))
        .Next(this.join_meetings)
    )
    join_meetings = flow.Join().Next(this.actions)
    actions = (
        flow.View(None)
        .Annotation(title=_("Actions, monitoring and closure"))
        .Next(this.check_post_closure)
    )
    check_post_closure = (
        flow.If(lambda activation: _procedure(activation).monitor_until is not None)
        .Annotation(title=_("Monitoring after closure?"))
        .Then(this.post_closure_monitoring)
        .Else(this.end)
    )
    post_closure_monitoring = (
        flow.View(None).Annotation(title=_("Monitoring after closure")).Next(this.end)
    )
    end = flow.End()


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
    open. ``during`` are other nodes while whose task the step may also be taken (it does
    not complete them). ``meets`` is the statutory deadline the step meets and ``opens``
    those it starts.
    """

    action: str
    actor: Actor
    node: str | None = None
    stage: Stage | None = None
    stages: frozenset[Stage] = frozenset()
    during: frozenset[str] = frozenset()
    meets: RuleCode | None = None
    opens: tuple[RuleCode, ...] = ()


ACTIVE = frozenset({Stage.MEETINGS, Stage.ACTIONS})
NOT_CLOSED = frozenset(Stage) - {Stage.CLOSED}
ANY_STAGE = frozenset(Stage)

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
        # § 8: the chair passes the NK-A to the group.
        Step(
            "pass_to_group",
            Actor.CHAIR,
            node="pass_to_group",
            stage=Stage.GROUP_APPOINTED,
            meets=RuleCode.NKA_TO_GROUP,
            opens=(RuleCode.FIRST_MEETING,),
        ),
        # § 8–9: separate meetings with the victim (NK-C) and the suspect (NK-D).
        Step(
            "victim_meeting",
            Actor.GROUP,
            node="victim_meeting",
            stage=Stage.MEETINGS,
            meets=RuleCode.FIRST_MEETING,
        ),
        Step(
            "suspect_meeting",
            Actor.GROUP,
            node="suspect_meeting",
            stage=Stage.MEETINGS,
            meets=RuleCode.FIRST_MEETING,
        ),
        # § 18: closure on one of two grounds.
        Step("close", Actor.CASE_WORKER, node="actions", stage=Stage.ACTIONS),
        Step(
            "end_monitoring",
            Actor.CASE_WORKER,
            node="post_closure_monitoring",
            stage=Stage.CLOSED,
        ),
        # Records kept while the case runs.
        Step("plan_item_add", Actor.CASE_WORKER, stages=ACTIVE),
        Step("plan_item_status", Actor.CASE_WORKER, stages=ACTIVE),
        Step(
            "referral",
            Actor.CASE_WORKER,
            stages=ACTIVE,
            opens=(RuleCode.PROGRAMME_REPORT,),
        ),
        Step(
            "referral_certificate",
            Actor.CASE_WORKER,
            stages=ANY_STAGE,
            meets=RuleCode.PROGRAMME_REPORT,
        ),
        Step("protective_order", Actor.CASE_WORKER, stages=ACTIVE),
        Step("notification", Actor.CASE_WORKER, stages=ACTIVE),
        # After closure only while monitoring runs (the service checks the date too).
        Step(
            "monitoring_note",
            Actor.CASE_WORKER,
            stages=ACTIVE,
            during=frozenset({"post_closure_monitoring"}),
        ),
        Step("reconcile", Actor.CASE_WORKER, stages=ANY_STAGE),
        Step("record_revise", Actor.CASE_WORKER, stages=NOT_CLOSED),
        Step("documents_retry", Actor.CASE_WORKER, stages=ANY_STAGE),
        Step("document_regenerate", Actor.CASE_WORKER, stages=ANY_STAGE),
    )
}

NODE_STEPS: dict[str, Step] = {step.node: step for step in STEPS.values() if step.node}


def stage_of(open_nodes: set[str] | frozenset[str]) -> Stage:
    """Where a case stands, derived from the open tasks of its process.

    The one function that decides the stage; ``Procedure.stage`` stores its answer for
    constraints and filtering. No open task means the process ended (closed, no monitoring).
    """
    stages = {NODE_STEPS[node].stage for node in open_nodes if node in NODE_STEPS}
    if not stages:
        return Stage.CLOSED
    # Open tasks of one case always share a stage (the split's two meetings); the
    # earliest is the honest answer should they ever not.
    order = list(Stage)
    return min(stages, key=order.index)
