"""Hostile input to every form: never a server error, a message on the form, nothing written.

Property-based (hypothesis): each example posts a random mix of huge strings, control
characters, HTML/JS, SQL fragments, impossible dates and invalid PESELs to every field
of a step form, as the person entitled to the step. How many examples each form gets comes
from the hypothesis profile (tests/conftest.py): a few in ``make test``, many more with
``HYPOTHESIS_PROFILE=full``.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.scenarios import drive
from tests.test_refusals import snapshot
from workflows.models import Stage

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),  # control characters
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "'; DROP TABLE workflows_procedure; --",
            "1 OR 1=1",
            "2026-02-30",
            "9999-99-99",
            "31.12.2026",
            "-1",
            "0",
            "99999999999999999999",
            "9223372036854775808",  # 2**63: one past the largest id
            "12345678901",  # a PESEL with a wrong checksum
            "00000000000",
            "Żaneta" * 4000,  # 24,000 characters
            "on",
            "true",
            "1",
        ]
    ),
)

# (url name, who posts, the stage the case must be at)
STEPS = [
    ("group_appoint", "chair", Stage.WITH_CHAIR),
    ("pass_to_group", "chair", Stage.GROUP_APPOINTED),
    ("victim_meeting", "social_worker", Stage.MEETINGS),
    ("suspect_meeting", "police_officer", Stage.MEETINGS),
    ("plan_item_add", "social_worker", Stage.ACTIONS),
    ("referral_create", "social_worker", Stage.ACTIONS),
    ("protective_order_create", "police_officer", Stage.ACTIONS),
    ("notification_create", "police_officer", Stage.ACTIONS),
    ("monitoring_note_create", "social_worker", Stage.ACTIONS),
    ("procedure_close", "social_worker", Stage.ACTIONS),
]


def _field_names(response) -> list[str]:
    context = response.context
    names = list(context["form"].fields)
    for key in ("people", "plan", "formset"):
        formset = context.get(key) if hasattr(context, "get") else None
        if formset is not None and hasattr(formset, "management_form"):
            names += [f"{formset.prefix}-{n}" for n in ("TOTAL_FORMS", "INITIAL_FORMS")]
            names += [f"{formset.prefix}-0-{n}" for n in formset.empty_form.fields]
    return names


def _fuzz(client, url, names, data_strategy):
    @settings(
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=data_strategy(names))
    def run(data):
        before = snapshot()
        response = client.post(url, data)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            body = response.content.decode()
            assert 'class="errorlist' in body or "errorlist" in body
            assert snapshot() == before  # refused: nothing written
            assert "<script>alert(1)</script>" not in body  # echoed input is escaped

    run()


def _values(names):
    return st.fixed_dictionaries(dict.fromkeys(names, HOSTILE))


@pytest.mark.parametrize(("name", "who", "stage"), STEPS, ids=[s[0] for s in STEPS])
def test_step_forms_survive_hostile_input(client, world, name, who, stage):
    procedure = drive(world, to=stage)
    url = (
        f"/procedures/{procedure.pk}/"
        + {
            "group_appoint": "group/",
            "pass_to_group": "pass-to-group/",
            "victim_meeting": "victim-meeting/",
            "suspect_meeting": "suspect-meeting/",
            "plan_item_add": "plan/add/",
            "referral_create": "referrals/new/",
            "protective_order_create": "orders/new/",
            "notification_create": "notifications/new/",
            "monitoring_note_create": "monitoring/new/",
            "procedure_close": "close/",
        }[name]
    )
    client.force_login(getattr(world, who))
    names = _field_names(client.get(url))
    assert names
    _fuzz(client, url, names, _values)


def test_the_nka_form_survives_hostile_input(client, world):
    client.force_login(world.teacher)
    names = _field_names(client.get("/procedures/new/"))
    assert "people-0-pesel" in names
    _fuzz(client, "/procedures/new/", names, _values)


@pytest.fixture
def centre_case(world):
    """A centre with a person, a therapy course, a group with an enrolment and a stay."""
    import datetime

    from centre import services as centre_services
    from centre.models import Centre, CentreStaff, HostelPlace
    from tests.factories import synthetic_pesel

    centre = Centre.objects.create(
        name="OIK", county="powiat testowy", municipality=world.team.municipality, address="x"
    )
    staff = world.oik_psychologist
    CentreStaff.objects.create(user=staff, centre=centre, function="psycholog")
    beds = [HostelPlace.objects.create(centre=centre, room="1", bed=b) for b in "AB"]
    person = centre_services.person_record(
        actor=staff,
        data=centre_services.PersonData(
            first_name="Anna", last_name="Nowa", pesel=synthetic_pesel(datetime.date(1990, 1, 1))
        ),
    )
    day = datetime.date.today() - datetime.timedelta(days=5)
    course = centre_services.therapy_course_start(
        actor=staff, kind="individual", person_id=person.pk, started_on=day
    )
    group = centre_services.group_create(
        actor=staff, kind="support", name="Wsparcie", starts_on=day, ends_on=None
    )
    centre_services.enrol(actor=staff, group_id=group.pk, person_id=person.pk, enrolled_on=day)
    stay = centre_services.hostel_admit(
        actor=staff,
        person_id=person.pk,
        place_id=beds[0].pk,
        admitted_on=day,
        planned_end_on=day + datetime.timedelta(days=20),
        reason="x",
    )
    return {"person": person.pk, "course": course.pk, "group": group.pk, "stay": stay.pk}


# (url, fixed fields, the context name of the form)
CENTRE_FORMS = [
    ("/centre/", {}, "form"),
    ("/centre/people/new/", {}, "form"),
    ("/centre/people/{person}/", {}, "household_form"),
    ("/centre/consultations/new/", {}, "form"),
    ("/centre/therapy/new/", {}, "form"),
    ("/centre/therapy/{course}/", {"action": "session"}, "session_form"),
    ("/centre/therapy/{course}/", {"action": "end"}, "end_form"),
    ("/centre/groups/new/", {}, "form"),
    ("/centre/groups/{group}/", {"action": "enrol"}, "enrol_form"),
    ("/centre/groups/{group}/", {"action": "session"}, "session_form"),
    ("/centre/hostel/admit/", {}, "form"),
    ("/centre/hostel/stays/{stay}/", {"action": "extend"}, "extend_form"),
    ("/centre/hostel/stays/{stay}/", {"action": "discharge"}, "discharge_form"),
    ("/centre/prevention/new/", {}, "form"),
]


@pytest.mark.parametrize(
    ("route", "fixed", "form_name"),
    CENTRE_FORMS,
    ids=[f"{r}{f.get('action', '')}" for r, f, _n in CENTRE_FORMS],
)
def test_centre_forms_survive_hostile_input(client, world, centre_case, route, fixed, form_name):
    url = route.format(**centre_case)
    client.force_login(world.oik_psychologist)
    names = list(client.get(url).context[form_name].fields)
    assert names

    def values(names):
        fixed_values = {key: st.just(value) for key, value in fixed.items()}
        return st.fixed_dictionaries({**dict.fromkeys(names, HOSTILE), **fixed_values})

    _fuzz(client, url, names, values)


def _never_fails(client, url, names):
    """Any answer but a server error, and whatever was typed comes back escaped."""

    @settings(
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.fixed_dictionaries(dict.fromkeys(names, HOSTILE)))
    def run(data):
        response = client.post(url, data)
        assert response.status_code in (200, 302), response.status_code
        assert "<script>alert(1)</script>" not in response.content.decode()

    run()


def test_the_document_verification_and_new_version_forms_survive_hostile_input(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.GROUP_APPOINTED)
    document = procedure.documents.first()
    _never_fails(client, "/documents/verify/", ["code"])  # public: anyone may try
    client.force_login(world.chair)
    _never_fails(client, f"/documents/{document.public_id}/new-version/", ["reason"])


def test_the_two_factor_forms_survive_hostile_input(client, world):
    from django.test import override_settings

    with override_settings(OIK_REQUIRE_2FA=True, OTP_TOTP_THROTTLE_FACTOR=0):
        client.force_login(world.chair)
        _never_fails(client, "/login/two-factor/setup/", ["token"])


def test_a_forged_form_count_builds_no_more_forms_than_the_maximum(client, world):
    """TOTAL_FORMS is typed by the client: Django would build and validate up to 1,020 person
    forms for one number (about 40 s of server time per request) without ``absolute_max``."""
    client.force_login(world.teacher)
    before = snapshot()
    response = client.post(
        "/procedures/new/",
        {"people-TOTAL_FORMS": "9223372036854775808", "people-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert len(response.context["people"].forms) == 20
    assert snapshot() == before
