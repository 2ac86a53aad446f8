from django.urls import path

from oversight import views

# The namespace stays "audit" so that {% url "audit:timeline" %} keeps working.
app_name = "audit"

urlpatterns = [
    path("procedures/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("audit/compliance/", views.compliance, name="compliance"),
    path("audit/people/<int:person_pk>/", views.person_accesses, name="person_accesses"),
]
