"""Until the second factor is given, a signed-in user reaches only the two-factor pages."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from accounts.services import confirmed_device

# Pages an account without a verified second factor may still use.
OPEN_WITHOUT_SECOND_FACTOR = (
    "accounts:two_factor_setup",
    "accounts:two_factor_qr",
    "accounts:two_factor_verify",
    "login",
    "logout",
    "set_language",
    "documents:verify",
    "help",
    "accessibility",
)


class TwoFactorMiddleware:
    """Place after ``django_otp.middleware.OTPMiddleware`` (which sets ``is_verified``)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open: frozenset[str] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.OIK_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and request.path not in self.open_paths()
            and not request.path.startswith(settings.STATIC_URL)
        ):
            target = (
                "accounts:two_factor_verify"
                if confirmed_device(user)
                else "accounts:two_factor_setup"
            )
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def open_paths(self) -> frozenset[str]:
        if self._open is None:
            self._open = frozenset(reverse(name) for name in OPEN_WITHOUT_SECOND_FACTOR)
        return self._open


class NoStoreMiddleware:
    """Nothing a signed-in user is shown may be kept by a browser or a proxy cache.

    Pages and downloads of a signed-in user carry personal data: a shared office computer's
    back button or disk cache must not bring them back after sign-out. Place after
    ``AuthenticationMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        already = "no-store" in response.get("Cache-Control", "")
        if user is not None and user.is_authenticated and not already:
            add_never_cache_headers(response)
        return response
