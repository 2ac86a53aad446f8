"""What the group records while the case runs: meetings, referrals, notifications, monitoring."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.records import Revisable
from forms.choices import Programme as ProgrammeChoices
from workflows.models.organisation import Professional
from workflows.models.procedure import Procedure


class Meeting(Revisable):
    """A group meeting. Meetings with the victim and with the suspect are always separate."""

    class Kind(models.TextChoices):
        VICTIM = "victim", _("meeting with the victim")
        SUSPECT = "suspect", _("meeting with the suspect")
        GROUP = "group", _("group working meeting")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    invited_on = models.DateField(_("invitation / summons sent on"), null=True, blank=True)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place of the meeting"), max_length=200)
    present = models.ManyToManyField(
        Professional, related_name="meetings_attended", verbose_name=_("members present")
    )
    heard = models.ManyToManyField(
        "people.Person", related_name="meetings_heard", verbose_name=_("persons heard")
    )
    person_appeared = models.BooleanField(_("the invited person appeared"), default=True)
    # The one person met (or invited and absent): a meeting with a party is with one person.
    # Empty on meetings recorded before issue 13 (their NK-C / NK-D names the person).
    invited_person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person invited"),
    )
    # A child is met with a parent or guardian who is not a suspect, or with an adult closest
    # person (art. 115 § 11 k.k.): the regulation Dz.U. 2023 poz. 1870 on acts with a minor,
    # read in a secondary source, paragraph number not verified (docs/rules.md).
    companion = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adult present with the child (from the participants)"),
    )
    companion_name = models.CharField(
        _("adult present with the child: first name and surname"), max_length=200, blank=True
    )
    companion_relation = models.CharField(
        _("their relation to the child"),
        max_length=150,
        blank=True,
        help_text=_(
            "Parent, legal or actual guardian who is not a suspect, or adult closest person."
        ),
    )
    minutes = models.TextField(_("minutes"), max_length=10000, blank=True)
    next_meeting_on = models.DateField(_("next meeting"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["held_on", "id"]


class Referral(models.Model):
    """Referral of the perpetrator to a programme (art. 9b; Dz.U. 2023 poz. 1164)."""

    # One list with NK-D's "programme agreed" (forms.choices).
    Programme = ProgrammeChoices

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="referrals")
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person suspected of using violence"),
    )
    programme = models.CharField(_("programme"), max_length=30, choices=Programme.choices)
    provider = models.CharField(_("programme provider"), max_length=200)
    referred_on = models.DateField(_("referred on"))
    received_on = models.DateField(_("referral received by the person on"))
    reported_on = models.DateField(_("certificate of reporting received on"), null=True, blank=True)
    completed_on = models.DateField(
        _("certificate of completion received on"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("referral to a programme")
        verbose_name_plural = _("referrals to programmes")


class Notification(Revisable):
    class Kind(models.TextChoices):
        MISDEMEANOUR = "misdemeanour_66c", _("misdemeanour notification (art. 66c k.w.)")
        PROSECUTOR = "prosecutor", _("notice to the prosecutor")
        POLICE = "police", _("notice to the Police")
        ALCOHOL_COMMISSION = "alcohol_commission", _("notice to the alcohol commission")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    addressee = models.CharField(_("addressee"), max_length=200)
    sent_on = models.DateField(_("sent on"))
    concerning = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("concerning (suspected person)"),
    )
    reason = models.TextField(_("reason"), max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")


class MonitoringNote(Revisable):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="monitoring_notes"
    )
    visited_on = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=10000)
    after_closure = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("monitoring note")
        verbose_name_plural = _("monitoring notes")
        ordering = ["visited_on", "id"]
