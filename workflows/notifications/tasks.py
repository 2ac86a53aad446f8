"""The e-mail of a notification, sent by Django's tasks framework after the commit."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workflows.models import NotificationKind, NotificationPreference, UserNotification

ICS_NAME = "spotkanie.ics"
# Kinds e-mailed whatever the user chose: the chair must learn of a high risk at once.
ALWAYS_EMAILED = frozenset({NotificationKind.HIGH_RISK.value})


def email_wanted(notification: UserNotification) -> bool:
    """Whether the recipient takes this kind by e-mail (every kind unless turned off; a high
    risk always)."""
    if notification.kind in ALWAYS_EMAILED:
        return True
    preference = NotificationPreference.objects.filter(user_id=notification.recipient_id).first()
    return preference is None or notification.kind not in preference.email_muted


def email_message(notification: UserNotification) -> EmailMessage:
    """The e-mail of ``notification``: its title, its text, the absolute link and the
    reminder that it holds no personal data; a meeting's .ics attached."""
    link = settings.OIK_SITE_URL.rstrip("/") + notification.link
    with translation.override(settings.LANGUAGE_CODE):
        footer = _("Sign in to see the case. This message deliberately contains no personal data.")
    body = "\n".join([notification.body, "", link, "", footer]).lstrip("\n")
    message = EmailMessage(
        f"[Niebieska Karta] {notification.title}", body, to=[notification.recipient.email]
    )
    if notification.ics:
        message.attach(ICS_NAME, notification.ics, "text/calendar")
    return message


def _send(notification_id: int) -> bool:
    notification = (
        UserNotification.objects.select_related("recipient")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email or not email_wanted(notification):
        return False
    email_message(notification).send()
    UserNotification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


@task
def send_notification_email(*, notification_id: int) -> bool:
    """Send the e-mail of one notification unless it was sent, the recipient has no
    address or an inactive account, or turned that kind off. Returns whether it sent."""
    return _send(notification_id)


@task
def send_notification_emails(*, notification_ids: list[int]) -> list[bool]:
    """``send_notification_email`` for the notifications of one event, in order (one task
    row for all its recipients). An e-mail that fails does not stop the others; the first
    failure is raised at the end, so the task reports it."""
    sent: list[bool] = []
    failure: Exception | None = None
    for notification_id in notification_ids:
        try:
            sent.append(_send(notification_id))
        except Exception as error:  # noqa: BLE001 - re-raised once the others are sent
            failure = failure or error
            sent.append(False)
    if failure is not None:
        raise failure
    return sent
