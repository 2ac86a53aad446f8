"""The group's membership over time: who joined or left and why, and what the chair is told.

``GroupMember`` (``workflows.models.procedure``) holds the group's members now; every change
of it after the appointment is a ``GroupMemberChange`` row (the date, the reason for a
removal, who recorded it), and every member who leaves, or whose record no longer fits the
group (their profession changed, their team membership ended, their account was switched
off), gives the team chair a ``GroupNotice`` in the inbox until the chair has seen it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.models.organisation import Professional
from workflows.models.procedure import DiagnosticGroup


class GroupMemberChange(models.Model):
    """One member added to, or removed from, an appointed group (audited as a step)."""

    class Kind(models.TextChoices):
        ADDED = "added", _("added to the group")
        REMOVED = "removed", _("removed from the group")

    group = models.ForeignKey(DiagnosticGroup, on_delete=models.CASCADE, related_name="changes")
    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    changed_on = models.DateField(_("date of the change"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("change of the group's members")
        verbose_name_plural = _("changes of the group's members")
        ordering = ["changed_on", "id"]


class GroupNotice(models.Model):
    """What the chair is told when a member leaves the group or no longer fits it."""

    class Kind(models.TextChoices):
        REMOVED = "removed", _("removed from the group")
        PROFESSION_CHANGED = "profession_changed", _("their profession changed")
        LEFT_TEAM = "left_team", _("no longer a member of the team")
        DEACTIVATED = "deactivated", _("their account was switched off")
        DECLARATION_WITHDRAWN = (
            "declaration_withdrawn",
            _("no confidentiality declaration on record"),
        )

    group = models.ForeignKey(DiagnosticGroup, on_delete=models.CASCADE, related_name="notices")
    professional = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what happened"), max_length=30, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("notice about the group")
        verbose_name_plural = _("notices about the group")
        ordering = ["created_at", "id"]
