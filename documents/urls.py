from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
]
