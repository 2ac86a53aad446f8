from django.urls import path

from workflows import views, views_documents, views_records

app_name = "workflows"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("procedures/", views.procedure_list, name="procedure_list"),
    path("procedures/new/", views.NKACreateView.as_view(), name="nka_create"),
    path("procedures/<int:pk>/", views.procedure_detail, name="procedure_detail"),
    path("procedures/<int:pk>/nka/<int:nka_pk>/", views.nka_detail, name="nka_detail"),
    path(
        "procedures/<int:pk>/nka/<int:nka_pk>/reconcile/",
        views.person_reconcile,
        name="person_reconcile",
    ),
    # The initiator's own cards: addressed by the card alone, never by the case.
    path("cards/<int:nka_pk>/", views.card_detail, name="card_detail"),
    path("cards/<int:nka_pk>/transfer/", views.CardTransferView.as_view(), name="nka_transfer"),
    path("procedures/<int:pk>/group/", views.GroupAppointView.as_view(), name="group_appoint"),
    path(
        "procedures/<int:pk>/pass-to-group/",
        views.PassToGroupView.as_view(),
        name="pass_to_group",
    ),
    path(
        "procedures/<int:pk>/victim-meeting/",
        views.VictimMeetingView.as_view(),
        name="victim_meeting",
    ),
    path(
        "procedures/<int:pk>/suspect-meeting/",
        views.SuspectMeetingView.as_view(),
        name="suspect_meeting",
    ),
    path("procedures/<int:pk>/plan/add/", views.PlanItemAddView.as_view(), name="plan_item_add"),
    path(
        "procedures/<int:pk>/plan/<int:item_pk>/status/",
        views.PlanItemStatusView.as_view(),
        name="plan_item_status",
    ),
    path(
        "procedures/<int:pk>/referrals/new/",
        views.ReferralCreateView.as_view(),
        name="referral_create",
    ),
    path(
        "procedures/<int:pk>/referrals/<int:referral_pk>/certificate/",
        views.ReferralCertificateView.as_view(),
        name="referral_certificate",
    ),
    path(
        "procedures/<int:pk>/orders/new/",
        views.ProtectiveOrderCreateView.as_view(),
        name="protective_order_create",
    ),
    path(
        "procedures/<int:pk>/notifications/new/",
        views.NotificationCreateView.as_view(),
        name="notification_create",
    ),
    path(
        "procedures/<int:pk>/monitoring/new/",
        views.MonitoringNoteCreateView.as_view(),
        name="monitoring_note_create",
    ),
    path(
        "procedures/<int:pk>/records/<slug:kind>/<int:record_pk>/withdraw/",
        views_records.RecordWithdrawView.as_view(),
        name="record_withdraw",
    ),
    path(
        "procedures/<int:pk>/records/<slug:kind>/<int:record_pk>/correct/",
        views_records.RecordCorrectView.as_view(),
        name="record_correct",
    ),
    path("procedures/<int:pk>/close/", views.CloseView.as_view(), name="procedure_close"),
    # The procedure's documents (the store serves the file once access is checked).
    path(
        "documents/<uuid:public_id>/",
        views_documents.document_download,
        name="document_download",
    ),
    path(
        "documents/<uuid:public_id>/new-version/",
        views_documents.document_regenerate,
        name="document_regenerate",
    ),
    path(
        "documents/procedure/<int:pk>/retry/",
        views_documents.documents_retry,
        name="documents_retry",
    ),
    path(
        "procedures/<int:pk>/monitoring/end/",
        views.MonitoringEndView.as_view(),
        name="monitoring_end",
    ),
]
