"""The user's own notifications and e-mail choices (each user reads only their own)."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from workflows.models import NotificationKind, NotificationPreference, UserNotification


def notifications_for(*, user: User) -> QuerySet[UserNotification]:
    """``user``'s notifications, newest first."""
    return UserNotification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    """How many of ``user``'s notifications are unread (the header's counter): one query."""
    if not user.is_authenticated:
        return 0
    return UserNotification.objects.unread().filter(recipient=user).count()


def emailed_kinds(*, user: User) -> list[str]:
    """The kinds ``user`` gets by e-mail: every kind unless turned off."""
    preference = NotificationPreference.objects.filter(user=user).first()
    muted = set(preference.email_muted) if preference else set()
    return [kind for kind in NotificationKind.values if kind not in muted]
