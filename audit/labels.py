"""What the audit's action codes are called on a page: the one table of event labels.

An action code (``procedure.initiated``) is an English identifier stored in the chain; no
Polish page or PDF shows it (tests/test_no_codes.py). The case page's history
(``workflows``) and the auditors' reports (``oversight``) both read their names here, the
writer's own vocabulary. ``tests/test_event_labels.py`` fails when the code base writes an
action that has no label here.
"""

from django.apps import apps
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    # The procedure.
    "procedure.initiated": _("procedure initiated (NK-A filled)"),
    "procedure.closed": _("procedure closed"),
    "procedure.viewed": _("case opened"),
    "procedure.searched": _("procedures searched"),
    "procedures.searched": _("procedures searched by a query"),
    "procedure_list.viewed": _("list of procedures opened"),
    "inbox.viewed": _("inbox opened"),
    "dashboard.viewed": _("dashboard opened"),
    "step_form.viewed": _("step form opened"),
    "timeline.viewed": _("audit timeline opened"),
    "timeline.exported": _("audit timeline exported"),
    "compliance.exported": _("deadline compliance report exported"),
    "compliance_cases.viewed": _("cases behind a figure of the deadline compliance report opened"),
    "compliance_breaches.viewed": _("missed deadlines and their reasons listed in the report"),
    "risk.assessed": _("risk assessed"),
    "risk.corrected": _("risk assessment corrected"),
    "risk.safety_action": _("safety-plan action recorded after a high risk"),
    "risk.viewed": _("risk assessment opened"),
    "deadline.reason_recorded": _("reason for a missed deadline recorded"),
    "timeliness.exported": _("timeliness figures exported"),
    "timeliness_cases.viewed": _("cases behind a timeliness figure opened"),
    "person.viewed": _("report of who saw a person's data opened"),
    "person.reconciled": _("person's record updated from the card"),
    # NK-A.
    "nka.joined": _("NK-A joined to the procedure"),
    "nka.routed": _("NK-A received from another municipality"),
    "nka.transferred": _("NK-A original sent to the chair"),
    "nka.passed_to_group": _("NK-A passed to the group"),
    "nka.viewed": _("NK-A opened"),
    "nka.corrected": _("NK-A card corrected"),
    "nka.withdrawn": _("NK-A card withdrawn"),
    "nka_form.viewed": _("NK-A form opened"),
    # The group and its meetings.
    "group.appointed": _("diagnostic-support group appointed"),
    "group.member_added": _("member added to the group"),
    "group.member_registered": _("professional registered and added to the group"),
    "group.member_removed": _("member removed from the group"),
    "group.member_changed": _("a group member's record changed (the chair is told)"),
    "group.notice_seen": _("notice about the group noted by the chair"),
    "meeting.victim_held": _("meeting with the victim held (NK-C)"),
    "meeting.suspect_held": _("meeting with the suspect held (NK-D)"),
    "meeting.suspect_absent": _("the suspect did not appear"),
    "meeting.victim_absent": _("the victim did not appear (non-appearance recorded)"),
    "suspect_notice.sent": _("suspect notified of the initiation made in their absence"),
    "meeting.corrected": _("meeting record corrected"),
    "meeting.withdrawn": _("meeting record withdrawn"),
    "meeting.planned": _("meeting planned (invitation or summons generated)"),
    "meeting.rescheduled": _("planned meeting given a new date"),
    "meeting.not_held": _("planned meeting not held"),
    "meeting.cancelled": _("planned meeting cancelled"),
    "meeting.group_held": _("working meeting of the group held"),
    "participant.address_chosen": _("address for letters chosen"),
    "calendar.viewed": _("calendar of planned meetings opened"),
    "calendar_feed.issued": _("calendar feed address made"),
    "calendar_feed.revoked": _("calendar feed switched off"),
    "calendar_feed.downloaded": _("calendar feed read by a calendar application"),
    # Actions.
    "help_plan.item_added": _("help-plan action added"),
    "help_plan.item_status": _("help-plan action status changed"),
    "help_plan.item_corrected": _("help-plan action corrected"),
    "help_plan.item_withdrawn": _("help-plan action withdrawn"),
    "referral.issued": _("referral to a programme issued"),
    "referral.requested": _("the group asked the team for a referral to a programme"),
    "referral.granted": _("the team granted the referral to a programme"),
    "referral.refused": _("the team refused the referral to a programme"),
    "referral.reported": _("certificate of reporting received"),
    "referral.completed": _("certificate of completion received"),
    "protective_order.recorded": _("protective order recorded"),
    "protective_order.corrected": _("protective order corrected"),
    "protective_order.withdrawn": _("protective order withdrawn"),
    "protective_order.detention_notified": _("notice of a detention recorded"),
    "protective_order.lapsed": _("protective order lapsed"),
    "notification.requested": _("the group asked the team to notify"),
    "notification.granted": _("the team granted the notification"),
    "notification.refused": _("the team refused the notification"),
    "notification.sent": _("notification sent"),
    "notification.corrected": _("notification corrected"),
    "notification.withdrawn": _("notification withdrawn"),
    "monitoring.note_added": _("monitoring note added"),
    "monitoring.note_corrected": _("monitoring note corrected"),
    "monitoring.note_withdrawn": _("monitoring note withdrawn"),
    "monitoring.ended": _("monitoring after closure ended"),
    # Deadlines.
    "deadline.met": _("deadline met"),
    "deadline.met_late": _("deadline met late"),
    "deadline.missed": _("deadline missed"),
    "deadline.reminded": _("deadline reminder sent"),
    "deadline.at_risk": _("warning of a deadline at risk sent"),
    "deadline.escalated": _("missed deadline reported to the chair"),
    # Documents.
    "document.generated": _("document generated"),
    "document.failed": _("document generation failed"),
    "document.retry_requested": _("document generation retried"),
    "document.regeneration_requested": _("new version of a document requested"),
    "document.downloaded": _("document downloaded"),
    "document.verified": _("document authenticity checked"),
    "document.verification_unknown": _("unknown document checked"),
    "document.verification_throttled": _("too many document checks refused"),
    # Tasks of the flow.
    "task.created": _("task opened"),
    "task.assigned": _("task taken"),
    "task.reassigned": _("task handed over"),
    "task.completed": _("task completed"),
    "task.cancelled": _("task cancelled"),
    # Accounts.
    "auth.second_factor_enrolled": _("second sign-in factor set up"),
    "auth.second_factor_failed": _("wrong second-factor code"),
    "auth.password_changed": _("password changed"),
    # The crisis centre.
    "centre.consultation_recorded": _("centre: consultation recorded"),
    "centre.consultation_started_nka": _("NK-A started from a consultation"),
    "centre.consultation_form_viewed": _("centre: consultation form opened"),
    "centre.consultations_viewed": _("centre: list of consultations opened"),
    "centre.contact_recorded": _("centre: duty contact recorded"),
    "centre.contacts_viewed": _("centre: duty contacts opened"),
    "centre.duty_log_viewed": _("centre: duty log opened"),
    "centre.person_recorded": _("centre: person recorded"),
    "centre.person_household_set": _("centre: person's household set"),
    "centre.person_viewed": _("centre: person's record opened"),
    "centre.people_viewed": _("centre: list of persons opened"),
    "centre.person_searched": _("centre: persons searched"),
    "centre.admission_form_viewed": _("centre: hostel admission form opened"),
    "centre.hostel_admitted": _("centre: admitted to the hostel"),
    "centre.hostel_extended": _("centre: hostel stay extended"),
    "centre.hostel_discharged": _("centre: discharged from the hostel"),
    "centre.hostel_viewed": _("centre: hostel opened"),
    "centre.stay_viewed": _("centre: hostel stay opened"),
    "centre.group_created": _("centre: group created"),
    "centre.group_viewed": _("centre: group opened"),
    "centre.enrolled": _("centre: enrolled in a group"),
    "centre.enrolment_completed": _("centre: group programme completed"),
    "centre.enrolment_left": _("centre: left the group"),
    "centre.group_session_held": _("centre: group session held"),
    "centre.prevention_recorded": _("centre: prevention event recorded"),
    "centre.therapy_started": _("centre: therapy started"),
    "centre.therapy_session_held": _("centre: therapy session held"),
    "centre.therapy_ended": _("centre: therapy ended"),
    "centre.therapy_viewed": _("centre: list of therapies opened"),
    "centre.therapy_course_viewed": _("centre: therapy opened"),
    "centre.therapy_form_viewed": _("centre: therapy form opened"),
    "centre.statistics_exported": _("centre: statistics exported"),
}

# ``admin.<model>.<verb>`` (audit.admin_changes): a change to who may see what.
ADMIN_VERBS = {
    "created": _("administration: %(model)s created"),
    "changed": _("administration: %(model)s changed"),
    "deleted": _("administration: %(model)s deleted"),
}

# The families of events, by the first part of the code (the timeline's filter).
KIND_LABELS = {
    "procedure": _("procedure"),
    "nka": _("NK-A card"),
    "group": _("diagnostic-support group"),
    "meeting": _("meetings"),
    "help_plan": _("help plan"),
    "referral": _("referrals"),
    "protective_order": _("protective orders"),
    "notification": _("notifications"),
    "monitoring": _("monitoring"),
    "deadline": _("deadlines"),
    "document": _("documents"),
    "task": _("tasks"),
}


def _admin_model_name(model_name: str) -> str:
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return str(model._meta.verbose_name)
    return model_name


def admin_label(action: str) -> str | None:
    parts = action.split(".")
    if len(parts) == 3 and parts[0] == "admin" and parts[2] in ADMIN_VERBS:
        return gettext(str(ADMIN_VERBS[parts[2]])) % {"model": _admin_model_name(parts[1])}
    return None


def has_label(action: str) -> bool:
    return action in EVENT_LABELS or admin_label(action) is not None


def event_label(action: str) -> str:
    """The name of an event in the active language; an unknown code as it is."""
    if action in EVENT_LABELS:
        return str(EVENT_LABELS[action])
    return admin_label(action) or action
