"""Two people acting on the same case at the same moment, and a step that dies half-way."""

import datetime
import io
import threading
from unittest import mock

import pytest
from django.db import connection

from audit.models import AuditEvent
from documents.models import Document, DocumentJob, DocumentKind
from tests.conftest import nkc_input, plan_item
from tests.scenarios import drive
from tests.test_refusals import snapshot
from workflows import services
from workflows.models import Meeting, Stage

TODAY = datetime.date.today()
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL's SELECT … FOR UPDATE"
)


def _at_once(actions) -> list[str]:
    """Run the actions in threads released together; each returns "ok" or its refusal."""
    barrier = threading.Barrier(len(actions))
    results: list[str] = []

    def run(action):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            action()
            results.append("ok")
        except services.ServiceError as refusal:
            results.append(" ".join(refusal.messages))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_members_closing_the_same_procedure_at_once(world):
    procedure = drive(world, to=Stage.ACTIONS)

    def close(actor):
        return lambda: services.procedure_close(
            actor=actor,
            procedure_id=procedure.pk,
            ground="no_grounds",
            closed_on=TODAY,
            summary="Brak podstaw.",
        )

    results = _at_once([close(world.social_worker), close(world.police_officer)])
    assert sorted(results)[-1] == "ok" and results.count("ok") == 1, results
    refusal = next(r for r in results if r != "ok")
    # In the site language: "already closed" or "already completed by someone else".
    assert "już zakończona" in refusal or "została już wykonana" in refusal, refusal
    assert AuditEvent.objects.filter(procedure=procedure, action="procedure.closed").count() == 1
    assert (
        Document.objects.filter(procedure=procedure, kind=DocumentKind.CLOSURE_PROTOCOL).count()
        == 1
    )


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_members_recording_the_same_meeting_at_once(world):
    procedure = drive(world, to=Stage.MEETINGS)
    victim = procedure.participants.get(role="victim").person
    members = [world.social_worker.professional.pk, world.police_officer.professional.pk]

    def record(actor):
        return lambda: services.victim_meeting_record(
            actor=actor,
            procedure_id=procedure.pk,
            meeting=Meeting(held_on=TODAY, place="OPS"),
            present_ids=members,
            person_id=victim.pk,
            nkc=nkc_input(),
            plan=[plan_item(TODAY, action="a")],
        )

    results = _at_once([record(world.social_worker), record(world.police_officer)])
    assert results.count("ok") == 1, results
    assert Meeting.objects.filter(procedure=procedure, kind="victim").count() == 1
    assert AuditEvent.objects.filter(procedure=procedure, action="meeting.victim_held").count() == 1
    assert Document.objects.filter(procedure=procedure, kind=DocumentKind.NKC).count() == 1


@pytest.mark.django_db
def test_a_step_that_dies_half_way_leaves_the_case_as_it_was_and_can_be_retried(world):
    procedure = drive(world, to=Stage.ACTIONS)
    before = snapshot()
    # The process "dies" after the closure was written but before the task completed.
    with (
        mock.patch("workflows.steps.complete_task", side_effect=SystemExit("killed")),
        pytest.raises(SystemExit),
    ):
        services.procedure_close(
            actor=world.social_worker,
            procedure_id=procedure.pk,
            ground="no_grounds",
            closed_on=TODAY,
            summary="Brak podstaw.",
        )
    assert snapshot() == before
    procedure.refresh_from_db()
    assert procedure.stage == Stage.ACTIONS
    services.procedure_close(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        ground="no_grounds",
        closed_on=TODAY,
        summary="Brak podstaw.",
    )
    procedure.refresh_from_db()
    assert procedure.stage == Stage.CLOSED


@pytest.mark.django_db
def test_a_document_that_fails_to_render_does_not_undo_the_step_and_can_be_made_later(
    client, world, django_capture_on_commit_callbacks
):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    members = [world.social_worker.professional.pk, world.police_officer.professional.pk]
    with (
        mock.patch("documents.render.html_to_pdf", side_effect=RuntimeError("renderer crashed")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.group_appoint(
            actor=world.chair, procedure_id=procedure.pk, appointed_on=TODAY, member_ids=members
        )
    procedure.refresh_from_db()
    assert procedure.stage == Stage.GROUP_APPOINTED  # the step stands
    assert not Document.objects.filter(procedure=procedure).exists()
    # The job keeps the step's snapshot and says it failed; the procedure page offers a retry.
    job = DocumentJob.objects.get(procedure=procedure, kind=DocumentKind.GROUP_DECISION)
    assert job.status == DocumentJob.Status.FAILED and job.attempts == 1
    assert job.last_error == "RuntimeError"
    client.force_login(world.chair)
    page = client.get(f"/procedures/{procedure.pk}/?tab=documents")
    failed = DocumentJob.objects.filter(procedure=procedure, status=DocumentJob.Status.FAILED)
    assert page.context["documents_waiting"] == failed.count() == 3  # decision, 2 declarations
    assert f"/documents/procedure/{procedure.pk}/retry/" in page.content.decode()
    # An auditor sees the notice but cannot retry.
    client.force_login(world.auditor)
    assert client.post(f"/documents/procedure/{procedure.pk}/retry/").status_code == 403
    client.force_login(world.chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/procedure/{procedure.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert not failed.exists()
    document = Document.objects.get(procedure=procedure, kind=DocumentKind.GROUP_DECISION)
    assert job.status == DocumentJob.Status.DONE and job.document == document
    assert document.version == 1 and document.snapshot == job.snapshot
    assert (
        client.get(f"/procedures/{procedure.pk}/?tab=documents").context["documents_waiting"] == 0
    )
    # Retrying again (a second click, cron) never stores the document twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/documents/procedure/{procedure.pk}/retry/")
    assert Document.objects.filter(procedure=procedure).count() == 3
    actions = set(AuditEvent.objects.filter(procedure=procedure).values_list("action", flat=True))
    assert {"document.failed", "document.retry_requested", "document.generated"} <= actions


@pytest.mark.django_db
def test_render_documents_command_renders_what_failed(world, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    procedure = drive(world, to=Stage.WITH_CHAIR)
    members = [world.social_worker.professional.pk, world.police_officer.professional.pk]
    with (
        mock.patch("documents.render.html_to_pdf", side_effect=RuntimeError("renderer crashed")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.group_appoint(
            actor=world.chair, procedure_id=procedure.pk, appointed_on=TODAY, member_ids=members
        )
    failed = DocumentJob.objects.filter(status=DocumentJob.Status.FAILED).count()
    assert failed >= 2  # the group decision and the members' declarations
    out = io.StringIO()
    call_command("render_documents", stdout=out)
    assert f"Documents rendered: {failed}; still failing: 0." in out.getvalue()
    assert not DocumentJob.objects.filter(status=DocumentJob.Status.FAILED).exists()
    assert Document.objects.filter(procedure=procedure).count() == failed


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_giving_the_same_hostel_bed_at_once(world):
    from centre import services as centre_services
    from centre.models import Centre, CentreStaff, HostelPlace, HostelStay
    from tests.factories import UserFactory, synthetic_pesel

    centre = Centre.objects.create(
        name="OIK", county="powiat testowy", municipality=world.team.municipality, address="x"
    )
    night_duty = UserFactory(username="night_duty")
    for user in (world.oik_psychologist, night_duty):
        CentreStaff.objects.create(user=user, centre=centre, function="dyżur")
    bed = HostelPlace.objects.create(centre=centre, room="1", bed="A")
    people = [
        centre_services.person_record(
            actor=night_duty,
            data=centre_services.PersonData(
                first_name=name, last_name="Nowa", pesel=synthetic_pesel(datetime.date(1990, 1, n))
            ),
        )
        for n, name in ((1, "Anna"), (2, "Beata"))
    ]

    def admit(actor, person):
        return lambda: centre_services.hostel_admit(
            actor=actor,
            person_id=person.pk,
            place_id=bed.pk,
            admitted_on=TODAY,
            planned_end_on=TODAY + datetime.timedelta(days=14),
            reason="przemoc",
        )

    results = _at_once([admit(world.oik_psychologist, people[0]), admit(night_duty, people[1])])
    assert results.count("ok") == 1, results
    assert HostelStay.objects.filter(place=bed).count() == 1
