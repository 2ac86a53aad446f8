"""Issue 13 item 2, through the pages: nobody ever comes. The victim's invitation and
non-appearance are recorded twice, the suspect does not come and is notified of the
initiation; the case can still be closed, on "no grounds for action" — never on ground 1,
which needs a help plan carried out."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from forms.models import NKC
from tests.conftest import use_language
from tests.factories import synthetic_pesel
from tests.test_web_scenario import (
    TODAY,
    _d,
    drive_to_actions,
    last_action,
    nka_post_data,
    open_nodes,
    step,
)
from workflows.idempotency import issue_token
from workflows.models import Meeting, Stage

pytestmark = pytest.mark.django_db


def _absence(victim, members, **extra) -> dict:
    return {
        "person": victim.pk,
        "invited_on": _d(0),
        "held_on": _d(0),
        "place": "OPS Testowo",
        "present": members,
        "minutes": "Nie stawiła się.",
        **extra,
    }


def _post(client, name, procedure, data):
    url = reverse(f"workflows:{name}", args=[procedure.pk])
    return client.post(url, {**data, "form_token": issue_token()})


def test_a_case_where_nobody_ever_comes_is_closed_on_ground_2(client, world):
    procedure = drive_to_actions(client, world, stop_before_meetings=True)
    victim = procedure.participants.get(role="victim").person
    suspect = procedure.participants.get(role="suspect").person
    members = [world.social_worker.professional.pk, world.police_officer.professional.pk]
    client.force_login(world.social_worker)
    use_language(client, "pl")

    page = client.get(
        reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=all"
    ).content.decode()
    assert reverse("workflows:victim_absence", args=[procedure.pk]) in page
    assert "NK-C: brak" in page

    # The invitation's date is required: refused next to the field, nothing written.
    response = _post(client, "victim_absence", procedure, _absence(victim, members, invited_on=""))
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Meeting.objects.filter(procedure=procedure).exists()

    step(client, "victim_absence", procedure, _absence(victim, members))
    assert last_action(procedure) == "meeting.victim_absent"
    # The only victim is covered by her non-appearance: that node is done.
    assert open_nodes(procedure) == {"suspect_meeting"}
    # A further attempt is its own record.
    step(client, "victim_absence", procedure, _absence(victim, members, minutes="Ponownie."))
    absences = Meeting.objects.filter(
        procedure=procedure, kind="victim", person_appeared=False, invited_person=victim
    )
    assert absences.count() == 2
    assert not NKC.objects.filter(procedure=procedure).exists()

    client.force_login(world.police_officer)
    step(
        client,
        "suspect_meeting",
        procedure,
        {
            "person": suspect.pk,
            "invited_on": _d(0),
            "held_on": _d(0),
            "place": "KPP Testowo",
            "present": members[1:],
            "initiation_notice_sent_on": _d(0),
        },
    )
    assert last_action(procedure) == "meeting.suspect_absent"
    assert procedure.stage == Stage.ACTIONS

    page = client.get(
        reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=all"
    ).content.decode()
    assert page.count(f"nie stawiła się {TODAY:%d.%m.%Y}") == 2

    # Ground 1 needs a help plan carried out, which needs an NK-C: refused, with the way out.
    events = AuditEvent.objects.exclude(action__endswith=".viewed").count()
    response = _post(
        client,
        "procedure_close",
        procedure,
        {
            "ground": "violence_stopped",
            "closed_on": _d(0),
            "summary": "Przemoc ustała.",
            "monitoring": "on",
        },
    )
    assert response.status_code == 200
    assert "braku zasadności podejmowania działań" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.stage == Stage.ACTIONS
    assert AuditEvent.objects.exclude(action__endswith=".viewed").count() == events

    step(
        client,
        "procedure_close",
        procedure,
        {
            "ground": "no_grounds",
            "closed_on": _d(0),
            "summary": "Nikt się nie stawił.",
            "monitoring": "on",
        },
    )
    assert procedure.stage == Stage.CLOSED
    assert procedure.closure_ground == "no_grounds"
    # Closed; only the monitoring after closure (on by default) is left to the group.
    assert open_nodes(procedure) == {"post_closure_monitoring"}


def test_an_nkc_is_still_possible_after_a_non_appearance(client, world):
    procedure = drive_to_actions(client, world, stop_before_meetings=True)
    victim = procedure.participants.get(role="victim").person
    members = [world.social_worker.professional.pk, world.police_officer.professional.pk]
    client.force_login(world.social_worker)
    step(client, "victim_absence", procedure, _absence(victim, members))
    step(
        client,
        "victim_meeting",
        procedure,
        {
            "person": victim.pk,
            "held_on": _d(0),
            "place": "OPS Testowo",
            "present": members,
            "person_appeared": "on",
            "situation": "s",
            "first_act": "f",
            "last_act": "l",
            "needs": "n",
            "risk_assessment": "r",
            "safety_how_to_act": "112",
            "plan-TOTAL_FORMS": "1",
            "plan-INITIAL_FORMS": "0",
            "plan-MIN_NUM_FORMS": "1",
            "plan-MAX_NUM_FORMS": "30",
            "plan-0-form_of_help": "legal",
            "plan-0-action": "porada",
            "plan-0-responsible": "OPS",
            "plan-0-due_on": _d(-10),
        },
    )
    assert NKC.objects.get(procedure=procedure).victim == victim
    # Once she has an NK-C, another non-appearance is refused (her form is there).
    response = _post(client, "victim_absence", procedure, _absence(victim, members))
    assert response.status_code == 200
    assert Meeting.objects.filter(procedure=procedure, person_appeared=False).count() == 1


def test_closure_names_who_is_not_covered(client, world):
    procedure = drive_to_actions(client, world)
    # A later card adds a second suspect, met by nobody yet.
    client.force_login(world.police_officer)
    response = client.post(
        reverse("workflows:nka_create"),
        nka_post_data(
            **{
                "people-0-pesel": procedure.participants.get(role="victim").person.pesel,
                "people-1-pesel": procedure.participants.get(role="suspect").person.pesel,
                "people-2-role": "suspect",
                "people-2-first_name": "Jerzy",
                "people-2-last_name": "Ćwik",
                "people-2-pesel": synthetic_pesel(datetime.date(1960, 6, 6), "M"),
            }
        ),
    )
    assert response.status_code == 302
    assert procedure.participants.filter(role="suspect").count() == 2
    client.force_login(world.social_worker)
    use_language(client, "pl")
    response = _post(
        client,
        "procedure_close",
        procedure,
        {
            "ground": "no_grounds",
            "closed_on": _d(0),
            "summary": "Brak podstaw.",
            "monitoring": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Jerzy Ćwik: zapisz NK-D" in body
    procedure.refresh_from_db()
    assert procedure.stage == Stage.ACTIONS
