"""The schedules that must run once (issue 16 item 5): ``check_deadlines`` and
``render_documents`` started on two hosts at the same moment send every reminder and store
every document exactly once, and a run that finds another in progress does nothing."""

import io
import re
import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEvent
from core.locks import lock_key, single_run
from documents.models import Document, DocumentJob
from tests.scenarios import drive
from workflows import calendar, services
from workflows.models import DeadlineNotice, Stage

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's"
)
TODAY = calendar.legal_date()


def test_each_job_has_its_own_stable_lock_key():
    assert lock_key("check_deadlines") == lock_key("check_deadlines")
    assert lock_key("check_deadlines") != lock_key("render_documents")
    assert -(2**63) <= lock_key("render_documents") < 2**63


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the no-op of other databases")
def test_without_advisory_locks_every_run_goes_through():
    with single_run("check_deadlines") as first, single_run("check_deadlines") as second:
        assert first and second


def _hosts(*commands: tuple[str, dict]) -> list[str]:
    """Run each management command in its own thread (its own database session, as on
    another host), released together; returns what each printed."""
    barrier = threading.Barrier(len(commands))
    printed: list[str] = []

    def run(name: str, options: dict) -> None:
        from django.db import connection as own_connection

        out = io.StringIO()
        try:
            barrier.wait(timeout=10)
            call_command(name, stdout=out, stderr=out, **options)
        except SystemExit as exit_:  # render_documents exits 1 when a job still fails
            out.write(f"exit {exit_.code}")
        finally:
            printed.append(out.getvalue())
            own_connection.close()

    threads = [threading.Thread(target=run, args=command) for command in commands]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return printed


def _failed_documents(world) -> int:
    """Cases whose documents failed to render (a crashed renderer): the jobs to retry."""
    for _ in range(2):
        procedure = drive(world, to=Stage.WITH_CHAIR)
        members = [world.social_worker.professional.pk, world.police_officer.professional.pk]
        with mock.patch("documents.render.html_to_pdf", side_effect=RuntimeError("crashed")):
            services.group_appoint(
                actor=world.chair,
                procedure_id=procedure.pk,
                appointed_on=TODAY,
                member_ids=members,
            )
    return DocumentJob.objects.filter(status=DocumentJob.Status.FAILED).count()


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_run_that_finds_another_in_progress_does_nothing(world):
    drive(world, to=Stage.INITIATED)
    day = calendar.add_working_days(TODAY, 3)  # the initiator's reminder is due
    holding, release = threading.Event(), threading.Event()

    def other_host():
        from django.db import connection as own_connection

        with single_run("check_deadlines") as mine:
            assert mine
            holding.set()
            release.wait(timeout=30)
        own_connection.close()

    mail.outbox.clear()  # the notifications of the steps driven above
    thread = threading.Thread(target=other_host)
    thread.start()
    try:
        assert holding.wait(timeout=10)
        out = io.StringIO()
        call_command("check_deadlines", date=day.isoformat(), stdout=out)
        assert "in progress: nothing done" in out.getvalue()
        assert mail.outbox == [] and not DeadlineNotice.objects.exists()
    finally:
        release.set()
        thread.join(timeout=30)
    call_command("check_deadlines", date=day.isoformat(), stdout=out)  # the lock is free
    notices = DeadlineNotice.objects.count()
    assert notices >= 1 and len(mail.outbox) == notices


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_hosts_at_once_send_every_reminder_and_store_every_document_exactly_once(world):
    jobs = _failed_documents(world)
    assert jobs >= 4
    for _ in range(3):
        drive(world, to=Stage.INITIATED)
    day = calendar.add_working_days(TODAY, 6).isoformat()  # NK-A deadlines overdue
    mail.outbox.clear()  # the notifications of the steps driven above
    printed = _hosts(
        ("check_deadlines", {"date": day}),
        ("check_deadlines", {"date": day}),
        ("render_documents", {}),
        ("render_documents", {}),
    )
    assert not any("exit" in text or "Error" in text for text in printed), printed
    # The runs' own reports add up to the work done: no job was rendered by both hosts.
    rendered = sum(int(n) for n in re.findall(r"Documents rendered: (\d+)", "".join(printed)))
    emailed = re.findall(
        r"At-risk warnings sent: (\d+); reminders sent: (\d+); escalations sent: (\d+)",
        "".join(printed),
    )
    # Every notice recorded was e-mailed once, and none twice.
    notices = DeadlineNotice.objects.count()
    assert notices >= 3
    sent = [(message.to[0], message.subject) for message in mail.outbox]
    assert len(sent) == notices == len(set(sent))
    assert sum(int(a) + int(r) + int(e) for a, r, e in emailed) == notices
    # Every failed job rendered once: one document and one audit event each.
    assert not DocumentJob.objects.filter(status=DocumentJob.Status.FAILED).exists()
    done = DocumentJob.objects.filter(status=DocumentJob.Status.DONE, document__isnull=False)
    assert done.count() >= jobs
    assert rendered == jobs
    assert Document.objects.count() == done.count()
    generated = AuditEvent.objects.filter(action="document.generated").count()
    assert generated == Document.objects.count()
    # A later run on either host has nothing left to do.
    out = io.StringIO()
    call_command("check_deadlines", date=day, stdout=out)
    call_command("render_documents", stdout=out)
    assert len(mail.outbox) == notices
    assert "Documents rendered: 0; still failing: 0." in out.getvalue()
