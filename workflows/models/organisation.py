"""Who runs the procedure: municipalities, their teams, the professionals and auditors."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from forms.models import Sector
from workflows.rules import (
    POST_CLOSURE_MONITORING_DEFAULT_MONTHS,
    PROGRAMME_REPORT_DEFAULT_DAYS,
    RISK_NEW_CARD_DEFAULT_WORKING_DAYS,
    RISK_REASSESSMENT_DEFAULT_DAYS,
    SAFETY_PLAN_DEFAULT_WORKING_DAYS,
)


class Profession(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("social worker")
    FAMILY_ASSISTANT = "family_assistant", _("family assistant")
    POLICE_OFFICER = "police_officer", _("police officer")
    SOLDIER = "soldier", _("Military Gendarmerie soldier")
    TEACHER = "teacher", _("teacher")
    PEDAGOGUE = "pedagogue", _("pedagogue")
    DOCTOR = "doctor", _("doctor")
    NURSE = "nurse", _("nurse")
    MIDWIFE = "midwife", _("midwife")
    PARAMEDIC = "paramedic", _("paramedic")
    PSYCHOLOGIST = "psychologist", _("psychologist")
    THERAPIST = "therapist", _("therapist")
    ADDICTION_THERAPIST = "addiction_therapist", _("addiction therapist")
    ALCOHOL_COMMISSION_MEMBER = "alcohol_commission_member", _("alcohol commission member")
    PROBATION_OFFICER = "probation_officer", _("probation officer")
    LAWYER = "lawyer", _("lawyer")
    OTHER = "other", _("other")


class Municipality(models.Model):
    """A gmina; each has one interdisciplinary team."""

    name = models.CharField(_("name"), max_length=150)
    county = models.CharField(_("county"), max_length=150)
    teryt = models.CharField(_("TERYT code"), max_length=7, unique=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """Zespół interdyscyplinarny, appointed by the mayor (art. 9a)."""

    class GroupAuthority(models.TextChoices):
        # Sources disagree on who creates the group; configurable per team [open].
        TEAM = "team", _("the team (by resolution)")
        CHAIR = "chair", _("the chair, authorised by the team")

    municipality = models.OneToOneField(
        Municipality, on_delete=models.PROTECT, related_name="team", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    group_authority = models.CharField(
        _("who creates diagnostic-support groups"),
        max_length=10,
        choices=GroupAuthority.choices,
        default=GroupAuthority.CHAIR,
    )
    # Team settings with no statutory basis (docs/rules.md): the periods of
    # ``workflows.rules`` rules whose ``team_setting`` names these fields.
    programme_report_days = models.PositiveSmallIntegerField(
        _("days for the perpetrator to report to a programme"),
        default=PROGRAMME_REPORT_DEFAULT_DAYS,
        help_text=_(
            "Team setting – no statutory basis: no legal text gives a period to report; the "
            "certificates go to the group without delay (Dz.U. 2023 poz. 1164). "
            "0 means no deadline."
        ),
    )
    post_closure_monitoring_months = models.PositiveSmallIntegerField(
        _("monitoring after closure (months)"),
        default=POST_CLOSURE_MONITORING_DEFAULT_MONTHS,
        help_text=_(
            "Team setting – no statutory basis: the group monitors the family also after "
            "closure (art. 9b of the Act), no period is set by law. 0 switches it off."
        ),
    )
    # The risk assessment's settings (workflows/risk.py, docs/risk.md): no statutory basis.
    safety_plan_working_days = models.PositiveSmallIntegerField(
        _("working days for a safety-plan action after a high risk"),
        default=SAFETY_PLAN_DEFAULT_WORKING_DAYS,
        help_text=_("Team setting – no statutory basis. 0 means no deadline."),
    )
    risk_reassessment_days = models.PositiveSmallIntegerField(
        _("days between risk assessments"),
        default=RISK_REASSESSMENT_DEFAULT_DAYS,
        help_text=_("Team setting – no statutory basis. 0 means no deadline."),
    )
    risk_new_card_working_days = models.PositiveSmallIntegerField(
        _("working days to reassess the risk after a new NK-A"),
        default=RISK_NEW_CARD_DEFAULT_WORKING_DAYS,
        help_text=_("Team setting – no statutory basis. 0 means no deadline."),
    )
    risk_high_adult = models.PositiveSmallIntegerField(
        _("high risk from this many answers (adult checklist)"),
        null=True,
        blank=True,
        help_text=_("Team setting – empty: the checklist's own threshold."),
    )
    risk_high_child = models.PositiveSmallIntegerField(
        _("high risk from this many answers (child checklist)"),
        null=True,
        blank=True,
        help_text=_("Team setting – empty: the checklist's own threshold."),
    )

    class Meta:
        verbose_name = _("interdisciplinary team")
        verbose_name_plural = _("interdisciplinary teams")

    def __str__(self) -> str:
        return self.name


class Professional(models.Model):
    """A user who works in the procedure: team and group members and initiators."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professional"
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="professionals",
        verbose_name=_("municipality"),
    )
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    institution = models.CharField(_("institution"), max_length=200)
    confidentiality_declared_on = models.DateField(
        _("confidentiality declaration signed on"),
        null=True,
        blank=True,
        help_text=_("Without a declaration on record the person sees no procedure data."),
    )

    class Meta:
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} ({self.get_profession_display()}, {self.institution})"

    @property
    def has_declaration(self) -> bool:
        return self.confidentiality_declared_on is not None

    @cached_property
    def chairs_a_team(self) -> bool:
        """Chairs at least one team (the audit's actor description): answered by the
        procedure page's own query where it reads the case (``selectors.procedure_get``)."""
        return bool(self.chaired_team_ids)

    @cached_property
    def chaired_team_ids(self) -> list[int]:
        """The teams this professional chairs: one query per request (the user and this
        record are loaded afresh for each request), however many pages parts ask."""
        return list(
            self.team_memberships.filter(role=TeamMember.Role.CHAIR).values_list(
                "team_id", flat=True
            )
        )


class TeamMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        MEMBER = "member", _("member")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="team_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(_("member since"), default=datetime.date.today)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "professional"], name="team_member_once"),
            models.UniqueConstraint(
                fields=["team"], condition=models.Q(role="chair"), name="one_chair_per_team"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional} – {self.get_role_display()}"


class AuditorScope(models.Model):
    """An auditor reads, never writes. Scope: one municipality, a county, or everything."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auditor_scope"
    )
    institution = models.CharField(_("institution"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )
    county = models.CharField(_("county"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("auditor")
        verbose_name_plural = _("auditors")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.institution})"
