"""The centre's own record of a person and its households (docs/centre.md)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.services import log_event
from centre.models import Centre, CentreHousehold, CentrePerson
from centre.services._shared import staff_centre
from people import pesel as pesel_utils
from people.models import Person, Sex
from people.validators import check_pesel_agrees, clean_name, clean_phone
from workflows import calendar
from workflows.services import ServiceError
from workflows.steps import refuse


@dataclass
class PersonData:
    first_name: str
    last_name: str
    pesel: str = ""
    birth_date: datetime.date | None = None
    sex: str = ""
    phone: str = ""
    household_id: int | None = None  # one the centre already knows
    household_label: str = ""  # or a new one


def _checked(data: PersonData) -> dict:
    """The typed data, cleaned (names NFC, phone in international form), or ``ServiceError``
    with a message next to each field that is wrong."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for field, clean in (
        ("first_name", clean_name),
        ("last_name", clean_name),
        ("phone", clean_phone),
    ):
        try:
            cleaned[field] = clean(getattr(data, field))
        except ValidationError as error:
            errors[field] = error.messages
    for field in ("first_name", "last_name"):
        if field not in errors and not cleaned[field]:
            errors[field] = [_("This field is required.")]
    pesel = data.pesel.strip()
    if pesel:
        try:
            pesel = pesel_utils.normalise(pesel)
        except ValueError:
            errors["pesel"] = [_("This PESEL number is not valid (checksum or date).")]
        else:
            for field, message in check_pesel_agrees(pesel, data.sex, data.birth_date).items():
                errors.setdefault(field, []).append(message)
    if data.sex and data.sex not in Sex.values:
        errors.setdefault("sex", []).append(_("Choose the sex."))
    if data.birth_date and data.birth_date > calendar.legal_date():
        errors.setdefault("birth_date", []).append(_("This date is in the future."))
    if errors:
        raise ServiceError(errors)
    return {**cleaned, "pesel": pesel}


def person_record(*, actor: User, data: PersonData) -> CentrePerson:
    """Record a person in the centre's register, as typed, with the centre's own household.

    Returns the centre's record. It links to the shared ``Person`` with this PESEL (or a new
    one when the PESEL is unknown or not given), so that a procedure's referral of that person
    reaches the centre; the shared record is never changed here, and nothing of it (name,
    phone, address, household) is copied into the centre's record. A PESEL the centre has
    recorded already is refused: the person is in its register.
    """
    centre = staff_centre(actor)
    typed = _checked(data)
    with transaction.atomic():
        household = _household(centre, data.household_id, data.household_label)
        pesel = typed["pesel"]
        # A person unknown to everyone gets a new shared record with what the centre typed
        # and no household (the centre's household is its own and never joins the
        # procedures'). A known PESEL only links: the shared record stays as it is.
        new_shared = {
            "first_name": typed["first_name"],
            "last_name": typed["last_name"],
            "birth_date": data.birth_date,
            "sex": data.sex,
        }
        if pesel:
            new_shared["birth_date"] = pesel_utils.birth_date(pesel)
            new_shared["sex"] = "female" if pesel_utils.sex(pesel) == "F" else "male"
            shared, created = Person.objects.get_or_create(pesel=pesel, defaults=new_shared)
            if not created and CentrePerson.objects.filter(centre=centre, person=shared).exists():
                raise refuse(
                    _("This centre has already recorded a person with this PESEL."), "pesel"
                )
        else:
            shared = Person.objects.create(pesel=None, **new_shared)
        try:
            # Two entries of the same PESEL at the same moment: the second meets the unique
            # (centre, person) constraint and gets the same answer as one a minute later.
            with transaction.atomic():
                record = CentrePerson.objects.create(
                    centre=centre,
                    person=shared,
                    first_name=typed["first_name"],
                    last_name=typed["last_name"],
                    pesel=pesel,
                    birth_date=data.birth_date,
                    sex=data.sex,
                    phone=typed["phone"],
                    household=household,
                )
        except IntegrityError as error:
            raise refuse(
                _("This centre has already recorded a person with this PESEL."), "pesel"
            ) from error
        log_event(
            action="centre.person_recorded",
            actor=actor,
            person=shared,
            payload={"centre_person": record.pk},
        )
    return record


def _household(centre: Centre, household_id: int | None, label: str) -> CentreHousehold | None:
    """A household of the centre's register by id, a new one named ``label``, or none;
    refused (next to the field) for another centre's, a bad name, or both at once."""
    if household_id and label.strip():
        raise refuse(_("Choose a household or name a new one, not both."), "household_label")
    if household_id:
        household = CentreHousehold.objects.filter(pk=household_id, centre=centre).first()
        if household is None:
            raise refuse(_("Choose a household recorded by this centre."), "household_id")
        return household
    if label.strip():
        try:
            label = clean_name(label)
        except ValidationError as error:
            raise ServiceError({"household_label": error.messages}) from error
        return CentreHousehold.objects.create(centre=centre, label=label)
    return None


def person_household_set(
    *, actor: User, person_id: int, household_id: int | None = None, household_label: str = ""
) -> CentrePerson:
    """Put the centre's record of a person in a household of the centre (a known one or a new
    one), e.g. once the family of someone who came alone is known. Only the centre's record
    changes; the statistics then count the person with that family for the whole period."""
    centre = staff_centre(actor)
    if not household_id and not household_label.strip():
        raise refuse(_("Choose a household or name a new one."), "household_id")
    with transaction.atomic():
        record = (
            CentrePerson.objects.select_for_update().filter(centre=centre, pk=person_id).first()
        )
        if record is None:
            raise PermissionDenied
        household = _household(centre, household_id, household_label)
        previous = record.household_id
        record.household = household
        record.save(update_fields=["household"])
        log_event(
            action="centre.person_household_set",
            actor=actor,
            person=record.person,
            payload={
                "centre_person": record.pk,
                "from": previous,
                "to": household.pk if household else None,
            },
        )
    return record
