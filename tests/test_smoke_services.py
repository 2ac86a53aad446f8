import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from forms.models import NKD, HelpPlanItem
from tests.conftest import nka_input, nkc_input, plan_item
from workflows import services
from workflows.models import ClosureGround, Deadline, Meeting, Procedure, Stage


def test_walk_procedure_to_closure_through_services(world):
    today = datetime.date.today()
    procedure, nka, joined = services.procedure_initiate(actor=world.teacher, **nka_input())
    assert not joined and procedure.stage == Stage.INITIATED
    services.nka_transfer(
        actor=world.teacher,
        procedure_id=procedure.pk,
        nka_id=nka.pk,
        sent_on=today,
        received_on=today,
    )
    group = services.group_appoint(
        actor=world.chair,
        procedure_id=procedure.pk,
        appointed_on=today,
        member_ids=[world.social_worker.professional.pk, world.police_officer.professional.pk],
    )
    assert group.memberships.count() == 2
    services.nka_pass_to_group(actor=world.chair, procedure_id=procedure.pk, passed_on=today)
    victim = procedure.participants.get(role="victim").person
    suspect = procedure.participants.get(role="suspect").person
    members = [world.social_worker.professional.pk, world.police_officer.professional.pk]
    services.victim_meeting_record(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=today, place="OPS"),
        present_ids=members,
        person_id=victim.pk,
        nkc=nkc_input(safety_how_to_act="call 112"),
        plan=[plan_item(today)],
    )
    services.suspect_meeting_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=today, place="KPP"),
        present_ids=members,
        person_id=suspect.pk,
        nkd=NKD(consequences_explained=True, statement="zaprzecza"),
    )
    procedure.refresh_from_db()
    assert procedure.stage == Stage.ACTIONS
    with pytest.raises(services.ServiceError):
        services.procedure_close(
            actor=world.social_worker,
            procedure_id=procedure.pk,
            ground=ClosureGround.VIOLENCE_STOPPED,
            closed_on=today,
            summary="x",
        )
    item = HelpPlanItem.objects.get(procedure=procedure)
    services.help_plan_item_set_status(actor=world.social_worker, item_id=item.pk, status="done")
    services.procedure_close(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        ground=ClosureGround.VIOLENCE_STOPPED,
        closed_on=today,
        summary="x",
        # Monitoring after closure is on by default; switched off, the process ends here.
        monitoring=False,
        no_monitoring_reason="x",
    )
    procedure.refresh_from_db()
    assert procedure.stage == Stage.CLOSED
    assert procedure.process.status == "DONE"
    assert Deadline.objects.filter(procedure=procedure, met_on__isnull=True).count() == 0
    assert AuditEvent.objects.filter(procedure=procedure, action="procedure.closed").count() == 1
    with pytest.raises(PermissionDenied):
        services.monitoring_note_add(
            actor=world.outsider, procedure_id=procedure.pk, visited_on=today, note="x"
        )
    assert Procedure.objects.count() == 1
