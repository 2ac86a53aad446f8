"""Pages flat in data size (issue 16): the searches' query counts, who sees what through the
id lists of ``visible_procedures``, the indexes, and the session renewed once a minute."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import sessions
from tests.scenarios import drive
from workflows import selectors
from workflows.models import GroupMember, Stage

pytestmark = pytest.mark.django_db


def _queries(client, url) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), list(response.context["page"].object_list)


@pytest.mark.parametrize("query", ["Ćwik", "pesel", "number"])
def test_a_search_runs_the_same_queries_for_one_hit_or_many(client, world, query):
    first = drive(world, Stage.MEETINGS)
    victim = first.participants.get(role="victim").person
    q = {"Ćwik": "Ćwik", "pesel": victim.pesel, "number": first.number}[query]
    url = reverse("workflows:procedure_list") + f"?q={q}"
    client.force_login(world.chair)
    few, shown = _queries(client, url)
    assert first in shown
    for stage in (Stage.MEETINGS, Stage.ACTIONS, Stage.WITH_CHAIR):
        drive(world, stage)
    many, shown_later = _queries(client, url)
    assert many == few
    if query == "Ćwik":  # every case's victim and suspect bear the name
        assert len(shown_later) == 4


def test_the_search_finds_a_case_once_however_many_of_its_people_match(client, world):
    procedure = drive(world, Stage.MEETINGS, extra_people=3)
    client.force_login(world.chair)
    _count, shown = _queries(client, reverse("workflows:procedure_list") + "?q=Ćwik")
    assert shown == [procedure]


def test_the_list_shows_the_next_open_deadline_of_each_case(client, world):
    procedure = drive(world, Stage.WITH_CHAIR)
    expected = procedure.deadlines.filter(met_on__isnull=True).order_by("due_on").first().due_on
    client.force_login(world.chair)
    _count, shown = _queries(client, reverse("workflows:procedure_list"))
    assert [p.next_due for p in shown] == [expected]


def test_a_group_member_outside_the_team_sees_the_groups_case_and_no_other(world):
    seen = drive(world, Stage.MEETINGS)
    unseen = drive(world, Stage.MEETINGS)
    # The teacher is on no team: only a group membership lets them read a case.
    GroupMember.objects.create(group=seen.group, professional=world.teacher.professional)
    visible = list(selectors.visible_procedures(world.teacher))
    assert visible == [seen] and unseen not in visible
    assert set(selectors.visible_procedures(world.chair)) == {seen, unseen}


def test_a_professional_of_no_team_and_no_group_sees_nothing(world):
    drive(world, Stage.MEETINGS)
    assert not selectors.visible_procedures(world.teacher).exists()


def _expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_pages_within_a_minute_do_not_write_the_session(client, world):
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(world.chair)
    renewed = _expiry(client)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("workflows:inbox"))
    writes = [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in writes), writes
    assert _expiry(client) == renewed


def test_a_page_a_minute_after_the_last_renewal_renews_the_session(client, world):
    client.force_login(world.chair)
    client.get(reverse("workflows:inbox"))
    session = client.session
    session[sessions.KEY] -= sessions.RENEW_SECONDS
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=5)
    )
    client.get(reverse("workflows:inbox"))
    left = _expiry(client) - timezone.now()
    assert (
        datetime.timedelta(minutes=29)
        < left
        <= datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )


def test_an_idle_session_ends_and_the_next_page_asks_to_sign_in(client, world):
    client.force_login(world.chair)
    client.get(reverse("workflows:inbox"))
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("workflows:inbox"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_open_deadlines_and_open_tasks_have_their_partial_indexes():
    with connection.cursor() as cursor:
        deadline = connection.introspection.get_constraints(cursor, "workflows_deadline")
        task = connection.introspection.get_constraints(cursor, "viewflow_task")
    assert "deadline_open_by_procedure" in deadline
    assert {"viewflow_task_open_by_owner", "viewflow_task_open_by_process"} <= set(task)


def test_the_statistics_find_cards_and_meetings_of_a_period_by_their_indexes():
    with connection.cursor() as cursor:
        nka = connection.introspection.get_constraints(cursor, "nkforms_nka")
        meeting = connection.introspection.get_constraints(cursor, "workflows_meeting")
    assert nka["nka_filled_current"]["columns"] == ["filled_at"]
    assert meeting["meeting_held_current"]["columns"] == ["held_on"]
    assert meeting["meeting_corrections"]["columns"] == ["corrects_id"]


def test_the_search_by_name_reaches_the_cases_of_the_people_found_by_an_index():
    with connection.cursor() as cursor:
        participant = connection.introspection.get_constraints(cursor, "workflows_participant")
    assert participant["participant_person_procedure"]["columns"] == ["person_id", "procedure_id"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL only")
def test_names_and_numbers_have_trigram_indexes_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        "people_person_first_name_trgm",
        "people_person_last_name_trgm",
        "people_household_label_trgm",
        "workflows_procedure_number_trgm",
    }


def test_a_text_search_is_paged_without_counting_the_matches(client, world, monkeypatch):
    monkeypatch.setattr("workflows.views.lists.LIST_PER_PAGE", 2)
    cases = [drive(world, Stage.WITH_CHAIR) for _ in range(3)]  # all have a "Ćwik"
    client.force_login(world.chair)
    url = reverse("workflows:procedure_list") + "?q=Ćwik"
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(url)
    assert not [
        q for q in ctx.captured_queries if "COUNT(*)" in q["sql"] and "procedure" in q["sql"]
    ]
    page = first.context["page"]
    assert [p.pk for p in page] == [cases[2].pk, cases[1].pk]  # newest first
    assert page.count is None and page.has_next
    html = first.content.decode()
    assert "strona 1" in html and " z " not in html.split('class="pager"')[1].split("</p>")[0]
    assert "q=%C4%86wik&amp;page=2" in html
    second = client.get(url + "&page=2").context["page"]
    assert [p.pk for p in second] == [cases[0].pk] and not second.has_next
    assert second.has_previous
    for bad in ("x", "0", "-1", "99"):
        assert client.get(url + f"&page={bad}").context["page"].number == 1, bad


def test_the_list_without_a_text_keeps_its_exact_count(client, world, monkeypatch):
    monkeypatch.setattr("workflows.views.lists.LIST_PER_PAGE", 2)
    for _ in range(3):
        drive(world, Stage.WITH_CHAIR)
    client.force_login(world.chair)
    page = client.get(reverse("workflows:procedure_list")).context["page"]
    assert page.count == 3 and page.num_pages == 2
    assert client.get(reverse("workflows:procedure_list") + "?page=9").context["page"].number == 2
