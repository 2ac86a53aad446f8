"""Protective orders from the first day (issue 13, item 5): all four measures, combinable,
14 days from the day after issue, a later ban ends with the first order, pretrial detention
ends them, and the expiry is a deadline in the inbox, on the dashboard and in reminders."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from tests.scenarios import drive
from tests.test_web_scenario import nka_post_data, step
from workflows import calendar, selectors, services
from workflows.idempotency import issue_token
from workflows.models import Deadline, DetentionNotice, Procedure, ProtectiveOrder, Stage
from workflows.reminders import check_deadlines
from workflows.rules import RuleCode
from workflows.steps import ServiceError

pytestmark = pytest.mark.django_db

TODAY = calendar.legal_date()


def _d(days_ago: int) -> str:
    return (TODAY - datetime.timedelta(days=days_ago)).isoformat()


def _file_nka(client, world) -> Procedure:
    client.force_login(world.teacher)
    response = client.post(
        reverse("workflows:nka_create"),
        nka_post_data(incident_date=_d(12), protective_order_issued="on"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    procedure = Procedure.objects.get()
    assert procedure.stage == Stage.INITIATED
    return procedure


def test_an_order_recorded_right_after_the_nka_lapses_in_the_inbox_and_ends_on_detention(
    client, world, django_capture_on_commit_callbacks
):
    procedure = _file_nka(client, world)
    suspect = procedure.participants.get(role="suspect").person

    # The chair records the Police's order the day the NK-A arrives: two measures. The case
    # page asks for it, since the card says an order was issued.
    client.force_login(world.chair)
    case_url = reverse("workflows:procedure_detail", args=[procedure.pk])
    assert 'id="order-to-record"' in client.get(case_url).content.decode()
    step(
        client,
        "protective_order_create",
        procedure,
        {
            "person": suspect.pk,
            "leave_home": "on",
            "home_area": "100 m od budynku",
            "no_contact": "on",
            "issuer": "police",
            "issued_on": _d(12),
        },
    )
    assert procedure.stage == Stage.INITIATED
    order = ProtectiveOrder.objects.get()
    assert order.measures == ["leave_home", "no_contact"]
    # 14 days counted from the day after issue: issued 12 days ago, it binds 2 more days.
    assert order.expires_on == TODAY + datetime.timedelta(days=2)
    deadline = Deadline.objects.get(rule=RuleCode.PROTECTIVE_ORDER)
    assert (deadline.protective_order, deadline.due_on) == (order, order.expires_on)

    # The chair sees it with its date in the inbox and on the deadlines page.
    due = f"{order.expires_on:%d.%m.%Y}"
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert procedure.number in inbox and due in inbox
    dashboard = client.get(reverse("workflows:dashboard")).content.decode()
    assert procedure.number in dashboard and due in dashboard
    case = client.get(case_url + "?tab=all").content.decode()
    assert "100 m od budynku" in case and 'id="order-to-record"' not in case

    # check_deadlines reminds the chair (no group yet) before the order lapses.
    with django_capture_on_commit_callbacks(execute=True):
        report = check_deadlines(TODAY)
    assert report.reminders == 1
    assert mail.outbox[-1].to == [world.chair.email]
    assert procedure.number in mail.outbox[-1].subject
    assert suspect.last_name not in mail.outbox[-1].subject + mail.outbox[-1].body

    # The Police notify the team of a pretrial detention: the order ends that day.
    step(
        client,
        "detention_notice_create",
        procedure,
        {
            "person": suspect.pk,
            "kind": "pretrial_detention",
            "detained_on": _d(0),
            "notified_on": _d(0),
            "notified_by": "KPP Testowo",
        },
    )
    order.refresh_from_db()
    assert (order.ended_on, order.end_reason) == (TODAY, "pretrial_detention")
    assert order.valid_until == TODAY
    deadline.refresh_from_db()
    assert deadline.met_on == TODAY
    assert DetentionNotice.objects.get().notified_by == "KPP Testowo"
    assert AuditEvent.objects.filter(action="protective_order.detention_notified").count() == 1
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert due not in inbox


def test_a_lapsed_order_is_closed_by_check_deadlines_and_never_escalated(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    suspect = procedure.participants.get(role="suspect").person
    services.protective_order_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        person_id=suspect.pk,
        no_approach=True,
        approach_distance_m=50,
        issuer="police",
        issued_on=TODAY - datetime.timedelta(days=20),
    )
    deadline = Deadline.objects.get(rule=RuleCode.PROTECTIVE_ORDER)
    client.force_login(world.chair)
    dashboard = client.get(reverse("workflows:dashboard")).content.decode()
    assert f"{deadline.due_on:%d.%m.%Y}" not in dashboard  # a lapse is not overdue

    check_deadlines(TODAY)

    assert not deadline.notices.exists()
    deadline.refresh_from_db()
    assert deadline.met_on == deadline.due_on
    assert AuditEvent.objects.filter(action="protective_order.lapsed").count() == 1


def test_a_later_ban_ends_with_the_order_to_leave_the_home(world):
    procedure = drive(world, to=Stage.ACTIONS)
    suspect = procedure.participants.get(role="suspect").person
    first = services.protective_order_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        person_id=suspect.pk,
        leave_home=True,
        home_area="50 m",
        issuer="police",
        issued_on=TODAY - datetime.timedelta(days=5),
    )
    later = services.protective_order_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        person_id=suspect.pk,
        no_entry=True,
        entry_places="Szkoła Podstawowa nr 1",
        issuer="police",
        issued_on=TODAY - datetime.timedelta(days=2),
    )
    assert later.ends_with == first
    assert later.valid_until == first.valid_until == first.issued_on + datetime.timedelta(14)


@pytest.mark.parametrize(
    ("measures", "field"),
    [
        ({}, "leave_home"),
        ({"leave_home": True}, "home_area"),
        ({"no_approach": True}, "approach_distance_m"),
        ({"no_entry": True}, "entry_places"),
    ],
)
def test_an_order_needs_a_measure_and_what_each_measure_sets(world, measures, field):
    procedure = drive(world, to=Stage.ACTIONS)
    suspect = procedure.participants.get(role="suspect").person
    with pytest.raises(ServiceError) as refused:
        services.protective_order_record(
            actor=world.police_officer,
            procedure_id=procedure.pk,
            person_id=suspect.pk,
            issuer="police",
            issued_on=TODAY,
            **measures,
        )
    assert field in refused.value.message_dict
    assert not ProtectiveOrder.objects.exists()
    assert not Deadline.objects.filter(rule=RuleCode.PROTECTIVE_ORDER).exists()


def test_an_arrest_alone_ends_no_order(world):
    procedure = drive(world, to=Stage.ACTIONS)
    suspect = procedure.participants.get(role="suspect").person
    order = services.protective_order_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        person_id=suspect.pk,
        no_contact=True,
        issuer="police",
        issued_on=TODAY,
    )
    services.detention_notice_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        person_id=suspect.pk,
        kind="arrest",
        detained_on=TODAY,
        notified_on=TODAY,
        notified_by="KPP Testowo",
    )
    order.refresh_from_db()
    assert order.ended_on is None


def _order(world, procedure, **fields):
    suspect = procedure.participants.get(role="suspect").person
    return services.protective_order_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        person_id=suspect.pk,
        issuer="police",
        **{"issued_on": TODAY, "no_contact": True, **fields},
    )


def test_correcting_an_order_moves_its_deadline_and_withdrawing_it_drops_it(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    order = _order(world, procedure)
    client.force_login(world.police_officer)
    week_ago = TODAY - datetime.timedelta(days=7)
    response = client.post(
        reverse("workflows:record_correct", args=[procedure.pk, "order", order.pk]),
        {
            "no_contact": "on",
            "issuer": "police",
            "issued_on": week_ago.isoformat(),
            "reason": "Zła data wydania.",
            "form_token": issue_token(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = ProtectiveOrder.objects.get(corrects=order)
    deadline = Deadline.objects.get(rule=RuleCode.PROTECTIVE_ORDER)
    assert (deadline.protective_order, deadline.due_on) == (new, new.expires_on)
    assert deadline in selectors.orders_in_force(user=world.police_officer)

    response = client.post(
        reverse("workflows:record_withdraw", args=[procedure.pk, "order", new.pk]),
        {"reason": "Pomyłka: to nie ta rodzina.", "form_token": issue_token()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert selectors.orders_in_force(user=world.police_officer) == []
    assert not Deadline.objects.current().filter(rule=RuleCode.PROTECTIVE_ORDER).exists()


def test_an_outsider_sees_no_order_in_the_inbox(world):
    procedure = drive(world, to=Stage.ACTIONS)
    _order(world, procedure)
    assert len(selectors.orders_in_force(user=world.police_officer)) == 1
    assert selectors.orders_in_force(user=world.teacher) == []


# serialized_rollback like the other transactional tests: its flush then leaves the content
# types to the next test's restore instead of recreating them (duplicates on PostgreSQL).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_maps_the_old_kinds_onto_the_measures(world):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    procedure = drive(world, to=Stage.ACTIONS)
    suspect = procedure.participants.get(role="suspect").person
    executor = MigrationExecutor(connection)
    before = [("workflows", "0007_edition_choices_from_the_declared_editions")]
    after = [("workflows", "0010_protective_order_without_kind")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("workflows", "ProtectiveOrder")
    for kind in ("leave_home", "approach_ban", "contact_ban"):
        old.objects.create(
            procedure_id=procedure.pk,
            person_id=suspect.pk,
            kind=kind,
            issuer="police",
            issued_on=TODAY,
            expires_on=TODAY + datetime.timedelta(days=14),
            created_by_id=world.police_officer.pk,
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    try:
        executor.migrate(after)
        # The model as it stood after the migration: later ones add columns.
        new = executor.loader.project_state(after).apps.get_model("workflows", "ProtectiveOrder")
        flags = ("leave_home", "no_approach", "no_contact", "no_entry")
        orders = [[flag for flag in flags if getattr(o, flag)] for o in new.objects.order_by("id")]
        assert orders == [["leave_home"], ["leave_home"], ["no_contact"]]
        assert Deadline.objects.filter(rule=RuleCode.PROTECTIVE_ORDER).count() == 3
    finally:
        # Leave the database fully migrated for the tests that follow.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
