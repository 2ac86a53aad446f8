"""The one declaration of the process (workflows.flows): every node is mapped, every stage
is reached, and the stored stage is always the one derived from the open tasks."""

import datetime

import pytest
from viewflow.workflow.nodes import View
from viewflow.workflow.status import STATUS

from forms.models import NKD
from tests.conftest import nka_input, nkc_input, plan_item
from tests.factories import ProfessionalFactory, UserFactory, synthetic_pesel
from tests.scenarios import drive
from workflows import permissions, services
from workflows.flows import (
    NODE_STEPS,
    STEPS,
    ProcedureFlow,
    open_nodes,
    procedure_stage,
    stage_of,
)
from workflows.models import CardRouting, Meeting, Procedure, Sector, Stage
from workflows.rules import RuleCode
from workflows.selectors import procedure_access

TODAY = datetime.date.today()


def _stage(procedure: Procedure, seen: set[Stage]) -> Stage:
    """The stored stage, checked against the one derived from the process."""
    procedure.refresh_from_db()
    assert procedure.stage == procedure_stage(procedure)
    seen.add(Stage(procedure.stage))
    return procedure.stage


def _members(world) -> list[int]:
    return [world.social_worker.professional.pk, world.police_officer.professional.pk]


def _victim_meeting(world, procedure):
    victim = procedure.participants.get(role="victim").person
    services.victim_meeting_record(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=TODAY, place="OPS"),
        present_ids=_members(world),
        person_id=victim.pk,
        nkc=nkc_input(),
        plan=[plan_item(TODAY)],
    )


def _suspect_meeting(world, procedure):
    suspect = procedure.participants.get(role="suspect").person
    services.suspect_meeting_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=TODAY, place="KPP"),
        present_ids=_members(world),
        person_id=suspect.pk,
        nkd=NKD(consequences_explained=True),
    )


def _close(world, procedure):
    services.procedure_close(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        ground="no_grounds",
        closed_on=TODAY,
        summary="Brak podstaw.",
    )


def test_every_human_node_of_the_flow_is_declared_once_and_every_declared_node_exists():
    human = {node.name for node in ProcedureFlow.instance.nodes() if isinstance(node, View)}
    assert human == set(NODE_STEPS)
    for node, step in NODE_STEPS.items():
        assert step.stage is not None, node
        flow_node = getattr(ProcedureFlow, node)
        # The node's viewflow permission is the step's action, answered by StepBackend.
        assert flow_node._owner_permission == f"workflows.{step.action}"
    for step in STEPS.values():
        assert step.node or step.stages, step.action
        for code in (step.meets, *step.opens):
            assert code is None or code in RuleCode


def test_the_stage_is_derived_from_the_open_tasks():
    assert stage_of(frozenset()) == Stage.CLOSED
    assert stage_of({"transfer_to_chair"}) == Stage.INITIATED
    assert stage_of({"victim_meeting", "suspect_meeting"}) == Stage.MEETINGS
    assert stage_of({"suspect_meeting"}) == Stage.MEETINGS
    assert stage_of({"actions"}) == Stage.ACTIONS
    assert stage_of({"post_closure_monitoring"}) == Stage.CLOSED


@pytest.mark.parametrize("victim_first", [True, False], ids=["victim-first", "suspect-first"])
@pytest.mark.parametrize("monitoring", [0, 6], ids=["no-monitoring", "monitoring"])
def test_every_path_reaches_every_stage_with_the_stored_stage_derived(
    world, victim_first, monitoring
):
    world.team.post_closure_monitoring_months = monitoring
    world.team.save()
    seen: set[Stage] = set()
    procedure, nka, _ = services.procedure_initiate(actor=world.teacher, **nka_input())
    assert _stage(procedure, seen) == Stage.INITIATED
    assert open_nodes(procedure) == {"transfer_to_chair"}
    services.nka_transfer(
        actor=world.teacher,
        procedure_id=procedure.pk,
        nka_id=nka.pk,
        sent_on=TODAY,
        received_on=TODAY,
    )
    assert _stage(procedure, seen) == Stage.WITH_CHAIR
    services.group_appoint(
        actor=world.chair,
        procedure_id=procedure.pk,
        appointed_on=TODAY,
        member_ids=_members(world),
    )
    assert _stage(procedure, seen) == Stage.GROUP_APPOINTED
    services.nka_pass_to_group(actor=world.chair, procedure_id=procedure.pk, passed_on=TODAY)
    assert _stage(procedure, seen) == Stage.MEETINGS
    first, second = (
        (_victim_meeting, _suspect_meeting) if victim_first else (_suspect_meeting, _victim_meeting)
    )
    first(world, procedure)
    assert _stage(procedure, seen) == Stage.MEETINGS  # the join waits for the other meeting
    assert len(open_nodes(procedure)) == 1
    second(world, procedure)
    assert _stage(procedure, seen) == Stage.ACTIONS
    assert open_nodes(procedure) == {"actions"}
    _close(world, procedure)
    assert _stage(procedure, seen) == Stage.CLOSED
    if monitoring:
        assert open_nodes(procedure) == {"post_closure_monitoring"}
        services.monitoring_note_add(
            actor=world.chair, procedure_id=procedure.pk, visited_on=TODAY, note="Wizyta."
        )
        services.post_closure_monitoring_end(actor=world.social_worker, procedure_id=procedure.pk)
        assert _stage(procedure, seen) == Stage.CLOSED
    assert open_nodes(procedure) == frozenset()
    procedure.refresh_from_db()
    assert procedure.process.status == STATUS.DONE
    assert seen == set(Stage)


def test_a_joined_card_is_transferred_at_any_stage_without_moving_the_case(world):
    procedure = drive(world, to=Stage.ACTIONS)
    victim = procedure.participants.get(role="victim").person
    filed = services.procedure_initiate(
        actor=world.oik_psychologist,
        **nka_input(
            victim_pesel=victim.pesel,
            suspect_pesel=synthetic_pesel(datetime.date(1975, 1, 1), "M"),
        ),
    )
    assert filed.joined and filed.procedure == procedure
    services.nka_transfer(
        actor=world.oik_psychologist,
        procedure_id=procedure.pk,
        nka_id=filed.nka.pk,
        sent_on=TODAY,
        received_on=TODAY,
    )
    procedure.refresh_from_db()
    assert procedure.stage == Stage.ACTIONS == procedure_stage(procedure)
    assert open_nodes(procedure) == {"actions"}


def test_a_routed_card_starts_no_process_and_moves_no_case(world):
    procedure = drive(world, to=Stage.GROUP_APPOINTED)
    victim = procedure.participants.get(role="victim").person
    other_team = world.outsider.professional.team_memberships.get().team
    teacher = UserFactory(username="obca_teacher_process")
    ProfessionalFactory(user=teacher, municipality=other_team.municipality, sector=Sector.EDUCATION)
    filed = services.procedure_initiate(actor=teacher, **nka_input(victim_pesel=victim.pesel))
    assert filed.routed and filed.procedure == procedure
    assert CardRouting.objects.filter(nka=filed.nka).exists()
    procedure.refresh_from_db()
    assert procedure.stage == Stage.GROUP_APPOINTED == procedure_stage(procedure)
    assert open_nodes(procedure) == {"pass_to_group"}


def test_viewflow_asks_the_same_function_through_the_permission_backend(world):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    task = procedure.process.task_set.get(flow_task=ProcedureFlow.appoint_group)
    node = ProcedureFlow.appoint_group
    assert task.owner == world.chair and node.can_execute(world.chair, task)
    assert world.chair.has_perm("workflows.appoint_group", procedure)
    for other in (world.social_worker, world.teacher, world.auditor, world.outsider):
        assert not other.has_perm("workflows.appoint_group", procedure)
        assert not node.can_execute(other, task)
    services.group_appoint(
        actor=world.chair,
        procedure_id=procedure.pk,
        appointed_on=TODAY,
        member_ids=_members(world),
    )
    services.nka_pass_to_group(actor=world.chair, procedure_id=procedure.pk, passed_on=TODAY)
    procedure.refresh_from_db()
    meeting = procedure.process.task_set.get(flow_task=ProcedureFlow.victim_meeting)
    node = ProcedureFlow.victim_meeting
    assert meeting.owner is None and meeting.owner_permission_obj == procedure
    assert node.can_assign(world.social_worker, meeting)
    assert not node.can_assign(world.chair, meeting)  # the chair is not in the group
    assert not node.can_assign(world.auditor, meeting)
    access = procedure_access(world.social_worker, procedure)
    assert permissions.allowed_actions(access, procedure, open_nodes=open_nodes(procedure)) >= {
        "victim_meeting",
        "suspect_meeting",
        "plan_item_add",
        "record_revise",
    }
