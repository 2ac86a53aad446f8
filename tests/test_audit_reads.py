"""Every page that shows a person writes one read event naming whom it showed, and "who saw
this person" finds those reads: the crisis centre's for auditors, never for a team chair."""

import datetime
from urllib.parse import quote

import pytest

from audit.models import AuditEvent, AuditEventSubject
from audit.verify import verify_chain
from centre import services as centre_services
from centre.models import Centre, CentreStaff, HostelPlace, HostelStay
from tests.scenarios import drive
from tests.test_audit import _every_page_url
from tests.test_centre import consult, person, place
from workflows.models import VICTIM_ROLES, Deadline, Role, Stage
from workflows.tallies import deadlines_due_on

pytestmark = pytest.mark.django_db

D = datetime.date


def _last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _reads_of(client, url: str) -> list[AuditEvent]:
    before = _last_id()
    response = client.get(url)
    assert response.status_code == 200, url
    return list(AuditEvent.objects.filter(pk__gt=before).order_by("id"))


def _assert_one_read(events, action, *, people=(), procedures=()) -> AuditEvent:
    assert [e.action for e in events] == [action]
    event = events[0]
    assert event.payload["shown"] == {
        "people": sorted(people),
        "procedures": sorted(procedures),
    }
    # The same ids as index rows, for "who saw this person".
    indexed = AuditEventSubject.objects.filter(event=event)
    assert sorted(s.person_id for s in indexed if s.person_id) == sorted(people)
    assert sorted(s.procedure_id for s in indexed if s.procedure_id) == sorted(procedures)
    return event


@pytest.fixture
def centre(world):
    """The crisis centre of the chair's municipality (as in tests/test_centre.py)."""
    centre = Centre.objects.create(
        name="Ośrodek Interwencji Kryzysowej w Testowie",
        county="powiat testowy",
        municipality=world.team.municipality,
        address="ul. Jawna 1, 00-001 Testowo",
        hostel_address="ul. Ukryta 13, 00-999 Testowo",
        hostel_limit_months=3,
    )
    CentreStaff.objects.create(user=world.oik_psychologist, centre=centre, function="psycholog")
    for room, bed in (("1", "A"), ("1", "B"), ("2", "A")):
        HostelPlace.objects.create(centre=centre, room=room, bed=bed)
    return centre


@pytest.fixture
def staff(world, centre):
    return world.oik_psychologist


# --------------------------------------------------------------------------- procedure pages


@pytest.mark.parametrize(
    ("url", "action", "closed_shown"),
    [
        ("/procedures/", "procedure_list.viewed", True),
        ("/procedures/?stage=meetings", "procedure_list.viewed", False),
        ("/procedures/?overdue=on", "procedure_list.viewed", False),
        ("/procedures/?q={number}", "procedure.searched", False),
        ("/dashboard/", "dashboard.viewed", False),
    ],
)
def test_the_chair_s_lists_write_one_read_naming_the_procedures_shown(
    client, world, url, action, closed_shown
):
    procedure = drive(world, to=Stage.MEETINGS)  # the first meeting is due
    closed = drive(world, to=Stage.CLOSED)
    closed.household.label = "Zamknięci"
    closed.household.save(update_fields=["label"])
    deadlines_due_on(
        Deadline.objects.filter(procedure=procedure, met_on__isnull=True).values_list(
            "pk", flat=True
        ),
        D(2020, 1, 1),
    )
    client.force_login(world.chair)
    shown = [procedure.pk, closed.pk] if closed_shown else [procedure.pk]
    url = url.format(number=quote(procedure.number))
    _assert_one_read(_reads_of(client, url), action, procedures=shown)


def test_the_inbox_writes_one_read_naming_the_procedures_of_its_tasks(client, world):
    waiting = drive(world, to=Stage.WITH_CHAIR)  # the chair must appoint the group
    client.force_login(world.chair)
    _assert_one_read(_reads_of(client, "/"), "inbox.viewed", procedures=[waiting.pk])


def test_a_page_showing_nobody_writes_no_event(client, world):
    client.force_login(world.chair)
    assert _reads_of(client, "/") == []
    assert _reads_of(client, "/procedures/") == []
    assert _reads_of(client, "/dashboard/") == []
    client.force_login(world.teacher)
    assert _reads_of(client, "/procedures/new/") == []  # an empty NK-A form


def test_every_step_form_writes_one_read_naming_the_case_and_the_people_it_lists(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    victims = set(
        procedure.participants.filter(role__in=VICTIM_ROLES).values_list("person_id", flat=True)
    )
    suspects = set(
        procedure.participants.filter(role=Role.SUSPECT).values_list("person_id", flat=True)
    )
    everyone = set(procedure.participants.values_list("person_id", flat=True))
    listing = {
        # The victim's meeting also offers every participant as a child's companion.
        "victim-meeting/": everyone,
        "victim-absence/": victims,
        "plan/add/": victims,  # the victims who have an NK-C
        "suspect-notice/": suspects,
        "suspect-meeting/": suspects,
        "referrals/new/": suspects,
        "orders/new/": suspects,
        "detentions/new/": suspects,
        "notifications/new/": suspects,
        "meetings/plan/": victims | suspects,
        # The status page names the action's victim; the closure page lists the open
        # actions of the victims' plans (issue 14).
        "/status/": victims,
        "close/": victims,
        "/risk/": victims,  # the risk checklist (issue 15)
    }
    opened = 0
    for user in (world.chair, world.social_worker, world.teacher):
        client.force_login(user)
        # The step forms: after the lists, the case and the NK-A; the initiator's card pages
        # (a read of the card, tested with the cards), the reconciliation (a POST from the
        # NK-A page) and the calendar (tests/test_scenario_planned_meeting.py) are not step
        # forms; nor are the user's own notifications (no personal data: tests/test_notifications).
        step_forms = [
            url
            for url in _every_page_url(procedure)[6:]
            if not url.startswith(("/cards/", "/calendar/", "/notifications/"))
            and not url.endswith("/reconcile/")
        ]
        for url in step_forms:
            before = _last_id()
            status = client.get(url).status_code
            events = list(AuditEvent.objects.filter(pk__gt=before))
            if status != 200:
                assert events == [], url  # refused: nothing written
                continue
            opened += 1
            shown = next((ids for part, ids in listing.items() if url.endswith(part)), set())
            event = _assert_one_read(
                events, "step_form.viewed", people=shown, procedures=[procedure.pk]
            )
            assert event.actor == user
    assert opened >= 10


def test_the_nka_form_prefilled_from_a_consultation_names_its_people(client, world, staff):
    a = person(staff, "Żaneta", "Łęcka", D(1988, 5, 17))
    b = person(staff, "Jan", "Łęcki", D(2012, 5, 17), "M", household_id=a.household_id)
    consultation = consult(staff, datetime.date.today(), "crisis", "in_person", [a, b])
    client.force_login(staff)
    events = _reads_of(client, f"/centre/consultations/{consultation.pk}/nka/")
    _assert_one_read(events, "nka_form.viewed", people=[a.person_id, b.person_id])


# --------------------------------------------------------------------------- centre pages


@pytest.fixture
def register(centre, staff):
    """A small register: a consultation, a contact, a therapy course, a group with a member
    and a hostel stay, each naming someone different."""
    today = datetime.date.today()
    people = {
        name: person(staff, name, "Kowalska", D(1980 + i, 1, 1))
        for i, name in enumerate(("Anna", "Beata", "Celina", "Dorota", "Ewa", "Filomena"))
    }
    consult(staff, today, "legal", "phone", [people["Anna"]])
    centre_services.contact_record(
        actor=staff,
        at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1),
        channel="phone",
        reason="awantura",
        outcome="consultation",
        person_id=people["Beata"].pk,
    )
    course = centre_services.therapy_course_start(
        actor=staff, kind="individual", person_id=people["Celina"].pk, started_on=today
    )
    group = centre_services.group_create(
        actor=staff, kind="support", name="Grupa wsparcia", starts_on=today, ends_on=None
    )
    centre_services.enrol(
        actor=staff, group_id=group.pk, person_id=people["Dorota"].pk, enrolled_on=today
    )
    stay = centre_services.hostel_admit(
        actor=staff,
        person_id=people["Ewa"].pk,
        place_id=place(centre, "1", "A").pk,
        admitted_on=today,
        planned_end_on=today + datetime.timedelta(days=30),
        reason="przemoc",
    )
    return {"people": people, "course": course, "group": group, "stay": stay}


def _ids(register, *names):
    """The shared people the centre's own records of ``names`` are linked to: the ids a
    read event names."""
    return [register["people"][name].person_id for name in names]


EVERYONE = ("Anna", "Beata", "Celina", "Dorota", "Ewa", "Filomena")


@pytest.mark.parametrize(
    ("url", "action", "names"),
    [
        # The duty log: the last day's contacts, the hostel residents, and everyone in the
        # person choice of the quick entry.
        ("/centre/", "centre.duty_log_viewed", EVERYONE),
        ("/centre/contacts/", "centre.contacts_viewed", ("Beata",)),
        ("/centre/people/", "centre.people_viewed", EVERYONE),
        ("/centre/people/?q=Beata", "centre.person_searched", ("Beata",)),
        ("/centre/consultations/", "centre.consultations_viewed", ("Anna",)),
        ("/centre/consultations/new/", "centre.consultation_form_viewed", EVERYONE),
        ("/centre/therapy/", "centre.therapy_viewed", ("Celina",)),
        ("/centre/therapy/new/", "centre.therapy_form_viewed", EVERYONE),
        ("/centre/therapy/{course}/", "centre.therapy_course_viewed", ("Celina",)),
        ("/centre/groups/{group}/", "centre.group_viewed", EVERYONE),
        ("/centre/hostel/", "centre.hostel_viewed", ("Ewa",)),
        ("/centre/hostel/admit/", "centre.admission_form_viewed", EVERYONE),
    ],
)
def test_each_centre_page_writes_one_read_naming_the_people_shown(
    client, staff, register, url, action, names
):
    client.force_login(staff)
    url = url.format(course=register["course"].pk, group=register["group"].pk)
    _assert_one_read(_reads_of(client, url), action, people=_ids(register, *names))


def test_pages_of_the_centre_showing_nobody_write_nothing(client, staff, register):
    client.force_login(staff)
    for url in ("/centre/groups/", "/centre/prevention/", "/centre/people/?q=Nikt"):
        assert _reads_of(client, url) == [], url


def test_a_stay_page_shown_again_after_a_refused_post_is_a_read(client, staff, register):
    stay = register["stay"]
    client.force_login(staff)
    before = _last_id()
    response = client.post(
        f"/centre/hostel/stays/{stay.pk}/",
        {"action": "extend", "new_end_on": "", "justification": ""},
    )
    assert response.status_code == 200 and response.context["extend_form"].errors
    events = list(AuditEvent.objects.filter(pk__gt=before))
    assert [(e.action, e.person_id) for e in events] == [
        ("centre.stay_viewed", stay.person.person_id)
    ]
    assert HostelStay.objects.get(pk=stay.pk).planned_end_on == stay.planned_end_on


# --------------------------------------------------------------------------- who saw


def _report(client, user, person_pk):
    client.force_login(user)
    response = client.get(f"/audit/people/{person_pk}/")
    return response


def test_who_saw_lists_the_list_pages_that_showed_the_person_s_case(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    victim = procedure.participants.get(role=Role.VICTIM).person
    client.force_login(world.chair)
    client.get("/procedures/")
    client.force_login(world.social_worker)
    client.get(f"/procedures/{procedure.pk}/victim-meeting/")
    client.force_login(world.police_officer)
    client.get("/dashboard/")  # shows nothing of theirs: no event
    events = _report(client, world.auditor, victim.pk).context["events"]
    reads = [(e.action, e.actor) for e in events]
    assert ("procedure_list.viewed", world.chair) in reads
    assert ("step_form.viewed", world.social_worker) in reads
    assert all(actor != world.police_officer for _action, actor in reads)


@pytest.fixture
def shared_person(world, staff, register):
    """A victim of a procedure whom the centre also recorded and has in its hostel."""
    procedure = drive(world, to=Stage.ACTIONS)
    victim = procedure.participants.get(role=Role.VICTIM).person
    from centre.models import CentrePerson

    record = CentrePerson.objects.create(
        centre=register["stay"].centre,
        person=victim,
        first_name=victim.first_name,
        last_name=victim.last_name,
        pesel=victim.pesel,
    )
    stay = centre_services.hostel_admit(
        actor=staff,
        person_id=record.pk,
        place_id=place(register["stay"].centre, "1", "B").pk,
        admitted_on=datetime.date.today(),
        planned_end_on=datetime.date.today() + datetime.timedelta(days=10),
        reason="przemoc",
    )
    return victim, record, stay, procedure


def test_auditors_see_the_crisis_centre_s_reads_of_a_person(client, world, staff, shared_person):
    victim, record, stay, _procedure = shared_person
    client.force_login(staff)
    client.get(f"/centre/people/{record.pk}/")
    client.get(f"/centre/hostel/stays/{stay.pk}/")
    client.get("/centre/hostel/")
    events = _report(client, world.auditor, victim.pk).context["events"]
    centre_reads = {e.action for e in events if e.action.startswith("centre.")}
    assert {"centre.person_viewed", "centre.stay_viewed", "centre.hostel_viewed"} <= centre_reads
    assert all(e.actor == staff for e in events if e.action.startswith("centre."))


def test_a_chair_sees_no_read_of_the_centre_so_no_stay_is_revealed(
    client, world, staff, shared_person
):
    victim, record, stay, procedure = shared_person
    client.force_login(staff)
    client.get(f"/centre/people/{record.pk}/")
    client.get(f"/centre/hostel/stays/{stay.pk}/")
    client.get("/centre/hostel/")
    client.force_login(world.social_worker)
    client.get(f"/procedures/{procedure.pk}/")
    response = _report(client, world.chair, victim.pk)
    events = response.context["events"]
    assert events and not [e for e in events if e.action.startswith("centre.")]
    page = response.content.decode()
    assert ">centre." not in page and "stay_viewed" not in page
    assert "widzą tylko audytorzy" in page  # the note that centre reads are for auditors only
    assert verify_chain().ok


def test_an_auditor_may_see_who_saw_a_person_known_only_to_a_centre_in_scope(
    client, world, staff, register
):
    anna = register["people"]["Anna"]
    client.force_login(staff)
    client.get("/centre/consultations/")
    events = _report(client, world.auditor, anna.person_id).context["events"]
    assert [e.action for e in events] == ["centre.consultations_viewed"]
    # No case of hers on the procedure side: the chair gets "not found".
    assert _report(client, world.chair, anna.person_id).status_code == 404
