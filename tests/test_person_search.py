# ruff: noqa: F811 - the fixtures of tests/test_centre.py, imported by name
"""The person pickers' search-as-you-type (centre/static/centre/person-search.js): a JSON of
the centre's own records for its staff only, each search one read event; the pickers carry
the script's attributes and the page still holds the whole list without JavaScript."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders

from audit.models import AuditEvent
from centre.models import Centre, CentreStaff
from tests.factories import UserFactory
from tests.test_centre import centre, person, staff  # noqa: F401 - fixtures
from workflows import calendar

pytestmark = pytest.mark.django_db

URL = "/centre/people/search/"


@pytest.fixture
def people(staff):
    today = calendar.legal_date()
    adult = person(staff, "Beata", "Szukana", datetime.date(1985, 3, 3))
    child = person(staff, "Kuba", "Szukany", today.replace(year=today.year - 8, day=1), "M")
    other = person(staff, "Ewa", "Inna", datetime.date(1990, 1, 1))
    return adult, child, other


def test_staff_finds_the_centres_people_by_name_and_the_read_is_logged(client, staff, people):
    adult, child, other = people
    client.force_login(staff)

    answer = client.get(URL, {"q": "szuk"})

    assert answer["Content-Type"] == "application/json"
    assert answer["Cache-Control"] == "private, no-store"
    found = {row["id"]: row["label"] for row in answer.json()["results"]}
    assert set(found) == {adult.pk, child.pk}
    assert found[adult.pk] == "Szukana Beata (1985)"
    event = AuditEvent.objects.filter(action="centre.person_searched").latest("id")
    assert sorted(event.payload["shown"]["people"]) == sorted([adult.person_id, child.person_id])
    assert "szuk" not in str(event.payload)


def test_minors_only_for_the_hostels_children_and_short_queries_find_nobody(client, staff, people):
    _adult, child, _other = people
    client.force_login(staff)

    assert [r["id"] for r in client.get(URL, {"q": "szuk", "minors": "1"}).json()["results"]] == [
        child.pk
    ]
    assert client.get(URL, {"q": "s"}).json() == {"results": []}


def test_nobody_outside_the_centre_gets_an_answer(client, world, staff, people):
    other_centre = Centre.objects.create(
        name="OIK Obcy", county="powiat obcy", municipality=world.outsider.professional.municipality
    )
    stranger = UserFactory(username="obcy_oik")
    CentreStaff.objects.create(user=stranger, centre=other_centre, function="psycholog")
    for user in (world.chair, world.teacher):
        client.force_login(user)
        assert client.get(URL, {"q": "szuk"}).status_code == 404
    client.force_login(stranger)
    assert client.get(URL, {"q": "szuk"}).json() == {"results": []}
    client.logout()
    assert client.get(URL, {"q": "szuk"}).status_code == 302


def test_pickers_carry_the_search_and_keep_the_whole_list(client, staff, people):
    client.force_login(staff)

    page = client.get("/centre/hostel/admit/").content.decode()

    person_select = re.search(r'<select name="person"[^>]*>.*?</select>', page, re.S).group(0)
    assert f'data-person-search="{URL}"' in person_select
    assert person_select.count("<option") >= 3  # the list without JavaScript
    children = re.search(r'<select name="children"[^>]*>', page).group(0)
    assert f'data-person-search="{URL}?minors=1"' in children
    assert '<script src="/static/centre/person-search.js" defer></script>' in page
    assert finders.find("centre/person-search.js")
