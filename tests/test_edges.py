"""The administrator and the edges (issue 11, section 4): the admin, exports, the public
verification page, statistics, sign-in, caching and the password page."""

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from tests.factories import UserFactory
from tests.scenarios import drive
from workflows.models import AuditorScope, Professional, Stage, TeamMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    """A signed-in administrator (superuser)."""
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x-Pass-123-x")
    client.force_login(user)
    return user


def _events(action, since=0):
    return list(AuditEvent.objects.filter(action=action, pk__gt=since).order_by("pk"))


def _mark():
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


# --- viewflow's own admin -------------------------------------------------------------------


def test_the_admin_cannot_delete_or_edit_an_open_task(client, world, root):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    task = Task.objects.filter(process=procedure.process, status=STATUS.NEW).first() or (
        Task.objects.filter(process=procedure.process).exclude(status=STATUS.DONE).first()
    )
    assert task is not None
    before = AuditEvent.objects.count()

    assert client.get("/admin/workflow/task/").status_code == 404
    assert client.get("/admin/workflow/process/").status_code == 404
    for url, data in (
        (f"/admin/workflow/task/{task.pk}/delete/", {"post": "yes"}),
        (f"/admin/workflow/process/{procedure.process_id}/delete/", {"post": "yes"}),
        (f"/admin/workflow/task/{task.pk}/change/", {"status": "DONE"}),
    ):
        assert client.post(url, data).status_code == 404

    task.refresh_from_db()
    assert task.status not in (STATUS.DONE, STATUS.CANCELED)
    assert Task.objects.filter(pk=task.pk).exists()
    assert AuditEvent.objects.count() == before


# --- every administrative change is an event -----------------------------------------------


def test_an_administrator_making_themselves_auditor_of_everything_leaves_a_trace(client, root):
    response = client.post(
        "/admin/workflows/auditorscope/add/",
        {"user": root.pk, "institution": "Ja", "municipality": "", "county": ""},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    scope = AuditorScope.objects.get(user=root)
    [event] = _events("admin.auditorscope.created")
    assert event.actor == root
    assert event.client == "203.0.113.7"
    assert event.payload["object"] == scope.pk and event.payload["user"] == root.pk
    assert event.payload["after"] == {
        "user": root.pk,
        "institution": "Ja",
        "municipality": None,
        "county": "",
    }

    # Once an auditor, they change nothing; another administrator removes the scope: an event.
    other = get_user_model().objects.create_superuser("root2", "r2@example.org", "x-Pass-123-y")
    client.force_login(other)
    response = client.post(
        f"/admin/workflows/auditorscope/{scope.pk}/delete/", {"post": "yes"}, REMOTE_ADDR="::1"
    )
    assert response.status_code == 302
    assert not AuditorScope.objects.filter(pk=scope.pk).exists()
    [deleted] = _events("admin.auditorscope.deleted")
    assert deleted.actor == other and deleted.client == "::1"
    assert deleted.payload["before"]["institution"] == "Ja"


def test_a_backdated_confidentiality_declaration_records_before_and_after(client, world, root):
    professional = world.teacher.professional
    old = professional.confidentiality_declared_on
    response = client.post(
        f"/admin/workflows/professional/{professional.pk}/change/",
        {
            "user": world.teacher.pk,
            "municipality": professional.municipality_id,
            "sector": professional.sector,
            "profession": professional.profession,
            "institution": professional.institution,
            "confidentiality_declared_on": "2020-01-02",
        },
    )
    assert response.status_code == 302
    [event] = _events("admin.professional.changed")
    assert event.actor == root
    assert event.payload["fields"] == ["confidentiality_declared_on"]
    assert event.payload["before"] == {
        "confidentiality_declared_on": old.isoformat() if old else None
    }
    assert event.payload["after"] == {"confidentiality_declared_on": "2020-01-02"}
    # Saving again without a change writes nothing.
    professional.refresh_from_db()
    professional.save()
    assert len(_events("admin.professional.changed")) == 1


def test_team_membership_changes_through_the_team_page_are_events(client, world, root):
    membership = TeamMember.objects.get(professional=world.police_officer.professional)
    membership.delete()
    [event] = _events("admin.teammember.deleted")
    # Outside a request (a shell, a command): no actor and no address, but the event is there.
    assert event.actor is None and event.client == ""
    assert event.payload["before"]["professional"] == world.police_officer.professional.pk

    mark = _mark()
    TeamMember.objects.create(team=world.team, professional=world.teacher.professional)
    [created] = _events("admin.teammember.created", since=mark)
    assert created.payload["after"]["team"] == world.team.pk


def test_centre_staff_and_second_factor_devices_are_audited_without_the_key(client, world, root):
    from centre.models import Centre, CentreStaff

    centre = Centre.objects.create(
        name="OIK Testowo", county="powiat testowy", municipality=world.team.municipality
    )
    CentreStaff.objects.create(user=world.oik_psychologist, centre=centre, function="psycholog")
    assert _events("admin.centrestaff.created")

    device = TOTPDevice.objects.create(user=world.chair, name="telefon", confirmed=True)
    [created] = _events("admin.totpdevice.created")
    assert device.key not in str(created.payload)
    # Using the device (counters, drift) is not an administrative change.
    device.last_t = 12345
    device.save()
    assert not _events("admin.totpdevice.changed")

    response = client.post(
        f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302
    [deleted] = _events("admin.totpdevice.deleted")
    assert deleted.actor == root and deleted.client == "10.0.0.9"
    assert deleted.payload["user"] == world.chair.pk
    assert device.key not in str(deleted.payload)


def test_a_password_reset_by_the_administrator_is_an_event_without_the_password(
    client, world, root
):
    response = client.post(
        f"/admin/auth/user/{world.chair.pk}/password/",
        {"password1": "Nowe-Haslo-2026!", "password2": "Nowe-Haslo-2026!"},
    )
    assert response.status_code == 302
    [event] = _events("auth.password_changed")[-1:]
    assert event.actor == root and event.payload["user"] == world.chair.pk
    world.chair.refresh_from_db()
    assert world.chair.password not in str(event.payload)
    assert "Nowe-Haslo" not in str(AuditEvent.objects.filter(pk__gte=event.pk).values())


def test_granting_superuser_rights_is_an_event(world):
    user = UserFactory(username="kandydat")
    mark = _mark()
    user.is_superuser = True
    user.save()
    [event] = _events("admin.user.changed", since=mark)
    assert event.payload["fields"] == ["is_superuser"]
    assert event.payload["before"] == {"is_superuser": False}
    assert event.payload["after"] == {"is_superuser": True}
    assert Professional.objects.filter(user=user).count() == 0
