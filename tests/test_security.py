"""Sign-in hardening, headers and production settings."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.scenarios import drive
from workflows.models import Stage

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def _login(client, username, password, address="127.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_ten_wrong_passwords_lock_the_account_from_that_address(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "chair", "wrong-password").status_code == 200
    locked = _login(client, "chair", "wrong-password")
    assert locked.status_code == 429
    # Even the right password is refused from that address while the lock lasts…
    assert _login(client, "chair", "correct-horse-battery").status_code == 429
    assert "_auth_user_id" not in client.session
    # …and other accounts are not affected.
    response = _login(client, "social_worker", "correct-horse-battery")
    assert response.status_code == 302 and client.session["_auth_user_id"]


def test_a_good_login_after_a_few_typos_works_and_resets_the_count(client, world):
    for _ in range(3):
        _login(client, "chair", "typo")
    assert _login(client, "chair", "correct-horse-battery").status_code == 302


def test_sessions_expire_after_thirty_idle_minutes(client, world):
    # Renewed at most once a minute, not saved on every page (tests/test_scale.py).
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    assert "accounts.sessions.IdleSessionMiddleware" in settings.MIDDLEWARE
    _login(client, "chair", "correct-horse-battery")
    assert client.session.get_expiry_age() == 30 * 60


def test_pages_send_a_strict_content_security_policy_and_have_no_inline_code(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    client.force_login(world.chair)
    for url in (
        "/",
        "/dashboard/",
        "/procedures/",
        f"/procedures/{procedure.pk}/",
        "/procedures/new/",
    ):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy
        body = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), url
        assert not re.search(r"\son[a-z]+=", body), url
        assert not re.search(r'\sstyle="', body), url


def test_password_validators_refuse_weak_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short1!", "123456789012", "password1234"):
        with pytest.raises(ValidationError):
            validate_password(weak)


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "OIK_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "nk.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "OIK_AUDIT_KEY": secrets.token_urlsafe(48),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _tasks_backend(**env: str) -> str:
    """The tasks backend the settings choose under ``env`` (in a fresh interpreter)."""
    code = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "oik_site.settings", **env}
    environ.pop("OIK_TASKS_BACKEND", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_renders_documents_off_the_request_path_by_default():
    """Issue 16: production queues the documents for ``db_worker``; development renders them
    after the commit, in the request."""
    production = _tasks_backend(
        OIK_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="nk.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        OIK_AUDIT_KEY=secrets.token_urlsafe(48),
    )
    assert production == "django_tasks_db.DatabaseBackend"
    assert _tasks_backend(OIK_ENV="development") == (
        "django.tasks.backends.immediate.ImmediateBackend"
    )


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "OIK_AUDIT_KEY"]
)
def test_production_refuses_to_start_without_its_settings(missing):
    env = {
        **os.environ,
        "OIK_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "nk.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "OIK_AUDIT_KEY": secrets.token_urlsafe(48),
    }
    env.pop(missing)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and missing in result.stderr


def test_every_form_needs_its_csrf_token(world):
    """Each page's POST forms carry the token, and a POST without it is refused."""
    from django.test import Client

    procedure = drive(world, to=Stage.ACTIONS)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.social_worker)
    for url in (
        f"/procedures/{procedure.pk}/",
        f"/procedures/{procedure.pk}/plan/add/",
        f"/procedures/{procedure.pk}/close/",
        "/procedures/new/",
    ):
        body = browser.get(url).content.decode()
        forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', body, re.S | re.I)
        assert forms, url
        assert all("csrfmiddlewaretoken" in form for form in forms), url
        assert browser.post(url, {}).status_code == 403, url
    before = procedure.help_plan_items.count()
    browser.post(
        f"/procedures/{procedure.pk}/plan/add/",
        {"form_of_help": "psychological", "action": "x", "responsible": "x"},
    )
    assert procedure.help_plan_items.count() == before
