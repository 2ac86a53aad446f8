"""Notifications: who is told of what, after the commit, in Polish, with no personal data; the
bell, the list and the e-mail choices; deadlines at risk before they are late."""

import dataclasses
import datetime
import re

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from audit.models import AuditEvent
from people.models import Household, Person
from tests.scenarios import drive
from workflows import calendar, demo, services
from workflows.at_risk import DEFAULT_WARN_SHARE, annotate_at_risk, at_risk_deadlines, warn_on
from workflows.models import (
    Deadline,
    DeadlineNotice,
    NotificationKind,
    NotificationPreference,
    PlannedMeeting,
    Stage,
    UserNotification,
)
from workflows.notifications import notify, preference_set
from workflows.reminders import check_deadlines
from workflows.rules import EDITIONS, RuleCode
from workflows.selectors import dashboard_counts, open_tasks_for

pytestmark = pytest.mark.django_db

TODAY = calendar.legal_date()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as if its transactions committed (notifications follow the commit)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def _kinds(user) -> list[str]:
    return sorted(UserNotification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_new_card_tells_the_chair_after_the_commit(world, committed):
    with committed():
        procedure = drive(world, to=Stage.INITIATED)
    (notification,) = UserNotification.objects.filter(recipient=world.chair)
    assert notification.kind == NotificationKind.NEW_CARD
    assert procedure.number in notification.title
    assert notification.link == reverse("workflows:procedure_detail", args=[procedure.pk])
    assert notification.title.startswith("Nowa karta NK-A")  # Polish by default
    (message,) = mail.outbox
    assert message.to == [world.chair.email]
    assert message.subject == f"[Niebieska Karta] {notification.title}"
    assert f"/procedures/{procedure.pk}/" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    # The initiator's own task (the card they have just filed) is no news to them.
    assert _kinds(world.teacher) == []


def test_a_rolled_back_change_tells_nobody(world, committed):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        notify(
            recipients=[world.chair],
            kind=NotificationKind.NEW_CARD,
            title="x",
            link="/",
        )
        raise RuntimeError
    assert not UserNotification.objects.exists()
    assert mail.outbox == []


def test_a_transactions_notifications_are_written_together_and_a_rolled_back_part_drops(
    world, committed
):
    def told(user, title):
        notify(recipients=[user], kind=NotificationKind.NEW_CARD, title=title, link="/")

    with committed() as callbacks, transaction.atomic():
        told(world.chair, "first")
        told(world.social_worker, "second")
        with pytest.raises(RuntimeError), transaction.atomic():
            told(world.teacher, "rolled back")
            raise RuntimeError
        with transaction.atomic():
            told(world.police_officer, "inside a savepoint that commits")
    # The two at the transaction's own level share one callback (the savepoints have theirs).
    assert len(callbacks) == 2
    titles = dict(UserNotification.objects.values_list("recipient__username", "title"))
    assert titles == {
        world.chair.username: "first",
        world.social_worker.username: "second",
        world.police_officer.username: "inside a savepoint that commits",
    }
    assert len(mail.outbox) == 3


def test_an_account_switched_off_gets_no_notification_and_no_email(
    world, django_capture_on_commit_callbacks
):
    """Switched off before the step read it: nothing. Switched off after the step read it
    and before the commit: the in-app notice only (it cannot sign in to read it), never an
    e-mail, which asks again when it is sent."""
    world.police_officer.is_active = False
    world.police_officer.save()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(
            recipients=[world.chair, world.police_officer],
            kind=NotificationKind.NEW_CARD,
            title="x",
            link="/",
        )
    assert list(UserNotification.objects.values_list("recipient", flat=True)) == [world.chair.pk]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(
            recipients=[world.social_worker], kind=NotificationKind.NEW_CARD, title="y", link="/"
        )
        type(world.social_worker).objects.filter(pk=world.social_worker.pk).update(is_active=False)
    assert UserNotification.objects.filter(recipient=world.social_worker).count() == 1
    assert mail.outbox == []


def test_one_batch_is_one_insert_and_no_recipients_query(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for user in (world.chair, world.social_worker, world.police_officer):
            notify(recipients=[user], kind=NotificationKind.NEW_CARD, title="x", link="/")
    (flush,) = callbacks
    with CaptureQueriesContext(connection) as captured:
        flush()
    queries = [q["sql"] for q in captured]
    assert not [q for q in queries if 'FROM "auth_user"' in q]  # the users the step read
    assert (
        len([q for q in queries if q.startswith('INSERT INTO "workflows_usernotification"')]) == 1
    )
    assert UserNotification.objects.count() == 3
    assert len(mail.outbox) == 3  # one task sent them all


def test_the_group_is_told_of_its_appointment_and_the_chair_of_its_tasks(world, committed):
    with committed():
        procedure = drive(world, to=Stage.MEETINGS)
    for member in (world.social_worker, world.police_officer):
        assert _kinds(member) == [NotificationKind.GROUP_APPOINTMENT]
    # The chair: the card, then the two tasks the flow assigned to them.
    assert _kinds(world.chair) == sorted(
        [NotificationKind.NEW_CARD, NotificationKind.TASK_ASSIGNED, NotificationKind.TASK_ASSIGNED]
    )
    titles = UserNotification.objects.filter(
        recipient=world.chair, kind=NotificationKind.TASK_ASSIGNED
    ).values_list("title", flat=True)
    assert all(procedure.number in title for title in titles)
    assert any("grupę diagnostyczno-pomocową" in title for title in titles)


def test_a_member_added_later_is_told(world, committed):
    procedure = drive(world, to=Stage.MEETINGS)
    psychologist = world.oik_psychologist.professional
    with committed():
        services.group_member_add(
            actor=world.chair,
            procedure_id=procedure.pk,
            professional_id=psychologist.pk,
            added_on=TODAY,
        )
    (notification,) = UserNotification.objects.filter(recipient=world.oik_psychologist)
    assert notification.kind == NotificationKind.GROUP_APPOINTMENT
    assert "dodano" in notification.body.lower()


def test_a_planned_meeting_reaches_the_other_members_with_an_ics(world, committed):
    procedure = drive(world, to=Stage.MEETINGS)
    suspect = procedure.participants.get(role="suspect").person
    day = TODAY + datetime.timedelta(days=7)
    with committed():
        planned = services.meeting_plan(
            actor=world.social_worker,
            procedure_id=procedure.pk,
            planned=PlannedMeeting(
                kind="suspect", date=day, time=datetime.time(9, 30), place="ul. Lipowa 7"
            ),
            invitee_id=suspect.pk,
        )
    assert _kinds(world.social_worker) == []  # who planned it knows
    (notification,) = UserNotification.objects.filter(recipient=world.police_officer)
    assert notification.kind == NotificationKind.MEETING_PLANNED
    (message,) = mail.outbox
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("spotkanie.ics", "text/calendar")
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.astimezone(calendar.WARSAW).replace(tzinfo=None) == datetime.datetime.combine(
        day, datetime.time(9, 30)
    )
    assert f"planned-meeting-{planned.pk}@" in str(event["uid"])
    # No place (it may be the family's home) and no name.
    for text in (content, message.body, message.subject):
        assert "Lipowa" not in text
        assert suspect.last_name not in text and suspect.first_name not in text


def test_a_kind_turned_off_is_listed_but_not_e_mailed(world, committed):
    preference_set(
        actor=world.chair,
        emailed_kinds=[k for k in NotificationKind.values if k != NotificationKind.NEW_CARD],
    )
    with committed():
        drive(world, to=Stage.INITIATED)
    notification = UserNotification.objects.get(recipient=world.chair)
    assert notification.emailed_at is None
    assert mail.outbox == []


def test_the_bell_the_list_and_marking_read(client, world, committed):
    with committed():
        procedure = drive(world, to=Stage.INITIATED)
    notification = UserNotification.objects.get(recipient=world.chair)
    client.force_login(world.chair)
    page = client.get(reverse("workflows:inbox")).content.decode()
    assert 'class="bell has-unread"' in page and '<span class="count">1' in page
    listed = client.get(reverse("workflows:notifications")).content.decode()
    assert notification.title in listed
    # Opening it marks it read and goes to the case.
    response = client.get(reverse("workflows:notification_open", args=[notification.pk]))
    assert response.url == reverse("workflows:procedure_detail", args=[procedure.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    page = client.get(reverse("workflows:inbox")).content.decode()
    assert "has-unread" not in page


def test_mark_one_and_mark_all_read(client, world, committed):
    with committed():
        drive(world, to=Stage.GROUP_APPOINTED)
    first, *others = UserNotification.objects.filter(recipient=world.chair)
    assert others
    client.force_login(world.chair)
    client.post(reverse("workflows:notification_read", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at is not None
    assert UserNotification.objects.unread().filter(recipient=world.chair).count() == len(others)
    client.post(reverse("workflows:notifications_read_all"))
    assert not UserNotification.objects.unread().filter(recipient=world.chair).exists()


def test_another_users_notification_is_not_found_and_stays_unread(client, world, committed):
    with committed():
        drive(world, to=Stage.INITIATED)
    notification = UserNotification.objects.get(recipient=world.chair)
    client.force_login(world.social_worker)
    assert (
        client.get(reverse("workflows:notification_open", args=[notification.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("workflows:notification_read", args=[notification.pk])).status_code
        == 404
    )
    client.post(reverse("workflows:notifications_read_all"))
    notification.refresh_from_db()
    assert notification.read_at is None
    assert notification.title not in client.get(reverse("workflows:notifications")).content.decode()


def test_the_e_mail_choices_page_saves_the_choice(client, world):
    client.force_login(world.chair)
    page = client.get(reverse("workflows:notification_preferences"))
    assert page.status_code == 200
    assert set(page.context["form"].initial["kinds"]) == set(NotificationKind.values)  # all on
    wanted = [NotificationKind.NEW_CARD, NotificationKind.DEADLINE_OVERDUE]
    response = client.post(reverse("workflows:notification_preferences"), {"kinds": wanted})
    assert response.status_code == 302
    muted = NotificationPreference.objects.get(user=world.chair).email_muted
    assert set(muted) == set(NotificationKind.values) - set(wanted)


def test_an_unknown_kind_is_refused_next_to_the_field_and_nothing_is_saved(client, world):
    client.force_login(world.chair)
    response = client.post(reverse("workflows:notification_preferences"), {"kinds": ["x"]})
    assert response.status_code == 200
    assert "kinds" in response.context["form"].errors
    assert not NotificationPreference.objects.exists()


# Deadlines at risk (issue 15 item 3).


@pytest.fixture
def on_day(monkeypatch):
    """Freeze the Warsaw date the pages and selectors judge by."""
    original = calendar.legal_date

    def freeze(day: datetime.date) -> None:
        monkeypatch.setattr(
            calendar, "legal_date", lambda moment=None: day if moment is None else original(moment)
        )

    return freeze


def test_a_deadline_turns_at_risk_before_it_turns_late(world, on_day):
    procedure = drive(world, to=Stage.INITIATED)
    deadline = procedure.deadlines.get(rule=RuleCode.NKA_TO_CHAIR)
    window = (deadline.due_on - deadline.starts_on).days
    first = warn_on(deadline)
    assert first == deadline.starts_on + datetime.timedelta(
        days=-(-DEFAULT_WARN_SHARE * window // 1)
    )
    states = []
    day = deadline.starts_on
    while day <= deadline.due_on + datetime.timedelta(days=2):
        at_risk = at_risk_deadlines(day).filter(pk=deadline.pk).exists()
        late = day > deadline.due_on
        states.append("late" if late else "at risk" if at_risk else "fine")
        assert at_risk == (first <= day <= deadline.due_on)
        day += datetime.timedelta(days=1)
    # fine … then at risk … then late, in that order, each at least once.
    collapsed = [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s]
    assert collapsed == ["fine", "at risk", "late"]


def test_at_risk_shows_in_the_inbox_the_dashboard_and_the_list(client, world, on_day):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    deadline = procedure.deadlines.get(rule=RuleCode.GROUP_CREATED, met_on__isnull=True)
    client.force_login(world.chair)
    on_day(deadline.starts_on)
    assert dashboard_counts(user=world.chair).counts["at_risk"] == 0
    assert not [r for r in open_tasks_for(world.chair) if r.at_risk]

    on_day(warn_on(deadline))
    assert dashboard_counts(user=world.chair).counts["at_risk"] == 1
    (row,) = [r for r in open_tasks_for(world.chair) if r.procedure.pk == procedure.pk]
    assert row.at_risk
    assert "zagrożony" in client.get(reverse("workflows:inbox")).content.decode()
    dashboard = client.get(reverse("workflows:dashboard")).content.decode()
    assert "?at_risk=1" in dashboard
    listed = client.get(reverse("workflows:procedure_list") + "?at_risk=1")
    assert [p.pk for p in listed.context["page"]] == [procedure.pk]

    late = deadline.due_on + datetime.timedelta(days=1)  # late now, no longer "at risk"
    on_day(late)
    assert not at_risk_deadlines(late).filter(pk=deadline.pk).exists()
    assert dashboard_counts(user=world.chair).counts["overdue"] == 1
    (row,) = [r for r in open_tasks_for(world.chair) if r.procedure.pk == procedure.pk]
    assert row.overdue and not row.at_risk


def test_the_share_is_configurable_per_rule(world, monkeypatch):
    procedure = drive(world, to=Stage.INITIATED)
    deadline = procedure.deadlines.get(rule=RuleCode.NKA_TO_CHAIR)
    spec = EDITIONS[deadline.edition]
    rule = spec.rules[RuleCode.NKA_TO_CHAIR]
    assert rule.warn_share is None  # no edition's values were changed
    default_day = warn_on(deadline)
    monkeypatch.setitem(
        spec.rules, RuleCode.NKA_TO_CHAIR, dataclasses.replace(rule, warn_share=0.2)
    )
    early = warn_on(deadline)
    assert early < default_day
    assert at_risk_deadlines(early).filter(pk=deadline.pk).exists()
    assert not at_risk_deadlines(early - datetime.timedelta(days=1)).filter(pk=deadline.pk).exists()
    # The deadline itself did not move.
    deadline.refresh_from_db()
    assert deadline.due_on == procedure.deadlines.get(rule=RuleCode.NKA_TO_CHAIR).due_on


def test_the_at_risk_e_mail_goes_once_before_the_reminder(world, committed, monkeypatch):
    procedure = drive(world, to=Stage.INITIATED)
    deadline = procedure.deadlines.get(rule=RuleCode.NKA_TO_CHAIR)
    spec = EDITIONS[deadline.edition]
    rule = spec.rules[RuleCode.NKA_TO_CHAIR]
    # A short window (5 working days): a small share puts the warning before the reminder.
    monkeypatch.setitem(
        spec.rules, RuleCode.NKA_TO_CHAIR, dataclasses.replace(rule, warn_share=0.2)
    )
    day = warn_on(deadline)
    with committed():
        assert check_deadlines(day - datetime.timedelta(days=1)).at_risk == 0
        report = check_deadlines(day)
        assert (report.at_risk, report.reminders, report.escalations) == (1, 0, 0)
        assert check_deadlines(day).at_risk == 0  # once
        assert check_deadlines(day + datetime.timedelta(days=1)).at_risk == 0
    (message,) = mail.outbox
    assert message.to == [world.teacher.email]
    assert message.subject.startswith("[Niebieska Karta] Zagrożony termin")
    assert DeadlineNotice.objects.filter(kind=DeadlineNotice.Kind.AT_RISK).count() == 1
    assert AuditEvent.objects.filter(action="deadline.at_risk").count() == 1
    (notification,) = UserNotification.objects.filter(recipient=world.teacher)
    assert notification.kind == NotificationKind.DEADLINE_AT_RISK
    # Later the reminder and the escalation still come, each once.
    with committed():
        check_deadlines(deadline.due_on)
        check_deadlines(deadline.due_on + datetime.timedelta(days=1))
    assert [m.to for m in mail.outbox] == [
        [world.teacher.email],
        [world.teacher.email],
        [world.chair.email],
    ]


def test_no_message_of_the_demo_carries_a_participants_name_pesel_or_address(committed):
    """Seed the demo (every stage, both closures, planned meetings, routed cards) and run
    the deadline checks over the next weeks: no notification, e-mail or .ics names anybody
    of the families, their PESEL, address or phone."""
    with committed():
        demo.seed()
        for days in (0, 3, 7, 14, 30):
            check_deadlines(TODAY + datetime.timedelta(days=days))
    kinds = set(UserNotification.objects.values_list("kind", flat=True))
    assert {
        NotificationKind.NEW_CARD,
        NotificationKind.GROUP_APPOINTMENT,
        NotificationKind.TASK_ASSIGNED,
        NotificationKind.MEETING_PLANNED,
        NotificationKind.DEADLINE_OVERDUE,
    } <= kinds
    secrets = set()
    for person in Person.objects.all():
        secrets |= {person.first_name, person.last_name, person.pesel, person.address, person.phone}
    secrets |= set(Household.objects.values_list("address", flat=True))
    secrets = {s for s in secrets if s and len(s) >= 3}
    assert len(secrets) > 20
    texts = [" ".join([n.title, n.body, n.ics, n.link]) for n in UserNotification.objects.all()]
    texts += [
        " ".join([m.subject, m.body, *(str(a[1]) for a in m.attachments)]) for m in mail.outbox
    ]
    assert len(mail.outbox) > 10
    for text in texts:
        words = set(re.findall(r"[\w-]+", text))
        for secret in secrets:
            if " " in secret or not secret.isalpha():
                assert secret not in text
            else:
                assert secret not in words


def test_a_group_task_taken_by_the_member_who_completes_it_is_no_news_to_them(world, committed):
    with committed():
        drive(world, to=Stage.ACTIONS)
    for member in (world.social_worker, world.police_officer):
        assert NotificationKind.TASK_ASSIGNED not in _kinds(member)


def test_the_dashboard_marks_a_deadline_due_soon_that_is_at_risk(client, world, on_day):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    deadline = procedure.deadlines.get(rule=RuleCode.GROUP_CREATED, met_on__isnull=True)
    client.force_login(world.chair)
    on_day(warn_on(deadline))
    response = client.get(reverse("workflows:dashboard"))
    assert deadline in response.context["due_soon"]
    assert deadline in response.context["at_risk"]
    due_soon_table = response.content.decode().split('id="at-risk"')[0]
    assert 'class="at-risk">zagrożony' in due_soon_table


def test_a_protective_orders_expiry_is_never_at_risk(world):
    procedure = drive(world, to=Stage.INITIATED)
    deadline = procedure.deadlines.get(rule=RuleCode.NKA_TO_CHAIR)
    Deadline.objects.filter(pk=deadline.pk).update(rule=RuleCode.PROTECTIVE_ORDER)
    day = warn_on(deadline)
    (annotated,) = annotate_at_risk(Deadline.objects.filter(pk=deadline.pk), day)
    assert annotated.at_risk is False
    assert not at_risk_deadlines(day).filter(pk=deadline.pk).exists()
