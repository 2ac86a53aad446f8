"""One record per person, shared by the procedures and the crisis centre.

Typing never rewrites the shared record: a card or a centre entry keeps what it was told
as its own record, and the shared ``Person`` changes only through an explicit, audited
reconciliation by someone entitled to the case (``workflows.reconcile.person_reconcile``).
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction

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
    fields = _new_fields(first_name, last_name, pesel, birth_date, sex, household, details)
    if not pesel:
        return Person.objects.create(pesel=None, **fields)
    # get_or_create retries the read when a concurrent insert wins the unique PESEL.
    person, _created = Person.objects.get_or_create(pesel=pesel, defaults=fields)
    return person


def _new_fields(
    first_name: str,
    last_name: str,
    pesel: str,
    birth_date: datetime.date | None,
    sex: str,
    household: Household | None,
    details: dict[str, str],
) -> dict[str, Any]:
    """The fields of a new person from what was typed (the PESEL's date and sex when blank)."""
    return {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "birth_date": birth_date or (pesel_utils.birth_date(pesel) if pesel else None),
        "sex": sex or (("female" if pesel_utils.sex(pesel) == "F" else "male") if pesel else ""),
        "household": household,
        **details,
    }


def persons_by_pesel(pesels: Iterable[str]) -> dict[str, Person]:
    """The shared people with these PESELs (with their households), in one query."""
    wanted = sorted({p for p in pesels if p})
    if not wanted:
        return {}
    found = Person.objects.filter(pesel__in=wanted).select_related("household")
    return {person.pesel: person for person in found if person.pesel}


def persons_for(
    typed: Sequence[dict[str, Any]], *, known: dict[str, Person] | None = None
) -> list[Person]:
    """``person_for`` for each of ``typed`` (its keyword arguments), in order, in one read
    and one INSERT: the people found by PESEL (``known`` when the caller read them with
    ``persons_by_pesel``) are returned unchanged, the others are created together. The
    rule is ``person_for``'s exactly: a shared record is never rewritten by what was typed,
    and a PESEL typed twice is one person (the first entry's data). When another
    transaction creates one of these PESELs meanwhile, the insert is undone (its savepoint)
    and each person is taken as ``person_for`` takes it, which reads the winner's record.
    """
    by_pesel = (
        dict(known) if known is not None else persons_by_pesel(t.get("pesel") or "" for t in typed)
    )
    new: list[Person] = []
    slots: list[Person | str | int] = []  # a known person, a new PESEL, or a new index
    for entry in typed:
        pesel = entry.get("pesel") or ""
        if pesel and pesel in by_pesel:
            slots.append(by_pesel[pesel])
            continue
        if pesel and any(p.pesel == pesel for p in new):
            slots.append(pesel)
            continue
        details = {k: v for k, v in entry.items() if k not in _TYPED}
        fields = _new_fields(
            entry["first_name"],
            entry["last_name"],
            pesel,
            entry.get("birth_date"),
            entry.get("sex", ""),
            entry.get("household"),
            details,
        )
        slots.append(len(new))
        new.append(Person(pesel=pesel or None, **fields))
    if new:
        try:
            with transaction.atomic():
                Person.objects.bulk_create(new)
        except IntegrityError:  # a PESEL created meanwhile: one by one, as person_for does
            return [person_for(**entry) for entry in typed]
    created = {p.pesel: p for p in new if p.pesel}
    return [
        slot if isinstance(slot, Person) else created[slot] if isinstance(slot, str) else new[slot]
        for slot in slots
    ]


_TYPED = frozenset({"first_name", "last_name", "pesel", "birth_date", "sex", "household"})
