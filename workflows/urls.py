from django.urls import path

from workflows.views import (
    actions,
    cards,
    case,
    closure,
    documents,
    group,
    lists,
    meetings,
    notifications,
    planning,
    records,
    requests,
    risk,
)

app_name = "workflows"

urlpatterns = [
    path("", lists.inbox, name="inbox"),
    path("dashboard/", lists.dashboard, name="dashboard"),
    path("procedures/", lists.procedure_list, name="procedure_list"),
    path("procedures/new/", cards.NKACreateView.as_view(), name="nka_create"),
    path("procedures/<int:pk>/", case.procedure_detail, name="procedure_detail"),
    path("procedures/<int:pk>/nka/<int:nka_pk>/", case.nka_detail, name="nka_detail"),
    path(
        "procedures/<int:pk>/nka/<int:nka_pk>/reconcile/",
        case.person_reconcile,
        name="person_reconcile",
    ),
    # The initiator's own cards: addressed by the card alone, never by the case.
    path("cards/<int:nka_pk>/", cards.card_detail, name="card_detail"),
    path("cards/<int:nka_pk>/transfer/", cards.CardTransferView.as_view(), name="nka_transfer"),
    path("cards/<int:nka_pk>/order/", cards.CardOrderView.as_view(), name="card_order"),
    path("procedures/<int:pk>/group/", group.GroupAppointView.as_view(), name="group_appoint"),
    path(
        "procedures/<int:pk>/group-members/add/",
        group.GroupMemberAddView.as_view(),
        name="group_member_add",
    ),
    path(
        "procedures/<int:pk>/group-members/register/",
        group.GroupMemberRegisterView.as_view(),
        name="group_member_register",
    ),
    path(
        "procedures/<int:pk>/group-members/remove/",
        group.GroupMemberRemoveView.as_view(),
        name="group_member_remove",
    ),
    path(
        "procedures/<int:pk>/group-notices/<int:notice_pk>/seen/",
        group.GroupNoticeSeenView.as_view(),
        name="group_notice_seen",
    ),
    path(
        "procedures/<int:pk>/pass-to-group/",
        group.PassToGroupView.as_view(),
        name="pass_to_group",
    ),
    path(
        "procedures/<int:pk>/victim-meeting/",
        meetings.VictimMeetingView.as_view(),
        name="victim_meeting",
    ),
    path(
        "procedures/<int:pk>/victim-absence/",
        meetings.VictimAbsenceView.as_view(),
        name="victim_absence",
    ),
    path(
        "procedures/<int:pk>/suspect-notice/",
        meetings.SuspectNoticeView.as_view(),
        name="suspect_notice",
    ),
    path(
        "procedures/<int:pk>/suspect-meeting/",
        meetings.SuspectMeetingView.as_view(),
        name="suspect_meeting",
    ),
    path(
        "procedures/<int:pk>/meetings/plan/",
        planning.MeetingPlanView.as_view(),
        name="meeting_plan",
    ),
    path(
        "procedures/<int:pk>/meetings/planned/<int:planned_pk>/reschedule/",
        planning.MeetingRescheduleView.as_view(),
        name="meeting_reschedule",
    ),
    path(
        "procedures/<int:pk>/meetings/planned/<int:planned_pk>/close/",
        planning.PlannedMeetingCloseView.as_view(),
        name="planned_meeting_close",
    ),
    path(
        "procedures/<int:pk>/group-meeting/",
        planning.GroupMeetingView.as_view(),
        name="group_meeting",
    ),
    path(
        "procedures/<int:pk>/participants/<int:participant_pk>/address/",
        planning.CorrespondenceAddressView.as_view(),
        name="correspondence_address",
    ),
    # The user's own notifications and which of them come by e-mail.
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/settings/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/read-all/",
        notifications.notifications_mark_all_read,
        name="notifications_read_all",
    ),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path(
        "notifications/<int:pk>/read/",
        notifications.notification_mark_read,
        name="notification_read",
    ),
    # The calendar of planned meetings and the secret-address feed (no session).
    path("calendar/", planning.calendar_page, name="calendar"),
    path("calendar/feed/", planning.calendar_feed_manage, name="calendar_feed_manage"),
    path("calendar/<str:token>.ics", planning.calendar_feed, name="calendar_feed"),
    path("procedures/<int:pk>/plan/add/", actions.PlanItemAddView.as_view(), name="plan_item_add"),
    path(
        "procedures/<int:pk>/plan/<int:item_pk>/status/",
        actions.PlanItemStatusView.as_view(),
        name="plan_item_status",
    ),
    path(
        "procedures/<int:pk>/referrals/new/",
        requests.ReferralRequestView.as_view(),
        name="referral_create",
    ),
    path(
        "procedures/<int:pk>/referrals/<int:referral_pk>/decision/",
        requests.ReferralDecisionView.as_view(),
        name="referral_decide",
    ),
    path(
        "procedures/<int:pk>/referrals/<int:referral_pk>/certificate/",
        actions.ReferralCertificateView.as_view(),
        name="referral_certificate",
    ),
    path(
        "procedures/<int:pk>/orders/new/",
        actions.ProtectiveOrderCreateView.as_view(),
        name="protective_order_create",
    ),
    path(
        "procedures/<int:pk>/detentions/new/",
        actions.DetentionNoticeCreateView.as_view(),
        name="detention_notice_create",
    ),
    path(
        "procedures/<int:pk>/notifications/new/",
        requests.NotificationRequestView.as_view(),
        name="notification_create",
    ),
    path(
        "procedures/<int:pk>/notifications/<int:notification_pk>/decision/",
        requests.NotificationDecisionView.as_view(),
        name="notification_decide",
    ),
    path(
        "procedures/<int:pk>/notifications/<int:notification_pk>/sent/",
        requests.NotificationSentView.as_view(),
        name="notification_sent",
    ),
    path(
        "procedures/<int:pk>/monitoring/new/",
        actions.MonitoringNoteCreateView.as_view(),
        name="monitoring_note_create",
    ),
    path(
        "procedures/<int:pk>/records/<slug:kind>/<int:record_pk>/withdraw/",
        records.RecordWithdrawView.as_view(),
        name="record_withdraw",
    ),
    path(
        "procedures/<int:pk>/records/<slug:kind>/<int:record_pk>/correct/",
        records.RecordCorrectView.as_view(),
        name="record_correct",
    ),
    path("procedures/<int:pk>/close/", closure.CloseView.as_view(), name="procedure_close"),
    # The procedure's documents (the store serves the file once access is checked).
    path(
        "documents/<uuid:public_id>/",
        documents.document_download,
        name="document_download",
    ),
    path(
        "documents/<uuid:public_id>/new-version/",
        documents.document_regenerate,
        name="document_regenerate",
    ),
    path(
        "documents/procedure/<int:pk>/retry/",
        documents.documents_retry,
        name="documents_retry",
    ),
    path(
        "procedures/<int:pk>/monitoring/end/",
        closure.MonitoringEndView.as_view(),
        name="monitoring_end",
    ),
    # Issue 15: the risk assessment and the reasons for missed deadlines.
    path("procedures/<int:pk>/risk/", risk.RiskAssessView.as_view(), name="risk_assess"),
    path(
        "procedures/<int:pk>/risk/<int:assessment_pk>/",
        risk.assessment_detail,
        name="risk_detail",
    ),
    path(
        "procedures/<int:pk>/risk/safety-action/",
        risk.SafetyActionView.as_view(),
        name="safety_action",
    ),
    path(
        "procedures/<int:pk>/deadlines/<int:deadline_pk>/reason/",
        risk.DeadlineReasonView.as_view(),
        name="deadline_reason",
    ),
    path("cards/<int:nka_pk>/risk/", risk.CardRiskAssessView.as_view(), name="card_risk_assess"),
]
