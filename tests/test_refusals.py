"""Refused steps: the right message, and nothing written (rows, tasks, events)."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from viewflow.workflow.models import Task

from audit.models import AuditEvent, AuditEventSubject, is_read_action
from forms.models import NKD
from tests.conftest import nka_input, nkc_input, plan_item
from tests.factories import synthetic_pesel
from tests.scenarios import drive
from workflows import services
from workflows.models import Meeting, Procedure, Stage

TODAY = datetime.date.today()


def snapshot() -> dict[str, int]:
    """Row counts of every model of the project's apps, and of viewflow's tasks.

    Audit events count without reads: a refused form shown again shows people, and that
    read is logged (issue 11); a refusal must write no change, and no change event.
    """
    counts = {}
    for label in ("people", "workflows", "nkforms", "audit", "documents", "centre"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model.objects.count()
    counts["audit.AuditEvent"] = sum(
        1
        for action in AuditEvent.objects.values_list("action", flat=True)
        if not is_read_action(action)
    )
    counts["audit.AuditEventSubject"] = sum(
        1
        for action in AuditEventSubject.objects.values_list("event__action", flat=True)
        if not is_read_action(action)
    )
    counts["tasks"] = Task.objects.count()
    counts["task_states"] = sorted(Task.objects.values_list("id", "status"))
    return counts


@pytest.mark.django_db
def test_ground_1_with_an_open_help_plan_item(world):
    procedure = drive(world, Stage.ACTIONS)
    before = snapshot()
    with pytest.raises(services.ServiceError) as refused:
        services.procedure_close(
            actor=world.social_worker,
            procedure_id=procedure.pk,
            ground="violence_stopped",
            closed_on=TODAY,
            summary="x",
        )
    assert "ground" in refused.value.message_dict
    assert snapshot() == before
    procedure.refresh_from_db()
    assert procedure.stage == Stage.ACTIONS


@pytest.mark.django_db
def test_a_minor_cannot_be_the_suspect(world):
    before = snapshot()
    data = nka_input(suspect_pesel=synthetic_pesel(datetime.date(TODAY.year - 16, 6, 1), "M"))
    with pytest.raises(services.ServiceError) as refused:
        services.procedure_initiate(actor=world.teacher, **data)
    assert "people-1-pesel" in refused.value.message_dict
    assert snapshot() == before


@pytest.mark.django_db
def test_an_nka_person_is_checked_by_the_model_and_the_error_names_their_row(world):
    before = snapshot()
    data = nka_input()
    data["people"][2].role = "neighbour"  # not a role of NK-A
    data["people"][2].email = "not an address"
    with translation.override("en"), pytest.raises(services.ServiceError) as refused:
        services.procedure_initiate(actor=world.teacher, **data)
    assert {"people-2-role", "people-2-email"} <= set(refused.value.message_dict)
    assert snapshot() == before


@pytest.mark.django_db
def test_the_suspect_turning_18_after_the_incident_is_still_a_minor_at_the_incident(world):
    born = datetime.date(TODAY.year - 18, 1, 1)
    incident = datetime.date(TODAY.year - 1, 12, 31)  # 17 years old that day
    data = nka_input(incident_date=incident, suspect_pesel=synthetic_pesel(born, "M"))
    with pytest.raises(services.ServiceError):
        services.procedure_initiate(actor=world.teacher, **data)


@pytest.mark.django_db
def test_a_group_without_a_police_officer(world):
    procedure = drive(world, Stage.WITH_CHAIR)
    before = snapshot()
    with pytest.raises(services.ServiceError) as refused:
        services.group_appoint(
            actor=world.chair,
            procedure_id=procedure.pk,
            appointed_on=TODAY,
            member_ids=[
                world.social_worker.professional.pk,
                world.oik_psychologist.professional.pk,
            ],
        )
    assert "policjanta" in str(refused.value.message_dict["members"])
    assert snapshot() == before


@pytest.mark.django_db
def test_a_non_member_cannot_complete_a_group_task(world, client):
    procedure = drive(world, Stage.MEETINGS)
    victim = procedure.participants.get(role="victim").person
    before = snapshot()
    # The psychologist is on the team but not in this group.
    with pytest.raises(PermissionDenied):
        services.victim_meeting_record(
            actor=world.oik_psychologist,
            procedure_id=procedure.pk,
            meeting=Meeting(held_on=TODAY, place="OIK"),
            present_ids=[world.oik_psychologist.professional.pk],
            person_id=victim.pk,
            nkc=nkc_input(),
            plan=[plan_item(TODAY, "legal", "porada", "OPS")],
        )
    client.force_login(world.oik_psychologist)
    response = client.post(reverse("workflows:victim_meeting", args=[procedure.pk]), {})
    assert response.status_code == 403
    client.force_login(world.outsider)
    response = client.post(reverse("workflows:victim_meeting", args=[procedure.pk]), {})
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.django_db
def test_an_nkd_with_an_unknown_programme_is_refused(world):
    """The NK-D's programme is checked by the model's choices (``full_clean``): free text
    or an unknown code never reaches a frozen NK-D."""
    procedure = drive(world, Stage.MEETINGS)
    suspect = procedure.participants.get(role="suspect").person
    before = snapshot()
    with pytest.raises(services.ServiceError) as refused:
        services.suspect_meeting_record(
            actor=world.police_officer,
            procedure_id=procedure.pk,
            meeting=Meeting(held_on=TODAY, place="KPP"),
            present_ids=[world.police_officer.professional.pk],
            person_id=suspect.pk,
            nkd=NKD(consequences_explained=True, agreed_programme="anger management"),
        )
    assert list(refused.value.message_dict) == ["agreed_programme"]
    assert snapshot() == before


@pytest.mark.django_db
def test_only_the_chair_appoints_the_group(world):
    procedure = drive(world, Stage.WITH_CHAIR)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.group_appoint(
            actor=world.social_worker,
            procedure_id=procedure.pk,
            appointed_on=TODAY,
            member_ids=[world.social_worker.professional.pk, world.police_officer.professional.pk],
        )
    assert snapshot() == before


@pytest.mark.django_db
def test_a_second_nka_for_an_open_household_joins_it(world):
    data = nka_input()
    first, _nka, joined = services.procedure_initiate(actor=world.teacher, **data)
    assert not joined
    again = nka_input(victim_pesel=data["people"][0].pesel, suspect_pesel=data["people"][1].pesel)
    again["people"][2].pesel = data["people"][2].pesel
    second, nka, joined = services.procedure_initiate(actor=world.police_officer, **again)
    assert joined
    assert second.pk == first.pk
    assert Procedure.objects.count() == 1
    assert first.nka_forms.count() == 2
    # One person record per person, reused across the cards.
    assert first.participants.count() == 3


@pytest.mark.django_db
def test_a_closed_procedure_cannot_be_closed_again(world):
    procedure = drive(world, Stage.CLOSED)
    before = snapshot()
    with pytest.raises(services.ServiceError):
        services.procedure_close(
            actor=world.social_worker,
            procedure_id=procedure.pk,
            ground="no_grounds",
            closed_on=TODAY,
            summary="again",
        )
    assert snapshot() == before


@pytest.mark.django_db
def test_an_auditor_cannot_act(world):
    procedure = drive(world, Stage.WITH_CHAIR)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.nka_pass_to_group(actor=world.auditor, procedure_id=procedure.pk, passed_on=TODAY)
    assert snapshot() == before
    assert not AuditEvent.objects.filter(actor=world.auditor).exists()


@pytest.mark.django_db
def test_the_admin_is_for_superusers_only(client, world, django_user_model):
    world.chair.is_staff = True
    world.chair.save(update_fields=["is_staff"])
    client.force_login(world.chair)
    assert client.get("/admin/").status_code == 302  # to the admin login
    admin_user = django_user_model.objects.create_superuser(
        "root", "root@example.org", "x-Pass-123"
    )
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/workflows/team/").status_code == 200
    # Case data is not in the admin at all.
    assert client.get("/admin/workflows/procedure/").status_code == 404
    assert client.get("/admin/people/person/").status_code == 404


@pytest.mark.django_db
def test_an_initiator_sees_only_the_card_they_filled(client, world):
    data = nka_input()
    procedure, first, _joined = services.procedure_initiate(actor=world.teacher, **data)
    again = nka_input(victim_pesel=data["people"][0].pesel, suspect_pesel=data["people"][1].pesel)
    again["people"][2].pesel = data["people"][2].pesel
    # A nurse (not on the team) fills a second card for the same household: it joins.
    from tests.factories import ProfessionalFactory, UserFactory

    nurse = UserFactory(username="nurse")
    ProfessionalFactory(user=nurse, municipality=world.team.municipality, sector="health_care")
    _same, second, joined = services.procedure_initiate(actor=nurse, **again)
    assert joined
    client.force_login(nurse)
    assert client.get(reverse("workflows:card_detail", args=[second.pk])).status_code == 200
    assert client.get(reverse("workflows:card_detail", args=[first.pk])).status_code == 404
    # The case itself, and the cards through the case's address, are not the nurse's.
    for name, args in (
        ("workflows:procedure_detail", [procedure.pk]),
        ("workflows:nka_detail", [procedure.pk, second.pk]),
        ("workflows:nka_detail", [procedure.pk, first.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
    client.force_login(world.outsider)
    assert (
        client.get(reverse("workflows:nka_detail", args=[procedure.pk, first.pk])).status_code
        == 404
    )
    assert client.get(reverse("workflows:card_detail", args=[first.pk])).status_code == 404
    client.force_login(world.chair)
    assert (
        client.get(reverse("workflows:nka_detail", args=[procedure.pk, first.pk])).status_code
        == 200
    )
