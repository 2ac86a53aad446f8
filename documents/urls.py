from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("<uuid:public_id>/", views.download, name="download"),
    path("<uuid:public_id>/new-version/", views.regenerate, name="regenerate"),
    path("procedure/<int:pk>/retry/", views.retry, name="retry"),
]
