"""The open cases a professional acts in, read once per request for the inbox's sections
(issue 16): group member, chair of the team, chair of a case still without a group."""

import pytest

from tests.scenarios import drive
from workflows.models import DiagnosticGroup, GroupMember, Procedure, Stage
from workflows.selectors.access import acting_cases


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
