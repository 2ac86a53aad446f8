"""Two-factor sign-in (TOTP, django-otp): enrolment and the second step of a login.

Every staff account needs an authenticator app when ``OIK_REQUIRE_2FA`` is on (always in
production). A user enrols once: the page shows a QR code of an unconfirmed device, the
first correct code confirms it. At every later login the code is asked after the password.
Wrong codes are throttled by django-otp (1 s, 2 s, 4 s… between attempts).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import log_event

DEVICE_NAME = "authenticator"


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed device being enrolled: the same key until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm_enrolment(request: HttpRequest, token: str) -> bool:
    """Confirm the pending device with its first code and mark this session verified."""
    user = request.user
    with transaction.atomic():
        if confirmed_device(user) is not None:
            return False
        device = pending_device(user)
        if verify_token(user, device.persistent_id, token) is None:
            log_event(action="auth.second_factor_failed", request=request)
            return False
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.refresh_from_db()
        log_event(action="auth.second_factor_enrolled", request=request)
    otp_login(request, device)
    return True


def verify_second_factor(request: HttpRequest, token: str) -> bool:
    """Check a code against the user's confirmed device and mark this session verified."""
    user = request.user
    device = confirmed_device(user)
    if device is None:
        return False
    verified = verify_token(user, device.persistent_id, token)
    if verified is None:
        log_event(action="auth.second_factor_failed", request=request)
        return False
    otp_login(request, verified)
    return True


def retry_after_seconds(user: AbstractBaseUser) -> int:
    """Seconds until django-otp allows another attempt (0 when allowed now)."""
    from django.utils import timezone

    device = confirmed_device(user) or TOTPDevice.objects.filter(user=user).first()
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(0, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
