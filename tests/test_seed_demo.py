"""The demo data: every stage, both closure grounds, overdue and due-soon work, synthetic."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from documents.models import DocumentJob
from people import pesel as pesel_utils
from people.models import Person
from workflows import calendar, demo
from workflows.models import ClosureGround, Meeting, PlannedMeeting, Procedure, Stage
from workflows.selectors import deadlines_due, open_tasks_for, suspect_notices_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_seeded_once):
    created, logins = demo_seeded_once
    assert created
    return {row.username: get_user_model().objects.get(username=row.username) for row in logins}


def closed_procedures(procedures):
    return [p for p in procedures if p.stage == Stage.CLOSED]


class TestTheSeededDemo:
    """These tests only read the demo: it is seeded once for all of them (tests/conftest.py)."""

    def test_the_demo_covers_every_stage_and_both_closure_grounds(self, seeded):
        procedures = list(Procedure.objects.all())
        # Ten in workflows/demo/cases.py, and the others' own modules (issue 13).
        assert len(procedures) >= 11
        # A referral the group asked for waits for the team's decision (demo/requests.py).
        assert any(p.referrals.filter(decision="").exists() for p in procedures)
        assert any(p.notifications.filter(decision="refused").exists() for p in procedures)
        assert any(p.closure_notices.exists() for p in closed_procedures(procedures))
        assert {p.stage for p in procedures} == set(Stage.values)
        closed = [p for p in procedures if p.stage == Stage.CLOSED]
        assert {p.closure_ground for p in closed} == set(ClosureGround.values)
        assert any(p.monitor_until for p in closed)
        assert any(p.nka_forms.count() == 2 for p in procedures)  # a card that joined

    def test_a_forwarded_card_and_a_class_teacher_outside_the_team(self, client, seeded):
        from workflows.models import CardRouting

        routing = CardRouting.objects.get(reason="residence")
        assert routing.to_team.municipality.teryt == demo.DEMO_TERYT
        assert routing.from_team.name == "Zespół Interdyscyplinarny w Sąsiedniej"
        teacher = seeded["wychowawczyni"]
        assert not teacher.professional.team_memberships.exists()
        client.force_login(teacher)
        listed = client.get("/procedures/")
        assert [p.household.label for p in listed.context["page"].object_list] == ["Nowicka"]

    def test_the_demo_has_the_real_cases_of_issue_13(self, seeded):
        """A mother and two children with two suspects, each with their own form; a victim
        who never came, closed on "no grounds"; a suspect absent at initiation, notice due."""
        family = Procedure.objects.get(
            participants__person__last_name="Wiśniewska",
            participants__role="victim",
            participants__person__first_name="Renata",
        )
        assert family.stage == Stage.ACTIONS
        assert (family.nkc_forms.count(), family.nkd_forms.count()) == (3, 2)
        never = Procedure.objects.get(
            participants__person__last_name="Borowiec", participants__role="victim"
        )
        assert never.closure_ground == ClosureGround.NO_GROUNDS
        assert not never.nkc_forms.exists()
        assert never.meetings.filter(kind="victim", person_appeared=False).count() == 2
        notice = deadlines_due(user=seeded["przewodniczaca"], within_working_days=5)["due_soon"]
        assert "suspect_notice" in {d.rule for d in notice}
        assert suspect_notices_due(user=seeded["przewodniczaca"])

    def test_the_chair_has_an_overdue_group_and_work_due_within_two_working_days(self, seeded):
        chair = seeded["przewodniczaca"]
        due = deadlines_due(user=chair)
        assert "group_created" in {d.rule for d in due["overdue"]}
        assert due["due_soon"]
        overdue_tasks = [row for row in open_tasks_for(chair) if row.overdue]
        assert [row.node for row in overdue_tasks] == ["appoint_group"]

    def test_an_order_recorded_with_the_nka_lapses_within_days_in_the_groups_inbox(
        self, client, seeded
    ):
        from workflows.models import ProtectiveOrder
        from workflows.selectors import orders_in_force

        order = ProtectiveOrder.objects.get(nka__isnull=False)
        assert order.nka.initiator == seeded["dzielnicowy"]
        assert order.measures == ["no_approach", "no_contact"]
        lapsing = orders_in_force(user=seeded["pracownik_socjalny"])
        assert order.pk in {d.protective_order_id for d in lapsing}
        assert 0 <= (order.expires_on - calendar.legal_date()).days <= 7
        client.force_login(seeded["pracownik_socjalny"])
        inbox = client.get(reverse("workflows:inbox")).content.decode()
        assert order.procedure.number in inbox and f"{order.expires_on:%d.%m.%Y}" in inbox

    def test_every_task_with_a_statutory_deadline_shows_its_due_date(self, seeded):
        for username in ("nauczyciel", "pielegniarka", "przewodniczaca", "pracownik_socjalny"):
            for row in open_tasks_for(seeded[username]):
                if row.node in {"transfer_to_chair", "appoint_group", "pass_to_group"}:
                    assert row.due_on is not None, (username, row.node)

    def test_demo_people_are_synthetic_with_valid_pesels(self, seeded):
        pesels = list(Person.objects.exclude(pesel=None).values_list("pesel", flat=True))
        assert len(pesels) >= 20
        assert all(pesel_utils.is_valid(p) for p in pesels)
        assert len(set(pesels)) == len(pesels)

    def test_a_meeting_is_planned_for_next_week_with_its_invitation_and_summons(self, seeded):
        next_week = [m for m in PlannedMeeting.objects.all() if m.date > datetime.date.today()]
        assert {m.kind for m in next_week} >= {"victim", "suspect"}
        for planned in next_week:
            kind = {"victim": "victim_invitation", "suspect": "suspect_summons"}[planned.kind]
            assert DocumentJob.objects.filter(kind=kind, subject=f"planned:{planned.pk}").exists()
        assert Meeting.objects.filter(kind="group").exists()

    def test_every_demo_login_can_open_its_pages(self, client, seeded):
        for username in ("przewodniczaca", "pracownik_socjalny", "dzielnicowy", "kontroler"):
            client.force_login(seeded[username])
            assert client.get("/").status_code == 200
            assert client.get("/dashboard/").status_code == 200
            own = Procedure.objects.filter(team__municipality__teryt=demo.DEMO_TERYT)
            for pk in own.values_list("pk", flat=True):
                assert client.get(f"/procedures/{pk}/").status_code == 200, (username, pk)
        client.force_login(seeded["admin"])
        assert client.get("/admin/").status_code == 200

    def test_the_demo_centre_has_its_register_and_a_referral_waiting(self, client, seeded):
        from centre.models import Centre, CentrePerson, Consultation, Group, HostelStay
        from centre.services import open_referrals_for

        centre = Centre.objects.get()
        assert Consultation.objects.filter(centre=centre, mode="field").exists()
        stay = HostelStay.objects.get(centre=centre, accompanying__isnull=True, discharged_on=None)
        assert stay.children.count() == 1
        assert Group.objects.filter(centre=centre, kind="correctional_educational").exists()
        # The centre's record of Jan Mróz, linked to the procedure's by his PESEL.
        mroz = CentrePerson.objects.get(centre=centre, first_name="Jan", last_name="Mróz")
        assert open_referrals_for(centre, mroz).count() == 1
        client.force_login(seeded["dyzurny_oik"])
        page = client.get("/centre/hostel/")
        assert page.status_code == 200 and centre.hostel_address in page.content.decode()
        assert client.get("/centre/statistics/").status_code == 200


def test_seeding_twice_adds_nothing_and_prints_the_logins(capsys):
    call_command("seed_demo")
    counts = (Procedure.objects.count(), Person.objects.count())
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert (Procedure.objects.count(), Person.objects.count()) == counts
    assert "already present" in out
    for row in demo.logins():
        assert row.username in out
    assert demo.DEMO_PASSWORD in out
    user = get_user_model().objects.get(username="przewodniczaca")
    assert user.check_password(demo.DEMO_PASSWORD)


@override_settings(PRODUCTION=True)
def test_the_demo_is_refused_in_production():
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Procedure.objects.exists()
