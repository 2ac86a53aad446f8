"""The users' own notifications: the in-app list with its bell, and each user's choice of
which kinds also come by e-mail (``workflows.notifications``).

Called ``UserNotification`` because ``workflows.Notification`` is the statutory
notification (zawiadomienie) the group asks the team to send; this is a message to a user
of the system (powiadomienie).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.models.procedure import Procedure


class NotificationKind(models.TextChoices):
    NEW_CARD = "new_card", _("a new NK-A for the team")
    GROUP_APPOINTMENT = "group_appointment", _("an appointment to a diagnostic-support group")
    TASK_ASSIGNED = "task_assigned", _("a task assigned to me")
    MEETING_PLANNED = "meeting_planned", _("a meeting of my group planned")
    GROUP_CHANGED = "group_changed", _("a change in a group's composition")
    DEADLINE_AT_RISK = "deadline_at_risk", _("a deadline at risk")
    DEADLINE_REMINDER = "deadline_reminder", _("a deadline reminder")
    DEADLINE_OVERDUE = "deadline_overdue", _("an overdue deadline")
    HIGH_RISK = "high_risk", _("a case assessed at high risk")


class UserNotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class UserNotification(models.Model):
    """One message to one user. ``title`` and ``body`` carry no personal data: the case (or
    card) number, the step, a date; ``link`` is the site-relative page it is about."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications_received"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(max_length=300)
    # An iCalendar attachment (a planned meeting): the time and a link, no names or places.
    ics = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = UserNotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification for a user")
        verbose_name_plural = _("notifications for users")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """The kinds a user does NOT want by e-mail (every kind is e-mailed by default; the
    in-app list always shows everything)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_muted = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {', '.join(self.email_muted)}"
