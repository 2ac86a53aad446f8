"""The statutory forms of the regulation Dz.U. 2023 poz. 1870 (annexes 1–4).

Each form row records its ``edition``; the printed document carries the official title and
legal basis of that edition (documents app).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.dates import shown_date
from core.records import Revisable
from forms.choices import Programme
from people.models import Sex
from people.validators import validate_name, validate_phone

# The statutory vocabulary of NK-A lives here, below the workflow: who fills the card
# (section XIV's sectors) and who is on it (the roles). ``workflows.models`` re-exports
# these names; the forms import nothing from the workflow.


class Sector(models.TextChoices):
    """Sectors that may fill NK-A (NK-A section XIV) and that statistics count by."""

    SOCIAL_ASSISTANCE = "social_assistance", _("social assistance")
    ALCOHOL_COMMISSION = "alcohol_commission", _("municipal alcohol-problems commission")
    POLICE = "police", _("Police")
    MILITARY_GENDARMERIE = "military_gendarmerie", _("Military Gendarmerie")
    EDUCATION = "education", _("education")
    HEALTH_CARE = "health_care", _("health care")
    PSYCHOLOGY = "psychology", _("psychologist or therapist")
    CRISIS_CENTRE = "crisis_centre", _("crisis intervention centre")
    JUSTICE = "justice", _("probation service")
    OTHER = "other", _("other")


class Role(models.TextChoices):
    VICTIM = "victim", _("person experiencing violence")
    MINOR_WITNESS = "minor_witness", _("minor witness (a victim, art. 2 ust. 2)")
    SUSPECT = "suspect", _("person suspected of using violence")
    HOUSEHOLD_MEMBER = "household_member", _("household member")
    CHILD = "child", _("child in the household")


VICTIM_ROLES = frozenset({Role.VICTIM, Role.MINOR_WITNESS})


class ViolenceForm(models.TextChoices):
    """NK-A section IV: forms of domestic violence (art. 2 ust. 1 pkt 1 of the Act)."""

    PHYSICAL = "physical", _("physical")
    PSYCHOLOGICAL = "psychological", _("psychological")
    SEXUAL = "sexual", _("sexual")
    ECONOMIC = "economic", _("economic")
    ELECTRONIC = "electronic", _("by means of electronic communication")
    OTHER = "other", _("other (e.g. neglect)")


class VictimPresence(models.TextChoices):
    """Whether the adult victim was present when NK-A was filled (§ 2 ust. 5–6 of Dz.U. 2023
    poz. 1870: the card is filled in the adult victim's presence; when that is impossible, as
    soon as direct contact is made or the cause ends)."""

    PRESENT = "present", _("the adult victim was present")
    ABSENT = "absent", _("the adult victim was not present")
    NO_ADULT_VICTIM = "no_adult_victim", _("no adult victim is listed on the card")


class VictimAbsenceReason(models.TextChoices):
    """Why NK-A was filled without the adult victim: the three causes of § 2 ust. 6."""

    ABSENCE = "absence", _("the victim was absent")
    HEALTH = "health", _("the victim's state of health")
    DANGER = "danger", _("danger to the victim's life or health")


class NKA(Revisable):
    """„Niebieska Karta – A" (annex 1): starts the procedure at the moment it is filled."""

    procedure = models.ForeignKey(
        "workflows.Procedure", on_delete=models.PROTECT, related_name="nka_forms"
    )
    edition = models.CharField(_("edition"), max_length=8)
    filled_at = models.DateTimeField(_("filled at"))
    place = models.CharField(_("place of filling"), max_length=200)
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nka_filled"
    )
    initiator_sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    initiator_institution = models.CharField(_("institution"), max_length=200)
    # Decides the competent team: the team of the municipality where the victim lives
    # [practice, domain note 4a]; the filer's own municipality by default. Kept on the card,
    # never on the shared person record. Empty on cards filed before it was asked.
    victim_municipality = models.ForeignKey(
        "workflows.Municipality",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("municipality where the victim lives"),
    )
    # Incident
    incident_date = models.DateField(_("date of the incident"))
    incident_place = models.CharField(_("place of the incident"), max_length=200)
    incident_description = models.TextField(_("course of events"), max_length=5000)
    # IV forms of violence
    violence_forms = models.JSONField(_("forms of violence"), default=list)
    violence_other = models.CharField(_("other forms (describe)"), max_length=500, blank=True)
    # V injuries
    visible_injuries = models.BooleanField(_("visible injuries"), default=False)
    medical_help_given = models.BooleanField(_("medical help given"), default=False)
    medical_certificate = models.BooleanField(_("medical certificate issued"), default=False)
    # alcohol / substances at the time
    suspect_under_influence = models.BooleanField(
        _("suspect under the influence of alcohol or other substances"), default=False
    )
    victim_under_influence = models.BooleanField(
        _("victim under the influence of alcohol or other substances"), default=False
    )
    # VIII firearm
    suspect_has_firearm = models.BooleanField(
        _("suspect has a firearm or access to one"), default=False
    )
    # IX feeling of safety
    victim_feels_in_danger = models.BooleanField(
        _("victim feels their life or health is in danger"), default=False
    )
    # X witnesses
    witnesses = models.TextField(_("witnesses (including children)"), max_length=2000, blank=True)
    # Actions at the intervention
    police_called = models.BooleanField(_("police called"), default=False)
    protective_order_issued = models.BooleanField(_("protective order issued"), default=False)
    suspect_detained = models.BooleanField(_("suspect detained"), default=False)
    shelter_arranged = models.BooleanField(_("shelter arranged"), default=False)
    # XIII additional information
    additional_info = models.TextField(_("additional information"), max_length=5000, blank=True)
    # § 2 ust. 5–6: the adult victim's presence when the card was filled
    # Empty only on the cards filed before this was asked (migration 0006): not recorded.
    victim_presence = models.CharField(
        _("adult victim's presence when the card was filled"),
        max_length=20,
        choices=VictimPresence.choices,
        default=VictimPresence.PRESENT,
        null=True,
        help_text=_("§ 2 ust. 5–6 of the regulation."),
    )
    victim_absence_reason = models.CharField(
        _("why the adult victim was not present"),
        max_length=20,
        choices=VictimAbsenceReason.choices,
        blank=True,
    )
    victim_contact_on = models.DateField(
        _("direct contact with the adult victim made on"),
        null=True,
        blank=True,
        help_text=_("When the victim was not present: the day direct contact was made, if it was."),
    )
    # Whether the suspect was present when the card was filled: when not, the group notifies
    # them of the initiation (rule ``suspect_notice``, 2023 edition). The cards filed before
    # this was asked read "present" (migration 0007): no notice deadline is opened for them.
    suspect_present = models.BooleanField(
        _("the suspected person was present when the card was filled"),
        null=True,
        default=True,
    )
    # NK-B (annex 2): record of the handout
    nkb_handed = models.BooleanField(_("NK-B handed over"), default=False)
    nkb_handed_to = models.CharField(_("NK-B handed to"), max_length=200, blank=True)
    nkb_not_handed_reason = models.CharField(
        _("why NK-B was not handed over"), max_length=300, blank=True
    )
    # Transfer of the original to the chair (§ 7)
    transferred_on = models.DateField(_("original sent to the chair on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("NK-A form")
        verbose_name_plural = _("NK-A forms")
        ordering = ["filled_at", "id"]
        indexes = [
            # The few withdrawn cards: "deadlines in force" as an anti-join against these
            # (``oversight.selectors.in_force``), not a join of every card (issue 16).
            models.Index(
                fields=["id"], condition=models.Q(withdrawn_at__isnull=False), name="nka_withdrawn"
            ),
            # The cards filled in a period (the centre's statistics, ``calendar.legal_days``):
            # as many as the period holds, not every card of the county.
            models.Index(
                fields=["filled_at"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="nka_filled_current",
            ),
        ]

    def __str__(self) -> str:
        return f"NK-A {self.procedure.number} ({shown_date(self.filled_at)})"

    def violence_forms_display(self) -> list[str]:
        """The forms of violence ticked, by their names in the active language (never codes)."""
        labels = dict(ViolenceForm.choices)
        return [str(labels.get(code, code)) for code in self.violence_forms]


class NKAPerson(models.Model):
    """A person listed on one NK-A (victims, suspects, other household members).

    The card's own record of the person, as the initiator typed it and frozen with the
    card (§ 2 ust. 4 of Dz.U. 2023 poz. 1870: the card lists every victim and suspect).
    ``person`` links the shared record; typing a card never changes it, only an explicit
    reconciliation does (``people.services.person_reconcile``).
    """

    nka = models.ForeignKey(NKA, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    first_name = models.CharField(_("first name"), max_length=100, validators=[validate_name])
    last_name = models.CharField(_("surname"), max_length=150, validators=[validate_name])
    pesel = models.CharField(_("PESEL"), max_length=11, blank=True)
    birth_date = models.DateField(
        _("date of birth"), null=True, blank=True, help_text=_("When there is no PESEL.")
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    parents_names = models.CharField(_("parents' first names"), max_length=200, blank=True)
    address = models.CharField(_("address of residence or stay"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    relation = models.CharField(_("relation to the suspect / victim"), max_length=150, blank=True)
    school = models.CharField(_("school and class"), max_length=200, blank=True)
    disabled = models.BooleanField(_("person with a disability"), default=False)

    # The fields a reconciliation may copy onto the shared ``people.Person``.
    PERSON_FIELDS = (
        "first_name",
        "last_name",
        "birth_date",
        "sex",
        "parents_names",
        "address",
        "phone",
        "email",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nka", "person", "role"], name="nka_person_once")
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class NKC(models.Model):
    """„Niebieska Karta – C" (annex 3): filled with the victim at the victim's meeting."""

    procedure = models.ForeignKey(
        "workflows.Procedure", on_delete=models.PROTECT, related_name="nkc_forms"
    )
    meeting = models.OneToOneField(
        "workflows.Meeting", on_delete=models.PROTECT, related_name="nkc"
    )
    victim = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    edition = models.CharField(_("edition"), max_length=8)
    situation = models.TextField(
        _("family, housing, health and income situation"), max_length=10000
    )
    first_act = models.TextField(_("the first act of violence"), max_length=5000)
    repeated_acts = models.TextField(_("repeated acts"), max_length=5000, blank=True)
    most_dangerous_act = models.TextField(_("the most dangerous act"), max_length=5000, blank=True)
    last_act = models.TextField(_("the last act"), max_length=5000)
    needs = models.TextField(_("the victim's needs and expectations"), max_length=5000)
    risk_assessment = models.TextField(_("assessment of risk"), max_length=5000)
    # Safety plan: no statutory template; part of the help plan.
    safety_how_to_act = models.TextField(_("how to act in danger"), max_length=5000)
    safety_contacts = models.TextField(_("safe contacts"), max_length=2000, blank=True)
    safety_place = models.TextField(_("safe place"), max_length=2000, blank=True)
    safety_documents_ready = models.BooleanField(_("documents and money kept ready"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("NK-C form")
        verbose_name_plural = _("NK-C forms")


class HelpPlanItem(Revisable):
    """One action of the individual help plan (indywidualny plan pomocy)."""

    class FormOfHelp(models.TextChoices):
        """Forms of help under art. 3 of the Act."""

        MEDICAL = "medical", _("medical help")
        PSYCHOLOGICAL = "psychological", _("psychological counselling")
        LEGAL = "legal", _("legal counselling")
        SOCIAL = "social", _("social counselling")
        VOCATIONAL = "vocational", _("vocational counselling")
        FAMILY = "family", _("family counselling")
        CRISIS = "crisis_intervention", _("crisis intervention")
        PROTECTION = "protection", _("protection measures")
        SHELTER = "shelter", _("shelter")
        HOUSING = "housing", _("help with housing")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("carried out")
        DROPPED = "dropped", _("dropped, with a reason")

    procedure = models.ForeignKey(
        "workflows.Procedure", on_delete=models.CASCADE, related_name="help_plan_items"
    )
    # The plan belongs to the victim it was agreed with (a child's plan: the child's NK-C).
    nkc = models.ForeignKey(
        NKC,
        on_delete=models.CASCADE,
        related_name="plan_items",
        verbose_name=_("whose plan: the victim's NK-C"),
    )
    form_of_help = models.CharField(_("form of help"), max_length=30, choices=FormOfHelp.choices)
    action = models.CharField(_("action"), max_length=500)
    responsible = models.CharField(_("responsible institution or person"), max_length=200)
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    status_note = models.CharField(_("status note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("help plan item")
        verbose_name_plural = _("help plan items")
        ordering = ["due_on", "id"]


class HelpPlanStatusChange(models.Model):
    """One change of a help-plan action's status, with its note: the notes are never lost."""

    item = models.ForeignKey(HelpPlanItem, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=10, choices=HelpPlanItem.Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=HelpPlanItem.Status.choices)
    note = models.CharField(_("status note"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("help plan status change")
        verbose_name_plural = _("help plan status changes")
        ordering = ["changed_at", "id"]


class NKD(models.Model):
    """„Niebieska Karta – D" (annex 4): filled with the suspect at a separate meeting."""

    procedure = models.ForeignKey(
        "workflows.Procedure", on_delete=models.PROTECT, related_name="nkd_forms"
    )
    meeting = models.OneToOneField(
        "workflows.Meeting", on_delete=models.PROTECT, related_name="nkd"
    )
    suspect = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    edition = models.CharField(_("edition"), max_length=8)
    appeared = models.BooleanField(_("the suspect appeared"), default=True)
    situation = models.TextField(_("the suspect's situation"), max_length=5000, blank=True)
    substances = models.TextField(_("alcohol, drugs, medicines"), max_length=5000, blank=True)
    consequences_explained = models.BooleanField(
        _("legal consequences and the duty to stop the violence explained"), default=False
    )
    statement = models.TextField(_("the suspect's statement"), max_length=5000, blank=True)
    agreed_programme = models.CharField(
        _("programme agreed"),
        max_length=30,
        blank=True,
        choices=Programme.choices,
    )
    agreed_alcohol_commission = models.BooleanField(
        _("referral to the alcohol commission agreed"), default=False
    )
    agreed_other = models.TextField(_("other actions agreed"), max_length=5000, blank=True)
    # When the suspect did not appear the group notifies them of the initiation.
    initiation_notice_sent_on = models.DateField(
        _("notification of initiation sent on"),
        null=True,
        blank=True,
        help_text=_("Only when the suspect did not appear."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("NK-D form")
        verbose_name_plural = _("NK-D forms")
