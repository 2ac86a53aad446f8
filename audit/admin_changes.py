"""Audit events for changes to who may see what: accounts, roles, scopes and second factors.

An administrator who makes themselves an auditor of everything, adds a professional to a team,
backdates a confidentiality declaration, deletes a second-factor device or resets a password
leaves an event, whichever path made the change (the admin, a shell, a management command,
the pages): the events come from model signals, not from the admin's own log. The acting user
and the client address come from the request being served (``ActingUserMiddleware`` and
``audit.services.current_client``); outside a request both are empty, which itself says the
change was made from the server.

Events: ``admin.<model>.created`` / ``.changed`` / ``.deleted`` with the changed field names and
their values before and after, and ``auth.password_changed`` for any new password. Secrets
(the password hash, the TOTP key) never reach the payload; fields that change on every
sign-in (``last_login``, the TOTP device's counters) are not tracked.
"""

import contextvars
import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save

from audit.services import log_event

# The signed-in user of the request being served (a lazy object; empty outside a request).
current_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_actor", default=None)

# model label -> the fields whose changes are recorded (values are never secret).
TRACKED: dict[str, tuple[str, ...]] = {
    "workflows.AuditorScope": ("user", "institution", "municipality", "county"),
    "workflows.TeamMember": ("team", "professional", "role", "since"),
    "workflows.Professional": (
        "user",
        "municipality",
        "sector",
        "profession",
        "institution",
        "confidentiality_declared_on",
    ),
    "centre.CentreStaff": ("user", "centre", "function"),
    "otp_totp.TOTPDevice": ("user", "name", "confirmed"),
    "auth.User": (
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
    ),
}
# Recorded as changed, never with a value.
SECRET_FIELDS: dict[str, tuple[str, ...]] = {"auth.User": ("password",)}


class ActingUserMiddleware:
    """Place after ``AuthenticationMiddleware``: remembers who is acting in this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)


def _value(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _values(instance: Model, names: tuple[str, ...]) -> dict[str, Any]:
    meta = instance._meta
    return {name: _value(getattr(instance, meta.get_field(name).attname)) for name in names}


def _actor():
    user = current_actor.get()
    return user if user is not None and user.is_authenticated else None


def _action(instance: Model, verb: str) -> str:
    return f"admin.{instance._meta.model_name}.{verb}"


def _subject(instance: Model) -> dict[str, Any]:
    subject: dict[str, Any] = {"object": instance.pk}
    if isinstance(instance, get_user_model()):
        user_id = instance.pk
    else:
        user_id = getattr(instance, "user_id", None)
    if user_id is not None:
        subject["user"] = user_id
    return subject


def _remember(sender, instance: Model, raw: bool = False, **kwargs) -> None:
    label = sender._meta.label
    names = TRACKED[label] + SECRET_FIELDS.get(label, ())
    previous = None
    if instance.pk is not None and not raw:
        row = sender._default_manager.filter(pk=instance.pk).first()
        previous = _values(row, names) if row is not None else None
    instance._audit_before = previous


def _saved(sender, instance: Model, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:  # loading fixtures
        return
    label = sender._meta.label
    tracked, secret = TRACKED[label], SECRET_FIELDS.get(label, ())
    before = getattr(instance, "_audit_before", None)
    after = _values(instance, tracked + secret)
    actor = _actor()
    if created or before is None:
        log_event(
            action=_action(instance, "created"),
            actor=actor,
            payload={
                **_subject(instance),
                "fields": list(tracked),
                "after": {k: after[k] for k in tracked},
            },
        )
        return
    changed = [name for name in tracked if before[name] != after[name]]
    if changed:
        log_event(
            action=_action(instance, "changed"),
            actor=actor,
            payload={
                **_subject(instance),
                "fields": changed,
                "before": {k: before[k] for k in changed},
                "after": {k: after[k] for k in changed},
            },
        )
    if any(before[name] != after[name] for name in secret):
        log_event(action="auth.password_changed", actor=actor, payload=_subject(instance))
    instance._audit_before = after


def _deleted(sender, instance: Model, **kwargs) -> None:
    tracked = TRACKED[sender._meta.label]
    log_event(
        action=_action(instance, "deleted"),
        actor=_actor(),
        payload={**_subject(instance), "before": _values(instance, tracked)},
    )


def connect() -> None:
    """Connect the receivers (``AuditConfig.ready``)."""
    for label in TRACKED:
        model = apps.get_model(label)
        uid = f"audit.admin_changes.{label}"
        pre_save.connect(_remember, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
