"""The crisis intervention centre's own register (ośrodek interwencji kryzysowej, OIK).

Duty log, consultations, therapy courses, groups, the hostel and prevention events. What the
centre knows of a person is its own record (``CentrePerson``: the name, PESEL, phone and
household as its staff typed them) and the centre sees only the people it has recorded
itself. Each record links to the shared ``people.Person`` (matched by PESEL) so that a
procedure's referral can be answered, but the centre never reads or changes the shared
record's data. The hostel's address and the fact of a stay are visible to the centre's staff
only.

Changes go through ``centre.services``; reads through ``centre.selectors``.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from people import pesel as pesel_utils
from people.models import Sex


class Centre(models.Model):
    name = models.CharField(_("name"), max_length=200)
    county = models.CharField(_("county"), max_length=150)
    municipality = models.ForeignKey(
        "workflows.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("seat (municipality)"),
    )
    address = models.CharField(_("public address"), max_length=300)
    open_around_the_clock = models.BooleanField(_("open 24 hours a day"), default=True)
    hostel_address = models.CharField(
        _("hostel address"),
        max_length=300,
        blank=True,
        help_text=_("Confidential: shown to the centre's staff only, never on a document."),
    )
    hostel_limit_months = models.PositiveSmallIntegerField(
        _("hostel stay limit (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("At most 3 months (art. 47 of the Social Assistance Act)."),
    )

    class Meta:
        verbose_name = _("crisis intervention centre")
        verbose_name_plural = _("crisis intervention centres")

    def __str__(self) -> str:
        return self.name


class CentreStaff(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="centre_staff"
    )
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="staff")
    function = models.CharField(_("function"), max_length=100)

    class Meta:
        verbose_name = _("centre staff member")
        verbose_name_plural = _("centre staff")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.function})"


class CentreHousehold(models.Model):
    """A household (family) as the centre has recorded it: its own, never a procedure's."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="households")
    label = models.CharField(_("label"), max_length=200, help_text=_("e.g. the family name"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.label


class CentrePerson(models.Model):
    """A person the centre has recorded: the only people its staff can pick or see.

    The fields are the centre's own record, kept as typed: the centre's pages, forms,
    pickers and statistics read them, never the shared ``Person`` (whose data others typed).
    ``person`` is the shared record (found by PESEL or created new), the link through which a
    procedure's referral reaches the centre; a centre entry never changes it.
    """

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("surname"), max_length=150)
    pesel = models.CharField(_("PESEL"), max_length=11, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    household = models.ForeignKey(
        CentreHousehold,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    first_seen_on = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["centre", "last_name", "first_name"])]
        constraints = [
            models.UniqueConstraint(fields=["centre", "person"], name="centre_person_once")
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    def date_of_birth(self) -> datetime.date | None:
        """The typed date of birth, else the one the typed PESEL encodes."""
        if self.birth_date:
            return self.birth_date
        if self.pesel and pesel_utils.is_valid(self.pesel):
            return pesel_utils.birth_date(self.pesel)
        return None


class Contact(models.Model):
    """One entry of the duty log: anyone who reached the centre, at any hour."""

    class Channel(models.TextChoices):
        WALK_IN = "walk_in", _("came in person")
        PHONE = "phone", _("phone")
        POLICE = "police", _("brought by the police")
        SOCIAL_WELFARE = "social_welfare", _("referred by social welfare")
        EMAIL = "email", _("e-mail")

    class Outcome(models.TextChoices):
        CONSULTATION = "consultation", _("consultation")
        INTERVENTION = "intervention", _("crisis intervention")
        HOSTEL = "hostel", _("hostel admission")
        NKA = "nka", _("NK-A initiated")
        REFERRAL = "referral", _("referred elsewhere")
        INFORMATION = "information", _("information given")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="contacts")
    at = models.DateTimeField(_("when"))
    channel = models.CharField(_("how"), max_length=20, choices=Channel.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("on duty"),
    )
    person = models.ForeignKey(
        CentrePerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    reason = models.CharField(pgettext_lazy("centre", "reason"), max_length=300)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("duty log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["centre", "at"])]


class Consultation(models.Model):
    class Kind(models.TextChoices):
        PSYCHOLOGICAL = "psychological", pgettext_lazy("consultation", "psychological")
        PEDAGOGICAL = "pedagogical", pgettext_lazy("consultation", "pedagogical")
        LEGAL = "legal", pgettext_lazy("consultation", "legal")
        SOCIAL = "social", pgettext_lazy("consultation", "social")
        THERAPEUTIC = "therapeutic", pgettext_lazy("consultation", "therapeutic")
        CRISIS = "crisis", pgettext_lazy("consultation", "crisis intervention")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        PHONE = "phone", _("by phone")
        FIELD = "field", _("field intervention")

    class FieldReason(models.TextChoices):
        SUICIDE = "suicide", _("suicide in the family")
        FATAL_ACCIDENT = "fatal_accident", _("fatal accident")
        RAPE = "rape", _("rape")
        VIOLENCE = "violence", _("domestic violence")
        OTHER = "other", _("other crisis")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="consultations")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    place = models.CharField(_("place (field intervention)"), max_length=200, blank=True)
    field_reason = models.CharField(
        _("reason (field intervention)"), max_length=20, choices=FieldReason.choices, blank=True
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="consultations"
    )
    notes = models.TextField(_("notes"), blank=True)
    # The procedure an NK-A filled after this consultation opened or joined.
    procedure = models.ForeignKey(
        "workflows.Procedure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["centre", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mode="field") | ~models.Q(place=""),
                name="field_intervention_has_a_place",
            )
        ]


class ConsultationPerson(models.Model):
    """Who a consultation was for (the centre's record of each person)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="clients")
    person = models.ForeignKey(CentrePerson, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "person"], name="consultation_person_once"
            )
        ]
        indexes = [models.Index(fields=["person"])]


class TherapyCourse(models.Model):
    """Short-term individual or family therapy; may end with a referral to long-term therapy."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("individual")
        FAMILY = "family", _("family")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="therapy_courses")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("therapist"),
    )
    person = models.ForeignKey(
        CentrePerson, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    referred_to = models.CharField(
        _("referred to long-term therapy at"), max_length=200, blank=True
    )

    class Meta:
        verbose_name = _("therapy course")
        verbose_name_plural = _("therapy courses")
        ordering = ["-started_on", "-id"]


class TherapySession(models.Model):
    course = models.ForeignKey(TherapyCourse, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    class Meta:
        ordering = ["held_on", "id"]


class Group(models.Model):
    class Kind(models.TextChoices):
        SUPPORT = "support", _("support group")
        PSYCHO_EDUCATIONAL = "psycho_educational", _("psycho-educational group")
        CORRECTIONAL = "correctional_educational", _("correctional-educational group")
        WORKSHOP = "workshop", _("skills workshop")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="groups")
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leader"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups and workshops")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(
        CentrePerson, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    enrolled_on = models.DateField(_("enrolled on"))
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    left_on = models.DateField(_("left without finishing on"), null=True, blank=True)
    # A correctional-educational enrolment answers a referral from a procedure (art. 9b).
    referral = models.OneToOneField(
        "workflows.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolment",
        verbose_name=_("referral"),
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="enrolment_once")]


class GroupSession(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    present = models.ManyToManyField(Enrolment, blank=True, related_name="sessions_attended")

    class Meta:
        ordering = ["held_on", "id"]


class HostelPlace(models.Model):
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="places")
    room = models.CharField(_("room"), max_length=20)
    bed = models.CharField(_("bed"), max_length=20)

    class Meta:
        verbose_name = _("hostel place")
        verbose_name_plural = _("hostel places")
        ordering = ["room", "bed"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "room", "bed"], name="hostel_bed_once")
        ]

    def __str__(self) -> str:
        return f"{self.room}/{self.bed}"


class HostelStay(models.Model):
    """A stay of one person (with the children who came along, each on a place of their own)."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="stays")
    person = models.ForeignKey(
        CentrePerson, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    place = models.ForeignKey(
        HostelPlace, on_delete=models.PROTECT, related_name="stays", verbose_name=_("place")
    )
    # A child's stay points to the adult's stay it came with.
    accompanying = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    admitted_on = models.DateField(_("admitted on"))
    planned_end_on = models.DateField(_("planned end"))
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    reason = models.CharField(_("reason for the stay"), max_length=300)
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("hostel stay")
        verbose_name_plural = _("hostel stays")
        ordering = ["-admitted_on", "-id"]
        indexes = [models.Index(fields=["centre", "admitted_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end_on__gte=models.F("admitted_on")),
                name="stay_ends_after_admission",
            ),
            models.CheckConstraint(
                condition=models.Q(discharged_on__isnull=True)
                | models.Q(discharged_on__gte=models.F("admitted_on")),
                name="discharge_after_admission",
            ),
        ]


class StayExtension(models.Model):
    """The only way a stay passes the centre's limit: a new end with its justification."""

    stay = models.ForeignKey(HostelStay, on_delete=models.CASCADE, related_name="extensions")
    previous_end_on = models.DateField()
    new_end_on = models.DateField(_("new planned end"))
    justification = models.TextField(_("justification"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(justification=""), name="extension_is_justified"
            )
        ]


class PreventionEvent(models.Model):
    class Audience(models.TextChoices):
        CHILDREN = "children", _("children")
        YOUTH = "youth", _("youth")
        PARENTS = "parents", _("parents")
        TEACHERS = "teachers", _("teachers")
        PEDAGOGUES = "pedagogues", _("pedagogues")
        PROBATION_OFFICERS = "probation_officers", _("probation officers")
        POLICE_OFFICERS = "police_officers", _("police officers")
        SOCIAL_WORKERS = "social_workers", _("social workers")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="prevention_events")
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    audience = models.CharField(_("audience"), max_length=30, choices=Audience.choices)
    participants = models.PositiveIntegerField(
        _("participants"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("prevention or training event")
        verbose_name_plural = _("prevention and training events")
        ordering = ["-held_on", "-id"]
