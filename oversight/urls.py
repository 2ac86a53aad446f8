from django.urls import path

from oversight import timeliness_views, views

# The namespace stays "audit" so that {% url "audit:timeline" %} keeps working.
app_name = "audit"

urlpatterns = [
    path("procedures/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("audit/compliance/", views.compliance, name="compliance"),
    path("audit/compliance/cases/", views.compliance_cases, name="compliance_cases"),
    path("audit/timeliness/", timeliness_views.timeliness_report, name="timeliness"),
    path("audit/timeliness/cases/", timeliness_views.timeliness_cases, name="timeliness_cases"),
    path("audit/people/<int:person_pk>/", views.person_accesses, name="person_accesses"),
]
