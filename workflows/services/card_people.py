"""The people of a filed NK-A: the shared records, the card's own entries, the participants.

Written by ``initiation.procedure_initiate`` inside its transaction, one INSERT each: the
shared people (``people.services.persons_for``: found by PESEL and never changed, or new),
what the card says of each (``NKAPerson``), and each person's part in the procedure.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from forms.models import NKA, NKAPerson
from people import pesel as pesel_utils
from people.models import Household, Person
from people.services import persons_for
from workflows.models import Participant, Procedure


def card_people_record(
    nka: NKA,
    people: Sequence[NKAPerson],
    *,
    household: Household | None,
    known: dict[str, Person],
    procedure: Procedure | None,
    new_procedure: bool,
) -> None:
    """Save the card's ``people`` (unsaved entries) for the saved card ``nka``: their shared
    records (``known``: those already read by PESEL; new ones join ``household``), the
    entries, and, unless ``procedure`` is ``None`` (a routed card), their participation in
    it (``new_procedure``: it has no participants yet)."""
    persons = persons_for([_typed(entry, household) for entry in people], known=known)
    listed = list(zip(persons, people, strict=True))
    NKAPerson.objects.bulk_create([_card_entry(nka, person, entry) for person, entry in listed])
    if procedure is not None:
        _participants_add(procedure, listed, new=new_procedure)


def _typed(entry: NKAPerson, household: Household | None) -> dict[str, Any]:
    """What the card says of one person, as ``people.services.person_for`` takes it (the
    shared person with this PESEL, unchanged, else a new one from the card)."""
    return {
        "first_name": entry.first_name,
        "last_name": entry.last_name,
        "pesel": entry.pesel,
        "birth_date": entry.birth_date,
        "sex": entry.sex,
        "household": household,
        "parents_names": entry.parents_names,
        "address": entry.address,
        "phone": entry.phone,
        "email": entry.email,
    }


def _participants_add(
    procedure: Procedure, listed: Iterable[tuple[Person, NKAPerson]], *, new: bool
) -> None:
    """Each listed person takes part in ``procedure`` in the role the card gives, unless they
    already do (a joined card; the procedure is locked, so nobody adds them meanwhile): one
    read of the procedure's participants (none for a ``new`` procedure), one INSERT."""
    taken = (
        set()
        if new
        else set(Participant.objects.filter(procedure=procedure).values_list("person_id", "role"))
    )
    added = []
    for person, entry in listed:
        if (person.pk, entry.role) in taken:
            continue
        taken.add((person.pk, entry.role))
        added.append(
            Participant(
                procedure=procedure,
                person=person,
                role=entry.role,
                relation=entry.relation,
                school=entry.school,
                disabled=entry.disabled,
            )
        )
    Participant.objects.bulk_create(added)


def _card_entry(nka: NKA, person: Person, entry: NKAPerson) -> NKAPerson:
    """The card's own record of one person, as typed (the PESEL's date and sex when blank),
    to be saved with the others."""
    if entry.pesel:
        entry.birth_date = entry.birth_date or pesel_utils.birth_date(entry.pesel)
        entry.sex = entry.sex or ("female" if pesel_utils.sex(entry.pesel) == "F" else "male")
    entry.nka = nka
    entry.person = person
    return entry


__all__ = ["card_people_record"]
