"""The procedure, its participants, its group and the cards routed to it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forms.models import Role
from workflows.models.organisation import Municipality, Professional, Team  # noqa: F401
from workflows.rules import edition_choices


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
    monitoring_off_reason = models.TextField(
        _("why there is no monitoring after closure"), max_length=2000, blank=True
    )
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
        indexes = [
            # A team's procedures newest first: the list reads its page and stops.
            models.Index(fields=["team", "-initiated_on", "-id"], name="procedure_team_newest"),
            # A team's open cases: the dashboard's counts, the requests awaiting a decision.
            models.Index(
                fields=["team"], condition=~models.Q(stage="closed"), name="procedure_team_open"
            ),
        ]
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
    # Where this procedure writes to the person (a victim's safe address): the procedure's
    # own, never copied onto the shared ``people.Person`` record that other cases read.
    correspondence_address = models.CharField(
        _("correspondence address"),
        max_length=300,
        blank=True,
        help_text=_(
            "An address the person chose for letters in this procedure, e.g. a safe address "
            "not shared with the suspect."
        ),
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "person", "role"], name="participant_role_once"
            )
        ]
        indexes = [
            # The search by name (selectors.pages._match): the cases of the people found by
            # the trigram index, probed per person with no visit to the table; with the
            # person's index alone PostgreSQL hashed every participant (issue 16).
            models.Index(fields=["person", "procedure"], name="participant_person_procedure")
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
    # Who created the group, by the team's setting on the day (art. 9a ust. 10 of the Act
    # gives it to the team; the chair may act under its authorisation [practice]). Empty
    # for a group appointed before it was recorded: its decision prints the team's setting.
    authority = models.CharField(
        _("appointed by"), max_length=10, choices=Team.GroupAuthority.choices, blank=True
    )

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


class CardRouting(models.Model):
    """An NK-A that went to the team of another municipality than the filer's.

    Two reasons (``reason``). ``residence``: the card names the victim's municipality of
    residence and that municipality's team is the competent one [practice, domain note 4a];
    the card is that team's like any other (it joins the household's open procedure there
    or opens one). ``open_case``: a listed PESEL has an open case only in another team; the
    card joins it flagged "received from another municipality, to consider" (the chair
    decides what to do with it). Either way the filer's own team keeps only the fact that
    it forwarded a card, and the filer gets no access to the other case.
    """

    class Reason(models.TextChoices):
        RESIDENCE = "residence", _("the victim lives in that municipality")
        OPEN_CASE = "open_case", _("a listed person has an open procedure there")

    nka = models.OneToOneField("nkforms.NKA", on_delete=models.PROTECT, related_name="routing")
    # Empty when the filer's own municipality has no team in the system.
    from_team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cards_forwarded",
        verbose_name=_("from"),
    )
    to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="cards_received", verbose_name=_("to")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="cards_received"
    )
    reason = models.CharField(
        _("why"), max_length=10, choices=Reason.choices, default=Reason.OPEN_CASE
    )
    routed_at = models.DateTimeField(_("routed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("card routed to another team")
        verbose_name_plural = _("cards routed to another team")
        ordering = ["-routed_at", "-id"]

    @property
    def to_consider(self) -> bool:
        """The other team's chair decides what to do with the card (it added nobody)."""
        return self.reason == self.Reason.OPEN_CASE
