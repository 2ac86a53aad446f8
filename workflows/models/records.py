"""What the group records while the case runs: meetings, referrals, notifications, monitoring."""

from django.conf import settings
from django.db import models
from django.db.models import Q
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
        # The meetings held in a period (the NK-C and NK-D of the centre's statistics): as
        # many as the period holds, not every meeting ever recorded (docs/benchmarks.md).
        indexes = [
            models.Index(
                fields=["held_on"],
                condition=Q(withdrawn_at__isnull=True),
                name="meeting_held_current",
            ),
            # "Not corrected" (``current()``) as a hash anti-join against the few corrected
            # meetings, not against every meeting ever recorded (the unique index on
            # ``corrects`` holds a NULL for each of them).
            models.Index(
                fields=["corrects"], condition=Q(corrects__isnull=False), name="meeting_corrections"
            ),
        ]


class TeamDecision(models.TextChoices):
    """The team's answer to a request of the group (art. 9b ust. 2–3 of the Act: the group asks,
    the team refers or notifies)."""

    GRANTED = "granted", _("granted")
    REFUSED = "refused", _("refused")


class DecidedAs(models.TextChoices):
    """How the team decided: by its resolution, or by the chair acting for it (the team's
    authorisation, as for the group's appointment) [practice]."""

    TEAM_RESOLUTION = "team_resolution", _("resolution of the team")
    CHAIR_FOR_TEAM = "chair_for_team", _("the chair on behalf of the team")


class RequestDecision(models.Model):
    """A request of the group and the team's decision on it (the shape of art. 9b: the group
    asks, the team decides). Only a granted request leads to a document."""

    requested_on = models.DateField(_("requested by the group on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    justification = models.TextField(_("justification of the request"), max_length=5000)
    decided_on = models.DateField(_("decided by the team on"), null=True, blank=True)
    decision = models.CharField(
        _("decision of the team"), max_length=10, choices=TeamDecision.choices, blank=True
    )
    decided_as = models.CharField(
        _("decided by"), max_length=20, choices=DecidedAs.choices, blank=True
    )
    resolution_number = models.CharField(_("resolution number"), max_length=50, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), max_length=5000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision recorded by"),
    )

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return not self.decision

    @property
    def is_granted(self) -> bool:
        return self.decision == TeamDecision.GRANTED


class Referral(RequestDecision):
    """Referral of the perpetrator to a programme (art. 9b; Dz.U. 2023 poz. 1164).

    The group requests it (``requested_*``), the team decides (``decided_*``); only a granted
    referral is issued (``referred_on``, the document with the two instructions of Dz.U. 2023
    poz. 1164) and counts the team's period to report (``report_within_days``, copied from
    ``Team.programme_report_days`` at the decision: a team setting, no statutory basis).
    """

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
    provider = models.CharField(_("programme provider"), max_length=200, blank=True)
    referred_on = models.DateField(_("referred on"), null=True, blank=True)
    received_on = models.DateField(_("referral received by the person on"), null=True, blank=True)
    report_within_days = models.PositiveSmallIntegerField(
        _("days to report (team setting)"), null=True, blank=True
    )
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
        ordering = ["requested_on", "id"]
        # The chair's inbox asks for the undecided ones (``requests_awaiting_decision``): a
        # few, where every referral ever made was read (docs/benchmarks.md).
        indexes = [
            models.Index(fields=["procedure"], condition=Q(decision=""), name="referral_undecided")
        ]


class Notification(RequestDecision, Revisable):
    """A misdemeanour notification (art. 66c k.w.) or a notice to the prosecutor, the Police or
    the alcohol commission: the group requests it, the team decides, and only a granted one is
    drawn up (the document) and then sent (``sent_on``)."""

    class Kind(models.TextChoices):
        MISDEMEANOUR = "misdemeanour_66c", _("misdemeanour notification (art. 66c k.w.)")
        PROSECUTOR = "prosecutor", _("notice to the prosecutor")
        POLICE = "police", _("notice to the Police")
        ALCOHOL_COMMISSION = "alcohol_commission", _("notice to the alcohol commission")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    addressee = models.CharField(_("addressee"), max_length=200)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    concerning = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("concerning (suspected person)"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["procedure"], condition=Q(decision=""), name="notification_undecided"
            )
        ]


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
