import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import services, throttle
from accounts.forms import TokenForm


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _throttled(request: HttpRequest, form: TokenForm) -> bool:
    wait = services.retry_after_seconds(request.user)
    if wait:
        form.add_error(
            "token", _("Too many wrong codes. Try again in %(seconds)s s.") % {"seconds": wait}
        )
    return bool(wait)


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: add the authenticator app and confirm it with one code."""
    if services.confirmed_device(request.user) is not None:
        if request.user.is_verified():
            messages.info(request, _("Two-factor sign-in is already set up for this account."))
            return redirect(_next_url(request))
        return redirect("accounts:two_factor_verify")
    device = services.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not _throttled(request, form):
        if services.confirm_enrolment(request, form.cleaned_data["token"]):
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not right. Check the clock of the phone."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": " ".join(_groups(_base32(device))),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def two_factor_qr(request: HttpRequest) -> HttpResponse:
    """The pending device's otpauth:// URI as an SVG QR code (never cached)."""
    if services.confirmed_device(request.user) is not None:
        return HttpResponse(status=404)
    device = services.pending_device(request.user)
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
    return HttpResponse(svg, content_type="image/svg+xml")


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of every login: a code from the app."""
    if services.confirmed_device(request.user) is None:
        return redirect("accounts:two_factor_setup")
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not _throttled(request, form):
        if services.verify_second_factor(request, form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not right. Check the clock of the phone."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def _base32(device) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def _groups(text: str) -> list[str]:
    return [text[i : i + 4] for i in range(0, len(text), 4)]


class LoginView(auth_views.LoginView):
    """Django's sign-in, refused with 429 to an address past its limit of failed sign-ins
    (``accounts.throttle``); django-axes handles the account-and-address lockout."""

    def post(self, request, *args, **kwargs):
        if throttle.address_blocked(request):
            return render(request, "registration/locked_out.html", {"address": True}, status=429)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """The signed-in user's own new password (old one, new one twice, Django's validators).

    The change is an audit event (``auth.password_changed``, ``audit.admin_changes``) like
    every password change; the session stays signed in (and its second factor verified).
    """

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")
