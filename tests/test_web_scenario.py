"""A procedure driven through the web pages, as the initiator, the chair and the group would.

Each step asserts the stage, the open tasks and the audit event it wrote.
"""

import datetime

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from forms.models import NKA, NKC, NKD, HelpPlanItem
from tests.factories import synthetic_pesel
from workflows import calendar
from workflows.idempotency import issue_token
from workflows.models import Procedure, Stage

TODAY = calendar.legal_date()  # the day in Warsaw, as the forms and services date things


def _d(days_ago: int = 0) -> str:
    return (TODAY - datetime.timedelta(days=days_ago)).isoformat()


def nka_post_data(**overrides) -> dict:
    data = {
        "people-TOTAL_FORMS": "3",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "2",
        "people-MAX_NUM_FORMS": "20",
        "people-0-role": "victim",
        "people-0-first_name": "Żaneta",
        "people-0-last_name": "Łęcka-Ćwik",
        "people-0-pesel": synthetic_pesel(datetime.date(1988, 5, 17), "F"),
        "people-0-address": "ul. Polna 3/4, 00-001 Testowo",
        "people-0-relation": "żona",
        "people-1-role": "suspect",
        "people-1-first_name": "Marek",
        "people-1-last_name": "Ćwik",
        "people-1-pesel": synthetic_pesel(datetime.date(1984, 2, 2), "M"),
        "people-1-relation": "mąż",
        "people-2-role": "",
        "place": "Testowo",
        "incident_date": _d(1),
        "incident_place": "mieszkanie",
        "incident_description": "Awantura domowa, szarpanie.",
        "violence_forms": ["physical", "psychological"],
        "police_called": "on",
        "victim_presence": "present",
        "nkb_handed": "on",
        "nkb_handed_to": "Żaneta Łęcka-Ćwik",
        "form_token": issue_token(),
    }
    data.update(overrides)
    return data


def open_nodes(procedure) -> set[str]:
    return {
        t.flow_task.name
        for t in Task.objects.filter(
            process_id=procedure.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
    }


def last_action(procedure) -> str:
    return (
        AuditEvent.objects.filter(procedure=procedure)
        .exclude(action__endswith=".viewed")
        .latest("id")
        .action
    )


def step(client, name, procedure, data, **kwargs):
    url = reverse(f"workflows:{name}", kwargs={"pk": procedure.pk, **kwargs})
    response = client.post(url, {**data, "form_token": issue_token()})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("workflows:procedure_detail", args=[procedure.pk])
    procedure.refresh_from_db()
    return response


def transfer(client, procedure, nka):
    """The initiator records sending the original, from the page of their card."""
    url = reverse("workflows:nka_transfer", args=[nka.pk])
    response = client.post(url, {"sent_on": _d(0), "received_on": _d(0)})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("workflows:card_detail", args=[nka.pk])
    procedure.refresh_from_db()
    return response


def drive_to_actions(
    client, world, *, victim_meeting: dict | None = None, stop_before_meetings: bool = False
) -> Procedure:
    """NK-A by the teacher → chair → group → both meetings, through the pages.

    ``victim_meeting`` adds to (or replaces) what is typed on the victim-meeting page;
    ``stop_before_meetings`` returns once the group has the NK-A.
    """
    client.force_login(world.teacher)
    response = client.post(reverse("workflows:nka_create"), nka_post_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    procedure = Procedure.objects.get()
    assert procedure.stage == Stage.INITIATED
    assert open_nodes(procedure) == {"transfer_to_chair"}
    assert last_action(procedure) == "procedure.initiated"
    nka = NKA.objects.get()

    # The initiator sees the card they filled, not the case (issue 11).
    page = client.get(reverse("workflows:procedure_detail", args=[procedure.pk]))
    assert page.status_code == 404
    assert client.get(reverse("workflows:card_detail", args=[nka.pk])).status_code == 200
    transfer(client, procedure, nka)
    assert procedure.stage == Stage.WITH_CHAIR
    assert open_nodes(procedure) == {"appoint_group"}
    assert last_action(procedure) == "nka.transferred"

    client.force_login(world.chair)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert procedure.number in inbox
    members = [
        world.social_worker.professional.pk,
        world.police_officer.professional.pk,
        world.oik_psychologist.professional.pk,
    ]
    step(client, "group_appoint", procedure, {"appointed_on": _d(0), "members": members})
    assert procedure.stage == Stage.GROUP_APPOINTED
    assert open_nodes(procedure) == {"pass_to_group"}
    assert last_action(procedure) == "group.appointed"
    step(client, "pass_to_group", procedure, {"passed_on": _d(0)})
    assert procedure.stage == Stage.MEETINGS
    assert open_nodes(procedure) == {"victim_meeting", "suspect_meeting"}
    if stop_before_meetings:
        return procedure

    victim = procedure.participants.get(role="victim").person
    suspect = procedure.participants.get(role="suspect").person
    client.force_login(world.social_worker)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert procedure.number in inbox
    step(
        client,
        "victim_meeting",
        procedure,
        {
            "person": victim.pk,
            "held_on": _d(0),
            "place": "OPS Testowo",
            "present": members[:2],
            "person_appeared": "on",
            "situation": "Mieszka z mężem i córką.",
            "first_act": "2019",
            "last_act": "wczoraj",
            "needs": "bezpieczeństwo",
            "risk_assessment": "średnie",
            "safety_how_to_act": "dzwonić 112",
            "plan-TOTAL_FORMS": "1",
            "plan-INITIAL_FORMS": "0",
            "plan-MIN_NUM_FORMS": "1",
            "plan-MAX_NUM_FORMS": "30",
            "plan-0-form_of_help": "psychological",
            "plan-0-action": "konsultacje w OIK",
            "plan-0-responsible": "OIK Testowo",
            "plan-0-due_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
            **(victim_meeting or {}),
        },
    )
    assert procedure.stage == Stage.MEETINGS
    assert NKC.objects.filter(procedure=procedure).count() == 1
    assert last_action(procedure) == "meeting.victim_held"

    client.force_login(world.police_officer)
    step(
        client,
        "suspect_meeting",
        procedure,
        {
            "person": suspect.pk,
            "held_on": _d(0),
            "place": "KPP Testowo",
            "present": members[1:2],
            "person_appeared": "on",
            "consequences_explained": "on",
            "statement": "Zaprzecza.",
        },
    )
    assert procedure.stage == Stage.ACTIONS
    assert NKD.objects.filter(procedure=procedure).count() == 1
    assert open_nodes(procedure) == {"actions"}
    return procedure


@pytest.mark.django_db
def test_procedure_through_the_pages_to_closure_on_ground_2(client, world):
    procedure = drive_to_actions(client, world)
    suspect = procedure.participants.get(role="suspect").person
    client.force_login(world.social_worker)
    step(
        client,
        "referral_create",
        procedure,
        {
            "person": suspect.pk,
            "programme": "correctional_educational",
            "provider": "PCPR Testowo",
            "requested_on": _d(0),
            "justification": "Zadeklarował udział.",
        },
    )
    assert last_action(procedure) == "referral.requested"
    step(
        client,
        "notification_create",
        procedure,
        {
            "kind": "misdemeanour_66c",
            "addressee": "KPP Testowo",
            "requested_on": _d(0),
            "person": suspect.pk,
            "justification": "Uporczywe naruszanie nakazu.",
        },
    )
    assert last_action(procedure) == "notification.requested"
    client.force_login(world.chair)
    decision = {"decision": "granted", "decided_on": _d(0), "decided_as": "chair_for_team"}
    referral = procedure.referrals.get()
    step(
        client,
        "referral_decide",
        procedure,
        {**decision, "provider": "PCPR Testowo", "received_on": _d(0)},
        referral_pk=referral.pk,
    )
    assert last_action(procedure) == "referral.granted"
    notification = procedure.notifications.get()
    step(client, "notification_decide", procedure, decision, notification_pk=notification.pk)
    assert last_action(procedure) == "notification.granted"
    step(
        client, "notification_sent", procedure, {"sent_on": _d(0)}, notification_pk=notification.pk
    )
    assert last_action(procedure) == "notification.sent"
    step(
        client,
        "procedure_close",
        procedure,
        {
            "ground": "no_grounds",
            "closed_on": _d(0),
            "summary": "Nie stwierdzono przemocy.",
            "no_monitoring_reason": "Rodzina wyprowadziła się z gminy.",
        },
    )
    assert procedure.stage == Stage.CLOSED
    assert procedure.closure_ground == "no_grounds"
    assert last_action(procedure) == "procedure.closed"
    assert open_nodes(procedure) == set()
    page = client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).content.decode()
    assert "Łęcka-Ćwik" in page


@pytest.mark.django_db
def test_ground_1_is_refused_with_an_open_plan_item_then_closes(client, world):
    procedure = drive_to_actions(client, world)
    url = reverse("workflows:procedure_close", args=[procedure.pk])
    data = {
        "ground": "violence_stopped",
        "closed_on": _d(0),
        "summary": "Plan zrealizowany.",
        "monitoring": "on",
    }
    events = AuditEvent.objects.exclude(action__endswith=".viewed").count()

    response = client.post(url, {**data, "form_token": issue_token()})

    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body
    procedure.refresh_from_db()
    assert procedure.stage == Stage.ACTIONS
    assert AuditEvent.objects.exclude(action__endswith=".viewed").count() == events

    item = HelpPlanItem.objects.get(procedure=procedure)
    step(client, "plan_item_status", procedure, {"status": "done"}, item_pk=item.pk)
    step(client, "procedure_close", procedure, data)
    assert procedure.closure_ground == "violence_stopped"


@pytest.mark.django_db
def test_nka_form_shows_errors_next_to_fields_and_writes_nothing(client, world):
    client.force_login(world.teacher)
    minor = synthetic_pesel(datetime.date(TODAY.year - 15, 1, 10), "M")
    data = nka_post_data(
        **{"people-1-pesel": minor, "people-0-pesel": "12345678901", "incident_date": _d(-3)}
    )

    response = client.post(reverse("workflows:nka_create"), data)

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="errorlist') >= 2
    assert not Procedure.objects.exists()
    # Only the set-up's administrative events (the personas' accounts) are in the chain.
    assert (
        not AuditEvent.objects.exclude(action__endswith=".viewed")
        .exclude(action__startswith="admin.")
        .exclude(action="auth.password_changed")
        .exists()
    )


@pytest.mark.django_db
def test_nka_with_a_minor_suspect_is_refused_next_to_the_pesel(client, world):
    client.force_login(world.teacher)
    minor = synthetic_pesel(datetime.date(TODAY.year - 15, 1, 10), "M")

    response = client.post(
        reverse("workflows:nka_create"), nka_post_data(**{"people-1-pesel": minor})
    )

    assert response.status_code == 200
    form = response.context["people"].forms[1]
    assert "pesel" in form.errors
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_group_without_a_police_officer_is_refused_on_the_page(client, world):
    client.force_login(world.teacher)
    client.post(reverse("workflows:nka_create"), nka_post_data())
    procedure = Procedure.objects.get()
    nka = NKA.objects.get()
    transfer(client, procedure, nka)
    client.force_login(world.chair)

    response = client.post(
        reverse("workflows:group_appoint", args=[procedure.pk]),
        {
            "appointed_on": _d(0),
            "members": [world.social_worker.professional.pk],
            "form_token": issue_token(),
        },
    )

    assert response.status_code == 200
    assert "members" in response.context["form"].errors
    procedure.refresh_from_db()
    assert procedure.stage == Stage.WITH_CHAIR
    assert not hasattr(procedure, "group") or procedure.group is None


@pytest.mark.django_db
def test_pages_render_for_every_persona(client, world):
    client.force_login(world.teacher)
    client.post(reverse("workflows:nka_create"), nka_post_data())
    procedure = Procedure.objects.get()
    for user in (world.chair, world.social_worker, world.auditor):
        client.force_login(user)
        for name in ("inbox", "dashboard", "procedure_list"):
            assert client.get(reverse(f"workflows:{name}")).status_code == 200
        assert (
            client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).status_code
            == 200
        )
    client.force_login(world.outsider)
    assert client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).status_code == 404
    assert client.get(reverse("workflows:group_appoint", args=[procedure.pk])).status_code == 404
    client.force_login(world.social_worker)
    # A team member who is not the chair sees the case but may not appoint the group.
    assert client.get(reverse("workflows:group_appoint", args=[procedure.pk])).status_code == 403


@pytest.mark.django_db
def test_search_by_name_pesel_and_number_and_filters(client, world):
    client.force_login(world.teacher)
    data = nka_post_data()
    client.post(reverse("workflows:nka_create"), data)
    procedure = Procedure.objects.get()
    client.force_login(world.chair)
    url = reverse("workflows:procedure_list")
    for query in ("Łęcka", data["people-0-pesel"], procedure.number):
        body = client.get(url, {"q": query}).content.decode()
        assert procedure.number in body, query
    assert procedure.number not in client.get(url, {"q": "Kowalski"}).content.decode()
    assert procedure.number in client.get(url, {"stage": "initiated"}).content.decode()
    assert procedure.number not in client.get(url, {"stage": "closed"}).content.decode()
    assert procedure.number not in client.get(url, {"overdue": "on"}).content.decode()
    client.force_login(world.outsider)
    assert procedure.number not in client.get(url, {"q": "Łęcka"}).content.decode()


@pytest.mark.django_db
def test_an_nkd_made_through_the_pages_prints_the_programme_by_its_polish_name(client, world):
    """Issue 12: a frozen NK-D made on the page once printed ``correctional_educational``."""
    from documents.models import DocumentJob, DocumentKind

    procedure = drive_to_actions(client, world, stop_before_meetings=True)
    suspect = procedure.participants.get(role="suspect").person
    members = list(procedure.group.memberships.values_list("professional_id", flat=True))
    client.force_login(world.police_officer)
    step(
        client,
        "suspect_meeting",
        procedure,
        {
            "person": suspect.pk,
            "held_on": _d(0),
            "place": "KPP Testowo",
            "present": members[:1],
            "person_appeared": "on",
            "consequences_explained": "on",
            "agreed_programme": "correctional_educational",
        },
    )
    # The snapshot frozen in the step's transaction is what the PDF prints.
    nkd = DocumentJob.objects.get(procedure=procedure, kind=DocumentKind.NKD)
    assert nkd.snapshot["data"]["agreed_programme"] == "program korekcyjno-edukacyjny"
    assert "correctional_educational" not in str(nkd.snapshot)
