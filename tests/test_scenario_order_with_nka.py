"""A protective order recorded with the NK-A itself (issue 13, item 5), through the pages.

The police officer at the intervention fills the card and the order the Police issued
there (ustawa o Policji art. 15aa–15aab) on the same page: one transaction, one audit
event; the order binds 14 days from the day after issue (art. 15ak) and its expiry is in
the chair's inbox at once. A bad order refuses the whole card with the message next to the
field. A teacher who only knows that an order was issued files the card without it, and the
case page asks the team to record it.
"""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from forms.models import NKA
from tests.test_web_scenario import nka_post_data
from workflows import calendar
from workflows.idempotency import issue_token
from workflows.models import Deadline, Procedure, ProtectiveOrder
from workflows.rules import RuleCode

pytestmark = pytest.mark.django_db

TODAY = calendar.legal_date()


def _d(days_ago: int) -> str:
    return (TODAY - datetime.timedelta(days=days_ago)).isoformat()


def _card_with_order(**order) -> dict:
    """The police officer's card of an incident 12 days ago and the order issued there:
    a ban on approaching the victim (150 m) and a ban on contact, against the card's
    suspect (row 2)."""
    data = nka_post_data(incident_date=_d(12), protective_order_issued="on")
    data.update(
        {
            "order-0-person": "1",
            "order-0-no_approach": "on",
            "order-0-approach_distance_m": "150",
            "order-0-no_contact": "on",
            "order-0-issuer": "police",
            "order-0-issued_on": _d(12),
            "order-0-issued_at_time": "23:40",
        }
    )
    data.update(order)
    return data


def test_the_officer_records_the_order_with_the_card_and_it_lapses_in_the_inbox(client, world):
    client.force_login(world.police_officer)
    page = client.get(reverse("workflows:nka_create")).content.decode()
    assert 'id="order-section"' in page and 'name="order-0-approach_distance_m"' in page

    response = client.post(reverse("workflows:nka_create"), _card_with_order())
    assert response.status_code == 302, response.content.decode()[:3000]

    procedure = Procedure.objects.get()
    nka = NKA.objects.get()
    order = ProtectiveOrder.objects.get()
    suspect = procedure.participants.get(role="suspect").person
    assert (order.procedure, order.person, order.nka, order.created_by) == (
        procedure,
        suspect,
        nka,
        world.police_officer,
    )
    assert order.measures == ["no_approach", "no_contact"]
    assert order.approach_distance_m == 150
    assert order.issued_at_time == datetime.time(23, 40)
    # 14 days from the day after issue: issued 12 days ago, it binds two more days.
    issued = TODAY - datetime.timedelta(days=12)
    assert order.expires_on == issued + datetime.timedelta(days=14) == TODAY + datetime.timedelta(2)
    deadline = Deadline.objects.get(rule=RuleCode.PROTECTIVE_ORDER)
    assert (deadline.protective_order, deadline.starts_on, deadline.due_on) == (
        order,
        issued,
        order.expires_on,
    )
    # One step, one event: the initiation names the order.
    events = (
        AuditEvent.objects.filter(procedure=procedure)
        .exclude(action__endswith=".viewed")
        .exclude(action__startswith="task.")  # the flow's own task events
    )
    assert [e.action for e in events] == ["procedure.initiated"]
    assert events[0].payload["order"] == order.pk

    # The chair sees the order lapsing in the inbox, and on the case page.
    client.force_login(world.chair)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert procedure.number in inbox
    assert f'<span class="soon">{order.expires_on:%d.%m.%Y}' in inbox
    case = client.get(
        reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=all"
    ).content.decode()
    assert "150 m" in case
    assert 'id="order-to-record"' not in case  # recorded: nothing to prompt


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("approach_distance_m", "-5"),
        ("approach_distance_m", "0"),
        ("approach_distance_m", "sto"),
        ("approach_distance_m", ""),
    ],
)
def test_a_bad_distance_refuses_the_card_next_to_the_field(client, world, field, value):
    client.force_login(world.police_officer)
    events = AuditEvent.objects.exclude(action__endswith=".viewed").count()
    response = client.post(
        reverse("workflows:nka_create"), _card_with_order(**{f"order-0-{field}": value})
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The message sits in the order's field, before its input.
    block = page.split('for="id_order-0-approach_distance_m"')[1].split("</div>")[0]
    assert 'class="errorlist' in block, block
    assert not Procedure.objects.exists()
    assert not NKA.objects.exists()
    assert not ProtectiveOrder.objects.exists()
    assert not Deadline.objects.exists()
    assert AuditEvent.objects.exclude(action__endswith=".viewed").count() == events


def test_an_order_against_a_person_who_is_not_a_suspect_is_refused(client, world):
    client.force_login(world.police_officer)
    data = _card_with_order()
    data["order-0-person"] = "0"  # the victim's row: not offered
    response = client.post(reverse("workflows:nka_create"), data)
    assert response.status_code == 200
    block = response.content.decode().split('for="id_order-0-person"')[1].split("</div>")[0]
    assert 'class="errorlist' in block
    assert not Procedure.objects.exists() and not ProtectiveOrder.objects.exists()


def test_an_order_before_the_incident_or_without_the_box_is_refused(client, world):
    client.force_login(world.police_officer)
    response = client.post(
        reverse("workflows:nka_create"), _card_with_order(**{"order-0-issued_on": _d(13)})
    )
    assert response.status_code == 200
    block = response.content.decode().split('for="id_order-0-issued_on"')[1].split("</div>")[0]
    assert 'class="errorlist' in block
    data = _card_with_order()
    del data["protective_order_issued"]
    response = client.post(reverse("workflows:nka_create"), data)
    assert response.status_code == 200
    block = response.content.decode().split('for="id_protective_order_issued"')[1]
    assert 'class="errorlist' in block.split("</div>")[0]
    assert not Procedure.objects.exists() and not ProtectiveOrder.objects.exists()


def test_a_teachers_card_with_the_box_and_no_measures_is_accepted_and_the_case_prompts(
    client, world
):
    client.force_login(world.teacher)
    data = nka_post_data(incident_date=_d(2), protective_order_issued="on")
    # What the page posts for an untouched order section: the issuer's default.
    data.update({"order-0-issuer": "police", "order-0-person": ""})
    response = client.post(reverse("workflows:nka_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    procedure = Procedure.objects.get()
    assert not ProtectiveOrder.objects.exists()
    assert not Deadline.objects.filter(rule=RuleCode.PROTECTIVE_ORDER).exists()

    client.force_login(world.chair)
    case = client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).content.decode()
    assert 'id="order-to-record"' in case


def test_the_initiator_records_a_later_order_on_their_card_page_and_the_team_sees_it(client, world):
    client.force_login(world.teacher)
    response = client.post(
        reverse("workflows:nka_create"),
        nka_post_data(incident_date=_d(2), protective_order_issued="on"),
    )
    nka = NKA.objects.get()
    card_url = reverse("workflows:card_detail", args=[nka.pk])
    assert response["Location"] == card_url
    assert 'id="order-to-record"' in client.get(card_url).content.decode()
    suspect = nka.entries.get(role="suspect").person
    victim = nka.entries.get(role="victim").person
    order_url = reverse("workflows:card_order", args=[nka.pk])
    order = {
        "leave_home": "on",
        "home_area": "50 m od budynku",
        "no_entry": "on",
        "entry_places": "Szkoła Podstawowa nr 1",
        "issuer": "police",
        "issued_on": _d(1),
        "form_token": issue_token(),
    }

    # Only the card's suspects: the victim cannot be chosen.
    refused = client.post(order_url, {**order, "person": victim.pk})
    assert refused.status_code == 200 and not ProtectiveOrder.objects.exists()
    response = client.post(order_url, {**order, "person": suspect.pk})

    assert response.status_code == 302 and response["Location"] == card_url
    recorded = ProtectiveOrder.objects.get()
    assert (recorded.nka, recorded.person, recorded.measures) == (
        nka,
        suspect,
        ["leave_home", "no_entry"],
    )
    assert recorded.expires_on == TODAY + datetime.timedelta(days=13)
    assert AuditEvent.objects.filter(action="protective_order.recorded").count() == 1
    card = client.get(card_url).content.decode()
    assert "50 m od budynku" in card and 'id="order-to-record"' not in card
    # The team's case shows it and the chair's inbox lists its expiry.
    client.force_login(world.chair)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert f"{recorded.expires_on:%d.%m.%Y}" in inbox


def test_nobody_else_records_an_order_on_a_card(client, world):
    client.force_login(world.teacher)
    client.post(reverse("workflows:nka_create"), nka_post_data(incident_date=_d(2)))
    nka = NKA.objects.get()
    suspect = nka.entries.get(role="suspect").person
    client.force_login(world.chair)
    response = client.post(
        reverse("workflows:card_order", args=[nka.pk]),
        {
            "person": suspect.pk,
            "no_contact": "on",
            "issuer": "police",
            "issued_on": _d(1),
            "form_token": issue_token(),
        },
    )
    assert response.status_code == 404
    assert not ProtectiveOrder.objects.exists()
