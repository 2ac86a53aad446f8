"""Issue 16: a step's side effects cost one task row each, whatever the number of documents
or recipients (the ``database`` backend writes a row per enqueued task), and every document
is still rendered exactly once, every e-mail still sent."""

import datetime
from unittest import mock

import pytest
from django.core import mail

from documents.models import Document, DocumentJob
from documents.tasks import generate_documents
from tests.scenarios import drive
from workflows import services
from workflows.models import Stage, UserNotification

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _appoint(world, procedure) -> None:
    members = [world.social_worker.professional.pk, world.police_officer.professional.pk]
    services.group_appoint(
        actor=world.chair, procedure_id=procedure.pk, appointed_on=TODAY, member_ids=members
    )


def test_a_steps_documents_are_one_task_and_each_is_rendered_once(
    world, django_capture_on_commit_callbacks
):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    DocumentJob.objects.all().delete()  # the earlier steps' jobs (their renderings not run)
    with (
        mock.patch("documents.services.generate_documents") as documents_enqueued,
        mock.patch("documents.services.generate_document") as one_enqueued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _appoint(world, procedure)
    jobs = list(DocumentJob.objects.filter(procedure=procedure, document=None).order_by("pk"))
    assert len(jobs) >= 2  # the group decision and the members' declarations
    one_enqueued.enqueue.assert_not_called()
    documents_enqueued.enqueue.assert_called_once_with(job_ids=[job.pk for job in jobs])
    before = Document.objects.filter(procedure=procedure).count()
    generate_documents.call(job_ids=[job.pk for job in jobs])
    generate_documents.call(job_ids=[job.pk for job in jobs])  # a retried task stores nothing
    assert Document.objects.filter(procedure=procedure).count() == before + len(jobs)
    assert not DocumentJob.objects.filter(procedure=procedure, document=None).exists()


def test_a_failing_document_does_not_stop_the_others_of_its_task(
    world, django_capture_on_commit_callbacks
):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    DocumentJob.objects.all().delete()  # the earlier steps' jobs (their renderings not run)
    with (
        mock.patch("documents.services.generate_documents"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _appoint(world, procedure)
    jobs = list(DocumentJob.objects.filter(procedure=procedure, document=None).order_by("pk"))
    from documents import render

    real = render.html_to_pdf
    calls = []

    def first_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("renderer crashed")
        return real(*args, **kwargs)

    with (
        mock.patch("documents.render.html_to_pdf", side_effect=first_fails),
        pytest.raises(RuntimeError),
    ):
        generate_documents.call(job_ids=[job.pk for job in jobs])
    statuses = list(
        DocumentJob.objects.filter(pk__in=[j.pk for j in jobs])
        .order_by("pk")
        .values_list("status", flat=True)
    )
    assert statuses == [DocumentJob.Status.FAILED] + [DocumentJob.Status.DONE] * (len(jobs) - 1)


def test_the_notifications_of_a_step_are_one_insert_and_one_e_mail_task(
    world, django_capture_on_commit_callbacks
):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    with (
        mock.patch("workflows.notifications.services.send_notification_emails") as enqueued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _appoint(world, procedure)
    told = list(UserNotification.objects.filter(procedure=procedure).order_by("pk"))
    # The group's appointment, then the chair's next task (passing the NK-A to the group).
    appointed = [n for n in told if n.kind == "group_appointment"]
    assert {n.recipient for n in appointed} == {world.social_worker, world.police_officer}
    assert [(n.kind, n.recipient) for n in told if n not in appointed] == [
        ("task_assigned", world.chair)
    ]
    assert enqueued.enqueue.call_args_list == [mock.call(notification_ids=[n.pk for n in told])]
    assert mail.outbox == []  # only queued


def test_the_e_mails_of_an_event_are_all_sent_by_its_one_task(
    world, django_capture_on_commit_callbacks
):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    with django_capture_on_commit_callbacks(execute=True):
        _appoint(world, procedure)
    appointed = UserNotification.objects.filter(procedure=procedure, kind="group_appointment")
    assert appointed.count() == 2
    assert not appointed.filter(emailed_at=None).exists()
    assert {world.social_worker.email, world.police_officer.email} <= {m.to[0] for m in mail.outbox}


def test_a_steps_documents_read_once_hold_what_each_read_alone_would(world):
    """The snapshots of one step's documents share their reads (workflows.snapshot_reads);
    each still holds exactly what it would hold built on its own."""
    import json

    from workflows import snapshots

    procedure = drive(world, to=Stage.CLOSED)
    jobs = list(DocumentJob.objects.filter(procedure=procedure).order_by("pk"))
    kinds = {job.kind for job in jobs}
    # The steps that make several documents about the same records are all there.
    assert {"closure_protocol", "closure_notice", "minutes", "nkc", "nkd", "declaration"} <= kinds
    for job in jobs:
        alone = json.loads(json.dumps(snapshots.build(procedure, job.kind, job.subject)))
        assert job.snapshot == alone, (job.kind, job.subject)
