"""Issue 13 item 3: meetings planned before they are held, through the pages.

The group plans the meetings with the victim and the suspect (date, time, place, the person
invited); the invitation and the summons exist, with the time, before either meeting is
held; afterwards each is recorded as held from its plan, or not held. A working meeting of
the group without the parties meets the first-meeting deadline (§ 8 of Dz.U. 2023 poz.
1870). The victim's invitation never goes by default to the address shared with the
suspect. A member's iCalendar feed, at a secret address, names nobody.
"""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from audit.models import AuditEvent
from documents.models import Document, DocumentKind
from forms.models import NKA
from people.models import Person
from tests.test_web_scenario import nka_post_data, step, transfer
from workflows.models import Meeting, Participant, PlannedMeeting, Procedure, Stage
from workflows.rules import RuleCode

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)
SHARED = "ul. Polna 3/4, 00-001 Testowo"
SAFE = "Poste restante, Urząd Pocztowy Testowo 1"


def _d(days: int = 0) -> str:
    return (TODAY + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def case(client, world, django_capture_on_commit_callbacks) -> Procedure:
    """NK-A (victim and suspect at one address) → chair → group → the group has the NK-A."""
    client.force_login(world.teacher)
    data = nka_post_data(**{"people-1-address": SHARED})
    assert client.post(reverse("workflows:nka_create"), data).status_code == 302
    procedure = Procedure.objects.get()
    transfer(client, procedure, NKA.objects.get())
    client.force_login(world.chair)
    members = [
        world.social_worker.professional.pk,
        world.police_officer.professional.pk,
        world.oik_psychologist.professional.pk,
    ]
    step(client, "group_appoint", procedure, {"appointed_on": _d(), "members": members})
    step(client, "pass_to_group", procedure, {"passed_on": _d()})
    assert procedure.stage == Stage.MEETINGS
    client.force_login(world.social_worker)
    return procedure


def _people(procedure):
    return (
        procedure.participants.get(role="victim").person,
        procedure.participants.get(role="suspect").person,
    )


def _plan(client, procedure, **data) -> PlannedMeeting:
    step(client, "meeting_plan", procedure, {"date": NEXT_WEEK.isoformat(), **data})
    return PlannedMeeting.objects.filter(procedure=procedure).latest("id")


def _letter(procedure, kind, planned) -> Document:
    return Document.objects.get(procedure=procedure, kind=kind, subject=f"planned:{planned.pk}")


def test_planned_meetings_have_their_letters_before_they_are_held_and_are_then_held(
    client, world, case, django_capture_on_commit_callbacks
):
    procedure = case
    victim, suspect = _people(procedure)
    with django_capture_on_commit_callbacks(execute=True):
        to_victim = _plan(
            client,
            procedure,
            kind="victim",
            invitee=victim.pk,
            time="10:30",
            place="OPS Testowo, pokój 12",
        )
        to_suspect = _plan(
            client,
            procedure,
            kind="suspect",
            invitee=suspect.pk,
            time="13:15",
            place="KPP Testowo",
        )
    assert Meeting.objects.count() == 0  # nothing is held yet …
    invitation = _letter(procedure, DocumentKind.VICTIM_INVITATION, to_victim)
    summons = _letter(procedure, DocumentKind.SUSPECT_SUMMONS, to_suspect)
    # … and both letters exist, with the date and the time.
    assert invitation.snapshot["data"]["time"] == "10:30"
    assert invitation.snapshot["data"]["held_on"] == NEXT_WEEK.strftime("%d.%m.%Y")
    assert summons.snapshot["data"]["time"] == "13:15"
    assert "o godzinie <strong>13:15</strong>" in _text(summons)
    # The summons is addressed to the suspect and names nobody else.
    assert summons.snapshot["data"]["addressee"]["name"] == suspect.full_name
    assert victim.last_name not in str(summons.snapshot)
    assert AuditEvent.objects.filter(procedure=procedure, action="meeting.planned").count() == 2

    page = client.get(
        reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=all"
    ).content.decode()
    assert f"?planned={to_victim.pk}" in page

    # The meeting day: "held" opens the victim-meeting form filled from the plan.
    PlannedMeeting.objects.filter(pk=to_victim.pk).update(date=TODAY)
    url = reverse("workflows:victim_meeting", args=[procedure.pk]) + f"?planned={to_victim.pk}"
    form = client.get(url).context["form"]
    assert form.initial["place"] == "OPS Testowo, pokój 12"
    assert form.initial["person"] == victim.pk
    response = client.post(
        url,
        {
            "person": victim.pk,
            "held_on": _d(),
            "place": "OPS Testowo, pokój 12",
            "present": [world.social_worker.professional.pk],
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
            "plan-0-due_on": _d(30),
            "form_token": _token(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    to_victim.refresh_from_db()
    assert to_victim.status == PlannedMeeting.Status.HELD
    assert to_victim.meeting == Meeting.objects.get(kind=Meeting.Kind.VICTIM)
    # The held meeting makes no second invitation.
    assert not Document.objects.filter(
        kind=DocumentKind.VICTIM_INVITATION, subject__startswith="meeting:"
    ).exists()

    # The suspect did not come: the plan is recorded as not held, with the reason.
    PlannedMeeting.objects.filter(pk=to_suspect.pk).update(date=TODAY)
    step(
        client,
        "planned_meeting_close",
        procedure,
        {"status": "not_held", "reason": "Nie stawił się."},
        planned_pk=to_suspect.pk,
    )
    to_suspect.refresh_from_db()
    assert (to_suspect.status, to_suspect.reason) == ("not_held", "Nie stawił się.")
    assert to_suspect.meeting is None


def _text(document: Document) -> str:
    """The stored file (the tests' fake renderer keeps the rendered HTML in it)."""
    with document.file.open("rb") as handle:
        return handle.read().decode(errors="replace")


def _token() -> str:
    from workflows.idempotency import issue_token

    return issue_token()


def test_a_plan_is_refused_for_a_past_day_without_a_time_or_for_the_wrong_person(client, case):
    procedure = case
    victim, suspect = _people(procedure)
    url = reverse("workflows:meeting_plan", args=[procedure.pk])
    cases = [
        ({"date": _d(-1), "time": "10:00", "invitee": victim.pk}, "date"),
        ({"date": _d(7), "time": "", "invitee": victim.pk}, "time"),
        ({"date": _d(7), "time": "10:00", "invitee": suspect.pk}, "invitee"),
        ({"date": _d(7), "time": "10:00", "invitee": ""}, "invitee"),
    ]
    for data, field in cases:
        post = {"kind": "victim", "place": "OPS", "form_token": _token(), **data}
        response = client.post(url, post)
        assert response.status_code == 200, data
        assert response.context["form"].errors.get(field), (data, response.context["form"].errors)
    assert not PlannedMeeting.objects.exists()
    assert not Document.objects.filter(kind=DocumentKind.VICTIM_INVITATION).exists()


def test_a_new_date_cancels_the_old_plan_and_gives_its_letter_a_new_version(
    client, case, django_capture_on_commit_callbacks
):
    procedure = case
    victim, _suspect = _people(procedure)
    with django_capture_on_commit_callbacks(execute=True):
        old = _plan(client, procedure, kind="victim", invitee=victim.pk, time="10:00", place="OPS")
    with django_capture_on_commit_callbacks(execute=True):
        step(
            client,
            "meeting_reschedule",
            procedure,
            {
                "kind": "victim",
                "invitee": victim.pk,
                "date": _d(9),
                "time": "11:00",
                "place": "OPS",
                "reason": "Prośba osoby zaproszonej.",
            },
            planned_pk=old.pk,
        )
    old.refresh_from_db()
    new = old.replaced_by
    assert old.status == PlannedMeeting.Status.CANCELLED and new.is_open
    letter = _letter(procedure, DocumentKind.VICTIM_INVITATION, new)
    assert letter.replaces == _letter(procedure, DocumentKind.VICTIM_INVITATION, old)
    assert letter.version == 2 and letter.snapshot["data"]["time"] == "11:00"


def test_a_working_meeting_of_the_group_meets_the_first_meeting_deadline(
    client, world, case, django_capture_on_commit_callbacks
):
    procedure = case
    deadline = procedure.deadlines.get(rule=RuleCode.FIRST_MEETING)
    assert deadline.met_on is None
    with django_capture_on_commit_callbacks(execute=True):
        planned = _plan(client, procedure, kind="group", time="09:00", place="OPS, sala 1")
        assert planned.invitee is None
        assert not Document.objects.filter(subject=f"planned:{planned.pk}").exists()
        PlannedMeeting.objects.filter(pk=planned.pk).update(date=TODAY)
        url = reverse("workflows:group_meeting", args=[procedure.pk]) + f"?planned={planned.pk}"
        assert client.get(url).context["form"].initial["place"] == "OPS, sala 1"
        response = client.post(
            url,
            {
                "held_on": _d(),
                "place": "OPS, sala 1",
                "present": [world.police_officer.professional.pk],
                "minutes": "Omówiono sytuację rodziny; zaplanowano spotkania.",
                "form_token": _token(),
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    deadline.refresh_from_db()
    assert deadline.met_on == TODAY
    meeting = Meeting.objects.get(kind=Meeting.Kind.GROUP)
    planned.refresh_from_db()
    assert planned.meeting == meeting and planned.status == PlannedMeeting.Status.HELD
    minutes = Document.objects.get(kind=DocumentKind.MINUTES, subject=f"meeting:{meeting.pk}")
    assert minutes.snapshot["data"]["minutes"].startswith("Omówiono")
    assert "Osoba zaproszona" not in _text(minutes)
    # The case is still at the meetings with the parties: the NK-C and NK-D are to come.
    procedure.refresh_from_db()
    assert procedure.stage == Stage.MEETINGS
    assert AuditEvent.objects.filter(procedure=procedure, action="deadline.met").exists()


def test_the_invitation_goes_to_the_safe_address_never_to_the_one_shared_with_the_suspect(
    client, case, django_capture_on_commit_callbacks
):
    procedure = case
    victim, suspect = _people(procedure)
    assert victim.address == suspect.address == SHARED
    # No address chosen: the planning page warns, and the invitation prints no address.
    page = client.get(reverse("workflows:meeting_plan", args=[procedure.pk])).content.decode()
    assert "handed over in person" in page or "osobiście" in page
    with django_capture_on_commit_callbacks(execute=True):
        first = _plan(client, procedure, kind="victim", invitee=victim.pk, time="10:00", place="X")
    data = _letter(procedure, DocumentKind.VICTIM_INVITATION, first).snapshot["data"]
    assert data["address"] == "" and data["in_person"] is True
    assert SHARED not in str(data)

    # The group records the address the victim chose, on the case (audited) …
    participant = Participant.objects.get(procedure=procedure, person=victim, role="victim")
    step(
        client,
        "correspondence_address",
        procedure,
        {"correspondence_address": SAFE},
        participant_pk=participant.pk,
    )
    participant.refresh_from_db()
    assert participant.correspondence_address == SAFE
    # … which is the procedure's own: the shared record of the person is untouched.
    assert Person.objects.get(pk=victim.pk).address == SHARED
    event = AuditEvent.objects.filter(action="participant.address_chosen").get()
    assert event.person_id == victim.pk and SAFE not in str(event.payload)

    with django_capture_on_commit_callbacks(execute=True):
        second = _plan(client, procedure, kind="victim", invitee=victim.pk, time="12:00", place="X")
    document = _letter(procedure, DocumentKind.VICTIM_INVITATION, second)
    assert document.snapshot["data"]["address"] == SAFE
    assert document.snapshot["data"]["in_person"] is False
    assert SHARED not in _text(document)


def test_the_calendar_and_the_feed_show_own_meetings_without_personal_data(
    client, world, case, django_capture_on_commit_callbacks
):
    procedure = case
    victim, suspect = _people(procedure)
    with django_capture_on_commit_callbacks(execute=True):
        _plan(client, procedure, kind="victim", invitee=victim.pk, time="10:30", place=SHARED)
        _plan(client, procedure, kind="group", time="08:00", place="OPS, sala 1")
    # The calendar page: the member's groups, in Polish dates.
    page = client.get(reverse("workflows:calendar"), {"from": _d()})
    assert page.status_code == 200
    text = page.content.decode()
    assert procedure.number in text and "10:30" in text
    assert AuditEvent.objects.filter(action="calendar.viewed").exists()
    # The outsider's calendar shows nothing of this case.
    client.force_login(world.outsider)
    assert procedure.number not in client.get(reverse("workflows:calendar")).content.decode()

    client.force_login(world.social_worker)
    response = client.post(reverse("workflows:calendar_feed_manage"), {"action": "issue"})
    feed_url = response.context["feed_url"]
    client.logout()  # the feed needs no session
    answer = client.get(feed_url)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    body = answer.content.decode()
    events = Calendar.from_ical(answer.content).walk("VEVENT")
    assert len(events) == 2
    starts = sorted(str(e.decoded("dtstart").strftime("%H:%M")) for e in events)
    assert starts == ["08:00", "10:30"]
    assert all(
        e.get("url").endswith(reverse("workflows:procedure_detail", args=[procedure.pk]))
        for e in events
    )
    for person in (victim, suspect):
        for secret in (person.first_name, person.last_name, person.pesel):
            assert secret not in body
    assert "Polna" not in body and "sala" not in body  # no place at all

    # A wrong token, and the old one after a new address is made: not found.
    token = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert client.get(reverse("workflows:calendar_feed", args=["x" + token])).status_code == 404
    client.force_login(world.social_worker)
    client.post(reverse("workflows:calendar_feed_manage"), {"action": "issue"})
    client.logout()
    assert client.get(feed_url).status_code == 404
    # The chair, not in the group, has an empty feed of their own (their calendar page
    # shows the whole team's meetings).
    client.force_login(world.chair)
    assert procedure.number in client.get(reverse("workflows:calendar")).content.decode()
    response = client.post(reverse("workflows:calendar_feed_manage"), {"action": "issue"})
    client.logout()
    chair_feed = Calendar.from_ical(client.get(response.context["feed_url"]).content)
    assert chair_feed.walk("VEVENT") == []


def test_the_pages_of_planned_meetings_are_polish_and_show_no_codes(
    client, world, case, django_capture_on_commit_callbacks
):
    from tests.test_no_codes import Pages

    procedure = case
    victim, _suspect = _people(procedure)
    with django_capture_on_commit_callbacks(execute=True):
        planned = _plan(
            client, procedure, kind="victim", invitee=victim.pk, time="10:00", place="X"
        )
    pages = Pages(client)
    participant = Participant.objects.get(procedure=procedure, person=victim, role="victim")
    pages.case(procedure, "meeting_plan", "group_meeting")
    for name in ("meeting_reschedule", "planned_meeting_close"):
        pages.read(reverse(f"workflows:{name}", args=[procedure.pk, planned.pk]))
    pages.read(reverse("workflows:correspondence_address", args=[procedure.pk, participant.pk]))
    pages.read(reverse("workflows:calendar") + f"?from={_d()}")
    assert not pages.findings
    detail = client.get(
        reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=all"
    ).content.decode()
    assert "Zaplanowane spotkania" in detail and "zaplanowane" in detail
    assert "Brak bezpiecznego adresu do korespondencji" in detail
    calendar_page = client.get(reverse("workflows:calendar"), {"from": _d()}).content.decode()
    assert "Kalendarz zaplanowanych spotkań" in calendar_page
    polish_days = ("Poniedziałek", "Wtorek", "Środa", "Czwartek", "Piątek", "Sobota", "Niedziela")
    assert f"{polish_days[NEXT_WEEK.weekday()]}, {NEXT_WEEK:%d.%m.%Y}" in calendar_page
    assert "Planned meetings" not in detail and "Calendar of planned" not in calendar_page


def test_a_plan_is_linked_only_to_its_own_meeting_and_follows_its_correction(world, case):
    from workflows import corrections, services
    from workflows.services import ServiceError

    procedure = case
    victim, suspect = _people(procedure)
    planned = services.meeting_plan(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        planned=PlannedMeeting(kind="group", date=TODAY, time=datetime.time(9), place="OPS"),
    )
    # A plan not held yet is cancelled, never "not held".
    future = services.meeting_plan(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        planned=PlannedMeeting(kind="suspect", date=NEXT_WEEK, time=datetime.time(9), place="K"),
        invitee_id=suspect.pk,
    )
    with pytest.raises(ServiceError):
        services.planned_meeting_close(
            actor=world.social_worker, planned_id=future.pk, status="not_held", reason="x"
        )
    # The suspect's plan is not held by a working meeting of the group.
    with pytest.raises(ServiceError):
        services.group_meeting_record(
            actor=world.social_worker,
            procedure_id=procedure.pk,
            meeting=Meeting(held_on=TODAY, place="OPS"),
            present_ids=[world.social_worker.professional.pk],
            planned_id=future.pk,
        )
    assert not Meeting.objects.exists()  # the refused step wrote nothing
    meeting = services.group_meeting_record(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=TODAY, place="OPS"),
        present_ids=[world.social_worker.professional.pk],
        planned_id=planned.pk,
    )
    corrected = corrections.record_correct(
        actor=world.social_worker,
        slug="meeting",
        record_id=meeting.pk,
        changes={"place": "OPS, sala 2"},
        reason="Pomyłka w miejscu.",
    )
    planned.refresh_from_db()
    assert planned.meeting_id == corrected.pk
