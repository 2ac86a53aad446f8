"""Reconciliation: the one way what a card says about a person reaches the shared record.

A card keeps its own record of each person (``forms.NKAPerson``, frozen with the card);
the shared ``people.Person`` is never changed by typing (``people.services.person_for``).
Someone entitled to the case (the team chair or a member of the case's group; not the
initiator, not an auditor) may copy chosen card values onto the shared record. The old
values are kept twice: a ``people.PersonChange`` row and the ``person.reconciled`` audit
event, whose before/after are masked like other personal data (art. 9c of the Act: data
processed in the procedure only as far as necessary, and traceably).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from forms.models import NKAPerson
from people.models import Person, PersonChange
from workflows.figures import person_changed
from workflows.steps import User, refuse, step


@dataclass(frozen=True)
class Difference:
    field: str
    label: str
    card: object
    shared: object


def _text(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def person_differences(entry: NKAPerson) -> list[Difference]:
    """The values the card holds that the shared record does not (blank card values are no
    difference: copying them would erase what others stored)."""
    person = entry.person
    rows = []
    for name in NKAPerson.PERSON_FIELDS:
        card, shared = getattr(entry, name), getattr(person, name)
        if card in ("", None) or card == shared:
            continue
        field = NKAPerson._meta.get_field(name)
        if field.choices:
            card = dict(field.choices).get(card, card)
            shared = dict(field.choices).get(shared, shared)
        rows.append(Difference(name, str(field.verbose_name), card, shared))
    return rows


def person_reconcile(
    *, actor: User, procedure_id: int, nka_person_id: int, fields: list[str]
) -> PersonChange:
    """Copy the card's ``fields`` of ``nka_person_id`` onto the shared person.

    One transaction with the procedure locked. Raises ``PermissionDenied`` unless ``actor``
    chairs the case's team or sits in its group (auditors and initiators are refused), and
    ``ServiceError`` (key ``fields``) when nothing chosen differs. Nothing is written then.
    """
    with step(
        actor=actor, procedure_id=procedure_id, action="reconcile", event="person.reconciled"
    ) as s:
        procedure = s.procedure
        entry = (
            NKAPerson.objects.filter(pk=nka_person_id, nka__procedure=procedure)
            .select_related("nka")
            .first()
        )
        if entry is None:
            raise PermissionDenied
        entry.person = Person.objects.select_for_update().get(pk=entry.person_id)
        offered = {d.field for d in person_differences(entry)}
        unknown = set(fields) - set(NKAPerson.PERSON_FIELDS)
        chosen = [name for name in NKAPerson.PERSON_FIELDS if name in fields and name in offered]
        if unknown or not chosen:
            raise refuse(_("Choose at least one value that differs from the record."), "fields")
        person = entry.person
        before = {name: _text(getattr(person, name)) for name in chosen}
        for name in chosen:
            setattr(person, name, getattr(entry, name))
        person.full_clean(exclude=["household", "pesel"])
        person.save(update_fields=chosen)
        if {"birth_date", "sex"} & set(chosen):
            person_changed(person)  # the victims' ages and sexes in the county's statistics
        after = {name: _text(getattr(person, name)) for name in chosen}
        change = PersonChange.objects.create(
            person=person,
            procedure=procedure,
            nka_person=entry,
            changed_by=actor,
            before=before,
            after=after,
        )
        s.person = person
        s.payload = {
            "nka": entry.nka_id,
            "nka_person": entry.pk,
            "change": change.pk,
            "fields": chosen,
            "before": before,
            "after": after,
        }
    return change
