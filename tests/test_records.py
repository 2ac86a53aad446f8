"""Nothing is lost, duplicated or silently replaced (issue 11, section 2).

Through the pages, as the users would: a form sent twice creates one record; withdrawal
and correction keep every version; help-plan status notes are kept; "more rows" on the
NK-A form keeps what was typed.
"""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from forms.models import NKA
from tests.scenarios import drive
from tests.test_web_scenario import nka_post_data
from workflows.idempotency import issue_token
from workflows.models import FormSubmission, MonitoringNote, Procedure, Stage

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
    assert "This form was already sent; nothing was added." in messages_of(again)
    assert FormSubmission.objects.get().redirect_to == first["Location"]
    assert procedure.deadlines.count() == 1


def test_nka_without_a_form_token_writes_nothing(client, world):
    client.force_login(world.teacher)
    data = nka_post_data()
    del data["form_token"]

    response = client.post(reverse("workflows:nka_create"), data)

    assert response.status_code == 200
    assert "This form has expired" in response.content.decode()
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
