"""Who may do what in a case: the one home of the answer.

The case page's buttons, the step views and the services all ask ``may``; the steps
themselves (who acts, at which node or in which stages) are declared once in
``workflows.flows.STEPS``. A professional outside the case never reaches these questions:
``selectors.procedure_get`` answers 404 first.

viewflow asks it too: every human node carries ``.Permission("workflows.<action>",
obj=<procedure>)`` and ``StepBackend`` (in ``AUTHENTICATION_BACKENDS``) answers
``user.has_perm`` with ``may``.

Action names are the keys of ``STEPS``: ``transfer``, ``appoint_group``,
``group_member_add``, ``group_member_remove``, ``group_notice_seen``,
``pass_to_group``, ``victim_meeting``, ``suspect_meeting``, ``close``, ``end_monitoring``,
``plan_item_add``, ``plan_item_status``, ``referral_request``, ``referral_decision``,
``referral_certificate``, ``protective_order``, ``detention_notice``,
``notification_request``, ``notification_decision``, ``notification_sent``, ``monitoring_note``,
``meeting_plan``, ``meeting_plan_close``, ``group_meeting``, ``correspondence_address``,
``reconcile``, ``record_revise``, ``card_revise``, ``documents_retry``,
``document_regenerate``.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from workflows import calendar
from workflows.filers import nka_filers
from workflows.flows import NODE_STEPS, STEPS, Actor, Step, open_nodes
from workflows.models import Procedure, Professional, Sector
from workflows.rules import edition_on
from workflows.selectors import Access, procedure_access

PERMISSION_PREFIX = "workflows."


def may_file_nka(professional: Professional | None, *, on: datetime.date | None = None) -> bool:
    """Whether ``professional`` represents a body that may fill NK-A on ``on`` (today by
    default): § 2 ust. 2 of Dz.U. 2023 poz. 1870, the bodies of art. 9a ust. 11–11d of the
    Act, as ``workflows.filers.nka_filers`` of the edition in force that day lists them.
    The confidentiality declaration is a separate question (``Professional.has_declaration``).
    The "New NK-A" link, its page and ``procedure_initiate`` all ask this."""
    if professional is None:
        return False
    day = on or calendar.legal_date()
    return professional.sector in nka_filers(edition_on(day)).sectors


def nka_filing_refusal(professional: Professional, *, on: datetime.date | None = None) -> str:
    """Why ``professional`` may not fill NK-A, in the user's language, naming the bodies
    that may (for the page and the service's refusal)."""
    day = on or calendar.legal_date()
    filers = nka_filers(edition_on(day))
    labels = dict(Sector.choices)
    bodies = ", ".join(str(labels[code]) for code in Sector.values if code in filers.sectors)
    return _(
        "Only a representative of one of these bodies may fill NK-A: %(bodies)s (§ 2 ust. 2 "
        "of the regulation, art. 9a ust. 11–11d of the Act). Your sector, %(sector)s, is "
        "not one of them: pass what you know to one of these bodies, or call the Police "
        "(112) when someone is in danger."
    ) % {"bodies": bodies, "sector": professional.get_sector_display()}


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


class StepBackend(BaseBackend):
    """Answers ``user.has_perm("workflows.<action>", procedure)`` with ``may``.

    The flow's nodes carry ``.Permission("workflows.<action>", obj=<the procedure>)``, so
    viewflow's ``node.can_assign(user, task)`` asks this backend, and through it the same
    function the services and the pages ask. Any other permission, or one without a
    procedure, is not this backend's to answer (``False``; other backends may grant it).
    """

    def has_perm(
        self, user_obj: AbstractBaseUser | AnonymousUser, perm: str, obj: object = None
    ) -> bool:
        if not isinstance(obj, Procedure) or not perm.startswith(PERMISSION_PREFIX):
            return False
        action = perm.removeprefix(PERMISSION_PREFIX)
        if action not in STEPS or not isinstance(user_obj, User) or not user_obj.is_active:
            return False
        access = getattr(obj, "_access_memo", {}).get(user_obj.pk)  # asked by ``step``
        if access is None:
            access = procedure_access(user_obj, obj)
        return may(access, action, obj, open_nodes=open_nodes(obj))


def allowed_actions(
    access: Access, procedure: Procedure, *, open_nodes: Iterable[str] | None = None
) -> frozenset[str]:
    """Every action ``may`` allows now: what the case page offers."""
    nodes = None if open_nodes is None else frozenset(open_nodes)
    return frozenset(action for action in STEPS if may(access, action, procedure, open_nodes=nodes))
