"""Meetings planned before they are held, and the calendar feed of a member's own meetings.

The group sets a date, time and place and whom it invites; the victim's invitation and the
suspect's summons are generated when the meeting is planned (domain note 4a, "Meetings are
planned"). Afterwards the plan is recorded as held (it points at the ``Meeting`` it became),
not held, or cancelled; a new date is a new plan that replaces the old one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.dates import shown_date
from workflows.models.procedure import Procedure
from workflows.models.records import Meeting


class PlannedMeeting(models.Model):
    """A meeting of the group set in advance: with the victim, with the suspect (one person
    invited, of that role) or a working meeting of the group without the parties (nobody
    invited; the members of the group attend)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        NOT_HELD = "not_held", _("not held")
        CANCELLED = "cancelled", _("cancelled")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="planned_meetings"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Meeting.Kind.choices)
    date = models.DateField(_("date of the meeting"))
    time = models.TimeField(_("time of the meeting"))
    place = models.CharField(_("place of the meeting"), max_length=200)
    invitee = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person invited"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planned",
        verbose_name=_("meeting held"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("planned meeting")
        verbose_name_plural = _("planned meetings")
        ordering = ["date", "time", "id"]
        constraints = [
            # A meeting with a party invites exactly that person; a working meeting nobody.
            models.CheckConstraint(
                condition=models.Q(kind="group", invitee__isnull=True)
                | (~models.Q(kind="group") & models.Q(invitee__isnull=False)),
                name="planned_meeting_invitee_by_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="held") | models.Q(meeting__isnull=False),
                name="planned_meeting_held_has_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {shown_date(self.date)} {self.time:%H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PLANNED


class CalendarFeed(models.Model):
    """The secret address of one user's iCalendar feed of their own planned meetings.

    Only the SHA-256 of the token is kept: the address is shown once, when it is made, and
    a lost or leaked one is replaced (the old address stops answering at once)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
