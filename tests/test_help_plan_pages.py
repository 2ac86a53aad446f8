"""The help plan as the group fills it (issue 14, "Forms"): several actions on one page
(with "More rows" working without JavaScript), "mark carried out" from the case page, the
status page naming its action, and the ground-1 refusal naming the open actions."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from forms.models import HelpPlanItem
from tests.scenarios import drive
from tests.test_web_scenario import _d
from workflows.idempotency import issue_token
from workflows.models import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    client.force_login(world.social_worker)
    return procedure


def _add_url(procedure) -> str:
    return reverse("workflows:plan_item_add", args=[procedure.pk])


def _rows(**rows) -> dict:
    """POST data of the plan page: ``rows`` maps a row number to its fields."""
    data = {
        "plan-TOTAL_FORMS": "3",
        "plan-INITIAL_FORMS": "0",
        "plan-MIN_NUM_FORMS": "1",
        "plan-MAX_NUM_FORMS": "30",
    }
    for key, fields in rows.items():
        for name, value in fields.items():
            data[f"plan-{key[1:]}-{name}"] = value
    return data


def _row(action: str) -> dict:
    return {
        "form_of_help": "psychological",
        "action": action,
        "responsible": "OIK",
        "due_on": _d(-30),
    }


def test_the_page_offers_three_rows_and_more_rows_without_javascript(client, case):
    nkc = case.nkc_forms.get()
    body = client.get(_add_url(case)).content.decode()
    assert body.count('name="plan-') >= 3 * 4
    assert 'name="plan-2-action"' in body and 'name="plan-3-action"' not in body

    response = client.post(
        _add_url(case), {"nkc": nkc.pk, **_rows(r0=_row("Terapia")), "add_row": "1"}
    )

    body = response.content.decode()
    assert 'name="plan-5-action"' in body
    assert 'value="Terapia"' in body  # what was typed comes back
    assert "errorlist" not in body and "error-summary" not in body
    assert case.help_plan_items.count() == 1


def test_several_actions_are_added_at_once_in_one_step(client, case):
    nkc = case.nkc_forms.get()
    events = AuditEvent.objects.filter(action="help_plan.item_added").count()

    response = client.post(
        _add_url(case),
        {
            "nkc": nkc.pk,
            **_rows(r0=_row("Terapia indywidualna"), r1=_row("Grupa wsparcia")),
            "form_token": issue_token(),
        },
    )

    assert response.status_code == 302
    added = set(case.help_plan_items.values_list("action", flat=True))
    assert {"Terapia indywidualna", "Grupa wsparcia"} <= added
    assert case.help_plan_items.count() == 3  # the one agreed at the meeting, two more
    assert AuditEvent.objects.filter(action="help_plan.item_added").count() == events + 1


def test_a_row_with_an_error_writes_no_row_and_is_linked_from_the_summary(client, case):
    nkc = case.nkc_forms.get()
    bad = {**_row("Grupa wsparcia"), "form_of_help": ""}

    response = client.post(
        _add_url(case),
        {"nkc": nkc.pk, **_rows(r0=_row("Terapia"), r1=bad), "form_token": issue_token()},
    )

    assert response.status_code == 200
    assert '<a href="#id_plan-1-form_of_help">' in response.content.decode()
    assert case.help_plan_items.count() == 1


def test_an_open_action_is_marked_carried_out_from_the_case_page(client, case):
    item = case.help_plan_items.get()
    page = client.get(
        reverse("workflows:procedure_detail", args=[case.pk]) + "?tab=plan"
    ).content.decode()
    url = reverse("workflows:plan_item_status", args=[case.pk, item.pk])
    form = re.search(rf'<form method="post" action="{url}" class="mark-done">.*?</form>', page)
    assert form, "no mark-done form on the case page"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    assert fields["status"] == "done" and fields["form_token"]

    response = client.post(url, fields)

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == HelpPlanItem.Status.DONE
    page = client.get(
        reverse("workflows:procedure_detail", args=[case.pk]) + "?tab=plan"
    ).content.decode()
    assert 'class="mark-done"' not in page


def test_the_status_page_names_the_action_it_changes(client, case):
    item = case.help_plan_items.get()

    body = client.get(
        reverse("workflows:plan_item_status", args=[case.pk, item.pk])
    ).content.decode()

    assert f"„{item.action}”" in body
    assert item.nkc.victim.full_name in body


def test_ground_1_refusal_lists_the_open_actions_with_links(client, case):
    item = case.help_plan_items.get()
    url = reverse("workflows:procedure_close", args=[case.pk])

    response = client.post(
        url,
        {
            "ground": "violence_stopped",
            "closed_on": _d(0),
            "summary": "Plan zrealizowany.",
            "monitoring": "on",
            "form_token": issue_token(),
        },
    )

    assert response.status_code == 200
    body = response.content.decode()
    victim = item.nkc.victim.full_name
    errors = response.context["form"].errors["ground"]
    assert any(f"„{item.action}”" in e and victim in e for e in errors)
    status_url = reverse("workflows:plan_item_status", args=[case.pk, item.pk])
    assert f'<a href="{status_url}">{item.action}</a>' in body
    case.refresh_from_db()
    assert case.stage == Stage.ACTIONS
