"""The chair's dashboard (issue 14 item 5): the team's open cases counted by stage and by what
needs attention, each count a link to the procedure list that lists exactly those cases."""

import datetime
import re

import pytest

from tests.factories import ProfessionalFactory
from tests.scenarios import drive
from workflows import selectors, services
from workflows.models import Deadline, GroupMember, Referral, Stage

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _team_cases(world):
    """Seven cases, each showing one thing the chair must see."""
    cases = {
        "late": drive(world, to=Stage.WITH_CHAIR),
        "fresh": drive(world, to=Stage.WITH_CHAIR),
        "no_meeting": drive(world, to=Stage.MEETINGS),
        "acting": drive(world, to=Stage.ACTIONS),
        "closed": drive(world, to=Stage.CLOSED),
        "incomplete": drive(world, to=Stage.GROUP_APPOINTED),
        "asking": drive(world, to=Stage.ACTIONS),
    }
    # The chair has not appointed the group in time: ten days overdue.
    Deadline.objects.filter(procedure=cases["late"], met_on__isnull=True).update(
        due_on=TODAY - datetime.timedelta(days=10)
    )
    # A member without a confidentiality declaration: the group cannot meet (art. 9c ust. 3).
    GroupMember.objects.create(
        group=cases["incomplete"].group,
        professional=ProfessionalFactory(confidentiality_declared_on=None),
    )
    suspect = cases["asking"].participants.get(role="suspect").person
    services.referral_request(
        actor=world.social_worker,
        procedure_id=cases["asking"].pk,
        referral=Referral(
            person_id=suspect.pk,
            programme="correctional_educational",
            provider="PCPR",
            requested_on=TODAY,
            justification="wniosek grupy",
        ),
    )
    return cases


def _count(html: str, href: str) -> int:
    match = re.search(rf'<a href="/procedures/\?{re.escape(href)}"[^>]*>(\d+)</a>', html)
    assert match, href
    return int(match.group(1))


def _listed(client, params: str) -> set[str]:
    html = client.get(f"/procedures/?{params}").content.decode()
    return set(re.findall(r">(NK/[^<]+)</a></td>", html))


def test_each_count_equals_the_list_behind_its_link(client, world):
    cases = _team_cases(world)
    client.force_login(world.chair)
    html = client.get("/dashboard/").content.decode()
    expected = {
        "overdue=1": {cases["late"].number},
        "no_meeting=1": {cases["no_meeting"].number},
        "incomplete_group=1": {cases["incomplete"].number},
        "awaiting_decision=1": {cases["asking"].number},
        f"stage={Stage.WITH_CHAIR}": {cases["late"].number, cases["fresh"].number},
        f"stage={Stage.ACTIONS}": {cases["acting"].number, cases["asking"].number},
        f"stage={Stage.INITIATED}": set(),
    }
    for params, numbers in expected.items():
        assert _count(html, params) == len(numbers), params
        assert _listed(client, params) == numbers, params
    # Due this week: the hand count of open deadlines up to Sunday, and the list agrees.
    assert _count(html, "due_week=1") == len(_listed(client, "due_week=1"))


def test_the_counts_take_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    _team_cases(world)
    client.force_login(world.chair)
    with django_assert_max_num_queries(40) as few:
        client.get("/dashboard/")
    for _ in range(4):
        drive(world, to=Stage.MEETINGS)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/dashboard/")


def test_a_group_member_who_is_not_the_chair_sees_no_team_counts(client, world):
    _team_cases(world)
    client.force_login(world.social_worker)
    html = client.get("/dashboard/").content.decode()
    assert "team-counts" not in html and "?no_meeting=1" not in html


def test_an_auditor_sees_the_counts_within_scope(client, world):
    cases = _team_cases(world)
    client.force_login(world.auditor)
    html = client.get("/dashboard/").content.decode()
    assert _count(html, "overdue=1") == 1
    assert _listed(client, "overdue=1") == {cases["late"].number}


def test_the_sql_conditions_agree_with_the_inbox_s_lists(client, world):
    """The incomplete groups and the waiting requests counted in SQL are the cases the
    chair's inbox lists (computed there in Python, ``composition_gaps``)."""
    cases = _team_cases(world)
    client.force_login(world.chair)
    incomplete = {
        g.group.procedure.number for g in selectors.incomplete_groups_for(user=world.chair)
    }
    waiting = {r.procedure.number for r in selectors.requests_awaiting_decision(user=world.chair)}
    assert _listed(client, "incomplete_group=1") == incomplete == {cases["incomplete"].number}
    assert _listed(client, "awaiting_decision=1") == waiting == {cases["asking"].number}
    # The police officer leaves: no group of the team can meet any more (art. 9a ust. 11).
    world.police_officer.is_active = False
    world.police_officer.save()
    incomplete = {
        g.group.procedure.number for g in selectors.incomplete_groups_for(user=world.chair)
    }
    assert _listed(client, "incomplete_group=1") == incomplete
    assert len(incomplete) == 4  # every open case with a group
    html = client.get("/dashboard/").content.decode()
    assert _count(html, "incomplete_group=1") == 4


def test_a_group_left_without_members_is_listed_as_unable_to_meet(client, world):
    """The inbox's aggregate counts a group with no member left as lacking both required
    professions (a LEFT JOIN: no row of the group is lost), as the dashboard's condition does."""
    cases = _team_cases(world)
    GroupMember.objects.filter(group=cases["acting"].group).delete()
    client.force_login(world.chair)
    incomplete = {
        g.group.procedure.number for g in selectors.incomplete_groups_for(user=world.chair)
    }
    assert incomplete == {cases["incomplete"].number, cases["acting"].number}
    assert _listed(client, "incomplete_group=1") == incomplete


def _overdue_cases(world, n: int) -> list:
    """``n`` cases whose open deadlines are late, the first one the latest of all."""
    cases = [drive(world, to=Stage.WITH_CHAIR) for _ in range(n)]
    for days, case in enumerate(cases, start=1):
        Deadline.objects.filter(procedure=case, met_on__isnull=True).update(
            due_on=TODAY - datetime.timedelta(days=30 - days)
        )
    return cases


def _numbers(table_html: str) -> list[str]:
    return re.findall(r">(NK/[^<]+)</a></td>", table_html)


def _overdue_section(html: str) -> str:
    return html.split('id="overdue"')[1].split('id="due-soon"')[0]


def test_the_overdue_list_is_paged_most_urgent_first_with_the_exact_count(
    client, world, monkeypatch
):
    monkeypatch.setattr("workflows.views.lists.DASHBOARD_PER_PAGE", 2)
    cases = _overdue_cases(world, 3)
    late = Deadline.objects.filter(procedure__in=cases, met_on__isnull=True)
    total = late.exclude(rule="protective_order").count()
    assert total >= 3
    client.force_login(world.chair)
    response = client.get("/dashboard/")
    page = response.context["overdue"]
    assert page.count == total and len(page) == 2 and page.number == 1
    assert [d.due_on for d in page] == sorted(d.due_on for d in page)
    section = _overdue_section(response.content.decode())
    assert f"({total})" in section  # the heading counts the whole list, not the page
    assert _numbers(section)[0] == cases[0].number  # the longest overdue first
    assert "overdue_page=2#overdue" in section
    seen = []
    for number in range(1, page.num_pages + 1):
        seen += list(client.get(f"/dashboard/?overdue_page={number}").context["overdue"])
    assert sorted(d.pk for d in seen) == sorted(d.pk for d in late if d.rule != "protective_order")


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("abc", "first"),
        ("0", "first"),
        ("-3", "first"),
        ("", "first"),
        ("99", "last"),
        ("2.5", "first"),
    ],
)
def test_a_bad_page_number_shows_the_first_or_the_last_page(
    client, world, monkeypatch, bad, expected
):
    monkeypatch.setattr("workflows.views.lists.DASHBOARD_PER_PAGE", 2)
    _overdue_cases(world, 3)
    client.force_login(world.chair)
    response = client.get(f"/dashboard/?overdue_page={bad}")
    assert response.status_code == 200
    page = response.context["overdue"]
    assert page.number == (1 if expected == "first" else page.num_pages) and len(page) > 0


def test_each_list_pages_on_its_own_and_keeps_the_others_page(client, world, monkeypatch):
    monkeypatch.setattr("workflows.views.lists.DASHBOARD_PER_PAGE", 2)
    _overdue_cases(world, 3)
    client.force_login(world.chair)
    response = client.get("/dashboard/?overdue_page=2&soon_page=1")
    assert response.context["overdue"].number == 2
    assert response.context["due_soon"].number == 1
    section = _overdue_section(response.content.decode())
    assert "soon_page=1&amp;overdue_page=1#overdue" in section  # « previous


def test_the_read_event_names_only_the_cases_on_the_page(client, world, monkeypatch):
    from audit.models import AuditEvent

    monkeypatch.setattr("workflows.views.lists.DASHBOARD_PER_PAGE", 1)
    cases = _overdue_cases(world, 3)
    client.force_login(world.chair)
    client.get("/dashboard/")
    event = AuditEvent.objects.filter(action="dashboard.viewed").latest("id")
    shown = set(event.subjects.values_list("procedure_id", flat=True))
    assert cases[0].pk in shown and cases[2].pk not in shown
