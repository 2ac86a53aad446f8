"""The procedure and the people and bodies that run it.

State changes go through ``workflows.services``; nothing else assigns ``Procedure.stage``.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.records import RecordQuerySet, Revisable  # noqa: F401 - re-exported
from forms.choices import Programme as ProgrammeChoices
from forms.models import VICTIM_ROLES, Role, Sector  # noqa: F401 - re-exported
from workflows.protective_orders import (  # noqa: F401 - re-exported
    ORDER_MEASURE_FIELDS,
    DetentionNotice,
    ProtectiveOrder,
)
from workflows.rules import RULE_LABELS, edition_choices


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
    post_closure_monitoring_months = models.PositiveSmallIntegerField(
        _("monitoring after closure (months)"),
        default=0,
        help_text=_("No statutory duration exists; 0 switches monitoring after closure off."),
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


class Stage(models.TextChoices):
    """Stages of the procedure (Dz.U. 2023 poz. 1870).

    Which stage a case is in is derived from its open tasks by ``workflows.flows.stage_of``
    (each node's stage is declared in ``workflows.flows.STEPS``); ``Procedure.stage`` stores
    the answer for constraints and filtering and is written only by ``workflows.steps.step``.
    """

    INITIATED = "initiated", _("initiated (NK-A filled)")
    WITH_CHAIR = "with_chair", _("with the team chair")
    GROUP_APPOINTED = "group_appointed", _("group appointed")
    MEETINGS = "meetings", _("meetings with the victim and the suspect")
    ACTIONS = "actions", _("actions and monitoring")
    CLOSED = "closed", _("closed")


class ClosureGround(models.TextChoices):
    """The two grounds for closing a procedure (Dz.U. 2023 poz. 1870 § 18)."""

    VIOLENCE_STOPPED = (
        "violence_stopped",
        _(
            "violence has stopped, it is justified to believe it will not recur, "
            "and the individual help plan has been carried out"
        ),
    )
    NO_GROUNDS = "no_grounds", _("no grounds for action were found")


class Procedure(models.Model):
    number = models.CharField(_("number"), max_length=30, unique=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("team")
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("household"),
    )
    edition = models.CharField(_("regulation edition"), max_length=8, choices=edition_choices)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.INITIATED, db_index=True
    )
    initiated_on = models.DateField(_("initiated on"))
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("initiated by"),
    )
    chair_received_on = models.DateField(_("NK-A received by the chair"), null=True, blank=True)
    group_received_on = models.DateField(_("NK-A received by the group"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closure_ground = models.CharField(
        _("closure ground"), max_length=20, choices=ClosureGround.choices, blank=True
    )
    closure_summary = models.TextField(_("actions taken (closure protocol)"), blank=True)
    monitor_until = models.DateField(_("monitoring after closure until"), null=True, blank=True)
    process = models.OneToOneField(
        "viewflow.Process",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedure",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["-initiated_on", "-id"]
        constraints = [
            # At most one open procedure per household: a new NK-A joins it.
            models.UniqueConstraint(
                fields=["household"],
                condition=~models.Q(stage="closed"),
                name="one_open_procedure_per_household",
            ),
            models.CheckConstraint(
                condition=models.Q(stage="closed", closed_on__isnull=False)
                | (~models.Q(stage="closed") & models.Q(closed_on__isnull=True)),
                name="closed_iff_closed_on",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED


class Participant(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    relation = models.CharField(_("relation"), max_length=150, blank=True)
    # Set for children: school and class (art. 9c data of household members).
    school = models.CharField(_("school and class"), max_length=200, blank=True)
    # Counted apart in the national reporting (persons experiencing violence).
    disabled = models.BooleanField(_("person with a disability"), default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "person", "role"], name="participant_role_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()}"


class DiagnosticGroup(models.Model):
    """Grupa diagnostyczno-pomocowa, created per procedure (art. 9a ust. 10)."""

    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE, related_name="group")
    appointed_on = models.DateField(_("appointed on"))
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(Professional, through="GroupMember", related_name="groups")

    class Meta:
        verbose_name = _("diagnostic-support group")
        verbose_name_plural = _("diagnostic-support groups")

    def __str__(self) -> str:
        return f"{self.procedure.number}"


class GroupMember(models.Model):
    group = models.ForeignKey(DiagnosticGroup, on_delete=models.CASCADE, related_name="memberships")
    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="group_memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "professional"], name="group_member_once")
        ]


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


class DeadlineQuerySet(models.QuerySet):
    def current(self):
        """Deadlines that still bind: not those of a withdrawn NK-A.

        A corrected card's deadlines move to its new version (``workflows.corrections``),
        so a superseded card has none.
        """
        return self.filter(
            models.Q(nka__isnull=True) | models.Q(nka__withdrawn_at__isnull=True),
            models.Q(protective_order__isnull=True)
            | models.Q(protective_order__withdrawn_at__isnull=True),
        )


class Deadline(models.Model):
    """One statutory deadline of one procedure, judged by the procedure's edition."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="deadlines")
    rule = models.CharField(
        max_length=30, choices=[(code.value, label) for code, label in RULE_LABELS.items()]
    )
    edition = models.CharField(max_length=8)
    starts_on = models.DateField()
    due_on = models.DateField(db_index=True)
    met_on = models.DateField(null=True, blank=True)
    # The NK-A or referral the deadline belongs to, where there can be several.
    nka = models.ForeignKey(
        "nkforms.NKA", on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    # A protective order's expiry (rule PROTECTIVE_ORDER): met on the day the order ended.
    protective_order = models.ForeignKey(
        ProtectiveOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["met_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.procedure.number} {self.rule} {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.met_on is None

    def days_late(self) -> int | None:
        """Calendar days after the due date on which it was met (negative = early)."""
        if self.met_on is None:
            return None
        return (self.met_on - self.due_on).days


class DeadlineNotice(models.Model):
    """One reminder or escalation e-mail; the unique key makes ``check_deadlines`` idempotent."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("reminder")
        ESCALATION = "escalation", _("escalation")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "kind", "recipient"], name="deadline_notice_once"
            )
        ]


class FormSubmission(models.Model):
    """A one-time form token, spent in the transaction that wrote what the form created.

    A second POST of the same form (back button, double click, a retried request) finds
    the token spent, creates nothing and goes where the first one went
    (``workflows.idempotency``).
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    redirect_to = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return self.token


class CardRouting(models.Model):
    """An NK-A routed to the team of another municipality, where its PESEL has an open case.

    The card joins that team's open procedure flagged "received from another municipality,
    to consider" (the chair decides what to do with it); the filer's own team keeps only
    the fact that it forwarded a card, and the filer gets no access to the other case. A
    card filed elsewhere is forwarded to the competent team [practice, domain note 4a].
    """

    nka = models.OneToOneField("nkforms.NKA", on_delete=models.PROTECT, related_name="routing")
    from_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="cards_forwarded", verbose_name=_("from")
    )
    to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="cards_received", verbose_name=_("to")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="cards_received"
    )
    routed_at = models.DateTimeField(_("routed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("card routed to another team")
        verbose_name_plural = _("cards routed to another team")
        ordering = ["-routed_at", "-id"]
