"""Issue 15, through the pages: a card with an immediate-action answer flags the case, makes
a safety-plan action due the next working day and notifies the chair; a reassessment falls
due; a missed deadline carries its reason into the compliance report; the suspect never sees
any of it."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from documents.models import Document, DocumentJob
from forms.models import NKA
from tests.test_risk_rules import answers
from tests.test_web_scenario import _d, drive_to_actions, last_action, nka_post_data, step, transfer
from workflows import calendar
from workflows.idempotency import issue_token
from workflows.models import (
    Deadline,
    DeadlineReason,
    Procedure,
    RiskAssessment,
    RiskStatus,
    SafetyAction,
)
from workflows.models.risk import FrozenError
from workflows.risk import Kind, checklist
from workflows.rules import RuleCode

pytestmark = pytest.mark.django_db

ADULT = checklist(Kind.ADULT)


def _form(found, *yes: str, **extra) -> dict:
    data = {f"q_{code}": value for code, value in answers(found, *yes).items()}
    return {**data, "form_token": issue_token(), **extra}


def _file_card(client, world) -> tuple[Procedure, NKA]:
    client.force_login(world.teacher)
    response = client.post(reverse("workflows:nka_create"), nka_post_data())
    assert response.status_code == 302
    return Procedure.objects.get(), NKA.objects.get()


def _same_family(procedure) -> dict:
    """A second card for the household of ``procedure``: it joins the open case."""
    victim = procedure.participants.get(role="victim").person
    suspect = procedure.participants.get(role="suspect").person
    return nka_post_data(**{"people-0-pesel": victim.pesel, "people-1-pesel": suspect.pesel})


def _card_assess(client, world, nka, *yes: str):
    victim = nka.entries.get(role="victim").person
    url = reverse("workflows:card_risk_assess", args=[nka.pk])
    return client.post(url, _form(ADULT, *yes, person=victim.pk, assessed_on=_d(0)))


def test_a_card_with_an_immediate_action_answer_flags_the_case_and_notifies_the_chair(
    client, world, django_capture_on_commit_callbacks
):
    procedure, nka = _file_card(client, world)
    card_page = client.get(reverse("workflows:card_detail", args=[nka.pk])).content.decode()
    assert reverse("workflows:card_risk_assess", args=[nka.pk]) in card_page
    with django_capture_on_commit_callbacks(execute=True):
        response = _card_assess(client, world, nka, "threat_to_kill")
    assert response.status_code == 302
    assert response["Location"] == reverse("workflows:card_detail", args=[nka.pk])

    assessment = RiskAssessment.objects.get()
    assert (assessment.level, assessment.immediate, assessment.occasion) == (
        "immediate",
        ["threat_to_kill"],
        "card",
    )
    assert (assessment.kind, assessment.version, assessment.assessed_by) == (
        "adult",
        ADULT.version,
        world.teacher,
    )
    assert RiskStatus.objects.get(procedure=procedure).flagged
    safety = Deadline.objects.get(procedure=procedure, rule=RuleCode.SAFETY_PLAN)
    today = calendar.legal_date()
    assert safety.due_on == calendar.add_working_days(today, 1)
    assert safety.period == 1  # the team's setting, kept with the deadline
    review = Deadline.objects.get(procedure=procedure, rule=RuleCode.RISK_REASSESSMENT)
    assert review.due_on == today + datetime.timedelta(days=30)
    assert last_action(procedure) == "risk.assessed"

    # The chair is told at once, with the number and no personal data.
    (message,) = mail.outbox
    assert message.to == [world.chair.email]
    assert procedure.number in message.subject
    victim = nka.entries.get(role="victim")
    for text in (victim.last_name, victim.pesel, "Ćwik"):
        assert text not in message.subject + message.body

    # The initiator sees no result and no case; their card only says it was sent.
    card_page = client.get(reverse("workflows:card_detail", args=[nka.pk])).content.decode()
    assert "card-risk" in card_page and "risk-flag" not in card_page
    assert client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).status_code == 404

    # The chair: the inbox lists the case first as at high risk, the case page flags it.
    client.force_login(world.chair)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert 'id="high-risk"' in inbox and procedure.number in inbox
    dashboard = client.get(reverse("workflows:dashboard")).content.decode()
    assert 'id="high-risk"' in dashboard
    page = client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).content.decode()
    assert "risk-flag" in page and 'id="safety-due"' in page

    # The safety-plan action meets the deadline.
    step(
        client,
        "safety_action",
        procedure,
        {"assessment": assessment.pk, "taken_on": _d(0), "description": "Plan: 112, siostra."},
    )
    safety.refresh_from_db()
    assert safety.met_on == today
    assert SafetyAction.objects.get().assessment == assessment
    assert last_action(procedure) == "risk.safety_action"


def test_the_group_assesses_at_the_victims_meeting_and_the_trend_shows_the_change(client, world):
    procedure = drive_to_actions(client, world)
    victim = procedure.participants.get(role="victim").person
    client.force_login(world.social_worker)
    page = client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).content.decode()
    assert "met-unassessed" in page  # the meeting with the victim is offered for assessment

    url = reverse("workflows:risk_assess", args=[procedure.pk])
    high = ADULT.scored[:5]
    response = client.post(
        url,
        _form(
            ADULT,
            *[q.code for q in high],
            person=victim.pk,
            occasion="victim_meeting",
            assessed_on=_d(31),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    first = RiskAssessment.objects.get()
    assert (first.level, first.score) == ("high", 5)

    # A reassessment falls due 30 days after it: already overdue on the dashboard.
    review = Deadline.objects.get(rule=RuleCode.RISK_REASSESSMENT, met_on__isnull=True)
    assert review.due_on == calendar.legal_date() - datetime.timedelta(days=1)
    dashboard = client.get(reverse("workflows:dashboard")).content.decode()
    assert "Ponowna ocena ryzyka" in dashboard or "Risk reassessed" in dashboard

    response = client.post(
        url, _form(ADULT, person=victim.pk, occasion="review", assessed_on=_d(0))
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.met_on == calendar.legal_date()
    status = RiskStatus.objects.get(procedure=procedure)
    assert (status.level, status.flagged) == ("standard", False)
    page = client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).content.decode()
    assert "↓" in page and "met-unassessed" not in page


def test_an_unanswered_question_is_refused_next_to_it_and_nothing_is_written(client, world):
    procedure = drive_to_actions(client, world)
    victim = procedure.participants.get(role="victim").person
    client.force_login(world.social_worker)
    data = _form(ADULT, person=victim.pk, occasion="review", assessed_on=_d(0))
    del data["q_weapon"]
    response = client.post(reverse("workflows:risk_assess", args=[procedure.pk]), data)
    assert response.status_code == 200
    assert 'id="id_q_weapon_error"' in response.content.decode() or "errorlist" in (
        response.content.decode()
    )
    assert not RiskAssessment.objects.exists()
    assert not AuditEvent.objects.filter(action="risk.assessed").exists()


def test_an_assessment_is_frozen_and_corrected_only_by_a_new_one(client, world):
    procedure = drive_to_actions(client, world)
    victim = procedure.participants.get(role="victim").person
    client.force_login(world.social_worker)
    url = reverse("workflows:risk_assess", args=[procedure.pk])
    client.post(url, _form(ADULT, "weapon", person=victim.pk, occasion="review", assessed_on=_d(0)))
    old = RiskAssessment.objects.get()
    with pytest.raises(FrozenError):
        old.note = "changed"
        old.save()
    response = client.post(
        f"{url}?corrects={old.pk}",
        _form(ADULT, person=victim.pk, assessed_on=_d(0), occasion="review")
        | {"correction_reason": "Pomyłka przy pytaniu 1."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = RiskAssessment.objects.latest("id")
    assert new.corrects == old and new.level == "standard"
    assert list(RiskAssessment.objects.current()) == [new]
    assert not RiskStatus.objects.get(procedure=procedure).flagged
    assert last_action(procedure) == "risk.corrected"
    detail = client.get(reverse("workflows:risk_detail", args=[procedure.pk, old.pk]))
    assert detail.status_code == 200


def test_the_suspect_never_sees_it_no_document_names_the_risk(
    client, world, django_capture_on_commit_callbacks
):
    procedure = drive_to_actions(client, world)
    victim = procedure.participants.get(role="victim").person
    client.force_login(world.social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("workflows:risk_assess", args=[procedure.pk]),
            _form(ADULT, "strangulation", person=victim.pk, occasion="review", assessed_on=_d(0)),
        )
    assert RiskStatus.objects.get(procedure=procedure).flagged
    snapshots = [str(d.snapshot) for d in Document.objects.filter(procedure=procedure)] + [
        str(j.snapshot) for j in DocumentJob.objects.all()
    ]
    assert snapshots
    for text in snapshots:
        for word in ("ryzyk", "risk", "strangl", "dusz"):
            assert word not in text.lower()
    # Outsiders and the initiator reach nothing of it.
    for user in (world.outsider, world.teacher):
        client.force_login(user)
        assessment = RiskAssessment.objects.get()
        url = reverse("workflows:risk_detail", args=[procedure.pk, assessment.pk])
        assert client.get(url).status_code == 404


def test_a_missed_deadline_carries_its_reason_into_the_compliance_report(client, world):
    procedure = drive_to_actions(client, world)
    deadline = Deadline.objects.filter(procedure=procedure, rule=RuleCode.FIRST_MEETING).get()
    Deadline.objects.filter(pk=deadline.pk).update(
        due_on=deadline.met_on - datetime.timedelta(days=4)
    )
    client.force_login(world.police_officer)
    url = reverse("workflows:deadline_reason", args=[procedure.pk, deadline.pk])
    refused = client.post(url, {"reason": "other", "details": "", "form_token": issue_token()})
    assert refused.status_code == 200 and not DeadlineReason.objects.exists()
    step(
        client,
        "deadline_reason",
        procedure,
        {"reason": "party_unavailable", "details": "Ofiara w szpitalu."},
        deadline_pk=deadline.pk,
    )
    assert last_action(procedure) == "deadline.reason_recorded"
    client.force_login(world.auditor)
    report = client.get(reverse("audit:compliance")).content.decode()
    assert "Ofiara w szpitalu." in report

    # A deadline met on time takes no reason.
    on_time = Deadline.objects.filter(procedure=procedure, rule=RuleCode.NKA_TO_GROUP).get()
    client.force_login(world.chair)
    response = client.post(
        reverse("workflows:deadline_reason", args=[procedure.pk, on_time.pk]),
        {"reason": "workload", "form_token": issue_token()},
    )
    assert response.status_code == 200
    assert DeadlineReason.objects.count() == 1


def test_a_new_card_in_an_assessed_case_makes_a_reassessment_due(client, world):
    procedure = drive_to_actions(client, world)
    victim = procedure.participants.get(role="victim").person
    client.force_login(world.social_worker)
    url = reverse("workflows:risk_assess", args=[procedure.pk])
    client.post(url, _form(ADULT, person=victim.pk, occasion="review", assessed_on=_d(0)))
    assert not Deadline.objects.filter(rule=RuleCode.RISK_NEW_CARD).exists()

    # A second card for the same household joins the case and reaches the chair.
    client.force_login(world.teacher)
    response = client.post(reverse("workflows:nka_create"), _same_family(procedure))
    assert response.status_code == 302
    card = NKA.objects.latest("id")
    assert card.procedure_id == procedure.pk
    transfer(client, procedure, card)
    due = Deadline.objects.get(rule=RuleCode.RISK_NEW_CARD)
    today = calendar.legal_date()
    assert (due.nka, due.due_on) == (card, calendar.add_working_days(today, 5))

    client.force_login(world.social_worker)
    page = client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).content.decode()
    assert 'id="new-card-reassess"' in page
    client.post(url, _form(ADULT, person=victim.pk, occasion="new_card", assessed_on=_d(0)))
    due.refresh_from_db()
    assert due.met_on == today


def test_a_card_assessed_by_its_initiator_needs_no_new_card_reassessment(client, world):
    procedure = drive_to_actions(client, world)
    victim = procedure.participants.get(role="victim").person
    client.force_login(world.social_worker)
    url = reverse("workflows:risk_assess", args=[procedure.pk])
    client.post(url, _form(ADULT, person=victim.pk, occasion="review", assessed_on=_d(0)))
    client.force_login(world.teacher)
    client.post(reverse("workflows:nka_create"), _same_family(procedure))
    card = NKA.objects.latest("id")
    assert _card_assess(client, world, card).status_code == 302
    assert RiskAssessment.objects.latest("id").occasion == "new_card"
    transfer(client, procedure, card)
    assert not Deadline.objects.filter(rule=RuleCode.RISK_NEW_CARD).exists()
