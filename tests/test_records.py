"""Nothing is lost, duplicated or silently replaced (issue 11, section 2).

Through the pages, as the users would: a form sent twice creates one record; withdrawal
and correction keep every version; help-plan status notes are kept; "more rows" on the
NK-A form keeps what was typed.
"""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from documents.models import Document, DocumentKind
from forms.models import NKA, NKC, HelpPlanItem, HelpPlanStatusChange
from oversight.selectors import compliance
from tests.conftest import plan_item
from tests.scenarios import drive
from tests.test_web_scenario import nka_post_data
from workflows import calendar, selectors, services
from workflows.idempotency import issue_token
from workflows.models import (
    Deadline,
    FormSubmission,
    Meeting,
    MonitoringNote,
    Procedure,
    Stage,
)
from workflows.reminders import check_deadlines
from workflows.rules import RuleCode

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --------------------------------------------------------------------------- idempotency


def test_nka_sent_twice_creates_one_card_and_one_event(client, world):
    client.force_login(world.teacher)
    data = nka_post_data()

    first = client.post(reverse("workflows:nka_create"), data)
    again = client.post(reverse("workflows:nka_create"), data, follow=True)

    assert first.status_code == 302
    procedure = Procedure.objects.get()
    assert NKA.objects.count() == 1
    assert events("procedure.initiated") == 1 and events("nka.joined") == 0
    assert again.redirect_chain[0][0] == first["Location"]
    assert "Ten formularz został już wysłany; niczego nie dodano." in messages_of(again)
    assert FormSubmission.objects.get().redirect_to == first["Location"]
    assert procedure.deadlines.count() == 1


def test_nka_without_a_form_token_writes_nothing(client, world):
    client.force_login(world.teacher)
    data = nka_post_data()
    del data["form_token"]

    response = client.post(reverse("workflows:nka_create"), data)

    assert response.status_code == 200
    assert "Formularz wygasł" in response.content.decode()
    assert not Procedure.objects.exists()
    assert not FormSubmission.objects.exists()


def test_monitoring_note_sent_twice_is_saved_once(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    client.force_login(world.social_worker)
    url = reverse("workflows:monitoring_note_create", args=[procedure.pk])
    data = {"visited_on": TODAY.isoformat(), "note": "Wizyta, spokój.", "form_token": issue_token()}

    first = client.post(url, data)
    again = client.post(url, data)

    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert MonitoringNote.objects.filter(procedure=procedure).count() == 1
    assert events("monitoring.note_added") == 1


def test_a_refused_step_leaves_its_token_unspent(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    client.force_login(world.social_worker)
    url = reverse("workflows:monitoring_note_create", args=[procedure.pk])
    token = issue_token()
    future = (TODAY + datetime.timedelta(days=3)).isoformat()

    refused = client.post(url, {"visited_on": future, "note": "x", "form_token": token})
    fixed = client.post(url, {"visited_on": TODAY.isoformat(), "note": "x", "form_token": token})

    assert refused.status_code == 200
    assert fixed.status_code == 302
    assert MonitoringNote.objects.filter(procedure=procedure).count() == 1


# --------------------------------------------------------------------------- more rows


def test_more_rows_keeps_everything_typed_and_saves_nothing(client, world):
    client.force_login(world.teacher)
    data = nka_post_data(add_row="1", incident_place="klatka schodowa")

    response = client.post(reverse("workflows:nka_create"), data)

    assert response.status_code == 200
    people = response.context["people"]
    assert people.total_form_count() == 4
    body = response.content.decode()
    assert "Łęcka-Ćwik" in body and "klatka schodowa" in body and "Awantura domowa" in body
    assert 'name="people-3-first_name"' in body
    assert "errorlist" not in body
    assert not Procedure.objects.exists()
    assert not FormSubmission.objects.exists()

    # The same form, now sent: the card is filed with the rows typed before.
    del data["add_row"]
    data["people-TOTAL_FORMS"] = "4"
    assert client.post(reverse("workflows:nka_create"), data).status_code == 302
    assert NKA.objects.get().entries.count() == 2


# --------------------------------------------------------------------------- withdrawal


def withdraw_url(procedure, kind, record) -> str:
    return reverse("workflows:record_withdraw", args=[procedure.pk, kind, record.pk])


def correct_url(procedure, kind, record) -> str:
    return reverse("workflows:record_correct", args=[procedure.pk, kind, record.pk])


def note_on(procedure, user, text="Wizyta: spokojnie.") -> MonitoringNote:
    return services.monitoring_note_add(
        actor=user, procedure_id=procedure.pk, visited_on=TODAY, note=text
    )


def test_a_group_member_withdraws_a_monitoring_note_which_stays_marked(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    note = note_on(procedure, world.social_worker, "Wpis do złej sprawy.")
    client.force_login(world.police_officer)

    response = client.post(
        withdraw_url(procedure, "monitoring-note", note),
        {"reason": "Wpis dotyczył innej rodziny.", "form_token": issue_token()},
    )

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.withdrawn_by == world.police_officer
    assert note.withdrawal_reason == "Wpis dotyczył innej rodziny."
    assert MonitoringNote.objects.filter(procedure=procedure).count() == 1
    assert not MonitoringNote.objects.current().filter(procedure=procedure).exists()
    assert events("monitoring.note_withdrawn") == 1
    page = client.get(reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=plan")
    body = page.content.decode()
    assert '<li class="withdrawn">' in body and "Wpis dotyczył innej rodziny." in body
    assert withdraw_url(procedure, "monitoring-note", note) not in body


def test_withdrawal_without_a_reason_writes_nothing(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    note = note_on(procedure, world.social_worker)
    client.force_login(world.chair)
    before = AuditEvent.objects.exclude(action__endswith="viewed").count()

    response = client.post(
        withdraw_url(procedure, "monitoring-note", note),
        {"reason": " ", "form_token": issue_token()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    note.refresh_from_db()
    assert note.withdrawn_at is None
    assert AuditEvent.objects.exclude(action__endswith="viewed").count() == before
    assert not FormSubmission.objects.exists()


# The initiator sees only their own card, not the case (issue 11): 404 like an outsider.
@pytest.mark.parametrize("who,status", [("auditor", 403), ("teacher", 404), ("outsider", 404)])
def test_who_may_not_withdraw_writes_nothing(client, world, who, status):
    procedure = drive(world, to=Stage.ACTIONS)
    note = note_on(procedure, world.social_worker)
    client.force_login(getattr(world, who))

    response = client.post(
        withdraw_url(procedure, "monitoring-note", note),
        {"reason": "x", "form_token": issue_token()},
    )

    assert response.status_code == status
    note.refresh_from_db()
    assert note.withdrawn_at is None
    assert events("monitoring.note_withdrawn") == 0


def test_a_record_of_another_procedure_is_not_found(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    other = drive(world, to=Stage.ACTIONS)
    note = note_on(other, world.social_worker)
    client.force_login(world.chair)

    response = client.get(withdraw_url(procedure, "monitoring-note", note))

    assert response.status_code == 404


def test_a_withdrawn_nka_leaves_every_deadline_count(client, world):
    """The chair withdraws a card filed twice by mistake before it was sent: its "send to
    the chair" deadline no longer counts as open or overdue anywhere."""
    client.force_login(world.teacher)
    client.post(reverse("workflows:nka_create"), nka_post_data())
    procedure = Procedure.objects.get()
    nka = NKA.objects.get()
    deadline = Deadline.objects.get(nka=nka)
    later = calendar.add_working_days(deadline.due_on, 3)
    assert selectors.deadlines_due(user=world.chair, within_working_days=30)["due_soon"]
    client.force_login(world.chair)

    response = client.post(
        withdraw_url(procedure, "nka", nka),
        {"reason": "Karta wypełniona dwukrotnie.", "form_token": issue_token()},
    )

    assert response.status_code == 302
    assert events("nka.withdrawn") == 1
    due = selectors.deadlines_due(user=world.chair, within_working_days=30)
    assert due == {"overdue": [], "due_soon": [], "at_risk": []}
    assert all(row.due_on is None for row in selectors.open_tasks_for(world.teacher))
    report = check_deadlines(today=later)
    assert report.reminders == 0 and report.escalations == 0
    rows = compliance(procedures=Procedure.objects.all(), start=TODAY, end=TODAY)
    assert all(row.total == 0 for row in rows)
    assert Deadline.objects.filter(pk=deadline.pk, met_on__isnull=True).exists()  # kept


def test_the_initiator_may_not_withdraw_a_card_already_with_the_chair(client, world):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    nka = procedure.nka_forms.get()
    client.force_login(world.teacher)

    response = client.post(
        withdraw_url(procedure, "nka", nka), {"reason": "x", "form_token": issue_token()}
    )

    # The initiator sees their card, not the case (issue 11): the case's URLs are not found.
    assert response.status_code == 404
    nka.refresh_from_db()
    assert nka.withdrawn_at is None


def test_a_withdrawn_open_plan_action_does_not_block_closure(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    item = procedure.help_plan_items.get()
    # Ground 1 needs the victim's plan carried out: one action done, the other withdrawn.
    done = services.help_plan_item_add(
        actor=world.chair, procedure_id=procedure.pk, item=plan_item(TODAY)
    )
    services.help_plan_item_set_status(actor=world.chair, item_id=done.pk, status="done")
    client.force_login(world.chair)
    client.post(
        withdraw_url(procedure, "plan-item", item),
        {"reason": "Działanie wpisane omyłkowo.", "form_token": issue_token()},
    )

    response = client.post(
        reverse("workflows:procedure_close", args=[procedure.pk]),
        {
            "ground": "violence_stopped",
            "closed_on": TODAY.isoformat(),
            "summary": "Plan zrealizowany.",
            "monitoring": "on",
            "form_token": issue_token(),
        },
    )

    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.stage == Stage.CLOSED
    assert HelpPlanItem.objects.get(pk=item.pk).status == HelpPlanItem.Status.OPEN


# --------------------------------------------------------------------------- correction


def test_correcting_an_nka_keeps_the_old_card_and_versions_its_documents(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.INITIATED)
    old = procedure.nka_forms.get()
    old_document = Document.objects.get(procedure=procedure, kind=DocumentKind.NKA)
    client.force_login(world.chair)
    form = client.get(correct_url(procedure, "nka", old)).context["form"]
    assert form.initial["incident_place"] == old.incident_place
    data = {
        **{k: v for k, v in form.initial.items() if v not in (None, False)},
        "incident_date": old.incident_date.isoformat(),
        "incident_place": "klatka schodowa",
        "reason": "Pomyłka w miejscu zdarzenia.",
        "form_token": issue_token(),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(correct_url(procedure, "nka", old), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    new = NKA.objects.get(corrects=old)
    old.refresh_from_db()
    assert old.is_superseded and old.incident_place != "klatka schodowa"
    assert new.incident_place == "klatka schodowa" and new.filled_at == old.filled_at
    assert new.correction_reason == "Pomyłka w miejscu zdarzenia."
    assert list(NKA.objects.current()) == [new]
    assert sorted(new.entries.values_list("person_id", "role")) == sorted(
        old.entries.values_list("person_id", "role")
    )
    assert Deadline.objects.get(rule=RuleCode.NKA_TO_CHAIR).nka == new
    version = Document.objects.get(
        procedure=procedure, kind=DocumentKind.NKA, replaces=old_document
    )
    assert version.subject == f"nka:{new.pk}" and version.version == 2
    assert events("nka.corrected") == 1
    body = client.get(
        reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=forms"
    ).content.decode()
    assert body.count("NK-A ") >= 2 and 'class="superseded"' in body


def test_correcting_a_meeting_moves_its_nkc_and_keeps_who_was_present(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    meeting = Meeting.objects.get(procedure=procedure, kind="victim")
    client.force_login(world.social_worker)
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    data = {
        "held_on": meeting.held_on.isoformat(),
        "place": "OPS, pokój 2",
        "person_appeared": "on",
        "minutes": "",
        "reason": "Błędne miejsce.",
        "invited_on": yesterday,
        "form_token": issue_token(),
    }

    response = client.post(correct_url(procedure, "meeting", meeting), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    new = Meeting.objects.get(corrects=meeting)
    assert new.place == "OPS, pokój 2"
    assert set(new.present.all()) == set(meeting.present.all())
    assert NKC.objects.get(procedure=procedure).meeting == new
    assert Meeting.objects.filter(procedure=procedure).count() == 3
    assert Meeting.objects.current().filter(procedure=procedure).count() == 2
    assert events("meeting.corrected") == 1


def test_a_correction_into_the_future_or_without_change_writes_nothing(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    note = note_on(procedure, world.social_worker, "Wizyta.")
    client.force_login(world.chair)
    url = correct_url(procedure, "monitoring-note", note)
    future = (TODAY + datetime.timedelta(days=2)).isoformat()

    into_future = client.post(
        url, {"visited_on": future, "note": "Wizyta.", "reason": "x", "form_token": issue_token()}
    )
    unchanged = client.post(
        url,
        {
            "visited_on": TODAY.isoformat(),
            "note": "Wizyta.",
            "reason": "x",
            "form_token": issue_token(),
        },
    )

    assert into_future.status_code == unchanged.status_code == 200
    assert into_future.context["form"].errors["visited_on"]
    assert unchanged.context["form"].non_field_errors()
    assert MonitoringNote.objects.count() == 1
    assert events("monitoring.note_corrected") == 0


def test_a_superseded_record_cannot_be_corrected_again(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    note = note_on(procedure, world.social_worker, "Wizyta.")
    client.force_login(world.chair)
    url = correct_url(procedure, "monitoring-note", note)
    data = {"visited_on": TODAY.isoformat(), "note": "Wizyta domowa.", "reason": "Uzupełnienie."}
    assert client.post(url, {**data, "form_token": issue_token()}).status_code == 302

    again = client.post(url, {**data, "note": "Inaczej.", "form_token": issue_token()})

    assert again.status_code == 200
    assert MonitoringNote.objects.count() == 2
    assert MonitoringNote.objects.current().get().note == "Wizyta domowa."


def test_correcting_a_protective_order_recomputes_its_expiry(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    suspect = procedure.participants.get(role="suspect").person
    week_ago = TODAY - datetime.timedelta(days=7)
    order = services.protective_order_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        person_id=suspect.pk,
        leave_home=True,
        home_area="50 m",
        issuer="police",
        issued_on=TODAY,
    )
    client.force_login(world.police_officer)

    response = client.post(
        correct_url(procedure, "order", order),
        {
            "leave_home": "on",
            "home_area": "50 m",
            "issuer": "police",
            "issued_on": week_ago.isoformat(),
            "reason": "Zła data wydania.",
            "form_token": issue_token(),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    new = order.__class__.objects.get(corrects=order)
    assert new.issued_on == week_ago and new.expires_on < order.expires_on
    assert events("protective_order.corrected") == 1


# --------------------------------------------------------------------------- plan notes


def test_every_help_plan_status_note_is_kept_and_shown(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    item = procedure.help_plan_items.get()
    client.force_login(world.social_worker)
    url = reverse("workflows:plan_item_status", args=[procedure.pk, item.pk])

    for status, note in (("dropped", "Klientka odmówiła."), ("open", "Klientka wróciła.")):
        response = client.post(
            url, {"status": status, "status_note": note, "form_token": issue_token()}
        )
        assert response.status_code == 302

    changes = list(HelpPlanStatusChange.objects.filter(item=item).order_by("id"))
    assert [(c.from_status, c.to_status, c.note) for c in changes] == [
        ("open", "dropped", "Klientka odmówiła."),
        ("dropped", "open", "Klientka wróciła."),
    ]
    assert all(c.changed_by == world.social_worker for c in changes)
    body = client.get(
        reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=plan"
    ).content.decode()
    assert "Klientka odmówiła." in body and "Klientka wróciła." in body
