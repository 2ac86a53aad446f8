"""A non-team class teacher in a diagnostic-support group, and a group that loses its
police officer (issue 13, item 6): through the pages, as the chair and the members would.

art. 9a ust. 11 of the Act: a social worker and a police officer in every group, checked
before every meeting, not only at the appointment; art. 9c ust. 3: a confidentiality
declaration of every member; the group decision gets a new version at each change.
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from documents.models import Document, DocumentKind
from tests.factories import ProfessionalFactory, UserFactory
from tests.scenarios import drive
from tests.test_web_scenario import _d, open_nodes, step
from workflows.idempotency import issue_token
from workflows.models import (
    GroupMemberChange,
    GroupNotice,
    Meeting,
    Profession,
    Professional,
    Sector,
    Stage,
    Team,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def class_teacher(world):
    """The children's class teacher: a professional of the municipality, not on the team."""
    user = UserFactory(
        username="wychowawczyni", first_name="Halina", last_name="Klasowa", email="h@szkola.test"
    )
    ProfessionalFactory(
        user=user,
        municipality=world.team.municipality,
        sector=Sector.EDUCATION,
        profession=Profession.TEACHER,
        institution="Szkoła Podstawowa nr 2",
    )
    return user


def _decisions(procedure) -> list[Document]:
    return list(
        Document.objects.filter(procedure=procedure, kind=DocumentKind.GROUP_DECISION).order_by(
            "id"
        )
    )


def _current_decision_text(procedure) -> str:
    current = [d for d in _decisions(procedure) if not hasattr(d, "replaced_by")]
    assert len(current) == 1
    with current[0].file.open("rb") as pdf:
        return pdf.read().decode(errors="replace")


def _suspect_meeting(procedure, members) -> dict:
    return {
        "person": procedure.participants.get(role="suspect").person.pk,
        "held_on": _d(0),
        "place": "OPS Testowo",
        "present": members,
        "person_appeared": "on",
        "consequences_explained": "on",
        "statement": "Zaprzecza.",
    }


def test_a_class_teacher_sits_in_the_group_and_the_group_stops_without_a_police_officer(
    client, world, class_teacher, django_capture_on_commit_callbacks
):
    Team.objects.filter(pk=world.team.pk).update(group_authority=Team.GroupAuthority.TEAM)
    procedure = drive(world, to=Stage.WITH_CHAIR)
    other_case = drive(world, to=Stage.WITH_CHAIR)
    teacher = class_teacher.professional
    police = world.police_officer.professional
    social = world.social_worker.professional

    # The chair appoints the group with the class teacher, who is not a team member.
    client.force_login(world.chair)
    page = client.get(reverse("workflows:group_appoint", args=[procedure.pk])).content.decode()
    assert "Halina Klasowa" in page
    with django_capture_on_commit_callbacks(execute=True):
        step(
            client,
            "group_appoint",
            procedure,
            {"appointed_on": _d(0), "members": [social.pk, police.pk, teacher.pk]},
        )
        step(client, "pass_to_group", procedure, {"passed_on": _d(0)})
    assert procedure.group.authority == Team.GroupAuthority.TEAM
    decision = _current_decision_text(procedure)
    assert "Halina Klasowa" in decision and "Tomasz Wróbel" in decision
    assert "Grupę powołał(a): zespół interdyscyplinarny uchwałą" in decision

    # She sees the case of her group, and no other case of the team.
    client.force_login(class_teacher)

    def case_page(case):
        return client.get(reverse("workflows:procedure_detail", args=[case.pk]))

    assert case_page(procedure).status_code == 200
    assert case_page(other_case).status_code == 404
    listed = client.get(reverse("workflows:procedure_list")).content.decode()
    assert procedure.number in listed and other_case.number not in listed
    # …and records the meeting with the suspect.
    with django_capture_on_commit_callbacks(execute=True):
        step(client, "suspect_meeting", procedure, _suspect_meeting(procedure, [teacher.pk]))
    assert Meeting.objects.filter(procedure=procedure, recorded_by=class_teacher).count() == 1

    # The chair removes the police officer, with the date and the reason.
    client.force_login(world.chair)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        step(
            client,
            "group_member_remove",
            procedure,
            {"professional": police.pk, "removed_on": _d(0), "reason": "przeniesienie służbowe"},
        )
    change = GroupMemberChange.objects.get(group=procedure.group)
    assert (change.kind, change.reason) == ("removed", "przeniesienie służbowe")
    assert AuditEvent.objects.filter(procedure=procedure, action="group.member_removed").exists()
    assert len(_decisions(procedure)) == 2
    assert "Tomasz Wróbel" not in _current_decision_text(procedure)
    # The chair is told: an inbox item, an e-mail without personal data, the case page.
    assert [m.to for m in mail.outbox] == [[world.chair.email]]
    assert procedure.number in mail.outbox[0].body and "Ćwik" not in mail.outbox[0].body
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert "Grupa jest niekompletna" in inbox or "grupa jest niekompletna" in inbox
    assert "brakuje: policjant" in inbox
    assert reverse("workflows:group_member_add", args=[procedure.pk]) in inbox
    case_page = client.get(
        reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=people"
    )
    assert 'id="group-incomplete"' in case_page.content.decode()

    # The incomplete group cannot meet: the message says why, nothing is written.
    client.force_login(world.social_worker)
    victim = procedure.participants.get(role="victim").person
    url = reverse("workflows:victim_meeting", args=[procedure.pk])
    response = client.post(url, {**_victim_meeting_ok(victim, social), "form_token": issue_token()})
    assert response.status_code == 200
    assert "Grupa jest niekompletna" in response.content.decode(), response.context["form"].errors
    assert "brakuje: policjant" in response.content.decode()
    assert Meeting.objects.filter(procedure=procedure).count() == 1
    assert open_nodes(procedure) == {"victim_meeting"}

    # The chair adds a police officer back: a third version of the decision; meetings again.
    client.force_login(world.chair)
    with django_capture_on_commit_callbacks(execute=True):
        step(
            client,
            "group_member_add",
            procedure,
            {"professional": police.pk, "added_on": _d(0)},
        )
    assert len(_decisions(procedure)) == 3
    assert "Tomasz Wróbel" in _current_decision_text(procedure)
    assert "niekompletna" not in client.get(reverse("workflows:inbox")).content.decode()
    client.force_login(world.social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        data = {**_victim_meeting_ok(victim, social), "form_token": issue_token()}
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    procedure.refresh_from_db()
    assert procedure.stage == Stage.ACTIONS


def _victim_meeting_ok(victim, social) -> dict:
    return {
        "person": victim.pk,
        "held_on": _d(0),
        "place": "OPS Testowo",
        "present": [social.pk],
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
        "plan-0-form_of_help": "psychological",
        "plan-0-action": "konsultacje",
        "plan-0-responsible": "OIK",
        "plan-0-due_on": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
    }


def test_the_chair_registers_a_doctor_who_then_sets_a_password(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.MEETINGS)
    client.force_login(world.chair)
    data = {
        "first_name": "Roman",
        "last_name": "Lekarski",
        "email": "r.lekarski@przychodnia.test",
        "sector": Sector.HEALTH_CARE,
        "profession": Profession.DOCTOR,
        "institution": "Przychodnia Rodzinna",
        "added_on": _d(0),
    }
    # Without the confidentiality declaration: refused next to the field, nothing written.
    url = reverse("workflows:group_member_register", args=[procedure.pk])
    response = client.post(url, {**data, "form_token": issue_token()})
    assert response.status_code == 200
    assert "confidentiality_declared_on" in response.context["form"].errors
    assert not Professional.objects.filter(user__email="r.lekarski@przychodnia.test").exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        step(
            client,
            "group_member_register",
            procedure,
            {**data, "confidentiality_declared_on": _d(1)},
        )
    doctor = Professional.objects.get(user__email="r.lekarski@przychodnia.test")
    assert not doctor.user.has_usable_password()
    assert not doctor.team_memberships.exists()
    assert procedure.group.memberships.filter(professional=doctor).exists()
    assert len(_decisions(procedure)) == 2
    assert AuditEvent.objects.filter(procedure=procedure, action="group.member_registered").exists()
    # Two e-mails: the invitation to set a password and the notification of the appointment.
    to_doctor = [m for m in mail.outbox if m.to == ["r.lekarski@przychodnia.test"]]
    (invitation,) = [m for m in to_doctor if "/password/set/" in m.body]
    (appointment,) = [m for m in to_doctor if m is not invitation]
    assert procedure.number in appointment.subject
    link = next(line for line in invitation.body.splitlines() if "/password/set/" in line)
    assert procedure.number not in invitation.body

    client.logout()
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Zielona-Herbata-2026", "new_password2": "Zielona-Herbata-2026"},
    )
    assert response.status_code == 302
    doctor.user.refresh_from_db()
    assert doctor.user.check_password("Zielona-Herbata-2026")


def test_a_members_profession_change_tells_the_chair_and_stops_the_group(
    client, world, django_capture_on_commit_callbacks
):
    procedure = drive(world, to=Stage.MEETINGS)
    police = world.police_officer.professional
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        police.profession = Profession.OTHER
        police.save()
    notice = GroupNotice.objects.get(group=procedure.group)
    assert notice.kind == GroupNotice.Kind.PROFESSION_CHANGED
    assert [m.to for m in mail.outbox] == [[world.chair.email]]
    client.force_login(world.chair)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert "zmienił się zawód" in inbox and "brakuje: policjant" in inbox
    # The chair notes it: the notice leaves the inbox, the gap stays until it is filled.
    step(client, "group_notice_seen", procedure, {}, notice_pk=notice.pk)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert "zmienił się zawód" not in inbox and "brakuje: policjant" in inbox


def test_the_end_of_a_team_membership_tells_the_chair(world):
    procedure = drive(world, to=Stage.MEETINGS)
    world.social_worker.professional.team_memberships.get().delete()
    assert GroupNotice.objects.get(group=procedure.group).kind == GroupNotice.Kind.LEFT_TEAM
