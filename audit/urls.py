from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("procedures/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("audit/compliance/", views.compliance, name="compliance"),
    path("audit/people/<int:person_pk>/", views.person_accesses, name="person_accesses"),
]
