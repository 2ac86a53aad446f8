"""How a household is named on the pages of those who see its case.

A surname alone does not tell two families apart (two "Nowicka" cases in one list look the
same), so pages name a household by its label, its municipality and the initials of the first
person experiencing violence recorded in the case: "Nowicka — Gmina Przykładowo, A.N.".
Initials reveal nothing a reader of the case does not already see; the name is for pages
only, never for documents (a letter to a suspect must not carry the victim's initials).
"""

from collections.abc import Iterable

from django.db.models import Prefetch, prefetch_related_objects

from workflows.models import VICTIM_ROLES, Participant, Procedure

# The attribute ``household_names_load`` fills on each procedure.
VICTIMS_ATTR = "victims_for_household_name"


def _victims_of_cases():
    """The victims (and child witnesses) of the cases, first recorded first."""
    return Participant.objects.filter(role__in=VICTIM_ROLES).select_related("person").order_by("id")


def _victims() -> Prefetch:
    return Prefetch("participants", queryset=_victims_of_cases(), to_attr=VICTIMS_ATTR)


def household_names_load(*, procedures: Iterable[Procedure]) -> None:
    """Read what ``household_name`` needs for all ``procedures`` at once (a fixed number of
    queries, whatever their count): their household, its municipality and their victims."""
    procedures = [p for p in procedures if p is not None]
    if procedures:
        prefetch_related_objects(procedures, "household__municipality", _victims())


def initials(first_name: str, last_name: str) -> str:
    """'Anna', 'Nowicka-Kos' → 'A.N.'"""
    return "".join(f"{name.strip()[:1].upper()}." for name in (first_name, last_name) if name)


def household_name(procedure: Procedure) -> str:
    """'Nowicka — Gmina Przykładowo, A.N.': the household's label, its municipality and the
    initials of the case's first recorded victim (left out while none is recorded).

    Reads the household and the victims unless ``household_names_load`` already did.
    """
    household = procedure.household
    victims = getattr(procedure, VICTIMS_ATTR, None)
    if victims is None:
        # Kept on the procedure: a page that names its case twice (title and heading) reads
        # the first victim once.
        victims = list(_victims_of_cases().filter(procedure=procedure)[:1])
        setattr(procedure, VICTIMS_ATTR, victims)
    parts = [household.municipality.name]
    if victims:
        person = victims[0].person
        parts.append(initials(person.first_name, person.last_name))
    return f"{household.label} — {', '.join(parts)}"
