# ruff: noqa: F811 - the fixtures of tests/test_centre.py, imported by name
"""The hostel's admission form and the duty log's 3 a.m. form (issue 14, "Forms"): taken
places marked and refused, only minors offered as children (of the adult's household when
recorded), every error at once, a confirmation; the duty log focused where typing starts."""

import datetime
import re

import pytest

from centre import selectors, services
from centre.models import Contact, HostelStay
from tests.test_centre import centre, person, place, staff  # noqa: F401 - fixtures
from workflows import calendar
from workflows.idempotency import issue_token

pytestmark = pytest.mark.django_db

URL = "/centre/hostel/admit/"


def _years_ago(years: int) -> datetime.date:
    today = calendar.legal_date()
    return today.replace(year=today.year - years, day=1)


@pytest.fixture
def family(staff):
    mother = person(staff, "Anna", "Zielna", _years_ago(35), household_label="Zielni")
    son = person(staff, "Jan", "Zielny", _years_ago(9), "M", household_id=mother.household_id)
    adult_son = person(
        staff, "Piotr", "Zielny", _years_ago(19), "M", household_id=mother.household_id
    )
    other_child = person(staff, "Ola", "Obca", _years_ago(6), household_label="Obcy")
    return mother, son, adult_son, other_child


def _admit(client, **data):
    today = calendar.legal_date()
    form = {
        "admitted_on": today.isoformat(),
        "planned_end_on": (today + datetime.timedelta(days=14)).isoformat(),
        "reason": "przemoc domowa",
        "form_token": issue_token(),
        **data,
    }
    return client.post(URL, form)


def test_children_picker_offers_only_minors(client, staff, family):
    mother, son, adult_son, other_child = family
    client.force_login(staff)

    form = client.get(URL).context["form"]

    offered = set(form.fields["children"].queryset)
    assert son in offered and other_child in offered
    assert mother not in offered and adult_son not in offered
    # An adult sent as a child anyway is refused by the field.
    response = _admit(client, person=mother.pk, children=[adult_son.pk])
    assert "children" in response.context["form"].errors
    assert not HostelStay.objects.exists()


def test_a_child_of_another_household_is_refused(client, centre, staff, family):
    mother, son, _adult, other_child = family
    client.force_login(staff)

    response = _admit(
        client,
        person=mother.pk,
        place=place(centre, "1", "A").pk,
        children=[son.pk, other_child.pk],
    )

    errors = response.context["form"].errors["children"]
    assert any("Ola Obca" in e for e in errors) and not any("Jan" in e for e in errors)
    assert not HostelStay.objects.exists()


def test_a_taken_place_is_marked_disabled_and_refused(client, centre, staff, family):
    mother, son, _adult, other_child = family
    today = calendar.legal_date()
    services.hostel_admit(
        actor=staff,
        person_id=other_child.pk,
        place_id=place(centre, "2", "A").pk,
        admitted_on=today,
        planned_end_on=today + datetime.timedelta(days=5),
        reason="x",
    )
    client.force_login(staff)

    page = client.get(URL).content.decode()
    body = re.search(r'<select name="place".*?</select>', page, re.S).group(0)

    taken = place(centre, "2", "A").pk
    option = re.search(rf'<option value="{taken}"[^>]*>[^<]*</option>', body).group(0)
    assert "disabled" in option and "(zajęte)" in option
    free = re.search(rf'<option value="{place(centre, "1", "A").pk}"[^>]*>', body).group(0)
    assert "disabled" not in free
    response = _admit(client, person=mother.pk, place=taken)
    assert "place" in response.context["form"].errors
    assert HostelStay.objects.count() == 1
    assert selectors.occupied_places(centre, today) == {taken}


def test_every_error_is_shown_at_once(client, centre, staff, family):
    mother, *_ = family
    today = calendar.legal_date()
    client.force_login(staff)

    response = _admit(
        client,
        person=mother.pk,
        place=place(centre, "1", "A").pk,
        admitted_on=(today + datetime.timedelta(days=2)).isoformat(),
        planned_end_on="",
        reason="",
    )

    errors = response.context["form"].errors
    assert {"admitted_on", "planned_end_on", "reason"} <= set(errors)
    assert 'class="error-summary"' in response.content.decode()


def test_service_refusals_come_together(centre, staff, family):
    mother, *_ = family
    today = calendar.legal_date()
    with pytest.raises(services.ServiceError) as refused:
        services.hostel_admit(
            actor=staff,
            person_id=mother.pk,
            place_id=place(centre, "1", "A").pk,
            admitted_on=today,
            planned_end_on=today + datetime.timedelta(days=4000),
            reason=" ",
        )
    assert {"planned_end_on", "reason"} <= set(refused.value.message_dict)


def test_admission_is_confirmed_with_place_end_and_children(client, centre, staff, family):
    mother, son, *_ = family
    client.force_login(staff)

    response = _admit(client, person=mother.pk, place=place(centre, "1", "A").pk, children=[son.pk])

    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "Przyjęto do hostelu: Anna Zielna" in body
    assert "Jan Zielny" in body
    assert HostelStay.objects.count() == 2


def test_duty_log_focuses_the_reason_and_takes_a_contact_with_no_tab(client, staff):
    client.force_login(staff)

    body = client.get("/centre/").content.decode()

    form = body[body.index('class="quick"') :]
    fields = re.findall(r'<(?:input|select|textarea)[^>]* name="(\w+)"', form)
    assert [f for f in fields if f not in ("csrfmiddlewaretoken", "form_token")][0] == "reason"
    focused = re.findall(r"<[^>]+autofocus[^>]*>", body)
    assert len(focused) == 1 and 'name="reason"' in focused[0]
    # An anonymous phone call: the reason, then Enter (every other field has its default).
    defaults = {"channel": "walk_in", "outcome": "consultation"}
    at = re.search(r'name="at" value="([^"]+)"', form).group(1)
    response = client.post(
        "/centre/",
        {"reason": "telefon w nocy", "at": at, **defaults, "form_token": issue_token()},
    )
    assert response.status_code == 302
    assert Contact.objects.get().reason == "telefon w nocy"
