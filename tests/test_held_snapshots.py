"""Issue 16: a step's documents are built from what the step wrote and holds (the meeting,
who was present and heard, its NK-C with its plan or NK-D, the suspect's side, the closure's
meetings and notices: ``snapshot_reads.held_meeting``, ``StepRun.hold``) instead of reading
it back. Each frozen snapshot must equal the one built from the database alone, on SQLite
and PostgreSQL, whatever the order the members present were given in, for a victim who did
not come, a suspect who did not appear and a case of several victims and suspects."""

import datetime
import json

import pytest

from documents.models import DocumentJob
from forms.models import NKD, HelpPlanItem
from tests.conftest import nkc_input
from tests.scenarios import drive
from tests.test_scenario_many_people import (
    test_each_person_has_their_own_form_and_the_case_moves_on_after_the_last as many_people,
)
from tests.test_scenario_no_show import (
    test_a_case_where_nobody_ever_comes_is_closed_on_ground_2 as nobody_comes,
)
from workflows import paperwork, services, snapshots
from workflows.models import Meeting, Participant, Role, Stage

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def checked(monkeypatch):
    """Every step's documents, right after the step built them (in its transaction), against
    the same documents built from the database alone: the kinds seen are collected."""
    seen: set[str] = set()
    schedule_all = paperwork.schedule_all

    def schedule_and_rebuild(*, procedure, documents, actor, held=None):
        schedule_all(procedure=procedure, documents=documents, actor=actor, held=held)
        queued = DocumentJob.objects.filter(procedure_id=procedure.pk).order_by("-pk")
        for job in queued[: len(documents)]:
            alone = json.loads(json.dumps(snapshots.build(procedure, job.kind, job.subject)))
            assert job.snapshot == alone, (job.kind, job.subject)
            seen.add(job.kind)

    monkeypatch.setattr(paperwork, "schedule_all", schedule_and_rebuild)
    return seen


def test_a_meetings_documents_from_what_the_step_holds_equal_a_rebuild(world, checked):
    procedure = drive(world, to=Stage.MEETINGS)
    # Three members present, given in the reverse of their order (by id) on paper.
    members = sorted(
        [
            world.social_worker.professional.pk,
            world.police_officer.professional.pk,
            world.oik_psychologist.professional.pk,
        ],
        reverse=True,
    )
    services.group_member_add(
        actor=world.chair,
        procedure_id=procedure.pk,
        professional_id=world.oik_psychologist.professional.pk,
        added_on=TODAY,
    )
    victims = Participant.objects.filter(procedure=procedure, role=Role.VICTIM)
    suspect = Participant.objects.get(procedure=procedure, role=Role.SUSPECT)
    services.victim_meeting_record(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=TODAY, invited_on=TODAY, place="OPS", minutes="Przebieg.\r\n2"),
        present_ids=members,
        person_id=victims[0].person_id,
        nkc=nkc_input(),
        plan=[
            HelpPlanItem(form_of_help="legal", action="B", responsible="OPS", due_on=TODAY),
            HelpPlanItem(
                form_of_help="legal",
                action="A",
                responsible="OPS",
                due_on=TODAY - datetime.timedelta(days=1),
            ),
        ],
    )
    services.suspect_meeting_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=TODAY, invited_on=TODAY, place="KP", person_appeared=False),
        present_ids=members[:2],
        person_id=suspect.person_id,
        nkd=NKD(initiation_notice_sent_on=TODAY),
    )
    assert {"minutes", "nkc", "victim_invitation", "initiation_notice"} <= checked


def test_a_case_of_several_victims_and_suspects_equals_a_rebuild(client, world, checked):
    many_people(client, world)
    assert {"minutes", "nkc", "nkd"} <= checked


def test_a_case_where_nobody_comes_equals_a_rebuild(client, world, checked):
    nobody_comes(client, world)
    assert {"minutes", "victim_invitation", "closure_protocol", "closure_notice"} <= checked


def test_a_whole_procedure_equals_a_rebuild_at_each_step(world, checked):
    drive(world, to=Stage.CLOSED)
    assert {"minutes", "nkc", "nkd"} <= checked
    assert {"closure_protocol", "closure_notice", "nka", "group_decision"} <= checked
