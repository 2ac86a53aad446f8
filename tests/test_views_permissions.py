"""The case page's buttons, the step pages and the form helper ask one declaration.

The buttons are ``workflows.permissions.allowed_actions`` for the person and the case's open
tasks; the templates name no stage; the periods a page states come from the rules of the
case's edition; ``workflows.web.form_submit`` puts a service's refusal next to the field of
the formset it names and writes nothing.
"""

import re
from pathlib import Path

import pytest
from django import forms
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.scenarios import drive
from workflows import permissions, selectors, web
from workflows.models import Stage
from workflows.rules import RuleCode
from workflows.services import ServiceError

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "workflows" / "templates" / "workflows"


def _page(client, user, procedure):
    client.force_login(user)
    response = client.get(reverse("workflows:procedure_detail", args=[procedure.pk]))
    assert response.status_code == 200
    return response


def test_the_case_page_offers_what_permissions_allow(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    response = _page(client, world.chair, procedure)
    allowed = response.context["allowed"]
    access = selectors.procedure_access(world.chair, procedure)
    assert allowed == permissions.allowed_actions(
        access, procedure, open_nodes=response.context["open_nodes"]
    )
    assert {"close", "referral_decision", "protective_order", "monitoring_note"} <= allowed
    text = response.content.decode()
    assert reverse("workflows:procedure_close", args=[procedure.pk]) in text
    assert reverse("workflows:group_appoint", args=[procedure.pk]) not in text


def test_a_team_member_outside_the_group_is_offered_no_step(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    response = _page(client, world.oik_psychologist, procedure)
    assert response.context["allowed"] == frozenset()
    text = response.content.decode()
    assert reverse("workflows:procedure_close", args=[procedure.pk]) not in text
    assert reverse("workflows:monitoring_note_create", args=[procedure.pk]) not in text


def test_no_monitoring_note_is_offered_after_closure_without_monitoring(client, world):
    world.team.post_closure_monitoring_months = 0
    world.team.save()
    procedure = drive(world, to=Stage.CLOSED)
    assert procedure.monitor_until is None
    response = _page(client, world.chair, procedure)
    assert "monitoring_note" not in response.context["allowed"]
    assert reverse("workflows:monitoring_note_create", args=[procedure.pk]) not in (
        response.content.decode()
    )


def test_a_monitoring_note_is_allowed_while_post_closure_monitoring_runs(world):
    procedure = drive(world, to=Stage.CLOSED)
    access = selectors.procedure_access(world.chair, procedure)
    assert permissions.may(
        access, "monitoring_note", procedure, open_nodes={"post_closure_monitoring"}
    )
    assert not permissions.may(access, "monitoring_note", procedure, open_nodes=set())


def test_a_step_page_opens_for_its_actor_wherever_the_case_stands(world):
    procedure = drive(world, to=Stage.ACTIONS)
    chair = selectors.procedure_access(world.chair, procedure)
    member = selectors.procedure_access(world.social_worker, procedure)
    assert permissions.may_open(chair, "appoint_group")
    assert not permissions.may(chair, "appoint_group", procedure, open_nodes={"actions"})
    assert not permissions.may_open(member, "appoint_group")
    assert permissions.may_open(member, "victim_meeting")
    assert not permissions.may_open(chair, "victim_meeting")


def test_templates_name_no_stage():
    stages = "|".join(re.escape(stage.value) for stage in Stage)
    # A stage compared in a template: ``procedure.stage == "closed"``, ``"actions" in …``.
    literal = re.compile(rf"""(?:==|!=)\s*["']({stages})["']|["']({stages})["']\s*(?:==|!=|in\b)""")
    found = {
        path.name: literal.findall(path.read_text())
        for path in TEMPLATES.glob("*.html")
        if literal.search(path.read_text())
    }
    assert found == {}


def test_periods_come_from_the_rules_of_the_cases_edition(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    client.force_login(world.chair)
    for name, code in (
        ("pass_to_group", RuleCode.NKA_TO_GROUP),
        ("protective_order_create", RuleCode.PROTECTIVE_ORDER),
    ):
        response = client.get(reverse(f"workflows:{name}", args=[procedure.pk]))
        assert web.rule_period(code, procedure.edition) in response.content.decode(), name


def test_a_period_says_its_unit_in_both_languages():
    with translation.override("en"):
        assert web.rule_period(RuleCode.NKA_TO_CHAIR, "2023") == "5 working days"
        assert web.rule_period(RuleCode.PROGRAMME_REPORT, "2023") == "30 days"
    with translation.override("pl"):
        assert web.rule_period(RuleCode.NKA_TO_CHAIR, "2023") == "5 dni roboczych"
        assert web.rule_period(RuleCode.NKA_TO_GROUP, "2023") == "3 dni roboczych"


class _Item(forms.Form):
    action = forms.CharField()


class _Main(forms.Form):
    place = forms.CharField()


def test_form_submit_puts_a_refusal_next_to_the_formset_field_and_writes_nothing(world):
    data = {
        "place": "OPS",
        "plan-TOTAL_FORMS": "1",
        "plan-INITIAL_FORMS": "0",
        "plan-0-action": "konsultacje",
    }
    request = RequestFactory().post("/", data)
    request.user = world.chair
    form = _Main(request.POST)
    plan = forms.formset_factory(_Item)(request.POST, prefix="plan")
    written = []

    def perform() -> str:
        written.append(form.cleaned_data["place"])
        raise ServiceError({"plan-0-action": ["Too vague."], "__all__": ["Refused."]})

    done = web.form_submit(request, form=form, formsets={"plan": plan}, perform=perform, once=False)
    assert done is None
    assert plan.forms[0].errors["action"] == ["Too vague."]
    assert form.non_field_errors() == ["Refused."]


def test_form_submit_sends_nothing_when_a_formset_is_invalid(world):
    request = RequestFactory().post(
        "/", {"place": "OPS", "plan-TOTAL_FORMS": "1", "plan-INITIAL_FORMS": "0"}
    )
    request.user = world.chair
    form = _Main(request.POST)
    plan = forms.formset_factory(_Item, min_num=1, validate_min=True)(request.POST, prefix="plan")
    called = []
    done = web.form_submit(
        request, form=form, formsets={"plan": plan}, perform=lambda: called.append(1), once=False
    )
    assert done is None and called == []
