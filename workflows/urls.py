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
    records,
    requests,
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
    path("procedures/<int:pk>/group/", group.GroupAppointView.as_view(), name="group_appoint"),
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
        "procedures/<int:pk>/suspect-meeting/",
        meetings.SuspectMeetingView.as_view(),
        name="suspect_meeting",
    ),
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
]
