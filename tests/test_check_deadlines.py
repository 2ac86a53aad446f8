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
from workflows.models import DeadlineNotice, Stage
from workflows.reminders import check_deadlines

pytestmark = pytest.mark.django_db

TODAY = calendar.legal_date()


def working(n: int) -> datetime.date:
    return calendar.add_working_days(TODAY, n)


def test_the_initiator_is_reminded_two_working_days_before_and_the_chair_after(world):
    procedure = drive(world, to=Stage.INITIATED)
    due = procedure.deadlines.get(rule="nka_to_chair").due_on
    assert due == working(5)

    assert check_deadlines(working(2)).reminders == 0  # 3 working days left: too early
    assert mail.outbox == []

    report = check_deadlines(working(3))
    assert (report.reminders, report.escalations) == (1, 0)
    assert mail.outbox[0].to == [world.teacher.email]
    # The initiator is told about their card, not the case (issue 11).
    nka = procedure.nka_forms.get()
    assert procedure.number not in mail.outbox[0].subject + mail.outbox[0].body
    assert f"/cards/{nka.pk}/" in mail.outbox[0].body

    report = check_deadlines(working(6))
    assert (report.reminders, report.escalations) == (0, 1)
    assert mail.outbox[1].to == [world.chair.email]
    assert procedure.number in mail.outbox[1].subject
    actions = list(
        AuditEvent.objects.filter(procedure=procedure, action__startswith="deadline.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["deadline.reminded", "deadline.missed", "deadline.escalated"]


def test_running_twice_sends_nothing_twice(world):
    drive(world, to=Stage.INITIATED)
    check_deadlines(working(4))
    check_deadlines(working(8))
    sent = len(mail.outbox)
    assert sent == 2
    call_command("check_deadlines", date=working(4).isoformat())
    call_command("check_deadlines", date=working(8).isoformat())
    assert len(mail.outbox) == sent
    assert DeadlineNotice.objects.count() == 2


def test_every_group_member_is_reminded_of_the_first_meeting(world):
    procedure = drive(world, to=Stage.MEETINGS)
    due = procedure.deadlines.get(rule="first_meeting").due_on
    check_deadlines(calendar.add_working_days(TODAY, 4))
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([world.social_worker.email, world.police_officer.email])
    assert due == working(5)


def test_met_deadlines_and_closed_procedures_send_nothing(world):
    drive(world, to=Stage.CLOSED)
    report = check_deadlines(working(30))
    assert (report.reminders, report.escalations) == (0, 0)
    assert mail.outbox == []


def test_messages_carry_no_personal_data(world):
    procedure = drive(world, to=Stage.INITIATED)
    check_deadlines(working(3))
    check_deadlines(working(6))
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


def test_messages_are_in_polish_by_default(world):
    drive(world, to=Stage.INITIATED)
    check_deadlines(working(6))
    assert "Termin minął" in mail.outbox[0].subject


def test_a_refused_mail_is_not_recorded_and_is_retried(world):
    drive(world, to=Stage.INITIATED)
    with (
        mock.patch("workflows.reminders.EmailMessage.send", side_effect=ConnectionRefusedError),
        pytest.raises(ConnectionRefusedError),
    ):
        check_deadlines(working(3))
    assert DeadlineNotice.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="deadline.").exists()
    assert check_deadlines(working(3)).reminders == 1


def test_someone_without_an_e_mail_address_is_reported(world, capsys):
    world.teacher.email = ""
    world.teacher.save(update_fields=["email"])
    drive(world, to=Stage.INITIATED)
    call_command("check_deadlines", date=working(3).isoformat())
    assert "teacher" in capsys.readouterr().err
    assert DeadlineNotice.objects.count() == 0


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError):
        call_command("check_deadlines", date="25.11.2026")
