"""The audit trail: hash chain, append-only, auditors read only, timeline and reports."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from audit.verify import verify_chain
from oversight.selectors import COMPLIANCE_RULES, compliance
from tests.scenarios import drive
from tests.test_refusals import snapshot
from workflows import demo
from workflows.idempotency import issue_token
from workflows.models import Deadline, Procedure, Stage

pytestmark = pytest.mark.django_db


def _tamper(sql: str, params) -> None:
    """Change the audit table behind the application's back (as an attacker with SQL would)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Superuser only: no trigger (ours included) fires for a "replica" session.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_an_untouched_chain_verifies(world):
    drive(world, to=Stage.CLOSED)
    report = verify_chain()
    assert report.ok and report.events == AuditEvent.objects.count() > 5
    call_command("verify_audit")


def test_changing_one_row_breaks_the_chain_at_that_row(world):
    drive(world, to=Stage.ACTIONS)
    victim = AuditEvent.objects.order_by("id")[3]
    _tamper(
        "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["procedure.nothing", victim.pk]
    )
    report = verify_chain()
    assert report.broken_at == victim.pk
    with pytest.raises(CommandError, match=f"event {victim.pk}"):
        call_command("verify_audit")


def test_removing_a_row_breaks_the_link_of_the_next(world):
    drive(world, to=Stage.ACTIONS)
    events = list(AuditEvent.objects.order_by("id"))
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    report = verify_chain()
    assert report.broken_at == events[3].pk and "links to" in report.problem


def test_removing_the_last_rows_is_noticed(world):
    drive(world, to=Stage.ACTIONS)
    last = AuditEvent.objects.order_by("-id").first()
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    assert not verify_chain().ok


def test_the_model_refuses_changes(world):
    drive(world, to=Stage.INITIATED)
    event = AuditEvent.objects.first()
    event.action = "x"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_of_an_event(world):
    drive(world, to=Stage.INITIATED)
    event = AuditEvent.objects.first()
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])


def test_events_record_role_institution_and_client(client, world):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    client.force_login(world.chair)
    client.get(f"/procedures/{procedure.pk}/", REMOTE_ADDR="10.1.2.3")
    viewed = AuditEvent.objects.filter(action="procedure.viewed").get()
    assert (viewed.actor, viewed.actor_role, viewed.client) == (world.chair, "chair", "10.1.2.3")
    assert viewed.actor_institution == "OPS Testowo"
    # A step written through a page carries the client address too.
    client.post(
        f"/procedures/{procedure.pk}/group/",
        {
            "appointed_on": datetime.date.today().isoformat(),
            "members": [world.social_worker.professional.pk, world.police_officer.professional.pk],
            "form_token": issue_token(),
        },
        REMOTE_ADDR="10.1.2.3",
    )
    appointed = AuditEvent.objects.get(action="group.appointed")
    assert appointed.client == "10.1.2.3" and appointed.actor_role == "chair"


def test_opening_a_procedure_adds_exactly_one_view_event_shown_on_the_timeline(client, world):
    procedure = drive(world, to=Stage.MEETINGS)
    for user in (world.social_worker, world.auditor):
        before = AuditEvent.objects.count()
        client.force_login(user)
        assert client.get(f"/procedures/{procedure.pk}/").status_code == 200
        added = list(AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:])
        assert [(e.action, e.actor) for e in added] == [("procedure.viewed", user)]
    # The initiator opens their card, not the case: the read is logged as the card's.
    before = AuditEvent.objects.count()
    client.force_login(world.teacher)
    assert client.get(f"/procedures/{procedure.pk}/").status_code == 404
    nka = procedure.nka_forms.get()
    assert client.get(f"/cards/{nka.pk}/").status_code == 200
    added = list(AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:])
    assert [(e.action, e.actor, e.procedure_id) for e in added] == [
        ("nka.viewed", world.teacher, procedure.pk)
    ]
    client.force_login(world.auditor)
    page = client.get(f"/procedures/{procedure.pk}/timeline/").content.decode()
    assert page.count("otwarto kartę procedury") == 2  # procedure.viewed, in Polish
    assert "Zielińska" in page  # the social worker who looked


def _every_page_url(procedure) -> list[str]:
    """Every URL of the procedure pages, with this procedure's objects filled in."""
    from workflows import urls as workflow_urls

    values = {
        "pk": procedure.pk,
        "nka_pk": procedure.nka_forms.first().pk,
        "item_pk": procedure.help_plan_items.first().pk,
        "referral_pk": 1,
    }
    result = []
    for pattern in workflow_urls.urlpatterns:
        path = str(pattern.pattern)
        for name, value in values.items():
            path = path.replace(f"<int:{name}>", str(value))
        result.append("/" + path)
    return result


def test_every_change_request_by_an_auditor_is_refused_and_writes_nothing(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    client.force_login(world.auditor)
    urls = _every_page_url(procedure) + [
        "/documents/00000000-0000-4000-8000-000000000000/new-version/",
        "/admin/login/",
    ]
    assert len(urls) > 18
    before = snapshot()
    events = AuditEvent.objects.count()
    for url in urls:
        assert client.post(url, {"anything": "1"}).status_code == 403, url
    assert snapshot() == before
    assert AuditEvent.objects.count() == events
    # Signing out still works.
    assert client.post("/logout/").status_code == 302


def test_the_compliance_report_equals_a_hand_count_on_the_demo():
    demo.seed()
    start, end = datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)
    rows = {
        row.rule: row
        for row in compliance(procedures=Procedure.objects.all(), start=start, end=end)
    }
    today = datetime.date.today()
    for code in COMPLIANCE_RULES:
        deadlines = list(Deadline.objects.filter(rule=code))
        met = [d for d in deadlines if d.met_on]
        elapsed = sorted((d.met_on - d.starts_on).days for d in met)
        row = rows[code]
        assert row.on_time == sum(1 for d in met if d.met_on <= d.due_on), code
        assert row.late == sum(1 for d in met if d.met_on > d.due_on), code
        assert row.open == sum(1 for d in deadlines if d.met_on is None), code
        assert row.open_overdue == sum(
            1 for d in deadlines if d.met_on is None and d.due_on < today
        ), code
        if elapsed:
            assert row.median_days == elapsed[max(0, -(-len(elapsed) * 5 // 10) - 1)], code
            assert row.p90_days == elapsed[max(0, -(-len(elapsed) * 9 // 10) - 1)], code
            assert row.max_days == elapsed[-1], code
        else:
            assert row.median_days is None
    # The demo has an overdue group and late steps nowhere else: the report shows both.
    assert rows["group_created"].open_overdue == 1


def test_compliance_page_is_for_chairs_and_auditors(client, world):
    drive(world, to=Stage.CLOSED)
    client.force_login(world.auditor)
    assert client.get("/audit/compliance/").status_code == 200
    client.force_login(world.chair)
    assert client.get("/audit/compliance/?from=2020-01-01&to=2099-12-31").status_code == 200
    client.force_login(world.social_worker)
    assert client.get("/audit/compliance/").status_code == 403


def test_timeline_and_compliance_queries_do_not_grow_with_events(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    client.force_login(world.auditor)
    url = f"/procedures/{procedure.pk}/timeline/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(15):
        client.get(f"/procedures/{procedure.pk}/")  # 15 more view events
        drive(world, to=Stage.CLOSED)  # and more procedures for the report
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as report_few:
        client.get("/audit/compliance/?from=2000-01-01&to=2100-01-01")
    for _ in range(5):
        drive(world, to=Stage.CLOSED)
    with CaptureQueriesContext(connection) as report_many:
        client.get("/audit/compliance/?from=2000-01-01&to=2100-01-01")
    assert len(report_many) == len(report_few)


@pytest.mark.real_pdf
def test_timeline_exports_csv_and_a_pdf_dossier(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.GROUP_APPOINTED)
    client.force_login(world.chair)
    response = client.get(f"/procedures/{procedure.pk}/timeline/?export=csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    # For Excel: Polish sentences, no codes; for programs: the stored codes beside them.
    assert "powołano grupę" in text and "group.appointed" not in text
    assert text.splitlines()[0].split(";")[:3] == ["lp.", "kiedy", "zdarzenie"]
    response = client.get(f"/procedures/{procedure.pk}/timeline/?export=csv-data")
    text = response.content.decode()
    assert "group.appointed" in text and "procedure.initiated" in text
    response = client.get(f"/procedures/{procedure.pk}/timeline/?export=pdf")
    assert response["Content-Type"] == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    pdf = " ".join(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages).split()
    )
    assert procedure.number in pdf  # group.appointed, told as a sentence:
    assert "Barbara Nowak (przewodniczący): powołanie grupy diagnostyczno-pomocowej" in pdf
    document = procedure.documents.first()
    assert document.sha256[:20] in pdf.replace(" ", "")
    assert AuditEvent.objects.filter(action="timeline.exported").count() == 3
    client.force_login(world.social_worker)  # a group member: not an auditor, not the chair
    assert client.get(f"/procedures/{procedure.pk}/timeline/").status_code == 403


def test_who_saw_a_person_lists_every_read_of_their_data(client, world):
    procedure = drive(world, to=Stage.MEETINGS)
    other = drive(world, to=Stage.MEETINGS)
    victim = procedure.participants.get(role="victim").person
    client.force_login(world.social_worker)
    client.get(f"/procedures/{procedure.pk}/", REMOTE_ADDR="10.9.9.9")
    client.force_login(world.police_officer)
    client.get(f"/procedures/{other.pk}/")  # someone else's case
    client.force_login(world.chair)
    client.get("/procedures/", {"q": victim.last_name})  # a search that finds them
    client.force_login(world.auditor)
    response = client.get(f"/audit/people/{victim.pk}/")
    events = response.context["events"]
    assert [(e.actor, e.client) for e in events if e.action == "procedure.viewed"] == [
        (world.social_worker, "10.9.9.9")
    ]
    searched = [e for e in events if e.action == "procedure.searched"]
    # One event for the results page, naming every procedure it listed.
    assert [e.actor for e in searched] == [world.chair]
    assert procedure.pk in searched[0].payload["shown"]["procedures"]
    assert AuditEvent.objects.filter(action="person.viewed", person=victim).count() == 1
    client.force_login(world.outsider)
    assert client.get(f"/audit/people/{victim.pk}/").status_code == 404


def test_tasks_and_deadlines_leave_their_own_events(world):
    procedure = drive(world, to=Stage.MEETINGS)
    events = list(AuditEvent.objects.filter(procedure=procedure).order_by("id"))
    tasks = [
        (e.action, e.payload.get("node"), e.actor) for e in events if e.action.startswith("task.")
    ]
    assert ("task.created", "appoint_group", None) in tasks
    assert ("task.completed", "appoint_group", world.chair) in tasks
    assert ("task.created", "victim_meeting", None) in tasks
    assert ("task.completed", "transfer_to_chair", world.teacher) in tasks
    met = {e.payload["rule"]: e for e in events if e.action.startswith("deadline.met")}
    assert set(met) == {"nka_to_chair", "group_created", "nka_to_group"}
    assert all(e.action == "deadline.met" and e.payload["days_late"] == 0 for e in met.values())
    assert verify_chain().ok


def test_the_compliance_link_shows_exactly_for_those_the_report_admits(client, world):
    link = "/audit/compliance/"
    for user, shown in (
        (world.chair, True),
        (world.auditor, True),
        (world.social_worker, False),
        (world.teacher, False),
    ):
        client.force_login(user)
        assert (link in client.get("/").content.decode()) is shown, user
    # A chair whose confidentiality declaration is not on record is not admitted: no link.
    world.chair.professional.confidentiality_declared_on = None
    world.chair.professional.save(update_fields=["confidentiality_declared_on"])
    client.force_login(world.chair)
    assert link not in client.get("/").content.decode()
    assert client.get(link).status_code == 403


def test_a_group_task_taken_and_completed_in_one_step_leaves_each_event_once(world):
    # The member who records the meeting takes the group's task and completes it in one save
    # (steps.complete_task): its events are still created, assigned to them, completed by them.
    from viewflow.workflow.models import Task

    procedure = drive(world, to=Stage.ACTIONS)
    task = Task.objects.get(
        process_id=procedure.process_id,
        flow_task_type="HUMAN",
        flow_task__endswith=".victim_meeting",
    )
    assert (task.status, task.owner) == ("DONE", world.social_worker)
    events = [
        (e.action, e.actor, e.payload["owner"])
        for e in AuditEvent.objects.filter(procedure=procedure).order_by("id")
        if e.action.startswith("task.") and e.payload.get("task") == task.pk
    ]
    owner = world.social_worker.pk
    assert events == [
        ("task.created", None, None),
        ("task.assigned", None, owner),
        ("task.completed", world.social_worker, owner),
    ]
