"""The open cases a professional acts in, read once per request for the inbox's sections
(issue 16): group member, chair of the team, chair of a case still without a group."""

import pytest

from tests.scenarios import drive
from workflows.models import DiagnosticGroup, GroupMember, Stage
from workflows.selectors.access import acting_cases


@pytest.mark.django_db
def test_a_chair_acts_in_the_open_cases_of_the_team_and_a_member_in_those_of_the_group(world):
    waiting = drive(world, Stage.WITH_CHAIR)  # no group yet
    acting = drive(world, Stage.ACTIONS)  # a group with the social worker
    closed = drive(world, Stage.CLOSED)
    assert not DiagnosticGroup.objects.filter(procedure=waiting).exists()
    assert GroupMember.objects.filter(
        group__procedure=acting, professional=world.social_worker.professional
    ).exists()

    chair = acting_cases(world.chair.professional)
    assert {waiting.pk, acting.pk} <= chair.chaired
    assert closed.pk not in chair.chaired | chair.member
    assert waiting.pk in chair.chaired_without_group
    assert acting.pk not in chair.chaired_without_group

    member = acting_cases(world.social_worker.professional)
    assert acting.pk in member.member
    assert waiting.pk not in member.member_or_chaired  # not a chair, not in a group
    assert closed.pk not in member.member
    assert member.chaired == frozenset()

    outsider = acting_cases(world.outsider.professional)
    assert not outsider.member_or_chaired & {waiting.pk, acting.pk, closed.pk}


@pytest.mark.django_db
def test_the_cases_are_read_once_per_request(world, django_assert_num_queries):
    drive(world, Stage.WITH_CHAIR)
    professional = world.chair.professional
    first = acting_cases(professional)
    with django_assert_num_queries(0):
        assert acting_cases(professional) is first
