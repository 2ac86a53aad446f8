"""Issue 13 item 7, through the pages: the group asks, the team decides.

The group (a member) requests a referral of the suspected person to a programme; only the
chair records the team's decision; only a granted referral is issued, with the two
instructions of Dz.U. 2023 poz. 1164 and the team's period to report (a team setting with no
statutory basis, never a constant). Notifications take the same shape: a refused one is never
drawn up nor sent.
"""

import dataclasses
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from audit.models import AuditEvent
from documents import render
from documents.models import Document, DocumentJob, DocumentKind
from tests.scenarios import drive, granted_notification
from tests.test_web_scenario import _d, drive_to_actions, last_action, step
from workflows import calendar
from workflows.corrections import record_correct
from workflows.idempotency import issue_token
from workflows.models import Deadline, Notification, Referral, TeamDecision
from workflows.rules import RuleCode, rule

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _request_referral(client, world, procedure) -> Referral:
    client.force_login(world.social_worker)
    suspect = procedure.participants.get(role="suspect").person
    step(
        client,
        "referral_create",
        procedure,
        {
            "person": suspect.pk,
            "programme": "correctional_educational",
            "provider": "PCPR Testowo",
            "requested_on": _d(0),
            "justification": "Zadeklarował udział w programie przy NK-D.",
        },
    )
    return Referral.objects.filter(procedure=procedure).latest("id")


def _decide(client, world, procedure, referral, **data):
    client.force_login(world.chair)
    values = {
        "decision": "granted",
        "decided_on": _d(0),
        "decided_as": "team_resolution",
        "resolution_number": "7/2026",
        "provider": "PCPR Testowo",
        "received_on": _d(0),
        **data,
    }
    return step(client, "referral_decide", procedure, values, referral_pk=referral.pk)


def _post(client, name, procedure, data, **kwargs):
    url = reverse(f"workflows:{name}", kwargs={"pk": procedure.pk, **kwargs})
    return client.post(url, {**data, "form_token": issue_token()})


def _report_deadline(referral):
    return Deadline.objects.filter(referral=referral, rule=RuleCode.PROGRAMME_REPORT).first()


def test_the_group_asks_only_the_chair_decides_and_the_referral_prints_both_instructions(
    client, world, django_capture_on_commit_callbacks
):
    procedure = drive_to_actions(client, world)
    referral = _request_referral(client, world, procedure)
    assert last_action(procedure) == "referral.requested"
    assert referral.is_pending and referral.requested_by == world.social_worker
    assert referral.referred_on is None
    assert _report_deadline(referral) is None
    assert not DocumentJob.objects.filter(procedure=procedure, kind=DocumentKind.REFERRAL)

    # A group member who is not the chair cannot record the team's decision.
    events = AuditEvent.objects.exclude(action__endswith=".viewed").count()
    response = _post(
        client,
        "referral_decide",
        procedure,
        {"decision": "granted", "decided_on": _d(0), "decided_as": "chair_for_team"},
        referral_pk=referral.pk,
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.is_pending
    assert AuditEvent.objects.exclude(action__endswith=".viewed").count() == events

    # The chair's inbox lists the request with the link to decide; the group's does not.
    decide_url = reverse("workflows:referral_decide", args=[procedure.pk, referral.pk])
    assert decide_url not in client.get(reverse("workflows:inbox")).content.decode()
    client.force_login(world.chair)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert "Wnioski grup czekające na decyzję zespołu" in inbox and decide_url in inbox
    # The chair sees the request and the team's period, marked as a team setting.
    page = client.get(
        reverse("workflows:referral_decide", args=[procedure.pk, referral.pk])
    ).content.decode()
    assert "Zadeklarował udział w programie przy NK-D." in page
    assert "ustawienie zespołu – brak podstawy ustawowej" in page

    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, world, procedure, referral)
    referral.refresh_from_db()
    assert AuditEvent.objects.filter(procedure=procedure, action="referral.granted").exists()
    assert referral.decision == TeamDecision.GRANTED and referral.decided_by == world.chair
    assert referral.referred_on == TODAY and referral.report_within_days == 30

    document = Document.objects.get(procedure=procedure, kind=DocumentKind.REFERRAL)
    data = document.snapshot["data"]
    assert data["decided_as"] == "uchwała zespołu" and data["resolution_number"] == "7/2026"
    assert data["report_within"] == "30 dni"
    html = render.render_html(document.kind, document.snapshot, public_id="x", version=1)
    # The two instructions of Dz.U. 2023 poz. 1164 § 1 pkt 3 and 4.
    assert "obowiązku niezwłocznego dostarczenia grupie diagnostyczno-pomocowej" in html
    assert "możliwości złożenia zawiadomienia o popełnieniu wykroczenia" in html
    assert "art. 66c" in html
    assert "Dz.U. 2023 poz. 1164" in html

    # Decided: no longer waiting in the inbox.
    assert decide_url not in client.get(reverse("workflows:inbox")).content.decode()

    # The case page says where the period comes from.
    page = client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).content.decode()
    assert "ustawienie zespołu – brak podstawy ustawowej" in page


def test_a_decision_is_taken_once_and_a_refusal_needs_its_reason(client, world):
    procedure = drive_to_actions(client, world)
    referral = _request_referral(client, world, procedure)
    client.force_login(world.chair)
    response = _post(
        client,
        "referral_decide",
        procedure,
        {"decision": "refused", "decided_on": _d(0), "decided_as": "chair_for_team"},
        referral_pk=referral.pk,
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    referral.refresh_from_db()
    assert referral.is_pending

    step(
        client,
        "referral_decide",
        procedure,
        {
            "decision": "refused",
            "decided_on": _d(0),
            "decided_as": "chair_for_team",
            "reason": "Program nie jest dostępny dla osoby w tym wieku.",
        },
        referral_pk=referral.pk,
    )
    referral.refresh_from_db()
    assert last_action(procedure) == "referral.refused"
    assert referral.decision == TeamDecision.REFUSED and referral.referred_on is None
    assert _report_deadline(referral) is None
    assert not DocumentJob.objects.filter(procedure=procedure, kind=DocumentKind.REFERRAL)
    # Decided once: a second decision is refused and changes nothing.
    response = _post(
        client,
        "referral_decide",
        procedure,
        {"decision": "granted", "decided_on": _d(0), "decided_as": "chair_for_team"},
        referral_pk=referral.pk,
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.decision == TeamDecision.REFUSED


def test_the_report_deadline_comes_from_the_team_setting(
    client, world, django_capture_on_commit_callbacks
):
    procedure = drive_to_actions(client, world)
    world.team.programme_report_days = 14
    world.team.save()
    first = _request_referral(client, world, procedure)
    _decide(client, world, procedure, first)
    deadline = _report_deadline(first)
    statutory = rule(RuleCode.PROGRAMME_REPORT, procedure.edition)
    assert deadline.period == 14
    assert deadline.due_on == calendar.due_date(dataclasses.replace(statutory, value=14), TODAY)
    assert deadline.due_on < TODAY + datetime.timedelta(days=30)

    # 0: no deadline at all, and the referral names no period.
    world.team.programme_report_days = 0
    world.team.save()
    second = _request_referral(client, world, procedure)
    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, world, procedure, second, resolution_number="8/2026")
    second.refresh_from_db()
    assert second.is_granted and second.report_within_days is None
    assert _report_deadline(second) is None
    snapshot = Document.objects.get(subject=f"referral:{second.pk}").snapshot
    assert snapshot["data"]["report_within"] == ""
    # The first referral keeps the period it was counted with.
    assert _report_deadline(first).period == 14


def test_a_notification_refused_by_the_team_produces_no_document(client, world):
    procedure = drive_to_actions(client, world)
    suspect = procedure.participants.get(role="suspect").person
    client.force_login(world.police_officer)
    step(
        client,
        "notification_create",
        procedure,
        {
            "kind": "alcohol_commission",
            "addressee": "Gminna Komisja Rozwiązywania Problemów Alkoholowych",
            "requested_on": _d(0),
            "person": suspect.pk,
            "justification": "Nadużywanie alkoholu.",
        },
    )
    notification = Notification.objects.get(procedure=procedure)
    assert last_action(procedure) == "notification.requested"
    assert notification.is_pending and notification.sent_on is None

    # The requesting member cannot decide.
    response = _post(
        client,
        "notification_decide",
        procedure,
        {"decision": "granted", "decided_on": _d(0), "decided_as": "chair_for_team"},
        notification_pk=notification.pk,
    )
    assert response.status_code == 403

    client.force_login(world.chair)
    step(
        client,
        "notification_decide",
        procedure,
        {
            "decision": "refused",
            "decided_on": _d(0),
            "decided_as": "chair_for_team",
            "reason": "Brak przesłanek; rodzina korzysta z terapii.",
        },
        notification_pk=notification.pk,
    )
    assert last_action(procedure) == "notification.refused"
    kinds = (DocumentKind.NOTICE, DocumentKind.MISDEMEANOUR)
    assert not DocumentJob.objects.filter(procedure=procedure, kind__in=kinds).exists()

    # A refused notification is never sent.
    response = _post(
        client, "notification_sent", procedure, {"sent_on": _d(0)}, notification_pk=notification.pk
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    notification.refresh_from_db()
    assert notification.sent_on is None
    assert not DocumentJob.objects.filter(procedure=procedure, kind__in=kinds).exists()


def test_a_granted_misdemeanour_notification_is_drawn_up_then_sent(client, world):
    procedure = drive_to_actions(client, world)
    suspect = procedure.participants.get(role="suspect").person
    client.force_login(world.social_worker)
    step(
        client,
        "notification_create",
        procedure,
        {
            "kind": "misdemeanour_66c",
            "addressee": "Komisariat Policji w Testowie",
            "requested_on": _d(0),
            "person": suspect.pk,
            "justification": "Nie zgłosił się do programu.",
        },
    )
    notification = Notification.objects.get(procedure=procedure)
    client.force_login(world.chair)
    step(
        client,
        "notification_decide",
        procedure,
        {"decision": "granted", "decided_on": _d(0), "decided_as": "chair_for_team"},
        notification_pk=notification.pk,
    )
    job = DocumentJob.objects.get(procedure=procedure, kind=DocumentKind.MISDEMEANOUR)
    assert job.snapshot["data"]["reason"] == "Nie zgłosił się do programu."
    assert job.snapshot["data"]["decided_as"] == "przewodniczący w imieniu zespołu"
    step(
        client, "notification_sent", procedure, {"sent_on": _d(0)}, notification_pk=notification.pk
    )
    notification.refresh_from_db()
    assert notification.sent_on == TODAY
    assert last_action(procedure) == "notification.sent"


def test_a_notification_request_is_corrected_with_its_decision_kept(client, world):
    procedure = drive(world)
    notification = granted_notification(world, procedure, kind="police", addressee="KPP")
    new = record_correct(
        actor=world.chair,
        slug="notification",
        record_id=notification.pk,
        changes={"addressee": "KPP Testowo"},
        reason="literówka",
    )
    assert new.addressee == "KPP Testowo" and new.justification == notification.justification
    assert new.is_granted and new.sent_on == notification.sent_on


# The migration from a database without requests: transactional, restored like the other
# migration tests (tests/test_protective_orders.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_referrals_and_notifications_become_requested_and_granted(world):
    procedure = drive(world)
    suspect = procedure.participants.get(role="suspect").person
    executor = MigrationExecutor(connection)
    before = [("workflows", "0011_merge_orders_and_edition_deadlines")]
    after = [("workflows", "0014_request_dates_required")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    referral = apps.get_model("workflows", "Referral").objects.create(
        procedure_id=procedure.pk,
        person_id=suspect.pk,
        programme="correctional_educational",
        provider="PCPR",
        referred_on=TODAY,
        received_on=TODAY,
        created_by_id=world.chair.pk,
    )
    apps.get_model("workflows", "Deadline").objects.create(
        procedure_id=procedure.pk,
        rule="programme_report",
        edition=procedure.edition,
        starts_on=TODAY,
        due_on=TODAY + datetime.timedelta(days=30),
        referral_id=referral.pk,
    )
    apps.get_model("workflows", "Notification").objects.create(
        procedure_id=procedure.pk,
        kind="police",
        addressee="KPP",
        sent_on=TODAY,
        reason="stare uzasadnienie",
        created_by_id=world.police_officer.pk,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    try:
        executor.migrate(after)
        migrated = Referral.objects.get()
        assert migrated.is_granted and migrated.requested_on == migrated.decided_on == TODAY
        assert migrated.requested_by_id == world.chair.pk
        assert migrated.report_within_days == 30
        assert Deadline.objects.get(rule=RuleCode.PROGRAMME_REPORT).period == 30
        notification = Notification.objects.get()
        assert notification.justification == "stare uzasadnienie"
        assert notification.is_granted and notification.sent_on == TODAY
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
