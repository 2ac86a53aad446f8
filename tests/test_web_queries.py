"""The inbox, the deadlines page, the list and the case page run a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from forms.models import HelpPlanItem
from tests.scenarios import drive, granted_notification
from workflows import services
from workflows.models import Procedure, Stage
from workflows.selectors import CASE_TABS


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["inbox", "dashboard", "procedure_list"])
def test_lists_do_not_grow_with_procedures(client, world, name):
    drive(world, Stage.MEETINGS)
    drive(world, Stage.WITH_CHAIR)
    client.force_login(world.chair)
    url = reverse(f"workflows:{name}")
    few = count_queries(client, url)
    for stage in (Stage.MEETINGS, Stage.WITH_CHAIR, Stage.GROUP_APPOINTED, Stage.ACTIONS):
        drive(world, stage)
    assert count_queries(client, url) == few


@pytest.mark.django_db
def test_group_inbox_does_not_grow_with_procedures(client, world):
    drive(world, Stage.MEETINGS)
    client.force_login(world.social_worker)
    url = reverse("workflows:inbox")
    few = count_queries(client, url)
    for _ in range(4):
        drive(world, Stage.MEETINGS)
    assert count_queries(client, url) == few


@pytest.mark.django_db
@pytest.mark.parametrize("tab", ["", *CASE_TABS, "all"])
def test_procedure_page_does_not_grow_with_participants_or_records(client, world, tab):
    small = drive(world, Stage.ACTIONS)
    large = drive(world, Stage.ACTIONS, extra_people=8)
    suspect = large.participants.get(role="suspect").person
    for n in range(4):
        services.help_plan_item_add(
            actor=world.social_worker,
            procedure_id=large.pk,
            item=HelpPlanItem(
                form_of_help="legal",
                action=f"porada {n}",
                responsible="OPS",
                due_on=large.initiated_on,
            ),
        )
        granted_notification(
            world,
            Procedure.objects.get(pk=large.pk),
            kind="police",
            addressee="KPP",
            person_id=suspect.pk,
            on=large.initiated_on,
        )
        services.monitoring_note_add(
            actor=world.social_worker,
            procedure_id=large.pk,
            visited_on=large.initiated_on,
            note="ok",
        )
    client.force_login(world.social_worker)
    query = f"?tab={tab}" if tab else ""
    few = count_queries(client, reverse("workflows:procedure_detail", args=[small.pk]) + query)
    many = count_queries(client, reverse("workflows:procedure_detail", args=[large.pk]) + query)
    assert many == few


@pytest.mark.django_db
def test_a_section_of_the_case_reads_less_than_the_whole_case(client, world):
    procedure = drive(world, Stage.ACTIONS)
    client.force_login(world.chair)
    url = reverse("workflows:procedure_detail", args=[procedure.pk])
    whole = count_queries(client, url + "?tab=all")
    for tab in CASE_TABS:
        assert count_queries(client, url + f"?tab={tab}") < whole, tab


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "chairs"), [("chair", True), ("social_worker", False)])
def test_the_case_page_reads_who_the_user_is_with_the_case(client, world, who, chairs):
    """The team role, the group membership, the card filed and whether the user chairs any
    team (the audit's actor description, the header's compliance link) come with the case's
    own row: no query of the memberships of their own."""
    procedure = drive(world, Stage.ACTIONS)
    client.force_login(getattr(world, who))
    url = reverse("workflows:procedure_detail", args=[procedure.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    own = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "workflows_teammember"')
    ]
    assert own == []
    compliance = reverse("audit:compliance")
    assert (compliance in response.content.decode()) is chairs
    event = AuditEvent.objects.filter(action="procedure.viewed").latest("id")
    assert (event.actor_role == "chair") is chairs
