"""Police and Military Gendarmerie protective orders and the notices of a detention
(ustawa o Policji art. 15a, 15aa–15ak): models of ``workflows``, re-exported by
``workflows.models``; the rules are in docs/rules.md, "Protective orders"."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.records import Revisable

# The four measures of an order and what each sets (ustawa o Policji art. 15aa–15aab).
ORDER_MEASURE_FIELDS = (
    "leave_home",
    "home_area",
    "no_approach",
    "approach_distance_m",
    "no_contact",
    "no_entry",
    "entry_places",
)


class ProtectiveOrder(Revisable):
    """A Police / Military Gendarmerie order against a person using domestic violence.

    The four measures may be combined on one order (ustawa o Policji art. 15aab ust. 1):
    the order to leave the shared home and the ban on approaching it, one measure with the
    area or distance to keep (art. 15aa ust. 1 and 5, "nakaz i zakaz"); the ban on
    approaching the person, with the distance in metres; the ban on contact; the ban on
    entering the school, workplace or another place the person regularly attends (art.
    15aaa [practice]; in force from 15 Aug 2023). A ban issued after the nakaz i zakaz ends
    on the day the nakaz i zakaz ends (art. 15aab ust. 3): ``ends_with``. The order loses
    force after 14 days (the day of issue not counted) unless a court extends it, and on
    pretrial detention (art. 15ak; ŻW Act art. 18k): ``ended_on`` and ``end_reason``.
    """

    class Kind(models.TextChoices):
        """The single kind of an order recorded before the measures could be combined;
        kept to read old audit events (migration 0008 mapped the rows onto the flags)."""

        LEAVE_HOME = "leave_home", _("order to leave the shared home")
        APPROACH_BAN = "approach_ban", _("ban on approaching the home and its surroundings")
        CONTACT_BAN = "contact_ban", _("ban on contact")

    class Measure(models.TextChoices):
        LEAVE_HOME = "leave_home", _("order to leave the shared home and not approach it")
        NO_APPROACH = "no_approach", _("ban on approaching the person")
        NO_CONTACT = "no_contact", _("ban on contacting the person")
        NO_ENTRY = "no_entry", _("ban on entering a school, workplace or another place")

    class Issuer(models.TextChoices):
        POLICE = "police", _("Police")
        GENDARMERIE = "military_gendarmerie", _("Military Gendarmerie")

    class EndReason(models.TextChoices):
        PRETRIAL_DETENTION = "pretrial_detention", _("pretrial detention")

    procedure = models.ForeignKey(
        "workflows.Procedure", on_delete=models.CASCADE, related_name="protective_orders"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person suspected of using violence"),
    )
    leave_home = models.BooleanField(
        _("order to leave the shared home and not approach it"), default=False
    )
    home_area = models.CharField(
        _("area or distance from the home to keep"), max_length=200, blank=True
    )
    no_approach = models.BooleanField(_("ban on approaching the person"), default=False)
    approach_distance_m = models.PositiveIntegerField(
        _("distance to keep from the person (metres)"), null=True, blank=True
    )
    no_contact = models.BooleanField(_("ban on contacting the person"), default=False)
    no_entry = models.BooleanField(
        _("ban on entering a school, workplace or another place"), default=False
    )
    entry_places = models.CharField(_("places the ban covers"), max_length=300, blank=True)
    issuer = models.CharField(_("issued by"), max_length=30, choices=Issuer.choices)
    issued_on = models.DateField(_("issued on"))
    issued_at_time = models.TimeField(_("time of issue"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"))
    court_extended_until = models.DateField(_("extended by the court until"), null=True, blank=True)
    ends_with = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ends with the order to leave the home"),
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason it ended"), max_length=30, choices=EndReason.choices, blank=True
    )
    # The NK-A the order was recorded with (its initiator, usually the police officer at the
    # intervention, recorded it when filing the card); empty when recorded in the case later.
    nka = models.ForeignKey(
        "nkforms.NKA",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protective_orders",
        verbose_name=_("recorded with the NK-A"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("protective order")
        verbose_name_plural = _("protective orders")
        indexes = [
            # The few withdrawn orders (``oversight.selectors.in_force``).
            models.Index(
                fields=["id"],
                condition=models.Q(withdrawn_at__isnull=False),
                name="protective_order_withdrawn",
            )
        ]

    @property
    def valid_until(self) -> datetime.date:
        """The last day the order binds: the court's extension, the first order's end for a
        later ban, or the 14th day; earlier when it ended (pretrial detention)."""
        if self.ends_with_id and self.ends_with is not None:
            until = self.ends_with.court_extended_until or self.expires_on
        else:
            until = self.court_extended_until or self.expires_on
        return min(until, self.ended_on) if self.ended_on else until

    @property
    def measures(self) -> list[str]:
        """The codes of the measures this order imposes (``Measure``)."""
        flags = {
            self.Measure.LEAVE_HOME: self.leave_home,
            self.Measure.NO_APPROACH: self.no_approach,
            self.Measure.NO_CONTACT: self.no_contact,
            self.Measure.NO_ENTRY: self.no_entry,
        }
        return [str(code) for code, on in flags.items() if on]

    def measure_lines(self) -> list[str]:
        """Each measure in words with its area, distance or places (for pages)."""
        lines = []
        if self.leave_home:
            lines.append(f"{self.Measure.LEAVE_HOME.label}: {self.home_area or '—'}")
        if self.no_approach:
            lines.append(f"{self.Measure.NO_APPROACH.label}: {self.approach_distance_m or '—'} m")
        if self.no_contact:
            lines.append(str(self.Measure.NO_CONTACT.label))
        if self.no_entry:
            lines.append(f"{self.Measure.NO_ENTRY.label}: {self.entry_places or '—'}")
        return lines

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.measures:
            errors["leave_home"] = _("Tick at least one measure of the order.")
        if self.leave_home and not self.home_area.strip():
            errors["home_area"] = _("Give the area or distance the order sets.")
        if self.no_approach and not self.approach_distance_m:
            errors["approach_distance_m"] = _("Give the distance in metres.")
        if self.no_entry and not self.entry_places.strip():
            errors["entry_places"] = _("Name the school, workplace or place.")
        if errors:
            raise ValidationError(errors)


class DetentionNotice(models.Model):
    """The Police's (or Military Gendarmerie's) notice to the team that a suspected person
    was detained (ustawa o Policji art. 15a ust. 4 [law, domain note 4a]). A pretrial
    detention ends the person's protective orders in force (art. 15ak)."""

    class Kind(models.TextChoices):
        ARREST = "arrest", _("detention by the Police")
        PRETRIAL_DETENTION = "pretrial_detention", _("pretrial detention")

    procedure = models.ForeignKey(
        "workflows.Procedure", on_delete=models.CASCADE, related_name="detention_notices"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person suspected of using violence"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    detained_on = models.DateField(_("detained on"))
    notified_on = models.DateField(_("notice received on"))
    notified_by = models.CharField(_("notified by"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice of a detention")
        verbose_name_plural = _("notices of a detention")

    def clean(self) -> None:
        if self.detained_on and self.notified_on and self.notified_on < self.detained_on:
            raise ValidationError({"notified_on": _("The notice cannot precede the detention.")})
