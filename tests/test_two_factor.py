"""Two-factor sign-in (TOTP): required for every account when OIK_REQUIRE_2FA is on."""

import os
import secrets
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("two_factor_required"),
]


@pytest.fixture
def two_factor_required():
    with override_settings(OIK_REQUIRE_2FA=True, OTP_TOTP_THROTTLE_FACTOR=0):
        yield


def _code(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def _password_login(client, username="chair"):
    response = client.post("/login/", {"username": username, "password": "correct-horse-battery"})
    assert response.status_code == 302


def _enrol(client, user) -> TOTPDevice:
    client.get("/login/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/login/two-factor/setup/", {"token": _code(device)})
    assert response.status_code == 302
    return device


def test_first_sign_in_sets_up_the_authenticator_before_any_page(client, world):
    _password_login(client)
    response = client.get("/procedures/")
    assert response.status_code == 302
    assert response["Location"] == "/login/two-factor/setup/?next=%2Fprocedures%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=world.chair, confirmed=False)
    assert page.context["secret"] in page.content.decode()
    from base64 import b32encode

    assert page.context["secret"].replace(" ", "") == b32encode(device.bin_key).decode()
    qr = client.get("/login/two-factor/setup/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert "no-store" in qr["Cache-Control"]

    # A wrong code: a message next to the field, nothing confirmed, still locked out.
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    page = client.post("/login/two-factor/setup/?next=/procedures/", {"token": wrong})
    assert page.status_code == 200 and page.context["form"].errors["token"]
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/procedures/").status_code == 302
    # Not six digits: a message, not a server error.
    page = client.post("/login/two-factor/setup/", {"token": "<script>"})
    assert page.status_code == 200 and page.context["form"].errors["token"]

    response = client.post(
        "/login/two-factor/setup/", {"token": _code(device), "next": "/procedures/"}
    )
    assert response.status_code == 302 and response["Location"] == "/procedures/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/procedures/").status_code == 200
    actions = list(AuditEvent.objects.filter(actor=world.chair).values_list("action", flat=True))
    assert "auth.second_factor_enrolled" in actions and "auth.second_factor_failed" in actions


def test_every_later_sign_in_asks_for_a_code(client, world):
    _password_login(client)
    device = _enrol(client, world.chair)
    client.post("/logout/")

    _password_login(client)
    response = client.get("/procedures/")
    assert response["Location"] == "/login/two-factor/verify/?next=%2Fprocedures%2F"
    # The setup page no longer shows the key of an enrolled account.
    assert client.get("/login/two-factor/setup/")["Location"] == "/login/two-factor/verify/"
    assert client.get("/login/two-factor/setup/qr.svg").status_code == 404
    page = client.post("/login/two-factor/verify/", {"token": "000000"})
    assert page.status_code == 200 and page.context["form"].errors["token"]
    response = client.post(
        "/login/two-factor/verify/", {"token": _code(device, later=30), "next": "/procedures/"}
    )
    assert response["Location"] == "/procedures/"
    assert client.get("/procedures/").status_code == 200


def test_a_code_cannot_be_used_twice_and_foreign_next_urls_are_ignored(client, world):
    _password_login(client)
    device = _enrol(client, world.chair)
    used = _code(device)
    client.post("/logout/")
    _password_login(client)
    assert client.post("/login/two-factor/verify/", {"token": used}).status_code == 200
    response = client.post(
        "/login/two-factor/verify/",
        {"token": _code(device, later=30), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"  # the inbox, not the foreign site


def test_wrong_codes_are_throttled(client, world):
    _password_login(client)
    device = _enrol(client, world.chair)
    client.post("/logout/")
    _password_login(client)
    with override_settings(OTP_TOTP_THROTTLE_FACTOR=60):
        client.post("/login/two-factor/verify/", {"token": "000000"})
        page = client.post("/login/two-factor/verify/", {"token": _code(device, later=30)})
    assert page.status_code == 200
    assert "60 s." in str(page.context["form"].errors["token"])  # the wait, in either language
    assert client.get("/procedures/").status_code == 302


def test_auditors_and_administrators_need_the_second_factor_too(client, world):
    _password_login(client, "auditor")
    assert client.get("/audit/compliance/").status_code == 302
    _enrol(client, world.auditor)  # an auditor may POST the code despite being read-only
    assert client.get("/audit/compliance/").status_code == 200

    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/two-factor/setup/" in response["Location"]


def test_public_document_verification_stays_open(client, world):
    _password_login(client)
    assert client.get("/documents/verify/").status_code == 200


def _production_env(**extra):
    return {
        **os.environ,
        "OIK_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "nk.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "OIK_AUDIT_KEY": secrets.token_urlsafe(48),
        **extra,
    }


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_requires_the_second_factor_and_will_not_switch_it_off():
    env = _production_env()
    env.pop("OIK_REQUIRE_2FA", None)
    result = _manage(
        env, "shell", "-c", "from django.conf import settings; print(settings.OIK_REQUIRE_2FA)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"
    result = _manage(_production_env(OIK_REQUIRE_2FA="false"), "check")
    assert result.returncode != 0 and "Two-factor" in result.stderr
