"""``people.services.persons_for``: the people of a card in one read and one INSERT, with
``person_for``'s rule exactly (a shared record found by PESEL is never rewritten)."""

import datetime
from unittest import mock

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from people.models import Person
from people.services import persons_for
from tests.factories import PersonFactory, synthetic_pesel

pytestmark = pytest.mark.django_db


def _typed(first: str, pesel: str = "", **more) -> dict:
    return {"first_name": first, "last_name": "Nowak", "pesel": pesel, **more}


def test_known_people_are_returned_unchanged_and_new_ones_made_in_one_insert():
    shared = PersonFactory(first_name="Ewa", pesel=synthetic_pesel(datetime.date(1970, 1, 2), "F"))
    fresh = synthetic_pesel(datetime.date(1980, 3, 4), "M")
    with CaptureQueriesContext(connection) as captured:
        found, new, nameless = persons_for(
            [
                _typed("Typed over", shared.pesel, address="ul. Inna 5"),
                _typed("Jan", fresh),
                _typed("Bez"),
            ]
        )
    inserts = [q["sql"] for q in captured if q["sql"].startswith('INSERT INTO "people_person"')]
    reads = [q["sql"] for q in captured if q["sql"].startswith('SELECT "people_person"')]
    assert len(inserts) == 1 and len(reads) == 1
    shared.refresh_from_db()
    assert found == shared and shared.first_name == "Ewa" and shared.address != "ul. Inna 5"
    assert found.first_name == "Ewa"  # what was typed is not even returned
    assert new.pk and new.pesel == fresh and new.sex == "male"
    assert nameless.pk and nameless.pesel is None


def test_a_pesel_typed_twice_is_one_person_with_the_first_entrys_data():
    pesel = synthetic_pesel(datetime.date(1990, 5, 6), "F")
    first, second = persons_for([_typed("Anna", pesel), _typed("Hanna", pesel)])
    assert first == second and first.first_name == "Anna"
    assert Person.objects.filter(pesel=pesel).count() == 1


def test_a_pesel_created_meanwhile_is_read_not_overwritten():
    pesel = synthetic_pesel(datetime.date(1991, 7, 8), "F")
    winner = PersonFactory(first_name="Pierwsza", pesel=pesel)
    # The read happened before the other transaction committed: the caller's ``known`` is
    # empty, the INSERT hits the unique PESEL and falls back to person_for.
    with mock.patch.object(Person.objects, "bulk_create", side_effect=IntegrityError):
        (person,) = persons_for([_typed("Druga", pesel)], known={})
    assert person == winner and person.first_name == "Pierwsza"
