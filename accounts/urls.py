from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("setup/", views.two_factor_setup, name="two_factor_setup"),
    path("setup/qr.svg", views.two_factor_qr, name="two_factor_qr"),
    path("verify/", views.two_factor_verify, name="two_factor_verify"),
]
