"""One record per person, shared by the procedures and the crisis centre."""

import datetime

from people import pesel as pesel_utils
from people.models import Household, Person


def person_for(
    *,
    first_name: str,
    last_name: str,
    pesel: str = "",
    birth_date: datetime.date | None = None,
    sex: str = "",
    household: Household | None = None,
    **details: str,
) -> Person:
    """Reuse the person with this PESEL, else create one; fill what the record lacks.

    ``details`` are further ``Person`` text fields (address, phone, e-mail, parents' names);
    a non-empty value replaces the stored one.
    """
    person = Person.objects.filter(pesel=pesel).first() if pesel else None
    fields = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "birth_date": birth_date or (pesel_utils.birth_date(pesel) if pesel else None),
        "sex": sex or (("female" if pesel_utils.sex(pesel) == "F" else "male") if pesel else ""),
        **details,
    }
    if person is None:
        return Person.objects.create(pesel=pesel or None, household=household, **fields)
    changed = [k for k, v in fields.items() if v and getattr(person, k) != v]
    for key in changed:
        setattr(person, key, fields[key])
    if household is not None and person.household_id is None:
        person.household = household
        changed.append("household")
    if changed:
        person.save(update_fields=changed)
    return person
