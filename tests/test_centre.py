"""The crisis centre's register: statistics against a hand count, the hostel rules,
referrals answered by a correctional-educational group, and who may see what."""

import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, get_resolver, reverse

from centre import services
from centre.models import (
    Centre,
    CentreStaff,
    Consultation,
    Contact,
    Group,
    HostelPlace,
    HostelStay,
    PreventionEvent,
    StayExtension,
)
from centre.statistics import centre_statistics
from forms.models import NKA, NKAPerson
from tests.conftest import use_language
from tests.factories import UserFactory, synthetic_pesel
from tests.scenarios import drive, granted_referral
from tests.test_web_scenario import nka_post_data
from workflows import calendar
from workflows.figures import figures_refresh
from workflows.idempotency import issue_token
from workflows.models import Participant, Procedure, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Statistics labels are checked in English (the page shows them in Polish)."""
    from django.utils import translation

    with translation.override("en"):
        yield


D = datetime.date
HOSTEL_ADDRESS = "ul. Ukryta 13, 00-999 Testowo"


@pytest.fixture
def centre(world):
    centre = Centre.objects.create(
        name="Ośrodek Interwencji Kryzysowej w Testowie",
        county="powiat testowy",
        municipality=world.team.municipality,
        address="ul. Jawna 1, 00-001 Testowo",
        hostel_address=HOSTEL_ADDRESS,
        hostel_limit_months=3,
    )
    CentreStaff.objects.create(user=world.oik_psychologist, centre=centre, function="psycholog")
    for room, bed in (("1", "A"), ("1", "B"), ("2", "A")):
        HostelPlace.objects.create(centre=centre, room=room, bed=bed)
    return centre


@pytest.fixture
def staff(world, centre):
    return world.oik_psychologist


def person(staff, first, last, born, sex="F", household_label="", household_id=None):
    return services.person_record(
        actor=staff,
        data=services.PersonData(
            first_name=first,
            last_name=last,
            pesel=synthetic_pesel(born, sex),
            household_label=household_label,
            household_id=household_id,
        ),
    )


def consult(staff, day, kind, mode, people, minutes=60, **extra):
    return services.consultation_record(
        actor=staff,
        data=services.ConsultationInput(
            kind=kind,
            mode=mode,
            held_on=day,
            duration_minutes=minutes,
            person_ids=[p.pk for p in people],
            **extra,
        ),
    )


def place(centre, room, bed):
    return HostelPlace.objects.get(centre=centre, room=room, bed=bed)


# --------------------------------------------------------------------------- statistics


@pytest.fixture
def known_events(centre, staff):
    """Two years of a small centre; the expected figures are counted by hand below."""
    a = person(staff, "Alicja", "Źródlana", D(1980, 1, 1), household_label="Źródlani")
    b = person(staff, "Bogdan", "Źródlany", D(1979, 2, 2), "M", household_id=a.household_id)
    c = person(staff, "Cecylia", "Ćma", D(1990, 3, 3), household_label="Ćmowie")
    d = person(staff, "Dorota", "Samotna", D(1995, 4, 4))  # no household: a family of one
    e = person(staff, "Ela", "Źródlana", D(2016, 5, 5), household_id=a.household_id)
    consult(staff, D(2024, 3, 1), "psychological", "in_person", [a], 60)
    consult(staff, D(2024, 3, 2), "legal", "phone", [a, b], 30)
    consult(
        staff,
        D(2025, 1, 10),
        "crisis",
        "field",
        [c],
        90,
        place="ul. Polna 1",
        field_reason="suicide",
    )
    consult(staff, D(2025, 2, 1), "psychological", "in_person", [d], 50)
    # Franciszek came alone first; the centre recorded him with the Ćmowie afterwards: one
    # family with Cecylia for every period.
    f = person(staff, "Franciszek", "Ćma", D(1988, 6, 6), "M")
    consult(staff, D(2025, 1, 5), "social", "in_person", [f], 40)
    services.person_household_set(actor=staff, person_id=f.pk, household_id=c.household_id)
    consult(staff, D(2025, 2, 2), "psychological", "phone", [], 20)  # an anonymous call
    # Hostel: Alicja with Ela, 10 nights in January 2025.
    stay = services.hostel_admit(
        actor=staff,
        person_id=a.pk,
        place_id=place(centre, "1", "A").pk,
        admitted_on=D(2025, 1, 10),
        planned_end_on=D(2025, 3, 10),
        reason="przemoc domowa",
        children=[(e.pk, place(centre, "1", "B").pk)],
    )
    services.hostel_discharge(actor=staff, stay_id=stay.pk, discharged_on=D(2025, 1, 20))
    # Groups.
    support = services.group_create(
        actor=staff, kind="support", name="Wsparcie", starts_on=D(2025, 3, 1), ends_on=None
    )
    ea = services.enrol(actor=staff, group_id=support.pk, person_id=a.pk, enrolled_on=D(2025, 3, 1))
    eb = services.enrol(actor=staff, group_id=support.pk, person_id=b.pk, enrolled_on=D(2025, 3, 1))
    services.group_session_record(
        actor=staff,
        group_id=support.pk,
        held_on=D(2025, 3, 1),
        topic="1",
        present_ids=[ea.pk, eb.pk],
    )
    services.group_session_record(
        actor=staff, group_id=support.pk, held_on=D(2025, 3, 8), topic="2", present_ids=[ea.pk]
    )
    correctional = services.group_create(
        actor=staff,
        kind="correctional_educational",
        name="Korekcja",
        starts_on=D(2025, 3, 5),
        ends_on=None,
    )
    ec = services.enrol(
        actor=staff, group_id=correctional.pk, person_id=c.pk, enrolled_on=D(2025, 3, 5)
    )
    services.group_session_record(
        actor=staff, group_id=correctional.pk, held_on=D(2025, 3, 5), topic="", present_ids=[ec.pk]
    )
    # Prevention.
    for day, audience, count in (
        (D(2025, 4, 1), "youth", 30),
        (D(2025, 4, 2), "teachers", 12),
        (D(2024, 5, 1), "youth", 25),
    ):
        services.prevention_event_record(
            actor=staff,
            held_on=day,
            topic="Bezpieczna szkoła",
            audience=audience,
            participants=count,
        )
    # Duty log.
    for when, channel, outcome in (
        (datetime.datetime(2025, 1, 10, 3, 5, tzinfo=datetime.UTC), "police", "hostel"),
        (datetime.datetime(2025, 2, 2, 22, 0, tzinfo=datetime.UTC), "phone", "consultation"),
    ):
        services.contact_record(
            actor=staff, at=when, channel=channel, reason="kryzys", outcome=outcome
        )
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def test_every_statistic_matches_a_hand_count(centre, known_events):
    y2024 = centre_statistics(centre, D(2024, 1, 1), D(2024, 12, 31))
    assert y2024.value("summary", "consultations") == 2
    assert y2024.value("summary", "distinct people") == 2  # Alicja, Bogdan
    assert y2024.value("summary", "distinct families") == 1  # Źródlani
    assert y2024.value("summary", "hours of consultations") == 1.5

    y2025 = centre_statistics(centre, D(2025, 1, 1), D(2025, 12, 31))
    assert y2025.value("summary", "consultations") == 4
    assert y2025.value("summary", "distinct people") == 3  # Cecylia, Dorota, Franciszek
    # Ćmowie (Cecylia and Franciszek, though he came before his household was recorded),
    # Dorota alone.
    assert y2025.value("summary", "distinct families") == 2

    both = centre_statistics(centre, D(2024, 1, 1), D(2025, 12, 31))
    assert both.value("summary", "consultations") == 6
    # Across years a person and a family count once.
    assert both.value("summary", "distinct people") == 5
    assert both.value("summary", "distinct families") == 3
    # By type: consultations, people, families.
    assert both.section("by_kind").rows[0] == ["psychological", 3, 2, 2]
    assert both.value("by_kind", "legal", 2) == 2 and both.value("by_kind", "legal", 3) == 1
    assert both.value("by_kind", "crisis intervention") == 1
    assert both.value("by_kind", "pedagogical") == 0
    assert both.value("by_mode", "in person") == 3
    assert both.value("by_mode", "in person", 2) == 3  # Alicja, Dorota, Franciszek
    assert both.value("by_mode", "in person", 3) == 3  # Źródlani, Dorota, Ćmowie
    assert both.section("by_kind").rows[3] == ["social", 1, 1, 1]
    assert both.value("by_mode", "by phone") == 2
    assert both.value("by_mode", "by phone", 2) == 2  # Alicja, Bogdan (the anonymous call: none)
    assert both.value("by_mode", "field intervention") == 1
    assert both.value("field", "suicide in the family") == 1

    january = centre_statistics(centre, D(2025, 1, 1), D(2025, 1, 31))
    assert january.value("hostel", "admissions (adults)") == 1
    assert january.value("hostel", "accompanying children admitted") == 1
    assert january.value("hostel", "person-nights") == 20  # 10 nights × 2
    assert january.value("hostel", "average stay of those discharged (days)") == 10
    assert january.value("hostel", "occupancy (%)") == round(100 * 20 / (3 * 31), 1)
    # Nights are cut at the period's edges: 15–31 January holds 5 nights × 2.
    assert (
        centre_statistics(centre, D(2025, 1, 15), D(2025, 1, 31)).value("hostel", "person-nights")
        == 10
    )

    assert y2025.value("groups", "support group") == 2
    assert y2025.value("groups", "support group", 2) == 2
    assert y2025.value("groups", "correctional-educational group", 2) == 1
    assert y2025.value("groups", "all groups") == 3 and y2025.value("groups", "all groups", 2) == 3

    assert y2025.value("prevention", "youth", 2) == 30
    assert y2025.value("prevention", "all audiences") == 2
    assert y2025.value("prevention", "all audiences", 2) == 42
    assert both.value("prevention", "youth") == 2 and both.value("prevention", "youth", 2) == 55

    assert y2025.value("contacts", "all contacts") == 2
    assert y2025.value("contacts", "brought by the police") == 1
    assert y2025.value("contacts", "hostel admission") == 1


def test_statistics_take_the_same_queries_whatever_the_size(
    centre, known_events, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40) as small:
        centre_statistics(centre, D(2024, 1, 1), D(2025, 12, 31))
    staff = centre.staff.get().user
    for n in range(20):
        consult(staff, D(2025, 6, 1 + n % 28), "social", "in_person", [known_events["d"]])
    with django_assert_max_num_queries(len(small.captured_queries)):
        centre_statistics(centre, D(2024, 1, 1), D(2025, 12, 31))


def test_procedure_figures_for_national_reporting(
    world, centre, django_capture_on_commit_callbacks
):
    closed = drive(world, to=Stage.CLOSED, child_witness=True)
    open_case = drive(world, to=Stage.ACTIONS, child_witness=True)
    Participant.objects.filter(procedure=open_case, role="victim").update(disabled=True)
    figures_refresh([open_case.pk])
    today = datetime.date.today()
    stats = centre_statistics(centre, D(today.year, 1, 1), today)
    assert stats.value("procedures", "NK-A filled") == 2
    assert stats.value("nka_by_sector", "education") == 2
    assert stats.value("procedures", "NK-C filled") == 2
    assert stats.value("procedures", "NK-D filled") == 2
    assert stats.value("procedures", "families covered by the procedure") == 2
    assert stats.value("procedures", "families with a procedure started in the period") == 2
    # Each case: a woman (born 1990) and a girl who witnessed it (born 2015).
    assert stats.value("procedures", "persons experiencing violence") == 4
    assert stats.value("procedures", "women") == 2
    assert stats.value("procedures", "girls") == 2
    assert stats.value("procedures", "men") == 0 and stats.value("procedures", "boys") == 0
    assert stats.value("procedures", "of whom elderly (65+)") == 0
    assert stats.value("procedures", "of whom with a disability") == 1
    ground = closed.get_closure_ground_display()
    assert stats.value("closures", str(ground)) == 1
    # Another county's centre sees none of it.
    other = Centre.objects.create(
        name="OIK gdzie indziej",
        county="powiat inny",
        municipality=world.team.municipality,
        address="x",
    )
    assert (
        centre_statistics(other, D(today.year, 1, 1), today).value("procedures", "NK-A filled") == 0
    )


# --------------------------------------------------------------------------- hostel


def test_a_stay_cannot_pass_the_limit_without_a_recorded_extension(centre, staff):
    a = person(staff, "Alicja", "Łąkowa", D(1980, 1, 1))
    bed = place(centre, "2", "A")
    with pytest.raises(services.ServiceError) as refused:
        services.hostel_admit(
            actor=staff,
            person_id=a.pk,
            place_id=bed.pk,
            admitted_on=D(2025, 2, 1),
            planned_end_on=D(2025, 5, 2),  # the limit is 1 May
            reason="przemoc",
        )
    assert "planned_end_on" in refused.value.message_dict
    assert not HostelStay.objects.exists()
    stay = services.hostel_admit(
        actor=staff,
        person_id=a.pk,
        place_id=bed.pk,
        admitted_on=D(2025, 2, 1),
        planned_end_on=D(2025, 5, 1),
        reason="przemoc",
    )
    with pytest.raises(services.ServiceError) as refused:
        services.hostel_discharge(actor=staff, stay_id=stay.pk, discharged_on=D(2025, 5, 10))
    assert "discharged_on" in refused.value.message_dict
    with pytest.raises(services.ServiceError) as refused:
        services.hostel_extend(
            actor=staff, stay_id=stay.pk, new_end_on=D(2025, 5, 20), justification="  "
        )
    assert "justification" in refused.value.message_dict
    assert not StayExtension.objects.exists()
    services.hostel_extend(
        actor=staff,
        stay_id=stay.pk,
        new_end_on=D(2025, 5, 20),
        justification="Oczekiwanie na mieszkanie chronione (decyzja MOPS).",
    )
    stay = services.hostel_discharge(actor=staff, stay_id=stay.pk, discharged_on=D(2025, 5, 10))
    assert stay.discharged_on == D(2025, 5, 10)
    # Every stay longer than the limit has an extension on record.
    for s in HostelStay.objects.all():
        if (s.discharged_on or s.planned_end_on) > services.stay_limit(centre, s.admitted_on):
            assert StayExtension.objects.filter(stay=s.accompanying or s).exists()


def test_a_place_is_never_given_twice(centre, staff):
    a = person(staff, "Alicja", "Łąkowa", D(1980, 1, 1))
    b = person(staff, "Beata", "Polna", D(1981, 1, 1))
    bed = place(centre, "2", "A")
    services.hostel_admit(
        actor=staff,
        person_id=a.pk,
        place_id=bed.pk,
        admitted_on=D(2025, 2, 1),
        planned_end_on=D(2025, 3, 1),
        reason="x",
    )
    with pytest.raises(services.ServiceError):
        services.hostel_admit(
            actor=staff,
            person_id=b.pk,
            place_id=bed.pk,
            admitted_on=D(2025, 2, 15),
            planned_end_on=D(2025, 3, 1),
            reason="x",
        )


@pytest.mark.real_pdf
def test_the_hostel_address_and_stay_are_seen_by_the_centre_staff_only(
    client, world, centre, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.ACTIONS)
    victim = procedure.participants.get(role="victim").person
    # The centre records the same person (same PESEL: linked to the one record) and admits her.
    same = services.person_record(
        actor=staff,
        data=services.PersonData(
            first_name=victim.first_name, last_name=victim.last_name, pesel=victim.pesel
        ),
    )
    assert same.person_id == victim.pk
    services.hostel_admit(
        actor=staff,
        person_id=same.pk,
        place_id=place(centre, "1", "A").pk,
        admitted_on=datetime.date.today(),
        planned_end_on=datetime.date.today() + datetime.timedelta(days=30),
        reason="przemoc domowa",
    )
    client.force_login(staff)
    assert HOSTEL_ADDRESS in client.get("/centre/hostel/").content.decode()
    # Nobody else sees the address or the stay: team, group, initiator, auditor, outsider.
    for user in (world.chair, world.social_worker, world.teacher, world.auditor, world.outsider):
        client.force_login(user)
        for url in ("/", "/procedures/", f"/procedures/{procedure.pk}/", "/centre/hostel/"):
            body = client.get(url).content.decode()
            assert HOSTEL_ADDRESS not in body and "1/A" not in body, (user, url)
    # No document of the procedure carries it either.
    from pypdf import PdfReader

    for document in procedure.documents.all():
        with document.file.open("rb") as handle:
            text = "".join(page.extract_text() for page in PdfReader(handle).pages)
        assert "Ukryta" not in text, document.kind


# --------------------------------------------------------------------------- referrals


@pytest.mark.real_pdf
def test_a_correctional_group_answers_the_referral_and_certifies_it(
    world, centre, staff, django_capture_on_commit_callbacks
):
    from documents.models import Document, DocumentKind
    from workflows.models import Deadline

    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.ACTIONS)
        suspect = procedure.participants.get(role="suspect").person
        today = datetime.date.today()
        referral = granted_referral(
            world,
            Procedure.objects.get(pk=procedure.pk),
            person_id=suspect.pk,
            programme="correctional_educational",
            provider=centre.name,
            on=today,
            received_on=today,
        )
    # The centre records him under its own record: the PESEL links it to the procedure's.
    record = services.person_record(
        actor=staff,
        data=services.PersonData(first_name="Marek", last_name="Ćwik", pesel=suspect.pesel),
    )
    group = services.group_create(
        actor=staff,
        kind=Group.Kind.CORRECTIONAL,
        name="Program korekcyjno-edukacyjny 2026",
        starts_on=today,
        ends_on=None,
    )
    assert list(services.open_referrals_for(centre, record)) == [referral]
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrol(
            actor=staff,
            group_id=group.pk,
            person_id=record.pk,
            enrolled_on=today,
            referral_id=referral.pk,
        )
    referral.refresh_from_db()
    assert referral.reported_on == today
    deadline = Deadline.objects.get(referral=referral, rule="programme_report")
    assert deadline.met_on == today
    reported = Document.objects.get(procedure=procedure, kind=DocumentKind.PROGRAMME_REPORTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_finish(actor=staff, enrolment_id=enrolment.pk, finished_on=today)
    referral.refresh_from_db()
    assert referral.completed_on == today
    completed = Document.objects.get(procedure=procedure, kind=DocumentKind.PROGRAMME_COMPLETED)
    from pypdf import PdfReader

    victim = procedure.participants.get(role="victim").person
    for document in (reported, completed):
        with document.file.open("rb") as handle:
            text = "".join(p.extract_text() for p in PdfReader(handle).pages)
        assert "Zaświadczenie" in text and suspect.last_name in text
        assert victim.address not in text and victim.phone not in text
    # The group sees the certificates on the procedure page.
    assert {reported, completed} <= set(procedure.documents.all())
    # The centre prints them from its group page.
    from django.test import Client

    browser = Client()
    browser.force_login(staff)
    for which, document in (("reported", reported), ("completed", completed)):
        response = browser.get(f"/centre/enrolments/{enrolment.pk}/certificate/{which}/")
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        with document.file.open("rb") as handle:
            assert b"".join(response.streaming_content) == handle.read()
    # A support group cannot answer a referral.
    support = services.group_create(
        actor=staff, kind=Group.Kind.SUPPORT, name="Wsparcie", starts_on=today, ends_on=None
    )
    with pytest.raises(services.ServiceError):
        services.enrol(
            actor=staff,
            group_id=support.pk,
            person_id=record.pk,
            enrolled_on=today,
            referral_id=referral.pk,
        )


# --------------------------------------------------------------------------- access and pages


def _centre_routes():
    resolver = get_resolver()
    for entry in resolver.url_patterns:
        if getattr(entry, "namespace", None) == "centre":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                yield pattern.name, "/centre/" + str(pattern.pattern)


def test_every_centre_page_is_not_found_for_anyone_outside_the_centre(
    client, world, centre, staff, known_events
):
    import re

    group = Group.objects.first()
    stay = HostelStay.objects.filter(accompanying__isnull=True).first()
    values = {
        "pk": known_events["a"].pk,
        "enrolment_pk": group.enrolments.first().pk,
        "kind": "reported",
    }
    other_centre = Centre.objects.create(
        name="OIK Obcy", county="powiat testowy", municipality=world.team.municipality, address="y"
    )
    other_staff = UserFactory(username="other_oik")
    CentreStaff.objects.create(user=other_staff, centre=other_centre, function="pedagog")
    routes = dict(_centre_routes())
    assert len(routes) >= 18
    for user in (world.chair, world.social_worker, world.auditor, world.teacher, other_staff):
        client.force_login(user)
        for name, route in routes.items():
            ids = dict(values)
            if name == "stay_detail":
                ids["pk"] = stay.pk
            elif name in ("group_detail",):
                ids["pk"] = group.pk
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if user == other_staff and "<" not in route:
                    # Their own centre's page: it works, and shows none of ours.
                    expected = (200, 302)
                elif user == world.auditor and method == "post":
                    expected = (403,)
                else:
                    expected = (404,)
                assert response.status_code in expected, (user, name, method)
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                assert "Źródlana".encode() not in body, (user, name)
                assert HOSTEL_ADDRESS.encode() not in body, (user, name)
    client.logout()
    assert client.get("/centre/").status_code == 302


def test_staff_pages_work_and_bad_input_changes_nothing(client, centre, staff, known_events):
    client.force_login(staff)
    group = Group.objects.first()
    stay = HostelStay.objects.filter(accompanying__isnull=True).first()
    for url in (
        "/centre/",
        "/centre/contacts/",
        "/centre/people/?q=Źródlana",
        "/centre/people/new/",
        f"/centre/people/{known_events['a'].pk}/",
        "/centre/consultations/",
        "/centre/consultations/new/",
        "/centre/therapy/",
        "/centre/therapy/new/",
        "/centre/groups/",
        "/centre/groups/new/",
        f"/centre/groups/{group.pk}/",
        "/centre/hostel/",
        "/centre/hostel/admit/",
        f"/centre/hostel/stays/{stay.pk}/",
        "/centre/prevention/",
        "/centre/prevention/new/",
        "/centre/statistics/?start=2024-01-01&end=2025-12-31",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        # The strict Content-Security-Policy holds: no inline scripts, styles or handlers.
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), url
        assert not re.search(r"\son[a-z]+=", body) and not re.search(r'\sstyle="', body), url
    counts = (
        Contact.objects.count(),
        Consultation.objects.count(),
        PreventionEvent.objects.count(),
    )
    for url, data, field in (
        ("/centre/", {"at": "jutro", "channel": "phone", "reason": "", "outcome": "x"}, "at"),
        (
            "/centre/consultations/new/",
            {"kind": "legal", "mode": "field", "held_on": "2025-01-01", "duration_minutes": 30},
            "place",
        ),
        (
            "/centre/prevention/new/",
            {
                "held_on": "2999-01-01",
                "topic": "<script>x</script>",
                "audience": "youth",
                "participants": "-5",
            },
            "held_on",
        ),
        (
            "/centre/people/new/",
            {"first_name": "A", "last_name": "B", "pesel": "12345678901"},
            "pesel",
        ),
        # One past the largest id: a message, not a database error (SQLite overflows).
        ("/centre/hostel/admit/", {"children": str(2**63)}, "children"),
    ):
        response = client.post(url, {**data, "form_token": issue_token()})
        assert response.status_code == 200, url
        assert response.context["form"].errors.get(field), (url, response.context["form"].errors)
    assert (
        Contact.objects.count(),
        Consultation.objects.count(),
        PreventionEvent.objects.count(),
    ) == counts
    # The quick duty-log entry at 3 a.m.: five fields.
    response = client.post(
        "/centre/",
        {
            "at": "2025-06-01T03:10",
            "channel": "police",
            "reason": "awantura",
            "outcome": "hostel",
            "form_token": issue_token(),
        },
    )
    assert response.status_code == 302 and Contact.objects.count() == counts[0] + 1


def test_statistics_export_as_csv_and_xlsx(client, centre, staff, known_events):
    client.force_login(staff)
    csv_response = client.get("/centre/statistics/?start=2024-01-01&end=2025-12-31&export=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    # For Polish Excel: the byte-order mark, semicolons, dd.mm.rrrr.
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    text = csv_response.content.decode("utf-8-sig")
    assert "okres;01.01.2024;31.12.2025" in text and "\n" in text
    data = client.get("/centre/statistics/?start=2024-01-01&end=2025-12-31&export=csv-data")
    assert not data.content.startswith(b"\xef\xbb\xbf")
    assert "okres,2024-01-01,2025-12-31" in data.content.decode()
    page = client.get("/centre/statistics/").content.decode()
    today = calendar.legal_date()
    assert f'value="{today.year}-01-01"' in page  # the period applied shows in the filter
    use_language(client, "en")
    xlsx = client.get("/centre/statistics/?start=2024-01-01&end=2025-12-31&export=xlsx")
    assert xlsx.content[:2] == b"PK"  # a zip container
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as archive:
        names = archive.namelist()
        shared = archive.read("xl/sharedStrings.xml").decode()
    assert any(n.startswith("xl/worksheets/") for n in names)
    assert "distinct families" in shared  # asked for in English
    use_language(client, "pl")
    xlsx = client.get("/centre/statistics/?start=2024-01-01&end=2025-12-31&export=xlsx")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx.content))
    # Sheets named in Polish (the sections' titles), dates and numbers typed.
    assert all(" " in name or name.istitle() for name in workbook.sheetnames)
    assert not {"summary", "by_kind"} & set(workbook.sheetnames)
    sheet = workbook.worksheets[0]
    assert sheet["A2"].value.date() == datetime.date(2024, 1, 1)
    assert any(isinstance(cell.value, int) for row in sheet.iter_rows(min_row=5) for cell in row)


def test_only_staff_of_the_centre_act(world, centre):
    with pytest.raises(PermissionDenied):
        services.prevention_event_record(
            actor=world.chair, held_on=D(2025, 1, 1), topic="x", audience="youth", participants=3
        )


def test_a_consultation_can_start_an_nka(client, world, centre, staff):
    a = person(staff, "Żaneta", "Łęcka-Ćwik", D(1988, 5, 17))
    consultation = consult(staff, datetime.date.today(), "crisis", "in_person", [a])
    client.force_login(staff)
    page = client.get(f"/centre/consultations/{consultation.pk}/nka/")
    assert page.status_code == 200
    assert page.context["people"].forms[0].initial["last_name"] == "Łęcka-Ćwik"


def test_the_nka_after_a_consultation_is_filed_by_the_centre_with_the_link(
    client, world, centre, staff, django_capture_on_commit_callbacks
):
    from audit.models import AuditEvent
    from forms.models import NKA

    a = person(staff, "Żaneta", "Łęcka-Ćwik", D(1988, 5, 17))
    consultation = consult(staff, datetime.date.today(), "crisis", "in_person", [a])
    client.force_login(staff)
    listing = client.get("/centre/consultations/").content.decode()
    assert f'href="/centre/consultations/{consultation.pk}/nka/"' in listing
    assert "/procedures/new/?consultation" not in listing
    with django_capture_on_commit_callbacks(execute=True):
        client_page = client.post(f"/centre/consultations/{consultation.pk}/nka/", nka_post_data())
    assert client_page.status_code == 302
    consultation.refresh_from_db()
    nka = NKA.objects.get()
    assert client_page["Location"] == reverse("workflows:card_detail", args=[nka.pk])
    assert consultation.procedure == nka.procedure
    assert AuditEvent.objects.filter(
        action="centre.consultation_started_nka", procedure=nka.procedure
    ).exists()
    # Filed: the link is gone from the list, and the page is not found.
    assert client.get(f"/centre/consultations/{consultation.pk}/nka/").status_code == 404
    with pytest.raises(services.ServiceError):
        services.consultation_file_nka(actor=staff, consultation_id=consultation.pk, **_nka_input())
    assert NKA.objects.count() == 1


def test_a_refused_link_leaves_no_nka_behind(monkeypatch, world, centre, staff):
    """The card and the link are one transaction: a failure after the card is filed
    takes the card back with it."""
    from forms.models import NKA
    from workflows.models import Procedure

    a = person(staff, "Żaneta", "Łęcka-Ćwik", D(1988, 5, 17))
    consultation = consult(staff, datetime.date.today(), "crisis", "in_person", [a])
    procedures = Procedure.objects.count()

    def refuse(**_kwargs):
        raise services.ServiceError({"__all__": ["no"]})

    monkeypatch.setattr("centre.services.consultations.log_event", refuse)
    with pytest.raises(services.ServiceError):
        services.consultation_file_nka(actor=staff, consultation_id=consultation.pk, **_nka_input())
    consultation.refresh_from_db()
    assert consultation.procedure is None
    assert not NKA.objects.exists() and Procedure.objects.count() == procedures
    other = UserFactory(username="not_of_the_centre")
    with pytest.raises(PermissionDenied):
        services.consultation_file_nka(actor=other, consultation_id=consultation.pk, **_nka_input())


def _nka_input() -> dict:
    card = NKA(
        place="Testowo",
        incident_date=datetime.date.today() - datetime.timedelta(days=1),
        incident_place="mieszkanie",
        incident_description="Awantura domowa.",
        violence_forms=["psychological"],
    )
    return {
        "card": card,
        "people": [
            NKAPerson(
                first_name="Żaneta",
                last_name="Łęcka-Ćwik",
                role="victim",
                pesel=synthetic_pesel(D(1988, 5, 17), "F"),
            ),
            NKAPerson(
                first_name="Marek",
                last_name="Ćwik",
                role="suspect",
                pesel=synthetic_pesel(D(1984, 2, 2), "M"),
            ),
        ],
    }


def test_the_statistics_page_is_polish(client, centre, staff, known_events):
    client.force_login(staff)
    page = client.get(
        "/centre/statistics/?start=2024-01-01&end=2025-12-31", HTTP_ACCEPT_LANGUAGE="pl"
    ).content.decode()
    assert "rozpoczęte: terapia indywidualna" in page
    assert "courses started" not in page


def test_the_menu_fits_the_person_and_the_page_is_polish(client, world, centre):
    night_duty = UserFactory(username="night_duty")
    CentreStaff.objects.create(user=night_duty, centre=centre, function="dyżur")
    client.force_login(night_duty)
    page = client.get("/centre/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert 'href="/centre/"' in page and 'href="/procedures/"' not in page
    # Django 6.1's empty choice has no Polish text of its own; the project's catalogue has.
    assert "— wybierz —" in page and "Select an option" not in page
    client.force_login(world.oik_psychologist)  # on the team too: both
    page = client.get("/centre/").content.decode()
    assert 'href="/centre/"' in page and 'href="/procedures/"' in page
    client.force_login(world.chair)
    page = client.get("/").content.decode()
    assert 'href="/centre/"' not in page and 'href="/procedures/new/"' in page


def test_a_new_person_can_be_named_in_the_duty_log_itself(client, centre, staff):
    from people.models import Person

    client.force_login(staff)
    base = {"at": "2025-06-01T03:10", "channel": "walk_in", "reason": "kryzys", "outcome": "hostel"}
    people = Person.objects.count()
    half = client.post(
        "/centre/", {**base, "new_first_name": "Halina", "form_token": issue_token()}
    )
    assert half.status_code == 200 and half.context["form"].errors["new_last_name"]
    assert Person.objects.count() == people and not Contact.objects.exists()
    response = client.post(
        "/centre/",
        {
            **base,
            "new_first_name": "Halina",
            "new_last_name": "Ćwierć",
            "form_token": issue_token(),
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.person.last_name == "Ćwierć"
    assert contact.person.centre == centre
    both = client.post(
        "/centre/",
        {
            **base,
            "person": contact.person.pk,
            "new_first_name": "A",
            "new_last_name": "B",
            "form_token": issue_token(),
        },
    )
    assert both.status_code == 200 and both.context["form"].errors["person"]
    assert Contact.objects.count() == 1


# ------------------------------------------------------------------ the centre's own record


@pytest.fixture
def other_county_night_duty(world):
    """The night duty of a centre in another county, who sees no procedure."""
    from tests.factories import MunicipalityFactory

    seat = MunicipalityFactory(name="Gmina Daleka", teryt="0800001", county="powiat daleki")
    far = Centre.objects.create(
        name="OIK w Dalekiem", county="powiat daleki", municipality=seat, address="ul. Dalsza 2"
    )
    night = UserFactory(username="dyzur_daleki")
    CentreStaff.objects.create(user=night, centre=far, function="dyżur nocny")
    return night


def test_a_known_pesel_typed_at_night_changes_nobody_and_shows_nothing_of_them(
    client, world, other_county_night_duty
):
    """Issue 11, the reproduction: a victim of a procedure in another county; the night duty
    records her PESEL with another name and phone."""
    from centre.models import CentreHousehold, CentrePerson
    from people.models import Person

    procedure = drive(world, to=Stage.ACTIONS)
    victim = procedure.participants.get(role="victim").person
    Person.objects.filter(pk=victim.pk).update(phone="+48 500 100 200", address="ul. Tajna 5")
    victim.refresh_from_db()
    before = Person.objects.values().get(pk=victim.pk)
    household = victim.household
    members = set(household.members.values_list("pk", flat=True))
    people = Person.objects.count()

    client.force_login(other_county_night_duty)
    response = client.post(
        "/centre/people/new/",
        {
            "form_token": issue_token(),
            "first_name": "Anna",
            "last_name": "Podstawiona",
            "pesel": victim.pesel,
            "phone": "601 234 567",
            "household_label": "Podstawieni",
        },
    )
    assert response.status_code == 302
    record = CentrePerson.objects.get(last_name="Podstawiona")
    # The shared person is unchanged (name, phone, household) and no second one was made.
    assert Person.objects.values().get(pk=victim.pk) == before
    assert set(household.members.values_list("pk", flat=True)) == members
    assert Person.objects.count() == people
    # The centre's record is what it typed, linked to the shared one by the PESEL only.
    assert (record.first_name, record.phone, record.person_id) == (
        "Anna",
        "+48601234567",
        victim.pk,
    )
    assert record.household.label == "Podstawieni"
    assert not CentreHousehold.objects.filter(label=household.label).exists()
    # Every page of the centre shows the typed name only; nothing of her, her household or
    # the procedure.
    secrets = [
        victim.first_name,
        victim.last_name,
        "500 100 200",
        "ul. Tajna 5",
        household.label,
        procedure.number,
    ]
    for url in (
        "/centre/",
        "/centre/people/",
        f"/centre/people/?q={victim.pesel}",
        f"/centre/people/{record.pk}/",
        "/centre/people/new/",
        "/centre/consultations/new/",
        "/centre/therapy/new/",
        "/centre/hostel/admit/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.content.decode()
        for secret in secrets:
            assert secret not in body, (url, secret)
    assert "Podstawiona" in client.get("/centre/people/").content.decode()
    # Her household is not among the households the centre can choose.
    form = client.get("/centre/people/new/").context["form"]
    assert [label for _pk, label in form.fields["household_id"].choices] == ["—", "Podstawieni"]
    # Nor does the procedure side see anything of the centre's entry.
    client.force_login(world.chair)
    body = client.get(f"/procedures/{procedure.pk}/").content.decode()
    assert "Podstawiona" not in body and "601 234 567" not in body


def test_the_same_pesel_twice_in_one_centre_is_refused_next_to_the_field(client, centre, staff):
    from centre.models import CentrePerson

    client.force_login(staff)
    data = {"first_name": "Ewa", "last_name": "Raz", "pesel": synthetic_pesel(D(1990, 1, 1), "F")}
    assert (
        client.post("/centre/people/new/", {**data, "form_token": issue_token()}).status_code == 302
    )
    again = client.post(
        "/centre/people/new/", {**data, "last_name": "Dwa", "form_token": issue_token()}
    )
    assert again.status_code == 200 and again.context["form"].errors["pesel"]
    assert list(CentrePerson.objects.values_list("last_name", flat=True)) == ["Raz"]


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ({"sex": "male"}, "sex"),  # the PESEL is of a woman
        ({"birth_date": "1990-01-02"}, "birth_date"),  # it encodes 1 January
        ({"first_name": "Ann\u202ea"}, "first_name"),  # a right-to-left override
        ({"last_name": "Nowa\u200bk"}, "last_name"),  # a zero-width space
        ({"phone": "123"}, "phone"),
        ({"phone": "telefon"}, "phone"),
    ],
)
def test_the_person_form_refuses_what_contradicts_or_hides(client, centre, staff, typed, field):
    from centre.models import CentrePerson
    from people.models import Person

    client.force_login(staff)
    data = {
        "first_name": "Ewa",
        "last_name": "Nowak",
        "pesel": synthetic_pesel(D(1990, 1, 1), "F"),
        **typed,
    }
    response = client.post(
        "/centre/people/new/", {**data, "form_token": issue_token()}, HTTP_ACCEPT_LANGUAGE="pl"
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field], response.context["form"].errors
    assert not CentrePerson.objects.exists() and not Person.objects.filter(pesel=data["pesel"])


def test_the_service_refuses_the_same_as_the_form(centre, staff):
    from centre.models import CentrePerson

    with pytest.raises(services.ServiceError) as refused:
        services.person_record(
            actor=staff,
            data=services.PersonData(
                first_name="E\u2066wa",
                last_name="Nowak",
                pesel=synthetic_pesel(D(1990, 1, 1), "F"),
                sex="male",
                phone="12",
            ),
        )
    assert set(refused.value.message_dict) == {"first_name", "sex", "phone"}
    assert not CentrePerson.objects.exists()


def test_names_are_kept_in_one_unicode_form(client, centre, staff):
    from centre.models import CentrePerson

    client.force_login(staff)
    decomposed = "L\u0301ucja"  # L + combining acute: not "Ĺucja" as one character
    client.post(
        "/centre/people/new/",
        {"form_token": issue_token(), "first_name": "Zofia", "last_name": "Łe\u0328cka  Nowa"},
    )
    client.post(
        "/centre/",
        {
            "form_token": issue_token(),
            "at": "2025-06-01T03:10",
            "channel": "walk_in",
            "reason": "kryzys",
            "outcome": "consultation",
            "new_first_name": decomposed,
            "new_last_name": "Ćwik",
        },
    )
    names = set(CentrePerson.objects.values_list("first_name", "last_name"))
    assert names == {("Zofia", "Łęcka Nowa"), ("\u0139ucja", "Ćwik")}
    refused = client.post(
        "/centre/",
        {
            "form_token": issue_token(),
            "at": "2025-06-01T03:10",
            "channel": "walk_in",
            "reason": "kryzys",
            "outcome": "consultation",
            "new_first_name": "Ha\u200dlina",
            "new_last_name": "Ćwik",
        },
    )
    assert refused.status_code == 200 and refused.context["form"].errors["new_first_name"]
    assert CentrePerson.objects.count() == 2 and Contact.objects.count() == 1


# --------------------------------------------------------------------------- families


def test_a_person_consulted_before_their_household_was_recorded_is_one_family(
    client, centre, staff
):
    """Issue 11: a person first consulted alone, whose household the centre records later,
    is one family over the period (not a family of one and then the household again)."""
    from django.utils import translation

    from centre.models import CentrePerson

    client.force_login(staff)
    # At night she came alone: named in the duty log, no household yet.
    client.post(
        "/centre/",
        {
            "form_token": issue_token(),
            "at": "2025-03-01T02:00",
            "channel": "walk_in",
            "reason": "kryzys",
            "outcome": "consultation",
            "new_first_name": "Maria",
            "new_last_name": "Wolna",
        },
    )
    maria = CentrePerson.objects.get(last_name="Wolna")
    consult(staff, D(2025, 3, 1), "crisis", "in_person", [maria])
    # A week later her husband comes with the family's name; then her page gets the household.
    client.post(
        "/centre/people/new/",
        {
            "form_token": issue_token(),
            "first_name": "Piotr",
            "last_name": "Wolny",
            "household_label": "Wolni",
        },
    )
    piotr = CentrePerson.objects.get(last_name="Wolny")
    consult(staff, D(2025, 3, 8), "psychological", "in_person", [piotr])
    response = client.post(f"/centre/people/{maria.pk}/", {"household_id": piotr.household_id})
    assert response.status_code == 302
    maria.refresh_from_db()
    assert maria.household_id == piotr.household_id
    consult(staff, D(2025, 3, 9), "psychological", "in_person", [maria])
    translation.activate("en")  # the pages above switched the language to Polish
    march = centre_statistics(centre, D(2025, 3, 1), D(2025, 3, 31))
    assert march.value("summary", "distinct people") == 2
    assert march.value("summary", "distinct families") == 1  # the Wolni, once
    assert march.value("by_kind", "crisis intervention", 3) == 1
    # Her first consultation alone counts with the family whatever the period.
    assert (
        centre_statistics(centre, D(2025, 3, 1), D(2025, 3, 1)).value(
            "summary", "distinct families"
        )
        == 1
    )


def test_a_household_is_chosen_among_the_centres_own_only(client, world, centre, staff):
    from centre.models import CentreHousehold, CentrePerson

    mine = person(staff, "Ola", "Moja", D(1990, 2, 2))
    far = Centre.objects.create(
        name="OIK Inny", county="powiat testowy", municipality=world.team.municipality, address="z"
    )
    theirs = CentreHousehold.objects.create(centre=far, label="Cudzy dom")
    client.force_login(staff)
    response = client.post(f"/centre/people/{mine.pk}/", {"household_id": theirs.pk})
    assert response.status_code == 200 and response.context["household_form"].errors
    assert CentrePerson.objects.get(pk=mine.pk).household is None
    # Another centre's person is "not found", like a missing page.
    stranger = CentrePerson.objects.create(
        centre=far, person=mine.person, first_name="X", last_name="Y"
    )
    assert (
        client.post(f"/centre/people/{stranger.pk}/", {"household_label": "Z"}).status_code == 404
    )
    assert not CentreHousehold.objects.filter(label="Z").exists()


def test_a_consultation_sent_twice_is_recorded_once(client, centre, staff):
    from audit.models import AuditEvent

    client.force_login(staff)
    a = person(staff, "Alicja", "Źródlana", D(1980, 1, 1))
    data = {
        "kind": "psychological",
        "mode": "in_person",
        "held_on": "2025-06-02",
        "duration_minutes": "60",
        "people": [a.pk],
        "form_token": issue_token(),
    }

    first = client.post("/centre/consultations/new/", data)
    again = client.post("/centre/consultations/new/", data, follow=True)

    assert first.status_code == 302
    assert again.redirect_chain[0][0] == first["Location"]
    assert "Ten formularz został już wysłany; niczego nie dodano." in [
        str(m) for m in again.context["messages"]
    ]
    assert Consultation.objects.count() == 1
    assert AuditEvent.objects.filter(action="centre.consultation_recorded").count() == 1


def test_withdrawn_or_superseded_records_leave_the_procedure_figures(world, centre):
    from workflows import corrections

    case = drive(world, to=Stage.ACTIONS)
    other = drive(world, to=Stage.ACTIONS)
    today = datetime.date.today()
    corrections.record_withdraw(
        actor=world.chair,
        slug="nka",
        record_id=case.nka_forms.get().pk,
        reason="Karta wypełniona dwukrotnie.",
    )
    corrections.record_correct(
        actor=world.chair,
        slug="nka",
        record_id=other.nka_forms.get().pk,
        changes={"incident_place": "klatka schodowa"},
        reason="Pomyłka w miejscu zdarzenia.",
    )
    corrections.record_withdraw(
        actor=world.social_worker,
        slug="meeting",
        record_id=case.meetings.get(kind="victim").pk,
        reason="Spotkanie wpisane do złej sprawy.",
    )

    stats = centre_statistics(centre, D(today.year, 1, 1), today)

    assert stats.value("procedures", "NK-A filled") == 1
    assert stats.value("nka_by_sector", "education") == 1
    assert stats.value("procedures", "NK-C filled") == 1


def test_nka_filled_counts_the_legal_days_of_the_period_as_the_date_of_each_card(world, centre):
    """The cards are found by a range of moments (``calendar.legal_days``, served by an index);
    the figure is the count of the cards whose date in Warsaw falls in the period."""
    warsaw = calendar.WARSAW
    moments = [
        datetime.datetime(2025, 12, 31, 23, 59, tzinfo=warsaw),  # last minute of the year
        datetime.datetime(2026, 1, 1, 0, 0, tzinfo=warsaw),  # first minute of the next
        datetime.datetime(2025, 1, 1, 0, 0, tzinfo=warsaw),
        datetime.datetime(2024, 12, 31, 23, 30, tzinfo=warsaw),
        datetime.datetime(2025, 3, 30, 1, 30, tzinfo=warsaw),  # the night the clocks go forward
        datetime.datetime(2025, 10, 26, 2, 30, tzinfo=warsaw),  # … and back
    ]
    for moment in moments:
        case = drive(world, to=Stage.WITH_CHAIR)
        NKA.objects.filter(procedure=case).update(filled_at=moment)
        figures_refresh([case.pk])  # a data fix: the county's kept figures follow it
    for start, end in (
        (D(2025, 1, 1), D(2025, 12, 31)),
        (D(2025, 3, 30), D(2025, 3, 30)),
        (D(2025, 10, 26), D(2025, 10, 26)),
        (D(2025, 12, 31), D(2026, 1, 1)),
        (D(2024, 12, 31), D(2024, 12, 31)),
    ):
        direct = NKA.objects.current().filter(filled_at__date__range=(start, end)).count()
        stats = centre_statistics(centre, start, end)
        assert stats.value("procedures", "NK-A filled") == direct, (start, end)
    assert (
        centre_statistics(centre, D(2025, 1, 1), D(2025, 12, 31)).value("procedures", "NK-A filled")
        == 4
    )
