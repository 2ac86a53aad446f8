"""The demo data: every stage, both closure grounds, overdue and due-soon work, synthetic."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from people import pesel as pesel_utils
from people.models import Person
from workflows import demo
from workflows.models import ClosureGround, Procedure, Stage
from workflows.selectors import deadlines_due, open_tasks_for

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

    def test_the_chair_has_an_overdue_group_and_work_due_within_two_working_days(self, seeded):
        chair = seeded["przewodniczaca"]
        due = deadlines_due(user=chair)
        assert "group_created" in {d.rule for d in due["overdue"]}
        assert due["due_soon"]
        overdue_tasks = [row for row in open_tasks_for(chair) if row.overdue]
        assert [row.node for row in overdue_tasks] == ["appoint_group"]

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

    def test_every_demo_login_can_open_its_pages(self, client, seeded):
        for username in ("przewodniczaca", "pracownik_socjalny", "dzielnicowy", "kontroler"):
            client.force_login(seeded[username])
            assert client.get("/").status_code == 200
            assert client.get("/dashboard/").status_code == 200
            for pk in Procedure.objects.values_list("pk", flat=True):
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
