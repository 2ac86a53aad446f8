"""One record per person, shared by the procedures and the crisis centre.

Typing never rewrites the shared record: a card or a centre entry keeps what it was told
as its own record, and the shared ``Person`` changes only through an explicit, audited
reconciliation by someone entitled to the case (``workflows.reconcile.person_reconcile``).
"""

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
    """The shared person with this PESEL, unchanged; else a new person from the typed data.

    A person found by PESEL is returned as stored: not the name, the phone, the address nor
    the household is touched, whatever was typed (a PESEL typed by someone who does not know
    the person must neither rewrite nor reveal them). Without a PESEL a new person is always
    created: people are never matched by name. ``household`` and ``details`` (further
    ``Person`` text fields: address, phone, e-mail, parents' names) apply to a new person
    only.
    """
    fields = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "birth_date": birth_date or (pesel_utils.birth_date(pesel) if pesel else None),
        "sex": sex or (("female" if pesel_utils.sex(pesel) == "F" else "male") if pesel else ""),
        "household": household,
        **details,
    }
    if not pesel:
        return Person.objects.create(pesel=None, **fields)
    # get_or_create retries the read when a concurrent insert wins the unique PESEL.
    person, _created = Person.objects.get_or_create(pesel=pesel, defaults=fields)
    return person
