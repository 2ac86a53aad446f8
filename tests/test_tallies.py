"""The compliance report from the tallies of met and open deadlines (issue 16) equals the
report from every deadline (``compliance_reference``, the code path before the tallies), in
every scope, for periods that cut months, with deadlines open, late, on time, of a withdrawn
card and of a corrected one, and on both sides of midnight in Warsaw; the missed deadlines
are counted the same; the rebuild gives the rows kept step by step."""

import datetime
import random
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from oversight import breaches
from oversight.selectors import (
    COMPLIANCE_RULES,
    compliance,
    compliance_reference,
    compliance_scope,
    compliance_tally_scope,
    whole_months,
)
from tests.factories import AuditorScopeFactory, MunicipalityFactory, TeamFactory, UserFactory
from tests.scenarios import drive
from workflows import calendar, corrections
from workflows.models import (
    Deadline,
    DeadlineReason,
    DeadlineTally,
    OpenDeadlineTally,
    Procedure,
    Stage,
)
from workflows.rules import RuleCode
from workflows.steps import add_deadline, meet_deadline
from workflows.tallies import (
    deadlines_due_on,
    open_tally_rebuild,
    tally_met,
    tally_opened,
    tally_rebuild,
)

pytestmark = pytest.mark.django_db

YEAR = datetime.date(2024, 1, 1)
PERIODS = [
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),  # whole months only
    (datetime.date(2024, 2, 10), datetime.date(2024, 11, 20)),  # cut at both ends
    (datetime.date(2024, 3, 5), datetime.date(2024, 3, 25)),  # inside one month
    (datetime.date(2023, 12, 15), datetime.date(2025, 1, 10)),
    (datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)),  # everything, today's cases too
]
RULES = [*COMPLIANCE_RULES, RuleCode.SUSPECT_NOTICE]


def _generated(procedure: Procedure, rnd: random.Random, n: int, *, nka=None) -> list[Deadline]:
    """``n`` deadlines of ``procedure`` started on days of 2024, each met on time, met late
    or left open, met through ``meet_deadline`` as the steps meet them."""
    made = []
    for _ in range(n):
        start = YEAR + datetime.timedelta(days=rnd.randrange(366))
        deadline = add_deadline(procedure, rnd.choice(RULES), start, nka=nka)
        if deadline is None:
            continue
        made.append(deadline)
        fate = rnd.random()
        if fate < 0.2:
            continue  # still open (overdue by now)
        window = (deadline.due_on - start).days
        on = start + datetime.timedelta(days=rnd.randint(0, window))
        if fate > 0.7:
            on = deadline.due_on + datetime.timedelta(days=rnd.randint(1, 40))
        meet_deadline(procedure, deadline.rule, on, pk=deadline.pk)
    return made


@pytest.fixture
def data(world):
    """Cases in two teams of the world's county and one team of another county, with
    deadlines of 2024; a card withdrawn after its deadlines were met; a reason recorded."""
    rnd = random.Random(16)  # noqa: S311 - test data
    ours = [drive(world, to=Stage.WITH_CHAIR) for _ in range(2)]
    neighbour = drive(world, to=Stage.WITH_CHAIR)
    far = drive(world, to=Stage.WITH_CHAIR)
    same_county = TeamFactory(
        municipality=MunicipalityFactory(county=world.team.municipality.county)
    )
    other_county = TeamFactory(municipality=MunicipalityFactory(county="powiat daleki"))
    Procedure.objects.filter(pk=neighbour.pk).update(team=same_county)
    Procedure.objects.filter(pk=far.pk).update(team=other_county)
    tally_rebuild()  # the moved cases' own deadlines were counted under the world's team
    open_tally_rebuild()
    for procedure in (*ours, neighbour, far):
        procedure.refresh_from_db()
        _generated(procedure, rnd, 40)
    # A card whose deadlines were met, then withdrawn: they leave the report.
    card = ours[0].nka_forms.get()
    _generated(ours[0], rnd, 15, nka=card)
    corrections.record_withdraw(
        actor=world.chair, slug="nka", record_id=card.pk, reason="karta wpisana omyłkowo"
    )
    # A card with open deadlines, corrected: they follow its new version, still open.
    corrected = ours[1].nka_forms.get()
    _generated(ours[1], rnd, 15, nka=corrected)
    corrections.record_correct(
        actor=world.chair,
        slug="nka",
        record_id=corrected.pk,
        changes={"incident_place": "ul. Poprawiona 1"},
        reason="literówka w adresie",
    )
    late = Deadline.objects.filter(procedure=ours[1], met_on__isnull=False).first()
    DeadlineReason.objects.create(
        deadline=late, reason="other", details="x", recorded_by=world.chair
    )
    national = UserFactory(username="nik")
    AuditorScopeFactory(user=national)
    county = UserFactory(username="powiat")
    AuditorScopeFactory(user=county, county="powiat daleki")
    return {
        "national": national,
        "county": county,
        "municipality": world.auditor,
        "chair": world.chair,
    }


@pytest.mark.parametrize("who", ["national", "county", "municipality", "chair"])
def test_the_report_from_the_tallies_equals_the_report_from_every_deadline(data, who):
    user = data[who]
    procedures = compliance_scope(user)
    tally = compliance_tally_scope(user)
    for start, end in PERIODS:
        reference = compliance_reference(procedures=procedures, start=start, end=end)
        assert sum(row.total for row in reference), (who, start)  # the period has data
        assert compliance(procedures=procedures, start=start, end=end, tally=tally) == reference, (
            who,
            start,
            end,
        )


@pytest.mark.parametrize("who", ["national", "county", "municipality", "chair"])
def test_the_missed_deadlines_are_counted_as_they_are_listed(data, who):
    user = data[who]
    procedures = compliance_scope(user)
    tally = compliance_tally_scope(user)
    for start, end in PERIODS:
        every = breaches.period_breaches(procedures=procedures, start=start, end=end)
        missed = breaches.period_breaches_page(
            procedures=procedures, tally=tally, start=start, end=end, params={}
        )
        assert missed.page.count == len(every), (who, start, end)
        assert missed.unexplained == sum(1 for b in every if b.reason is None)
        assert [b.deadline for b in missed.page] == [b.deadline for b in every[:25]]


def test_the_tallies_count_only_the_deadlines_in_force(data):
    withdrawn = Deadline.objects.exclude(pk__in=Deadline.objects.current()).filter(
        met_on__isnull=False
    )
    assert withdrawn.exists()
    user = data["chair"]
    start, end = PERIODS[0]
    rows = compliance(
        procedures=compliance_scope(user), start=start, end=end, tally=compliance_tally_scope(user)
    )
    counted = sum(row.on_time + row.late for row in rows)
    assert counted == (
        Deadline.objects.current()
        .filter(
            procedure__team=user.professional.team_memberships.get().team,
            rule__in=COMPLIANCE_RULES,
            met_on__isnull=False,
            starts_on__range=(start, end),
        )
        .count()
    )


def _rows() -> dict:
    return {
        (t.level, t.key, t.rule, t.month): (t.on_time, t.late, t.max_late, t.days)
        for t in DeadlineTally.objects.all()
        if t.on_time or t.late
    }


def _open_rows() -> dict:
    return {
        (t.level, t.key, t.rule, t.month, t.due_on): t.count
        for t in OpenDeadlineTally.objects.exclude(count=0)
    }


def test_the_rebuild_gives_the_rows_kept_step_by_step(data):
    kept, kept_open = _rows(), _open_rows()
    assert kept and kept_open
    assert all(count > 0 for count in kept_open.values())  # never below 0
    call_command("rebuild_deadline_tallies", stdout=None)
    assert _rows() == kept
    assert _open_rows() == kept_open


def test_the_scenario_has_open_deadlines_of_a_withdrawn_and_of_a_corrected_card(data):
    """What the open tallies must get right is there: open deadlines that left the report
    with their withdrawn card, and open ones that followed a corrected card."""
    open_ = Deadline.objects.filter(met_on__isnull=True, rule__in=RULES)
    assert open_.exclude(pk__in=Deadline.objects.current()).exists()
    assert open_.filter(nka__corrects__isnull=False).exists()


def test_the_open_tallies_count_the_open_deadlines_in_force_and_drop_those_met(world):
    case = drive(world, to=Stage.WITH_CHAIR)
    start = datetime.date(2024, 5, 6)
    first, second = (add_deadline(case, RuleCode.FIRST_MEETING, start) for _ in range(2))
    assert first is not None and second is not None and first.due_on == second.due_on
    row = {
        "rule": RuleCode.FIRST_MEETING,
        "month": start.replace(day=1),
        "due_on": first.due_on,
    }
    assert {t.level: t.count for t in OpenDeadlineTally.objects.filter(**row)} == {
        "all": 2,
        "county": 2,
        "team": 2,
    }
    meet_deadline(case, RuleCode.FIRST_MEETING, start, pk=first.pk)
    assert {t.level: t.count for t in OpenDeadlineTally.objects.filter(**row)} == {
        "all": 1,
        "county": 1,
        "team": 1,
    }
    meet_deadline(case, RuleCode.FIRST_MEETING, start, pk=second.pk)
    assert {t.level: t.count for t in OpenDeadlineTally.objects.filter(**row)} == {
        "all": 0,
        "county": 0,
        "team": 0,
    }


@pytest.mark.parametrize("minutes", [-30, 30])
def test_overdue_turns_at_midnight_in_warsaw(world, monkeypatch, minutes):
    """An open deadline is overdue from the first minute of the Warsaw day after its due day
    (22:00 or 23:00 UTC), in the tallied report as in the one from every deadline."""
    case = drive(world, to=Stage.WITH_CHAIR)
    deadline = add_deadline(case, RuleCode.FIRST_MEETING, datetime.date(2024, 3, 27))
    assert deadline is not None
    midnight = datetime.datetime.combine(
        deadline.due_on + datetime.timedelta(days=1), datetime.time(0), tzinfo=calendar.WARSAW
    )
    now = (midnight + datetime.timedelta(minutes=minutes)).astimezone(datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    procedures = compliance_scope(world.chair)
    tally = compliance_tally_scope(world.chair)
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    rows = compliance(procedures=procedures, start=start, end=end, tally=tally)
    assert rows == compliance_reference(procedures=procedures, start=start, end=end)
    row = next(r for r in rows if r.rule == RuleCode.FIRST_MEETING)
    assert row.open == 1
    assert (row.open_overdue, row.max_days_late) == ((0, None) if minutes < 0 else (1, 1))
    missed = breaches.period_breaches_page(
        procedures=procedures, tally=tally, start=start, end=end, params={}
    )
    assert missed.page.count == (0 if minutes < 0 else 1)


def test_whole_months_of_a_period():
    d = datetime.date
    assert whole_months(d(2024, 1, 1), d(2024, 12, 31)) == (d(2024, 1, 1), d(2024, 12, 1))
    assert whole_months(d(2024, 1, 2), d(2024, 12, 30)) == (d(2024, 2, 1), d(2024, 11, 1))
    assert whole_months(d(2024, 2, 1), d(2024, 2, 29)) == (d(2024, 2, 1), d(2024, 2, 1))
    assert whole_months(d(2024, 2, 1), d(2024, 2, 28)) is None
    assert whole_months(d(2024, 3, 5), d(2024, 3, 25)) is None


def test_the_national_page_shows_25_missed_deadlines_and_pages_on(client, data):
    client.force_login(data["national"])
    url = "/audit/compliance/?from=2024-01-01&to=2024-12-31"
    first = client.get(url)
    page = first.context["breaches"]
    assert page.count > 25 and len(page) == 25
    assert "missed_page=2#late-reasons" in first.content.decode()
    last = client.get(url + f"&missed_page={page.num_pages}").context["breaches"]
    assert len(last) == page.count - 25 * (page.num_pages - 1)
    assert client.get(url + "&missed_page=x").context["breaches"].number == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL's SELECT … FOR UPDATE"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_steps_counting_deadlines_of_one_month_at_once_both_count(world):
    """Two transactions count a met deadline of the same rule and month: the second starts
    while the first has written but not committed. The row lock makes it wait and add to the
    first's count (without it, it would read the old row and overwrite it)."""
    cases = [drive(world, to=Stage.WITH_CHAIR) for _ in range(3)]
    start = datetime.date(2024, 5, 6)
    deadlines = [add_deadline(case, RuleCode.FIRST_MEETING, start) for case in cases]
    with transaction.atomic():  # the rows exist, counting 1
        meet_deadline(cases[2], RuleCode.FIRST_MEETING, start)
    first_wrote = threading.Event()
    errors: list[Exception] = []

    def count(deadline, *, first: bool):
        from django.db import connection as thread_connection

        try:
            if not first:
                first_wrote.wait(timeout=10)
            with transaction.atomic():
                deadline.met_on = start
                tally_met([deadline], team_id=world.team.pk)
                if first:
                    first_wrote.set()
                    time.sleep(0.5)  # keep the transaction open while the second one runs
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=count, args=(deadlines[0],), kwargs={"first": True}),
        threading.Thread(target=count, args=(deadlines[1],), kwargs={"first": False}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    rows = DeadlineTally.objects.filter(rule=RuleCode.FIRST_MEETING, month=start.replace(day=1))
    assert {row.level: row.on_time for row in rows} == {"all": 3, "county": 3, "team": 3}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deadline_opened_while_another_empties_its_row_is_counted(world):
    """One transaction meets the last open deadline of a due day (its rows fall to 0); a
    second opens a deadline of the same due day before the first commits. The second's
    upsert waits for the first's row lock, then adds to its count: 1, not 0 (nor -1)."""
    cases = [drive(world, to=Stage.WITH_CHAIR) for _ in range(2)]
    start = datetime.date(2024, 5, 6)
    with transaction.atomic():
        last = add_deadline(cases[0], RuleCode.FIRST_MEETING, start)
    assert last is not None
    unsaved = Deadline(
        procedure=cases[1],
        rule=RuleCode.FIRST_MEETING,
        edition=cases[1].edition,
        starts_on=start,
        due_on=last.due_on,
    )
    first_wrote = threading.Event()
    errors: list[Exception] = []

    def write(*, first: bool):
        from django.db import connection as thread_connection

        try:
            if not first:
                first_wrote.wait(timeout=10)
            with transaction.atomic():
                if first:
                    last.met_on = start
                    tally_met([last], team_id=world.team.pk)
                    first_wrote.set()
                    time.sleep(0.5)  # keep the transaction open while the second one runs
                else:
                    tally_opened([unsaved], team_id=world.team.pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=write, kwargs={"first": True}),
        threading.Thread(target=write, kwargs={"first": False}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    rows = OpenDeadlineTally.objects.filter(
        rule=RuleCode.FIRST_MEETING, month=start.replace(day=1), due_on=last.due_on
    )
    assert {row.level: row.count for row in rows} == {"all": 1, "county": 1, "team": 1}


def test_a_due_day_moved_through_deadlines_due_on_moves_its_open_rows(world):
    """The rows the moved deadlines leave lose them and the ones they join gain them: the
    report equals the one from every deadline and the rows equal a rebuild."""
    cases = [drive(world, to=Stage.WITH_CHAIR) for _ in range(2)]
    start = datetime.date(2024, 9, 2)
    moved = [add_deadline(case, RuleCode.FIRST_MEETING, start) for case in cases]
    assert all(d is not None for d in moved)
    assert deadlines_due_on([moved[0].pk], datetime.date(2024, 9, 3)) == 1
    procedures = compliance_scope(world.chair)
    tally = compliance_tally_scope(world.chair)
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    assert compliance(procedures=procedures, start=start, end=end, tally=tally) == (
        compliance_reference(procedures=procedures, start=start, end=end)
    )
    kept = _open_rows()
    call_command("rebuild_deadline_tallies", stdout=None)
    assert _open_rows() == kept
