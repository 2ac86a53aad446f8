"""Issue 13 item 8, through the pages: closure and after.

The closure protocol carries the start (first NK-A) and end dates, everyone covered by every
NK-A, the actions and the ground; a notice of closure goes to every body that took part (the
initiators' institutions included); monitoring after closure is on by default for the team's
period (a team setting), shows in the group's inbox, is reminded when it ends, and ends.
"""

import dataclasses
import datetime

import pytest
from django.core import mail
from django.urls import reverse

from documents.models import Document, DocumentKind
from forms.models import NKAPerson
from tests.conftest import nka_input
from tests.scenarios import drive, granted_notification, granted_referral
from tests.test_web_scenario import _d, step
from workflows import calendar, services
from workflows.idempotency import issue_token
from workflows.models import ClosureNotice, Deadline, Notification, Stage
from workflows.reminders import check_deadlines
from workflows.rules import RuleCode, rule

pytestmark = pytest.mark.django_db

TODAY = calendar.legal_date()  # the day in Warsaw, as the services date a closure


def _case(world):
    """A case in its actions with two cards (a teacher's and the crisis centre's, which adds
    the grandmother), a granted referral, a granted and a refused notification."""
    procedure = drive(world, to=Stage.ACTIONS, extra_people=1)
    victim = procedure.participants.get(role="victim").person
    suspect = procedure.participants.get(role="suspect").person
    data = nka_input(victim_pesel=victim.pesel, suspect_pesel=suspect.pesel)
    data["people"].append(
        NKAPerson(
            first_name="Halina",
            last_name="Babcia",
            role="household_member",
            birth_date=datetime.date(1950, 1, 1),
        )
    )
    _joined_procedure, _card, joined = services.procedure_initiate(
        actor=world.oik_psychologist, **data
    )
    assert joined
    granted_referral(world, procedure, person_id=suspect.pk, provider="PCPR Testowo")
    granted_notification(
        world, procedure, kind="prosecutor", addressee="Prokuratura Rejonowa w Testowie"
    )
    refused = services.notification_request(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        notification=Notification(
            kind="alcohol_commission",
            addressee="Gminna Komisja Alkoholowa",
            requested_on=TODAY,
            justification="w",
        ),
    )
    services.notification_decide(
        actor=world.chair,
        notification_id=refused.pk,
        decision="refused",
        decided_on=TODAY,
        decided_as="chair_for_team",
        reason="bez podstaw",
    )
    return procedure


def _close(client, world, procedure, **data):
    client.force_login(world.social_worker)
    values = {"ground": "no_grounds", "closed_on": _d(0), "summary": "Nie stwierdzono przemocy."}
    return step(client, "procedure_close", procedure, {**values, **data})


def test_the_protocol_and_a_notice_to_every_body_that_took_part(
    client, world, django_capture_on_commit_callbacks
):
    procedure = _case(world)
    client.force_login(world.social_worker)
    form = client.get(reverse("workflows:procedure_close", args=[procedure.pk]))
    assert form.context["form"]["monitoring"].value() is True  # pre-checked: the team's 3
    with django_capture_on_commit_callbacks(execute=True):
        _close(client, world, procedure, monitoring="on")

    protocol = Document.objects.get(procedure=procedure, kind=DocumentKind.CLOSURE_PROTOCOL)
    data = protocol.snapshot["data"]
    assert data["started_on"] == procedure.initiated_on.strftime("%d.%m.%Y")
    assert data["closed_on"] == TODAY.strftime("%d.%m.%Y")
    assert data["ground"] == "rozstrzygnięcie o braku zasadności podejmowania działań"
    names = {p["name"] for p in data["persons"]}
    # Everyone of both cards: the victim, the suspect, the child, the household member of
    # the first card and the grandmother of the second.
    assert {"Żaneta Łęcka-Ćwik", "Marek Ćwik", "Zosia Ćwik", "Halina Babcia"} <= names
    assert "Członek0 Domowy" in names
    actions = data["actions"]
    assert actions["meetings_count"] == 2
    assert [i["action"] for i in actions["plan"]] == ["konsultacje"]
    assert [r["programme"] for r in actions["referrals"]] == ["program korekcyjno-edukacyjny"]
    assert {n["addressee"] for n in actions["notifications"]} == {
        "Prokuratura Rejonowa w Testowie",
        "Gminna Komisja Alkoholowa",
    }
    assert data["monitor_until"]

    # One notice per body that took part; the refused notification's addressee took no part.
    notices = {
        n.addressee: n.took_part_as for n in ClosureNotice.objects.filter(procedure=procedure)
    }
    assert notices == {
        "Szkoła Podstawowa nr 1": "initiator",
        "OIK Testowo": "initiator",
        "OPS Testowo": "group_member",
        "KPP Testowo": "group_member",
        "PCPR Testowo": "programme_provider",
        "Prokuratura Rejonowa w Testowie": "notified_body",
    }
    documents = Document.objects.filter(procedure=procedure, kind=DocumentKind.CLOSURE_NOTICE)
    assert {d.snapshot["data"]["addressee"] for d in documents} == set(notices)
    assert all(d.snapshot["data"]["closed_on"] == data["closed_on"] for d in documents)

    # The case page lists each notice with its own document.
    page = client.get(
        reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=plan"
    ).content.decode()
    for document in documents:
        assert reverse("workflows:document_download", args=[document.public_id]) in page
    assert "Szkoła Podstawowa nr 1" in page


def test_monitoring_after_closure_is_on_by_default_shows_in_the_inbox_and_ends(
    client, world, django_capture_on_commit_callbacks
):
    procedure = drive(world, to=Stage.ACTIONS)
    _close(client, world, procedure, monitoring="on")
    assert procedure.stage == Stage.CLOSED
    until = calendar.due_date(rule(RuleCode.POST_CLOSURE_MONITORING, procedure.edition), TODAY)
    assert procedure.monitor_until == until
    deadline = Deadline.objects.get(procedure=procedure, rule=RuleCode.POST_CLOSURE_MONITORING)
    assert deadline.due_on == until and deadline.period == 3

    # An open group task in every member's inbox, with the day the period ends.
    client.force_login(world.police_officer)
    inbox = client.get(reverse("workflows:inbox"))
    rows = [r for r in inbox.context["rows"] if r.procedure.pk == procedure.pk]
    assert [r.node for r in rows] == ["post_closure_monitoring"]
    assert rows[0].due_on == until
    assert "ustawienie zespołu – brak podstawy ustawowej" in inbox.content.decode()

    # Its own tasks: monitoring notes while it runs.
    step(client, "monitoring_note_create", procedure, {"visited_on": _d(0), "note": "Wizyta."})
    assert procedure.monitoring_notes.get().after_closure

    # When the period ends the group is reminded (the case is closed, the reminder still goes).
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = check_deadlines(today=until)
    assert report.reminders == 2
    assert {m.to[0] for m in mail.outbox} == {
        world.social_worker.email,
        world.police_officer.email,
    }
    assert procedure.number in mail.outbox[0].subject

    step(client, "monitoring_end", procedure, {})
    deadline.refresh_from_db()
    assert deadline.met_on == TODAY
    assert procedure.process.status == "DONE"
    inbox = client.get(reverse("workflows:inbox"))
    assert not [r for r in inbox.context["rows"] if r.procedure.pk == procedure.pk]


def test_closing_without_monitoring_needs_a_reason(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    client.force_login(world.social_worker)
    url = reverse("workflows:procedure_close", args=[procedure.pk])
    values = {"ground": "no_grounds", "closed_on": _d(0), "summary": "Brak podstaw."}
    response = client.post(url, {**values, "form_token": issue_token()})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.stage == Stage.ACTIONS
    assert not ClosureNotice.objects.filter(procedure=procedure).exists()

    _close(client, world, procedure, no_monitoring_reason="Rodzina wyprowadziła się z gminy.")
    assert procedure.stage == Stage.CLOSED and procedure.monitor_until is None
    assert procedure.monitoring_off_reason == "Rodzina wyprowadziła się z gminy."
    assert not Deadline.objects.filter(
        procedure=procedure, rule=RuleCode.POST_CLOSURE_MONITORING
    ).exists()
    assert procedure.process.status == "DONE"


def test_the_monitoring_period_is_the_team_setting(client, world):
    world.team.post_closure_monitoring_months = 6
    world.team.save()
    procedure = drive(world, to=Stage.ACTIONS)
    _close(client, world, procedure, monitoring="on")
    six = dataclasses.replace(rule(RuleCode.POST_CLOSURE_MONITORING, procedure.edition), value=6)
    assert procedure.monitor_until == calendar.due_date(six, TODAY)
