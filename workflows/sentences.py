"""One sentence for every action the audit stores (``workflows.history`` fills them in).

An entry is the sentence, or its variants: the first whose ``%(placeholders)s`` the event
can fill is used (an old event may lack a key a newer one stores), so the last variant
names no one. Polish translations name what happened with a verbal noun ("powołanie
grupy"), correct for an actor of any gender (docs/history.md).
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_Text = str | Promise
SENTENCES: dict[str, _Text | tuple[_Text, ...]] = {
    # The procedure.
    "procedure.initiated": _("initiation of the procedure: the NK-A form filled in"),
    "procedure.closed": (
        _("closure of the procedure on %(on)s: %(ground)s"),
        _("closure of the procedure"),
    ),
    "procedure.viewed": _("a look at the case"),
    "procedure.searched": _("a search of procedures"),
    "procedures.searched": _("a search of procedures by a query"),
    "procedure_list.viewed": _("a look at the list of procedures"),
    "inbox.viewed": _("a look at the inbox"),
    "dashboard.viewed": _("a look at the dashboard"),
    "step_form.viewed": _("a look at the form of a step of the case"),
    "timeline.viewed": _("a look at the audit timeline of the case"),
    "timeline.exported": (
        _("export of the audit timeline of the case (%(format)s, %(events)s events)"),
        _("export of the audit timeline of the case"),
    ),
    "compliance.exported": (
        _("export of the deadline compliance report for %(from)s–%(to)s (%(format)s)"),
        _("export of the deadline compliance report"),
    ),
    "compliance_cases.viewed": (
        _("a look at the cases behind the compliance report: %(rule)s"),
        _("a look at the cases behind the compliance report"),
    ),
    "compliance_breaches.viewed": (
        _("a look at the missed deadlines and their reasons for %(from)s–%(to)s"),
        _("a look at the missed deadlines and their reasons"),
    ),
    "timeliness.exported": (
        _("export of the timeliness figures for %(from)s–%(to)s (%(format)s)"),
        _("export of the timeliness figures"),
    ),
    "timeliness_cases.viewed": (
        _("a look at the cases behind a timeliness figure for %(from)s–%(to)s"),
        _("a look at the cases behind a timeliness figure"),
    ),
    # The risk assessment (issue 15; workflows/risk.py).
    "risk.assessed": (
        _("risk assessment of %(person)s (%(checklist)s): %(level)s"),
        _("risk assessment (%(checklist)s): %(level)s"),
        _("risk assessment"),
    ),
    "risk.corrected": (
        _("correction of the risk assessment of %(person)s: %(level)s"),
        _("correction of a risk assessment"),
    ),
    "risk.safety_action": _("a safety-plan action recorded after a high risk"),
    "risk.viewed": (
        _("a look at the risk assessment of %(person)s"),
        _("a look at a risk assessment"),
    ),
    "deadline.reason_recorded": (
        _("reason recorded for the missed deadline „%(rule)s”: %(reason)s"),
        _("reason recorded for a missed deadline"),
    ),
    "person.viewed": (
        _("a look at the report of who saw the data of %(person)s"),
        _("a look at the report of who saw a person's data"),
    ),
    "person.reconciled": (
        _("update of the record of %(person)s from the NK-A (%(fields)s)"),
        _("update of a person's record from the NK-A"),
    ),
    # NK-A.
    "nka.joined": _("another NK-A joined to the procedure"),
    "nka.routed": _("receipt of an NK-A from another municipality"),
    "nka.transferred": (
        _("the NK-A original sent to the chair (sent %(sent_on)s, received %(received_on)s)"),
        _("the NK-A original sent to the chair"),
    ),
    "nka.passed_to_group": (
        _("the NK-A passed to the members of the group on %(on)s"),
        _("the NK-A passed to the members of the group"),
    ),
    "nka.viewed": _("a look at the NK-A form"),
    "nka.corrected": _("correction of an NK-A card"),
    "nka.withdrawn": _("withdrawal of an NK-A card"),
    "nka_form.viewed": _("a look at the NK-A form to be filled in"),
    # The group and its meetings.
    "group.appointed": (
        _("appointment of the diagnostic-support group: %(members)s"),
        _("appointment of the diagnostic-support group"),
    ),
    "group.member_added": (
        _("%(member)s added to the diagnostic-support group"),
        _("a member added to the diagnostic-support group"),
    ),
    "group.member_registered": (
        _("%(member)s registered as a professional and added to the group"),
        _("a professional registered and added to the group"),
    ),
    "group.member_removed": (
        _("%(member)s removed from the diagnostic-support group"),
        _("a member removed from the diagnostic-support group"),
    ),
    "group.member_changed": (
        _("a change in the record of group member %(member)s (the chair is told)"),
        _("a change in the record of a group member (the chair is told)"),
    ),
    "group.notice_seen": (
        _("the notice about group member %(member)s noted"),
        _("a notice about the group noted"),
    ),
    "meeting.victim_held": (
        _("meeting with the victim %(person)s held; the NK-C form filled in"),
        _("meeting with the victim held; the NK-C form filled in"),
    ),
    "meeting.suspect_held": (
        _("meeting with the suspect %(person)s held; the NK-D form filled in"),
        _("meeting with the suspect held; the NK-D form filled in"),
    ),
    "meeting.suspect_absent": (
        _("non-appearance of the suspect %(person)s recorded"),
        _("non-appearance of the suspect recorded"),
    ),
    "meeting.victim_absent": (
        _("non-appearance of the victim %(person)s recorded (invited on %(invited_on)s)"),
        _("non-appearance of the victim %(person)s recorded"),
        _("non-appearance of the victim recorded"),
    ),
    "suspect_notice.sent": (
        _("notice to %(person)s of the initiation made in their absence, sent on %(sent_on)s"),
        _("notice to the suspect of the initiation made in their absence sent"),
    ),
    "meeting.corrected": _("correction of a meeting record"),
    "meeting.withdrawn": _("withdrawal of a meeting record"),
    "meeting.planned": (
        _("planning of a meeting on %(date)s (%(kind)s): %(person)s"),
        _("planning of a meeting on %(date)s (%(kind)s)"),
        _("planning of a meeting"),
    ),
    "meeting.rescheduled": (
        _("a new date of a planned meeting: %(date)s (%(kind)s)"),
        _("a new date of a planned meeting"),
    ),
    "meeting.not_held": (
        _("planned meeting not held (%(kind)s)"),
        _("planned meeting not held"),
    ),
    "meeting.cancelled": (
        _("cancellation of a planned meeting (%(kind)s)"),
        _("cancellation of a planned meeting"),
    ),
    "meeting.group_held": (
        _("working meeting of the group held (%(present)s members present)"),
        _("working meeting of the group held"),
    ),
    "participant.address_chosen": (
        _("choice of the address for letters to %(person)s"),
        _("choice of an address for letters"),
    ),
    "calendar.viewed": _("a look at the calendar of planned meetings"),
    "calendar_feed.issued": _("a calendar feed address made"),
    "calendar_feed.revoked": _("the calendar feed switched off"),
    "calendar_feed.downloaded": _("the calendar feed read by a calendar application"),
    # Actions.
    "help_plan.item_added": (
        _("help-plan action added: %(item)s (%(form_of_help)s)"),
        _("help-plan action added"),
    ),
    "help_plan.item_status": (
        _("status of the help-plan action %(item)s changed: %(from)s → %(to)s"),
        _("status of a help-plan action changed"),
    ),
    "help_plan.item_corrected": _("correction of a help-plan action"),
    "help_plan.item_withdrawn": _("withdrawal of a help-plan action"),
    "referral.issued": _("a referral to a programme issued"),
    "referral.requested": (
        _("the group asks the team to refer %(person)s to a programme: %(programme)s"),
        _("the group asks the team for a referral to a programme"),
    ),
    "referral.granted": (
        _("the team's decision to refer %(person)s to a programme: granted"),
        _("the team's decision on a referral to a programme: granted"),
    ),
    "referral.refused": (
        _("the team's decision to refer %(person)s to a programme: refused"),
        _("the team's decision on a referral to a programme: refused"),
    ),
    "referral.reported": (
        _("certificate that %(person)s reported to the programme received (%(on)s)"),
        _("certificate of reporting to the programme received"),
    ),
    "referral.completed": (
        _("certificate that %(person)s completed the programme received (%(on)s)"),
        _("certificate of completion of the programme received"),
    ),
    "protective_order.recorded": (
        _("protective order against %(person)s recorded: %(measures)s, until %(expires_on)s"),
        _("protective order recorded: %(measures)s, until %(expires_on)s"),
        _("protective order recorded"),
    ),
    "protective_order.corrected": _("correction of a protective order"),
    "protective_order.withdrawn": _("withdrawal of a protective order"),
    "protective_order.detention_notified": (
        _("notice of a detention of %(person)s recorded (%(kind)s)"),
        _("notice of a detention recorded"),
    ),
    "protective_order.lapsed": (
        _("protective order lapsed on %(due_on)s"),
        _("protective order lapsed"),
    ),
    "notification.requested": (
        _("the group asks the team to notify about %(person)s: %(kind)s"),
        _("the group asks the team to notify: %(kind)s"),
        _("the group asks the team to notify"),
    ),
    "notification.granted": _("the team's decision on a notification: granted"),
    "notification.refused": _("the team's decision on a notification: refused"),
    "notification.sent": (
        _("notification sent on %(on)s"),
        _("notification sent"),
    ),
    "notification.corrected": _("correction of a notification"),
    "notification.withdrawn": _("withdrawal of a notification"),
    "monitoring.note_added": _("monitoring note added"),
    "monitoring.note_corrected": _("correction of a monitoring note"),
    "monitoring.note_withdrawn": _("withdrawal of a monitoring note"),
    "monitoring.ended": _("end of the monitoring after closure"),
    # Deadlines.
    "deadline.met": (
        _("deadline met: %(rule)s (due %(due_on)s, met %(met_on)s)"),
        _("deadline met"),
    ),
    "deadline.met_late": (
        _("deadline met late: %(rule)s (due %(due_on)s, met %(met_on)s, %(days_late)s)"),
        _("deadline met late"),
    ),
    "deadline.missed": (
        _("deadline missed: %(rule)s (due %(due_on)s)"),
        _("deadline missed"),
    ),
    "deadline.reminded": (
        _("reminder sent to %(recipient)s: %(rule)s (due %(due_on)s)"),
        _("deadline reminder sent"),
    ),
    "deadline.escalated": (
        _("missed deadline reported to %(recipient)s: %(rule)s (due %(due_on)s)"),
        _("missed deadline reported to the chair"),
    ),
    # Documents.
    "document.generated": (
        _("document generated: %(kind)s, version %(version)s"),
        _("document generated"),
    ),
    "document.failed": (
        _("document generation failed: %(kind)s"),
        _("document generation failed"),
    ),
    "document.retry_requested": _("document generation retried"),
    "document.regeneration_requested": (
        _("a new version of the document requested: %(kind)s"),
        _("a new version of a document requested"),
    ),
    "document.downloaded": (
        _("download of the document: %(kind)s, version %(version)s"),
        _("download of a document"),
    ),
    "document.verified": _("authenticity of a document checked: the document is known"),
    "document.verification_unknown": _("authenticity of a document checked: unknown document"),
    "document.verification_throttled": _("too many document checks: refused"),
    # Tasks of the flow.
    "task.created": (
        _("task “%(node)s” opened for %(owner)s"),
        _("task “%(node)s” opened"),
        _("a task opened"),
    ),
    "task.assigned": (
        _("task “%(node)s” assigned to %(owner)s"),
        _("a task assigned"),
    ),
    "task.reassigned": (
        _("task “%(node)s” handed over from %(from)s to %(owner)s"),
        _("a task handed over"),
    ),
    "task.completed": (
        _("task “%(node)s” completed"),
        _("a task completed"),
    ),
    "task.cancelled": (
        _("task “%(node)s” cancelled"),
        _("a task cancelled"),
    ),
    # Accounts.
    "auth.second_factor_enrolled": _("second sign-in factor set up"),
    "auth.second_factor_failed": _("a wrong second-factor code given"),
    "auth.password_changed": (
        _("password of %(user)s changed"),
        _("password changed"),
    ),
    # The crisis centre.
    "centre.consultation_recorded": (
        _("crisis centre: consultation recorded (%(people)s)"),
        _("crisis centre: consultation recorded"),
    ),
    "centre.consultation_started_nka": _("crisis centre: an NK-A started from a consultation"),
    "centre.consultation_form_viewed": _("crisis centre: a look at the consultation form"),
    "centre.consultations_viewed": _("crisis centre: a look at the list of consultations"),
    "centre.contact_recorded": (
        _("crisis centre: duty contact recorded (%(person)s)"),
        _("crisis centre: duty contact recorded"),
    ),
    "centre.contacts_viewed": _("crisis centre: a look at the duty contacts"),
    "centre.duty_log_viewed": _("crisis centre: a look at the duty log"),
    "centre.person_recorded": (
        _("crisis centre: %(person)s recorded in the register"),
        _("crisis centre: a person recorded in the register"),
    ),
    "centre.person_household_set": (
        _("crisis centre: household of %(person)s set"),
        _("crisis centre: a person's household set"),
    ),
    "centre.person_viewed": (
        _("crisis centre: a look at the record of %(person)s"),
        _("crisis centre: a look at a person's record"),
    ),
    "centre.people_viewed": _("crisis centre: a look at the list of persons"),
    "centre.person_searched": _("crisis centre: a search of persons"),
    "centre.admission_form_viewed": _("crisis centre: a look at the hostel admission form"),
    "centre.hostel_admitted": (
        _("crisis centre: %(person)s admitted to the hostel"),
        _("crisis centre: admission to the hostel"),
    ),
    "centre.hostel_extended": (
        _("crisis centre: hostel stay of %(person)s extended until %(until)s"),
        _("crisis centre: hostel stay extended"),
    ),
    "centre.hostel_discharged": (
        _("crisis centre: %(person)s discharged from the hostel"),
        _("crisis centre: discharge from the hostel"),
    ),
    "centre.hostel_viewed": _("crisis centre: a look at the hostel"),
    "centre.stay_viewed": (
        _("crisis centre: a look at the hostel stay of %(person)s"),
        _("crisis centre: a look at a hostel stay"),
    ),
    "centre.group_created": _("crisis centre: a group created"),
    "centre.group_viewed": _("crisis centre: a look at a group"),
    "centre.enrolled": (
        _("crisis centre: %(person)s enrolled in a group"),
        _("crisis centre: enrolment in a group"),
    ),
    "centre.enrolment_completed": (
        _("crisis centre: %(person)s completed the group programme"),
        _("crisis centre: group programme completed"),
    ),
    "centre.enrolment_left": (
        _("crisis centre: %(person)s left the group"),
        _("crisis centre: a participant left the group"),
    ),
    "centre.group_session_held": (
        _("crisis centre: group session held (%(present)s present)"),
        _("crisis centre: group session held"),
    ),
    "centre.prevention_recorded": _("crisis centre: prevention event recorded"),
    "centre.therapy_started": (
        _("crisis centre: therapy of %(person)s started"),
        _("crisis centre: therapy started"),
    ),
    "centre.therapy_session_held": (
        _("crisis centre: therapy session with %(person)s held"),
        _("crisis centre: therapy session held"),
    ),
    "centre.therapy_ended": (
        _("crisis centre: therapy of %(person)s ended"),
        _("crisis centre: therapy ended"),
    ),
    "centre.therapy_viewed": _("crisis centre: a look at the list of therapies"),
    "centre.therapy_course_viewed": _("crisis centre: a look at a therapy"),
    "centre.therapy_form_viewed": _("crisis centre: a look at the therapy form"),
    "centre.statistics_exported": (
        _("crisis centre: statistics for %(from)s–%(to)s exported (%(format)s)"),
        _("crisis centre: statistics exported"),
    ),
}

# The formats an export stores (``?export=``), as a reader names them.
FORMATS = {
    "csv": _("CSV for Excel"),
    "csv-data": _("CSV for programs"),
    "pdf": "PDF",
    "xlsx": "XLSX",
}
