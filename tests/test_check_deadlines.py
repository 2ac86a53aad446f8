"""check_deadlines: reminders before, escalations after, never twice, no personal data."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from tests.scenarios import drive
from workflows import calendar
from workflows.models import DeadlineNotice, Stage, UserNotification
from workflows.reminders import check_deadlines

pytestmark = pytest.mark.django_db

TODAY = calendar.legal_date()


def working(n: int) -> datetime.date:
    return calendar.add_working_days(TODAY, n)


@pytest.fixture
def check(django_capture_on_commit_callbacks):
    """``check_deadlines`` as cron runs it: the notifications, and their e-mails, follow the
    commit of each notice (inside a test's transaction the commit is simulated)."""

    def run(day: datetime.date):
        with django_capture_on_commit_callbacks(execute=True):
            return check_deadlines(day)

    return run


def test_the_initiator_is_reminded_two_working_days_before_and_the_chair_after(world, check):
    procedure = drive(world, to=Stage.INITIATED)
    due = procedure.deadlines.get(rule="nka_to_chair").due_on
    assert due == working(5)

    assert check(working(2)).reminders == 0  # 3 working days left: too early
    assert mail.outbox == []

    report = check(working(3))
    assert (report.reminders, report.escalations) == (1, 0)
    assert mail.outbox[0].to == [world.teacher.email]
    # The initiator is told about their card, not the case (issue 11).
    nka = procedure.nka_forms.get()
    assert procedure.number not in mail.outbox[0].subject + mail.outbox[0].body
    assert f"/cards/{nka.pk}/" in mail.outbox[0].body

    report = check(working(6))
    assert (report.reminders, report.escalations) == (0, 1)
    assert mail.outbox[1].to == [world.chair.email]
    assert procedure.number in mail.outbox[1].subject
    actions = list(
        AuditEvent.objects.filter(procedure=procedure, action__startswith="deadline.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["deadline.reminded", "deadline.missed", "deadline.escalated"]


def test_running_twice_sends_nothing_twice(world, check, django_capture_on_commit_callbacks):
    drive(world, to=Stage.INITIATED)
    check(working(4))
    check(working(8))
    sent = len(mail.outbox)
    assert sent == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_deadlines", date=working(4).isoformat())
        call_command("check_deadlines", date=working(8).isoformat())
    assert len(mail.outbox) == sent
    assert DeadlineNotice.objects.count() == 2
    assert UserNotification.objects.count() == 2


def test_every_group_member_is_reminded_of_the_first_meeting(world, check):
    procedure = drive(world, to=Stage.MEETINGS)
    due = procedure.deadlines.get(rule="first_meeting").due_on
    check(calendar.add_working_days(TODAY, 4))
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([world.social_worker.email, world.police_officer.email])
    assert due == working(5)


def test_met_deadlines_and_closed_procedures_send_nothing(world, check):
    drive(world, to=Stage.CLOSED)
    report = check(working(30))
    assert (report.reminders, report.escalations) == (0, 0)
    assert mail.outbox == []


def test_messages_carry_no_personal_data(world, check):
    procedure = drive(world, to=Stage.INITIATED)
    check(working(3))
    check(working(6))
    assert len(mail.outbox) == 2
    people = procedure.participants.select_related("person")
    secrets = []
    for participant in people:
        person = participant.person
        secrets += [person.first_name, person.last_name, person.pesel, person.address, person.phone]
    for message in mail.outbox:
        text = message.subject + message.body
        for secret in filter(None, secrets):
            assert secret not in text
    initiator, chair = mail.outbox
    assert f"/cards/{procedure.nka_forms.get().pk}/" in initiator.body
    assert f"/procedures/{procedure.pk}/" in chair.body


def test_messages_are_in_polish_by_default(world, check):
    drive(world, to=Stage.INITIATED)
    check(working(6))
    assert "Termin minął" in mail.outbox[0].subject


def test_a_refused_mail_leaves_the_notification_in_the_application(world, check):
    drive(world, to=Stage.INITIATED)
    with mock.patch(
        "workflows.notifications.tasks.EmailMessage.send", side_effect=ConnectionRefusedError
    ):
        assert check(working(3)).reminders == 1
    # The notice and the in-app notification stand; the e-mail is not marked sent (the
    # task backend records the failed task), and a second run does not send it twice.
    notification = UserNotification.objects.get(recipient=world.teacher)
    assert notification.emailed_at is None
    assert mail.outbox == []
    assert check(working(3)).reminders == 0
    assert DeadlineNotice.objects.count() == 1


def test_someone_without_an_e_mail_address_is_reported_and_told_in_the_application(
    world, capsys, django_capture_on_commit_callbacks
):
    world.teacher.email = ""
    world.teacher.save(update_fields=["email"])
    drive(world, to=Stage.INITIATED)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_deadlines", date=working(3).isoformat())
    assert "teacher" in capsys.readouterr().err
    assert mail.outbox == []
    assert UserNotification.objects.filter(recipient=world.teacher).count() == 1


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError):
        call_command("check_deadlines", date="25.11.2026")
