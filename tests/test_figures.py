"""The centre's procedure figures from the kept rows (``workflows.figures``) equal the figures
from the records (``centre.statistics`` with the rows set aside), for periods of whole months,
after every change a step can make to what they count; on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db.models import Q
from django.utils import translation

from centre import statistics
from centre.models import Centre
from centre.statistics import PROCEDURE_SECTIONS, centre_statistics
from forms.models import NKA, NKAPerson, Sector
from tests.conftest import _professional, nka_input
from tests.factories import MunicipalityFactory, TeamFactory
from tests.scenarios import drive
from workflows import calendar, figures, services
from workflows.corrections import record_correct, record_withdraw
from workflows.models import (
    FigureHorizon,
    Meeting,
    Procedure,
    ProcedureFigure,
    Profession,
    Stage,
)
from workflows.reconcile import person_reconcile

D = datetime.date
WARSAW = calendar.WARSAW


def moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=WARSAW)


@pytest.fixture(autouse=True)
def english():
    """The figures' labels are checked in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def centres(world):
    here = Centre.objects.create(
        name="OIK Testowo",
        county=world.team.municipality.county,
        municipality=world.team.municipality,
        address="ul. Jawna 1",
    )
    elsewhere = MunicipalityFactory(name="Gmina Druga", county="powiat drugi")
    TeamFactory(municipality=elsewhere)
    there = Centre.objects.create(
        name="OIK Drugie", county="powiat drugi", municipality=elsewhere, address="ul. Inna 2"
    )
    return here, there


def _procedure_sections(stats) -> dict:
    return {s.key: s.rows for s in stats.sections if s.key in PROCEDURE_SECTIONS}


def _both(centre, start, end, monkeypatch) -> tuple[dict, dict]:
    """(figures from the kept rows, figures from the records) for the period."""
    assert figures.period_rows(centre.county, start, end) is not None, (start, end)
    kept = _procedure_sections(centre_statistics(centre, start, end))
    with monkeypatch.context() as patched:
        patched.setattr(statistics.figures, "period_rows", lambda *args: None)
        live = _procedure_sections(centre_statistics(centre, start, end))
    return kept, live


def _month_end(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(1)


def _periods() -> list[tuple[datetime.date, datetime.date]]:
    today = calendar.legal_date()
    this_month_end = _month_end(today)
    return [
        (D(2024, 1, 1), D(2024, 12, 31)),
        (D(2025, 1, 1), D(2025, 12, 31)),
        (D(2024, 11, 1), D(2025, 2, 28)),  # across the year's end
        (D(2024, 7, 1), D(2025, 12, 31)),  # months, then a whole year
        (D(2024, 1, 1), D(2025, 3, 31)),  # a whole year, then months
        (D(2025, 2, 1), D(2025, 2, 28)),
        (D(2025, 3, 1), D(2025, 3, 31)),
        (D(2025, 4, 1), D(2025, 6, 30)),
        (D(2016, 1, 1), this_month_end),
        (today.replace(day=1), this_month_end),
    ]


def _assert_equal(centres, monkeypatch) -> None:
    for centre in centres:
        for start, end in _periods():
            kept, live = _both(centre, start, end, monkeypatch)
            assert kept == live, (centre.county, start, end)


def _close(world, procedure: Procedure, on: datetime.date, ground: str = "no_grounds") -> None:
    services.procedure_close(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        ground=ground,
        closed_on=on,
        summary="Podsumowanie.",
    )


@pytest.fixture
def history(world, centres):
    """Cases across two years and two counties, through the steps (see each line)."""
    # Open in November 2024, closed in February 2025: covered in both years.
    spanning = drive(world, to=Stage.ACTIONS, day=D(2024, 11, 20), filled_at=moment(D(2024, 11, 5)))
    for item in spanning.help_plan_items.all():
        services.help_plan_item_set_status(
            actor=world.social_worker, item_id=item.pk, status="done"
        )
    _close(world, spanning, D(2025, 2, 10), ground="violence_stopped")
    # Open since March 2025 with a child witness (two victims), still open: every month since.
    still_open = drive(
        world,
        to=Stage.ACTIONS,
        day=D(2025, 3, 20),
        filled_at=moment(D(2025, 3, 10)),
        child_witness=True,
    )
    # A woman who is a victim in two procedures (the second after the first was closed).
    first = drive(world, to=Stage.CLOSED, day=D(2025, 1, 20), filled_at=moment(D(2025, 1, 15)))
    second, _card, _joined = services.procedure_initiate(
        actor=world.teacher,
        **nka_input(
            filled_at=moment(D(2025, 4, 2)),
            incident_date=D(2025, 4, 1),
            victim_pesel=first.participants.get(role="victim").person.pesel,
        ),
    )
    # Another county's case.
    teacher = _professional(
        centres[1].municipality,
        "teacher2",
        "Jan",
        "Drugi",
        Sector.EDUCATION,
        Profession.TEACHER,
        "SP 2",
    )
    there, _card, _joined = services.procedure_initiate(
        actor=teacher,
        **nka_input(filled_at=moment(D(2025, 5, 5)), incident_date=D(2025, 5, 4)),
    )
    return {
        "spanning": spanning,
        "open": still_open,
        "first": first,
        "second": second,
        "there": there,
    }


def test_the_kept_figures_equal_the_records_for_every_whole_month_period(
    history, centres, monkeypatch
):
    _assert_equal(centres, monkeypatch)
    here, there = centres
    kept, _live = _both(here, D(2025, 1, 1), D(2025, 12, 31), monkeypatch)
    summary = {row[0]: row[1] for row in kept["procedures"]}
    # spanning, still open (2 victims), first and second (one woman): 4 distinct people.
    assert summary["persons experiencing violence"] == 4
    assert summary["NK-A filled"] == 3  # the spanning case's card is of 2024
    kept, _live = _both(there, D(2025, 5, 1), D(2025, 5, 31), monkeypatch)
    assert {row[0]: row[1] for row in kept["procedures"]}["NK-A filled"] == 1


def test_they_stay_equal_after_cards_and_meetings_are_withdrawn_or_corrected(
    world, history, centres, monkeypatch
):
    case = history["open"]
    victims_meeting = case.meetings.get(kind=Meeting.Kind.VICTIM, person_appeared=True)
    # The NK-C's meeting moves to April: March loses it, April gains it.
    record_correct(
        actor=world.chair,
        slug="meeting",
        record_id=victims_meeting.pk,
        changes={"held_on": D(2025, 4, 25)},
        reason="pomyłka w dacie",
    )
    # The NK-D's meeting is withdrawn: the NK-D leaves the figures.
    record_withdraw(
        actor=world.chair,
        slug="meeting",
        record_id=case.meetings.get(kind=Meeting.Kind.SUSPECT).pk,
        reason="wpisane do złej sprawy",
    )
    # A second card joins the case, then is withdrawn; the first card is corrected.
    joined, card, was_joined = services.procedure_initiate(
        actor=world.teacher,
        **nka_input(
            filled_at=moment(D(2025, 6, 3)),
            incident_date=D(2025, 6, 2),
            victim_pesel=case.participants.get(role="victim").person.pesel,
        ),
    )
    assert was_joined and joined.pk == case.pk
    _assert_equal(centres, monkeypatch)
    record_withdraw(actor=world.chair, slug="nka", record_id=card.pk, reason="duplikat")
    first_card = NKA.objects.current().filter(procedure=case).get()
    record_correct(
        actor=world.chair,
        slug="nka",
        record_id=first_card.pk,
        changes={"incident_place": "klatka schodowa"},
        reason="miejsce",
    )
    _assert_equal(centres, monkeypatch)
    kept, _live = _both(centres[0], D(2025, 4, 1), D(2025, 4, 30), monkeypatch)
    summary = {row[0]: row[1] for row in kept["procedures"]}
    assert summary["NK-C filled"] == 1 and summary["NK-D filled"] == 0


def test_open_cases_are_carried_into_each_new_month(history, centres, monkeypatch):
    """As if the horizon had been set months ago: the open cases' rows stop there, and the
    first period asking for a later month carries them forward."""
    old = D(2025, 6, 1)
    ProcedureFigure.objects.filter(
        Q(month__gt=old, figure__in=[figures.COVERED, figures.VICTIM])
        | Q(
            month__gt=old.replace(month=1),
            figure__in=[f"year:{figures.COVERED}", f"year:{figures.VICTIM}"],
        ),
        procedure__closed_on__isnull=True,
    ).delete()
    FigureHorizon.objects.update(month=old)
    _assert_equal(centres, monkeypatch)
    assert FigureHorizon.objects.get().month == calendar.legal_date().replace(day=1)


def _kept_rows() -> dict:
    """Each (procedure, month, figure, household, person, disabled) with its count added up
    (a step adds an NK-C as a row of its own; a rebuild writes the month's total)."""
    totals: dict = {}
    for *key, count in ProcedureFigure.objects.values_list(
        "procedure_id", "month", "figure", "household_id", "person_id", "disabled", "count"
    ):
        totals[tuple(key)] = totals.get(tuple(key), 0) + count
    return totals


def test_a_rebuild_writes_the_rows_the_steps_wrote(history, centres, monkeypatch):
    kept = _kept_rows()
    figures.figures_rebuild()
    assert _kept_rows() == kept
    _assert_equal(centres, monkeypatch)


def test_a_period_that_cuts_a_month_is_computed_from_the_records(centres):
    assert figures.period_rows(centres[0].county, D(2025, 1, 2), D(2025, 1, 31)) is None
    assert figures.period_rows(centres[0].county, D(2025, 1, 1), D(2025, 1, 30)) is None
    future = _month_end(calendar.legal_date() + datetime.timedelta(days=40))
    assert figures.period_rows(centres[0].county, D(2025, 1, 1), future) is None


def test_a_victims_birth_date_reconciled_from_a_card_moves_them_between_ages(
    world, history, centres, monkeypatch
):
    case = history["open"]
    victim = case.participants.get(role="victim").person
    entry = NKAPerson.objects.get(nka__procedure=case, person=victim)
    NKAPerson.objects.filter(pk=entry.pk).update(birth_date=D(2012, 5, 5))  # the card says so
    girls = _girls(centres[0])
    person_reconcile(
        actor=world.chair, procedure_id=case.pk, nka_person_id=entry.pk, fields=["birth_date"]
    )
    assert _girls(centres[0]) == girls + 1
    _assert_equal(centres, monkeypatch)


def _girls(centre) -> int:
    stats = centre_statistics(centre, D(2025, 1, 1), D(2025, 12, 31))
    return stats.value("procedures", "girls")
