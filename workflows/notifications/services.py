"""Writing notifications and the user's choices (keyword-only services)."""

import functools
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from workflows.models import NotificationKind, NotificationPreference, Procedure, UserNotification
from workflows.notifications.tasks import send_notification_emails


def _create(
    recipient_ids: list[int],
    kind: str,
    procedure_id: int | None,
    title: str,
    body: str,
    link: str,
    ics: str,
) -> None:
    users = User.objects.filter(pk__in=recipient_ids, is_active=True).order_by("pk")
    # One INSERT for every recipient and one e-mail task for them all.
    created = UserNotification.objects.bulk_create(
        UserNotification(
            recipient=user,
            kind=kind,
            procedure_id=procedure_id,
            title=title,
            body=body,
            link=link,
            ics=ics,
        )
        for user in users
    )
    if created:
        send_notification_emails.enqueue(notification_ids=[n.pk for n in created])


def notify(
    *,
    recipients: Iterable[User | None],
    kind: NotificationKind | str,
    title: str,
    link: str,
    procedure: Procedure | None = None,
    body: str = "",
    ics: str = "",
) -> None:
    """Tell ``recipients`` (``None`` and repeated users are skipped; inactive accounts get
    nothing) once the current transaction commits: one ``UserNotification`` each and an
    e-mail task. ``title`` and ``body`` must already be in the recipient's language and
    carry no personal data; ``link`` is a site-relative path."""
    ids = sorted({user.pk for user in recipients if user is not None})
    if not ids:
        return
    # robust: the change is committed; a failure to notify is logged, never the user's error.
    transaction.on_commit(
        functools.partial(
            _create,
            ids,
            str(NotificationKind(kind)),
            procedure.pk if procedure is not None else None,
            str(title)[:300],
            str(body),
            link,
            ics,
        ),
        robust=True,
    )


def notification_read(*, actor: User, notification_id: int) -> UserNotification:
    """Mark the actor's own notification read; raises ``Http404`` for anyone else's (it
    looks like one that does not exist)."""
    notification = UserNotification.objects.filter(pk=notification_id, recipient=actor).first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return UserNotification.objects.unread().filter(recipient=actor).update(read_at=timezone.now())


def preference_set(*, actor: User, emailed_kinds: Iterable[str]) -> NotificationPreference:
    """Keep the kinds the actor wants by e-mail (the others are muted); unknown kinds are
    ignored. The in-app list shows every kind whatever this says."""
    wanted = {str(kind) for kind in emailed_kinds}
    muted = sorted(kind for kind in NotificationKind.values if kind not in wanted)
    preference, _created = NotificationPreference.objects.update_or_create(
        user=actor, defaults={"email_muted": muted}
    )
    return preference
