"""Who may do what in a case: the one home of the answer.

The case page's buttons, the step views and the services all ask ``may``; the steps
themselves (who acts, at which node or in which stages) are declared once in
``workflows.flows.STEPS``. A professional outside the case never reaches these questions:
``selectors.procedure_get`` answers 404 first.

Action names are the keys of ``STEPS``: ``transfer``, ``appoint_group``,
``pass_to_group``, ``victim_meeting``, ``suspect_meeting``, ``close``, ``end_monitoring``,
``plan_item_add``, ``plan_item_status``, ``referral``, ``referral_certificate``,
``protective_order``, ``notification``, ``monitoring_note``, ``reconcile``,
``record_revise``, ``documents_retry``, ``document_regenerate``.
"""

from collections.abc import Iterable

from workflows.flows import NODE_STEPS, STEPS, Actor, Step
from workflows.models import Procedure
from workflows.selectors import Access


def acts_as(access: Access, actor: Actor) -> bool:
    """Does ``access`` hold the role ``actor``? Auditors read and never act."""
    if access.auditor or not (access.read or access.initiator):
        return False
    match actor:
        case Actor.CHAIR:
            return access.chair
        case Actor.GROUP:
            return access.group_member
        case Actor.CASE_WORKER:
            return access.chair or access.group_member
        case Actor.INITIATOR:
            return access.initiator
    return False


def _at_this_point(step: Step, procedure: Procedure, open_nodes: Iterable[str] | None) -> bool:
    if procedure.stage in step.stages:
        return True
    nodes = step.during | ({step.node} if step.node else set())
    if not nodes:
        return False
    if open_nodes is None:
        return procedure.stage in {NODE_STEPS[node].stage for node in nodes}
    return not nodes.isdisjoint(open_nodes)


def may(
    access: Access,
    action: str,
    procedure: Procedure,
    *,
    open_nodes: Iterable[str] | None = None,
) -> bool:
    """May the holder of ``access`` take ``action`` in ``procedure`` now?

    True when their role is the step's actor and the case is where the step happens: its
    node's task (or one of its ``during`` nodes' tasks) is open (``open_nodes``, the names of
    the process's open tasks, when the caller has them; the stored stage otherwise) or the
    case's stage is one of the step's stages.
    Raises ``KeyError`` for an unknown action.
    """
    step = STEPS[action]
    return acts_as(access, step.actor) and _at_this_point(step, procedure, open_nodes)


def may_open(access: Access, action: str) -> bool:
    """May the holder of ``access`` open the page of ``action``? Its actor may, wherever the
    case stands: the page's form then shows the service's refusal when the case is not at
    that step (``may`` decides the buttons). Raises ``KeyError`` for an unknown action."""
    return acts_as(access, STEPS[action].actor)


def allowed_actions(
    access: Access, procedure: Procedure, *, open_nodes: Iterable[str] | None = None
) -> frozenset[str]:
    """Every action ``may`` allows now: what the case page offers."""
    nodes = None if open_nodes is None else frozenset(open_nodes)
    return frozenset(action for action in STEPS if may(access, action, procedure, open_nodes=nodes))
