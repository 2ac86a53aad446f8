"""People and households: one record per person, reused across procedures and the centre.

Everything here is personal data under art. 9c of the Act on counteracting domestic
violence; read it only through selectors that check access.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from people import pesel as pesel_utils
from people.validators import validate_name, validate_phone


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")


class Household(models.Model):
    """A household (gospodarstwo domowe / rodzina): the unit a procedure is opened for."""

    label = models.CharField(_("label"), max_length=200, help_text=_("e.g. the family name"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        "workflows.Municipality",
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("municipality"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.label


class Person(models.Model):
    first_name = models.CharField(_("first name"), max_length=100, validators=[validate_name])
    last_name = models.CharField(_("surname"), max_length=150, validators=[validate_name])
    pesel = models.CharField(
        _("PESEL"), max_length=11, blank=True, null=True, unique=True, default=None
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    parents_names = models.CharField(_("parents' first names"), max_length=200, blank=True)
    address = models.CharField(_("address of residence or stay"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def date_of_birth(self) -> datetime.date | None:
        if self.birth_date:
            return self.birth_date
        if self.pesel and pesel_utils.is_valid(self.pesel):
            return pesel_utils.birth_date(self.pesel)
        return None

    def age_on(self, day: datetime.date) -> int | None:
        born = self.date_of_birth()
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PersonChange(models.Model):
    """One reconciliation: card values copied onto the shared ``Person``, old values kept.

    The shared record changes only this way (``people.services.person_reconcile``); what a
    card says stays on the card (``forms.NKAPerson``).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="changes")
    procedure = models.ForeignKey(
        "workflows.Procedure", on_delete=models.PROTECT, related_name="person_changes"
    )
    nka_person = models.ForeignKey(
        "nkforms.NKAPerson", on_delete=models.PROTECT, related_name="reconciliations"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("change of a person's record")
        verbose_name_plural = _("changes of people's records")
        ordering = ["at", "id"]
