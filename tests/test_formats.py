"""Polish formats on every page (issue 14, item 2): a date reads dd.mm.rrrr and a time HH:MM in
Europe/Warsaw, in Polish and in English mode (``oik_site.formats``). ISO dates stay only where a
machine reads them: ``<input type="date">`` values, URL parameters, data attributes."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.services import log_event
from centre.models import Centre, CentreStaff
from tests.conftest import use_language
from tests.test_no_codes import visible_text
from tests.test_web_scenario import nka_post_data
from workflows import calendar
from workflows.models import Deadline, Procedure
from workflows.tallies import deadlines_due_on
from workflows.templatetags.workflows_tags import due

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
TODAY = calendar.legal_date()
THURSDAY = datetime.date(2026, 11, 26)
ONE_DAY = datetime.timedelta(days=1)


def _shown(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return visible_text(response.content.decode())


def _assert_no_iso(text: str, url: str) -> None:
    assert not ISO.findall(text), f"{url} shows ISO dates: {ISO.findall(text)[:5]}"


@pytest.fixture
def case(client, world) -> Procedure:
    client.force_login(world.teacher)
    incident = TODAY - datetime.timedelta(days=3)
    response = client.post(
        reverse("workflows:nka_create"), nka_post_data(incident_date=incident.isoformat())
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Procedure.objects.get()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_inbox_case_page_and_deadlines_show_dd_mm_rrrr(client, world, case, language):
    deadline = Deadline.objects.filter(procedure=case, met_on__isnull=True).earliest("due_on")
    # Within the dashboard's window of working days.
    deadline.due_on = calendar.add_working_days(TODAY, 1)
    deadlines_due_on([deadline.pk], deadline.due_on)
    nka = case.nka_forms.get()
    # The initiator's inbox and card page, then the chair's pages of the case.
    client.force_login(world.teacher)
    use_language(client, language)
    pages = {
        reverse("workflows:inbox"): [_shown(deadline.due_on)],
        reverse("workflows:card_detail", args=[nka.pk]): [_shown(nka.incident_date)],
    }
    for url, dates in pages.items():
        _assert_shown(client, url, dates)
    client.force_login(world.chair)
    use_language(client, language)
    pages = {
        reverse("workflows:procedure_detail", args=[case.pk]) + "?tab=all": [
            _shown(case.initiated_on),
            _shown(deadline.due_on),
            f"{timezone.localtime(nka.filled_at):%d.%m.%Y %H:%M}",  # NK-A filled at
        ],
        reverse("workflows:nka_detail", args=[case.pk, nka.pk]): [_shown(nka.incident_date)],
        reverse("workflows:dashboard"): [_shown(deadline.due_on)],
        reverse("workflows:procedure_list"): [_shown(case.initiated_on)],
    }
    for url, dates in pages.items():
        _assert_shown(client, url, dates)


def _assert_shown(client, url: str, dates: list[str]) -> None:
    text = _page(client, url)
    for day in dates:
        assert day in text, (url, day)
    _assert_no_iso(text, url)


def test_the_timeline_shows_warsaw_local_time(client, world, case, monkeypatch):
    # 23:30 UTC on 31 January is 00:30 on 1 February in Warsaw (UTC+1 in winter).
    late_evening = datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC)
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: late_evening)
        log_event(action="procedure.note", actor=world.chair, procedure=case)
    client.force_login(world.auditor)
    url = reverse("audit:timeline", args=[case.pk])
    text = _page(client, url)
    assert "01.02.2026 00:30" in text
    assert "31.01.2026 23:30" not in text
    _assert_no_iso(text, url)


def test_the_centres_statistics_show_the_period_in_dd_mm_rrrr(client, world):
    centre = Centre.objects.create(
        name="Ośrodek Interwencji Kryzysowej w Testowie",
        county="powiat testowy",
        municipality=world.team.municipality,
        address="ul. Jawna 1, 00-001 Testowo",
    )
    CentreStaff.objects.create(user=world.oik_psychologist, centre=centre, function="psycholog")
    client.force_login(world.oik_psychologist)
    url = reverse("centre:statistics")
    text = _page(client, url)
    assert f"01.01.{TODAY.year} – {_shown(TODAY)}" in text
    _assert_no_iso(text, url)
    # A date typed as dd.mm.rrrr is understood as well as ISO; the export links keep ISO.
    typed = client.get(url, {"start": "01.02.2026", "end": "2026-02-28"}).content.decode()
    assert "01.02.2026 – 28.02.2026" in visible_text(typed)
    assert "?start=2026-02-01&amp;end=2026-02-28&amp;export=csv" in typed
    # The date inputs keep ISO values (a browser's date field reads nothing else).
    assert 'value="2026-02-01"' in typed


def test_the_rows_count_working_days_like_the_dashboards_heading(monkeypatch):
    """The dashboard's heading counts working days, so do its rows: on Thursday 26.11.2026 a
    deadline on Monday 30.11.2026 has 4 calendar days but 2 working days left."""
    monday, saturday = datetime.date(2026, 11, 30), datetime.date(2026, 11, 28)
    with translation.override("pl"):
        monkeypatch.setattr(calendar, "legal_date", lambda moment=None: THURSDAY)
        assert "30.11.2026 (zostały 2 dni robocze)" in due(monday)
        assert "28.11.2026 (został 1 dzień roboczy)" in due(saturday)
        # On Friday a Saturday deadline that does not move has no working day left.
        monkeypatch.setattr(calendar, "legal_date", lambda moment=None: THURSDAY + ONE_DAY)
        assert "nie został już żaden dzień roboczy" in due(saturday)
        assert "został 1 dzień roboczy" in due(monday)
