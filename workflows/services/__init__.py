"""Every change of a procedure, one function per step (style.md, convention 2), by topic.

Each service is only its own rules and writes inside ``workflows.steps.step``, the one
skeleton that locks the procedure, checks the actor and the node (``workflows.flows.STEPS``,
``workflows.permissions``), completes the viewflow task, stores the derived stage, logs
the audit event and schedules the documents after commit. Views, the admin, commands and
tests all call these functions: ``from workflows import services``.

Raises ``ServiceError`` (a ``ValidationError`` whose ``message_dict`` keys are form field
names, ``__all__`` for the whole step) when the input or state refuses the step, and
``PermissionDenied`` when the actor may not take it. Nothing is written in either case.
"""

from workflows.rules import Edition
from workflows.services.actions import (
    card_order_record,
    detention_notice_record,
    help_plan_item_add,
    help_plan_item_set_status,
    monitoring_note_add,
    protective_order_record,
    record_programme_certificate,
    referral_certificate_record,
)
from workflows.services.closure import (
    check_closure_ground,
    post_closure_monitoring_end,
    procedure_close,
)
from workflows.services.documents import document_regenerate, documents_retry
from workflows.services.group import REQUIRED_PROFESSIONS, group_appoint, nka_pass_to_group
from workflows.services.help_plan import help_plan_items_add
from workflows.services.initiation import (
    ADULT_AGE,
    Filed,
    competent_team,
    nka_transfer,
    open_procedure_for_pesels,
    procedure_initiate,
    validate_nka,
)
from workflows.services.meetings import (
    suspect_meeting_record,
    victim_absence_record,
    victim_meeting_record,
)
from workflows.services.members import (
    group_member_add,
    group_member_register,
    group_member_remove,
    group_notice_seen,
)
from workflows.services.notices import suspect_notice_record
from workflows.services.planning import (
    calendar_feed_issue,
    calendar_feed_revoke,
    correspondence_address_set,
    group_meeting_record,
    meeting_plan,
    planned_meeting_close,
)
from workflows.services.referrals import (
    notification_decide,
    notification_request,
    notification_sent,
    referral_decide,
    referral_request,
)
from workflows.services.risk import (
    card_risk_assess,
    deadline_reason_record,
    risk_assess,
    safety_action_record,
)
from workflows.steps import ServiceError

__all__ = [
    "card_order_record",
    "card_risk_assess",
    "deadline_reason_record",
    "risk_assess",
    "safety_action_record",
    "detention_notice_record",
    "document_regenerate",
    "documents_retry",
    "ADULT_AGE",
    "REQUIRED_PROFESSIONS",
    "Edition",
    "Filed",
    "ServiceError",
    "calendar_feed_issue",
    "calendar_feed_revoke",
    "competent_team",
    "correspondence_address_set",
    "group_appoint",
    "group_meeting_record",
    "group_member_add",
    "group_member_register",
    "group_member_remove",
    "group_notice_seen",
    "help_plan_item_add",
    "help_plan_item_set_status",
    "help_plan_items_add",
    "meeting_plan",
    "monitoring_note_add",
    "nka_pass_to_group",
    "nka_transfer",
    "notification_decide",
    "notification_request",
    "notification_sent",
    "open_procedure_for_pesels",
    "planned_meeting_close",
    "post_closure_monitoring_end",
    "procedure_close",
    "procedure_initiate",
    "protective_order_record",
    "record_programme_certificate",
    "referral_certificate_record",
    "check_closure_ground",
    "referral_decide",
    "referral_request",
    "suspect_meeting_record",
    "suspect_notice_record",
    "validate_nka",
    "victim_absence_record",
    "victim_meeting_record",
]
