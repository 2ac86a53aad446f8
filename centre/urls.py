from django.urls import path

from centre import views

app_name = "centre"
urlpatterns = [
    path("", views.home, name="home"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/search/", views.person_search, name="person_search"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/nka/", views.consultation_nka, name="consultation_nka"),
    path("therapy/", views.therapy_list, name="therapy_list"),
    path("therapy/new/", views.therapy_create, name="therapy_create"),
    path("therapy/<int:pk>/", views.therapy_detail, name="therapy_detail"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path(
        "enrolments/<int:enrolment_pk>/certificate/<str:kind>/",
        views.certificate,
        name="certificate",
    ),
    path("hostel/", views.hostel, name="hostel"),
    path("hostel/admit/", views.hostel_admit, name="hostel_admit"),
    path("hostel/stays/<int:pk>/", views.stay_detail, name="stay_detail"),
    path("prevention/", views.prevention_list, name="prevention_list"),
    path("prevention/new/", views.prevention_create, name="prevention_create"),
    path("statistics/", views.statistics, name="statistics"),
]
