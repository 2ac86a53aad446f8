"""The open cases a professional acts in, read once per request for the inbox's sections
(issue 16): group member, chair of the team, chair of a case still without a group."""

import datetime

import pytest

from tests.scenarios import drive
from workflows.models import DiagnosticGroup, GroupMember, Procedure, RiskStatus, Stage
from workflows.selectors.access import acting_cases, memberships, visible_procedures
from workflows.selectors.inbox import open_tasks_for


def ids(condition) -> set[int]:
    return set(Procedure.objects.filter(condition).values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_chair_acts_in_the_open_cases_of_the_team_and_a_member_in_those_of_the_group(world):
    waiting = drive(world, Stage.WITH_CHAIR)  # no group yet
    acting = drive(world, Stage.ACTIONS)  # a group with the social worker
    drive(world, Stage.CLOSED)  # closed: in none of the sets below
    assert not DiagnosticGroup.objects.filter(procedure=waiting).exists()
    assert GroupMember.objects.filter(
        group__procedure=acting, professional=world.social_worker.professional
    ).exists()

    chair = acting_cases(world.chair.professional)
    assert ids(chair.chaired("")) == {waiting.pk, acting.pk}
    assert ids(chair.member_or_chaired("")) == {waiting.pk, acting.pk}
    assert ids(chair.member_or_chaired_without_group("")) == {waiting.pk}

    member = acting_cases(world.social_worker.professional)
    assert ids(member.member_or_chaired("")) == {acting.pk}
    assert ids(member.member_or_chaired_without_group("")) == {acting.pk}
    assert ids(member.chaired("")) == set()

    outsider = acting_cases(world.outsider.professional)
    assert ids(outsider.member_or_chaired("")) == set()


@pytest.mark.django_db
def test_the_cases_are_read_once_per_request(world, django_assert_num_queries):
    drive(world, Stage.WITH_CHAIR)
    professional = world.chair.professional
    first = acting_cases(professional)
    with django_assert_num_queries(0):
        assert acting_cases(professional) is first


@pytest.mark.django_db
def test_one_query_answers_who_the_professional_is_for_every_part_of_a_page(
    world, django_assert_num_queries
):
    """``memberships``: the teams with the role and the groups' cases, read once; the visible
    cases, the acting cases, the chaired teams and the group tasks' processes come from it."""
    waiting = drive(world, Stage.WITH_CHAIR)
    acting = drive(world, Stage.ACTIONS)
    closed = drive(world, Stage.CLOSED)
    chair = world.chair.professional
    with django_assert_num_queries(1):
        held = memberships(chair)
        assert chair.chaired_team_ids == [waiting.team_id]
        assert acting_cases(chair).chaired_teams == (waiting.team_id,)
        assert memberships(chair) is held

    member = world.social_worker.professional
    held = memberships(member)
    assert held.open_group_cases() == {acting.pk}  # the closed case's group is not acting
    assert set(held.group_processes()) >= {acting.process_id}
    if GroupMember.objects.filter(group__procedure=closed, professional=member).exists():
        assert closed.process_id in held.group_processes()
    assert held.groups_outside_teams() == []  # their groups are their own team's cases

    # A professional in a group of another municipality's case sees that case, and only by
    # the group: it is outside their teams.
    outsider = world.outsider.professional
    GroupMember.objects.create(group=acting.group, professional=outsider)
    held = memberships(outsider)
    assert held.groups_outside_teams() == [acting.pk]
    assert acting.team_id not in held.team_roles
    assert set(visible_procedures(world.outsider).values_list("pk", flat=True)) >= {acting.pk}


@pytest.mark.django_db
def test_the_inbox_lists_the_task_of_a_case_at_high_risk_first(world):
    first = drive(world, Stage.WITH_CHAIR)
    second = drive(world, Stage.WITH_CHAIR)
    rows = open_tasks_for(world.chair)
    assert [r.procedure.pk for r in rows][:2] == [first.pk, second.pk]
    assert not any(r.high_risk for r in rows)
    RiskStatus.objects.create(
        procedure=second, level="high", flagged=True, assessed_on=datetime.date(2026, 11, 2)
    )
    rows = open_tasks_for(world.chair)
    assert rows[0].procedure.pk == second.pk and rows[0].high_risk
    assert [r.high_risk for r in rows if r.procedure.pk == first.pk] == [False]
