"""Writing notifications and the user's choices (keyword-only services)."""

import functools
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from workflows.models import NotificationKind, NotificationPreference, Procedure, UserNotification
from workflows.notifications.tasks import send_notification_emails

Pending = tuple[list[int], str, int | None, str, str, str, str]


def _create(batch: list[Pending]) -> None:
    """The notifications of one transaction (``notify``): one INSERT for every notification
    and one e-mail task for them all."""
    created = UserNotification.objects.bulk_create(
        UserNotification(
            recipient_id=pk,
            kind=kind,
            procedure_id=procedure_id,
            title=title,
            body=body,
            link=link,
            ics=ics,
        )
        for ids, kind, procedure_id, title, body, link, ics in batch
        for pk in ids
    )
    if created:
        send_notification_emails.enqueue(notification_ids=[n.pk for n in created])


def _pending_batch() -> list[Pending] | None:
    """The batch ``notify`` already queued for the current commit at the current savepoint
    (a notification added to it is dropped with it when that savepoint rolls back), or
    ``None``."""
    connection = transaction.get_connection()
    batch = getattr(connection, "_notifications_batch", None)
    if batch is None or not connection.in_atomic_block:
        return None
    savepoints, flush, items = batch
    if savepoints != connection.savepoint_ids:
        return None
    if not any(callback is flush for _, callback, _ in connection.run_on_commit):
        return None  # already run, or dropped with a rollback
    return items


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
    """Tell ``recipients`` (``None`` and repeated users are skipped; an account switched off
    when the caller read it gets nothing) once the current transaction commits: one
    ``UserNotification`` each and an e-mail task. ``title`` and ``body`` must already be in
    the recipient's language and carry no personal data; ``link`` is a site-relative path.
    The notifications of one transaction are written together after it (one INSERT, one
    task). The recipients are the users the step read inside its transaction, so their
    ``is_active`` is as fresh as a query after the commit would be but for an account
    switched off in those milliseconds: that one gets an in-app notice it cannot read, and
    no e-mail (``send_notification_email`` asks again when it sends)."""
    ids = sorted({user.pk for user in recipients if user is not None and user.is_active})
    if not ids:
        return
    item: Pending = (
        ids,
        str(NotificationKind(kind)),
        procedure.pk if procedure is not None else None,
        str(title)[:300],
        str(body),
        link,
        ics,
    )
    pending = _pending_batch()
    if pending is not None:
        pending.append(item)
        return
    items = [item]
    flush = functools.partial(_create, items)
    connection = transaction.get_connection()
    connection._notifications_batch = (list(connection.savepoint_ids), flush, items)  # type: ignore[attr-defined]
    # robust: the change is committed; a failure to notify is logged, never the user's error.
    transaction.on_commit(flush, robust=True)


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
