from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from oik_site import help as help_pages

# The admin is for administrators (superusers) only; staff accounts use the pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/two-factor/", include("accounts.urls")),
    path("password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    # A member registered by a team chair (a professional outside the team) sets their
    # first password through Django's one-use reset token (workflows.services.members).
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_set_form.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_set_done.html"
        ),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("pomoc/", help_pages.help_page, name="help"),
    path("pomoc/img/<str:name>", help_pages.guide_image, name="help_image"),
    path("pomoc/<slug:role>/", help_pages.help_page, name="help_role"),
    path("dostepnosc/", help_pages.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    path("documents/", include("documents.urls")),
    path("centre/", include("centre.urls")),
    path("", include("oversight.urls")),
    path("", include("workflows.urls")),
]
