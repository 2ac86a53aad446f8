"""The timeliness figures inspectors measure (issue 15 item 4): each figure matches a hand
count on a small known fixture, the number of queries does not grow with the rows, each
figure lists the cases behind it, and the report exports as CSV, XLSX and PDF."""

import csv
import datetime
import io
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from forms.models import Role
from oversight import timeliness
from oversight.selectors import compliance_scope
from tests.factories import HouseholdFactory, PersonFactory, TeamFactory
from workflows.models import (
    Deadline,
    DiagnosticGroup,
    Meeting,
    Participant,
    Procedure,
    ProtectiveOrder,
    Stage,
)
from workflows.rules import RuleCode

pytestmark = pytest.mark.django_db

YEAR = timeliness.Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
PERIOD = "from=2025-01-01&to=2025-12-31"
D = datetime.date
_numbers = itertools.count(1)
_births = itertools.count(1)


def _person():
    return PersonFactory(birth_date=D(1960, 1, 1) + datetime.timedelta(days=next(_births)))


def _procedure(world, initiated_on, *, team=None, closed_on=None, people=()):
    team = team or world.team
    procedure = Procedure.objects.create(
        number=f"NK/{next(_numbers)}/T",
        team=team,
        household=HouseholdFactory(municipality=team.municipality),
        edition="2023",
        initiated_on=initiated_on,
        initiated_by=world.chair,
        stage=Stage.CLOSED if closed_on else Stage.WITH_CHAIR,
        closed_on=closed_on,
    )
    for person in people:
        Participant.objects.create(procedure=procedure, person=person, role=Role.VICTIM)
    return procedure


def _group(world, procedure, days):
    DiagnosticGroup.objects.create(
        procedure=procedure,
        appointed_on=procedure.initiated_on + datetime.timedelta(days=days),
        appointed_by=world.chair,
    )


def _meeting(world, procedure, days, **extra):
    return Meeting.objects.create(
        procedure=procedure,
        kind=Meeting.Kind.GROUP,
        held_on=procedure.initiated_on + datetime.timedelta(days=days),
        place="OPS",
        recorded_by=world.chair,
        **extra,
    )


def _deadline(procedure, rule, starts_on, due_on, met_on=None):
    return Deadline.objects.create(
        procedure=procedure,
        rule=rule,
        edition="2023",
        starts_on=starts_on,
        due_on=due_on,
        met_on=met_on,
    )


def _order(world, procedure, expires_on, **extra):
    return ProtectiveOrder.objects.create(
        procedure=procedure,
        person=_person(),
        leave_home=True,
        issuer=ProtectiveOrder.Issuer.POLICE,
        issued_on=expires_on - datetime.timedelta(days=14),
        expires_on=expires_on,
        created_by=world.chair,
        **extra,
    )


# Days from the card to the group, and to the first meeting, of the cases in scope in 2025.
GROUP_DAYS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 47]  # median 5th = 5, p90 9th = 9, max 47
MEETING_DAYS = [5, 10, 15, 20, 55]  # median 3rd = 15, p90 5th = 55, max 55


def known_fixture(world, extra: int = 0):
    """The hand-counted cases (``extra`` more of the same kind, outside the period, for the
    query count). Returns the procedures by name."""
    cases = [_procedure(world, D(2025, 2, 1) + datetime.timedelta(days=n)) for n in range(10)]
    for procedure, days in zip(cases, GROUP_DAYS, strict=True):
        _group(world, procedure, days)
    for procedure, days in zip(cases, MEETING_DAYS, strict=False):
        _meeting(world, procedure, days)
        _meeting(world, procedure, days + 30)  # a later meeting: not the first
    # A withdrawn earlier meeting does not count as the first.
    _meeting(world, cases[0], 1, withdrawn_at=timezone.now())
    no_group = _procedure(world, D(2025, 6, 1))  # pending: no group, no meeting
    # Not counted: another team's case (outside the scope) and a case of 2024.
    _group(world, _procedure(world, D(2025, 3, 1), team=TeamFactory()), 100)
    _group(world, _procedure(world, D(2024, 3, 1)), 200)

    # Deadlines of the group's creation started in 2025 (today is long after 2025).
    a, b, c, d = cases[:4]
    _deadline(a, RuleCode.GROUP_CREATED, D(2025, 3, 1), D(2025, 3, 4), D(2025, 3, 3))  # on time
    _deadline(b, RuleCode.GROUP_CREATED, D(2025, 3, 1), D(2025, 3, 4), D(2025, 3, 6))  # 2 late
    _deadline(c, RuleCode.GROUP_CREATED, D(2025, 4, 1), D(2025, 4, 4), D(2025, 4, 14))  # 10 late
    _deadline(d, RuleCode.GROUP_CREATED, D(2025, 4, 1), D(2025, 4, 4))  # open, overdue
    # Still open and not yet due: counted apart, not in the share.
    far = timezone.localdate() + datetime.timedelta(days=30)
    _deadline(no_group, RuleCode.GROUP_CREATED, D(2025, 12, 30), far)
    # A first meeting met on time, and a deadline of another rule outside the period.
    _deadline(a, RuleCode.FIRST_MEETING, D(2025, 3, 3), D(2025, 3, 10), D(2025, 3, 6))
    _deadline(a, RuleCode.FIRST_MEETING, D(2024, 3, 3), D(2024, 3, 10), D(2024, 4, 6))

    # Protective orders that ran out in 2025: one lapsed, one extended by a court; not
    # counted: one ended by pretrial detention, one withdrawn, one running out in 2024.
    lapsed = _order(world, a, D(2025, 5, 15))
    _order(world, b, D(2025, 6, 15), court_extended_until=D(2025, 9, 15))
    _order(world, c, D(2025, 7, 1), ended_on=D(2025, 6, 25), end_reason="pretrial_detention")
    _order(world, c, D(2025, 7, 1), withdrawn_at=timezone.now())
    _order(world, d, D(2024, 7, 1))

    # Repeat cards: a person whose case closed 10.01.2025 has a new one on 01.06.2025
    # (repeat); one whose case closed 01.01.2024 has a new one on 01.03.2025 (not within
    # 12 months).
    again, late_again = _person(), _person()
    _procedure(world, D(2024, 6, 1), closed_on=D(2025, 1, 10), people=[again])
    repeat = _procedure(world, D(2025, 6, 1), people=[again, _person()])
    _procedure(world, D(2023, 6, 1), closed_on=D(2024, 1, 1), people=[late_again])
    _procedure(world, D(2025, 3, 1), people=[late_again])

    for n in range(extra):  # the same kinds of rows, in 2024
        more = _procedure(world, D(2024, 2, 1) + datetime.timedelta(days=n), people=[_person()])
        _group(world, more, n)
        _meeting(world, more, n + 1)
        _deadline(more, RuleCode.GROUP_CREATED, more.initiated_on, more.initiated_on, None)
        _order(world, more, D(2024, 8, 1))
    return {"cases": cases, "no_group": no_group, "repeat": repeat, "lapsed": lapsed}


def _figures(world, user=None, period=YEAR):
    procedures = compliance_scope(user or world.auditor)
    return timeliness.timeliness(procedures=procedures, period=period)


def test_the_days_from_the_card_to_the_group_and_to_the_first_meeting_match_a_hand_count(world):
    known_fixture(world)
    found = _figures(world)
    group, meeting = found.durations["group"], found.durations["meeting"]
    # 13 procedures initiated in 2025 in scope: the 10, the one with no group yet, and the
    # two new cases of the repeat cards' fixture.
    assert (group.cases, group.pending) == (10, 3)
    assert (group.median, group.p90, group.maximum) == (5, 9, 47)
    assert (meeting.cases, meeting.pending) == (5, 8)
    assert (meeting.median, meeting.p90, meeting.maximum) == (15, 55, 55)


def test_the_share_met_on_time_and_the_deadlines_over_the_threshold_match_a_hand_count(world):
    known_fixture(world)
    found = _figures(world, period=timeliness.Period(YEAR.start, YEAR.end, threshold=5))
    rows = {row.rule: row for row in found.shares}
    group = rows[RuleCode.GROUP_CREATED]
    assert (group.on_time, group.late, group.overdue, group.open) == (1, 2, 1, 1)
    assert group.share == 25.0  # 1 of the 4 whose day has come
    assert group.over_threshold == 2  # 10 days late, and the overdue one
    meeting = rows[RuleCode.FIRST_MEETING]
    assert (meeting.on_time, meeting.decided, meeting.share) == (1, 1, 100.0)
    assert rows[RuleCode.NKA_TO_CHAIR].share is None
    assert found.cases_over_threshold == 2
    # With no threshold every missed deadline counts: 2 late and 1 overdue.
    found = _figures(world)
    assert {r.rule: r.over_threshold for r in found.shares}[RuleCode.GROUP_CREATED] == 3


def test_one_step_chosen_shows_its_row_only(world):
    known_fixture(world)
    period = timeliness.Period(YEAR.start, YEAR.end, rule=RuleCode.FIRST_MEETING)
    found = _figures(world, period=period)
    assert [row.rule for row in found.shares] == [RuleCode.FIRST_MEETING]
    assert [(m.month, m.on_time, m.decided) for m in found.months] == [(D(2025, 3, 1), 1, 1)]


def test_orders_lapsing_without_a_court_extension_and_repeat_cards_match_a_hand_count(world):
    known_fixture(world)
    found = _figures(world)
    orders = found.orders
    assert (orders.expired, orders.lapsed, orders.extended) == (2, 1, 1)
    assert (found.repeats, found.initiated) == (1, 13)


def test_the_trend_counts_each_month_the_deadlines_started(world):
    known_fixture(world)
    months = [(m.month, m.on_time, m.decided, m.share) for m in _figures(world).months]
    assert months == [
        (D(2025, 3, 1), 2, 3, 66.7),  # group on time, group 2 late, first meeting on time
        (D(2025, 4, 1), 0, 2, 0.0),
        (D(2025, 12, 1), 0, 0, None),  # not yet due
    ]


def test_a_chair_sees_only_the_team_and_a_team_filter_narrows_the_scope(world):
    known_fixture(world)
    procedures = compliance_scope(world.chair)
    assert timeliness.durations(procedures=procedures, period=YEAR)["group"].maximum == 47
    other = Procedure.objects.exclude(team=world.team).first().team_id
    narrowed = timeliness.scoped(procedures, other)  # not the chair's: nothing
    assert timeliness.durations(procedures=narrowed, period=YEAR)["group"].cases == 0


def _queries(world) -> int:
    procedures = compliance_scope(world.auditor)
    with CaptureQueriesContext(connection) as context:
        timeliness.timeliness(procedures=procedures, period=YEAR)
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(world):
    known_fixture(world)
    small = _queries(world)
    known_fixture(world, extra=30)
    assert _queries(world) == small
    assert small == 6  # one per figure


def _listed(client, query: str) -> list[str]:
    html = client.get(f"/audit/timeliness/cases/?{PERIOD}&{query}").content.decode()
    return re.findall(r">(NK/[^<]+)</a></td>", html)


def test_each_figure_lists_the_cases_behind_it(client, world):
    fixture = known_fixture(world)
    cases = fixture["cases"]
    client.force_login(world.auditor)
    # The 90th percentile's cases: 9 and 47 days, the longest first.
    assert _listed(client, "figure=group&min=9") == [cases[9].number, cases[8].number]
    assert _listed(client, "figure=meeting&min=55") == [cases[4].number]
    assert _listed(client, "figure=missed&threshold=5") == [cases[2].number, cases[3].number]
    assert _listed(client, "figure=lapsed") == [cases[0].number]
    assert _listed(client, "figure=repeat") == [fixture["repeat"].number]
    assert _listed(client, "figure=on_time&rule=group_created") == [cases[0].number]
    assert _listed(client, "figure=unknown") == []
    assert AuditEvent.objects.filter(action="timeliness_cases.viewed").count() == 6


def test_the_page_links_each_figure_to_its_cases(client, world):
    known_fixture(world)
    client.force_login(world.auditor)
    html = client.get(f"/audit/timeliness/?{PERIOD}").content.decode()
    assert "<svg" in html  # the trend, drawn on the server
    links = re.findall(r'class="count" href="(/audit/timeliness/cases/\?[^"]+)">(\d+)</a>', html)
    assert links
    for href, count in links:
        assert len(_listed(client, href.split("?", 1)[1].replace("&amp;", "&"))) == int(count)


def test_a_group_member_and_an_outsider_are_refused(client, world):
    known_fixture(world)
    for user in (world.social_worker, world.outsider):
        client.force_login(user)
        assert client.get(f"/audit/timeliness/?{PERIOD}").status_code == 403
        assert client.get(f"/audit/timeliness/cases/?{PERIOD}&figure=group").status_code == 403
        assert client.get(f"/audit/timeliness/?{PERIOD}&export=csv").status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="timeliness").exists()


def test_bad_filters_are_ignored_not_an_error(client, world):
    known_fixture(world)
    client.force_login(world.chair)
    response = client.get("/audit/timeliness/?from=x&to=y&team=z&threshold=-4&rule=nope")
    assert response.status_code == 200


def test_the_csv_for_excel_and_the_data_csv_parse(client, world):
    known_fixture(world)
    client.force_login(world.chair)
    response = client.get(f"/audit/timeliness/?{PERIOD}&export=csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Od NK-A do utworzenia grupy", "10", "3", "5", "9", "47"] in rows
    share = next(r for r in rows if r[:1] == ["Utworzenie grupy diagnostyczno-pomocowej"])
    assert share[1:7] == ["1", "2", "1", "1", "25,0", "3"]
    response = client.get(f"/audit/timeliness/?{PERIOD}&export=csv-data")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["duration", "group", "10", "3", "5", "9", "47"] in rows
    assert ["orders", "lapsed", "1"] in rows


def test_the_xlsx_has_polish_sheets_and_typed_cells(client, world):
    known_fixture(world)
    client.force_login(world.auditor)
    response = client.get(f"/audit/timeliness/?{PERIOD}&export=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Wskaźniki terminowości", "Czas od NK-A", "Według miesięcy"]
    rows = list(book["Czas od NK-A"].iter_rows(values_only=True))
    assert ("Od NK-A do utworzenia grupy", 10, 3, 5, 9, 47) in rows
    months = list(book["Według miesięcy"].iter_rows(values_only=True))
    assert months[1][:3] == (datetime.datetime(2025, 3, 1), 2, 3)


@pytest.mark.real_pdf
def test_the_pdf_reads_in_polish_and_every_export_is_audited(client, world):
    from pypdf import PdfReader

    known_fixture(world)
    client.force_login(world.auditor)
    response = client.get(f"/audit/timeliness/?{PERIOD}&export=pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "Wskaźniki terminowości" in text and "Od NK-A do utworzenia grupy" in text
    assert "Gmina Testowo" in text
    for export in ("csv", "csv-data", "xlsx"):
        client.get(f"/audit/timeliness/?{PERIOD}&export={export}")
    formats = [e.payload["format"] for e in AuditEvent.objects.filter(action="timeliness.exported")]
    assert sorted(formats) == ["csv", "csv-data", "pdf", "xlsx"]


def test_the_trend_chart_has_a_column_per_month_with_deadlines_due_and_gaps_between():
    from oversight.charts import month_columns

    rows = [(D(2025, 3, 1), 66.7), (D(2025, 4, 1), None), (D(2025, 5, 1), 0.0)]
    svg = str(month_columns(rows, "Terminy"))
    assert svg.count("<rect") == 2 and "03.2025" in svg and "04.2025" in svg
    assert "<title>Terminy</title>" in svg and "<script" not in svg
    assert month_columns([], "Terminy") == ""


def test_the_suspect_notice_deadline_is_measured_too(world):
    case = _procedure(world, D(2025, 2, 1))
    _deadline(case, RuleCode.SUSPECT_NOTICE, D(2025, 2, 1), D(2025, 2, 8), D(2025, 2, 9))
    rows = {row.rule: row for row in _figures(world).shares}
    assert (rows[RuleCode.SUSPECT_NOTICE].late, rows[RuleCode.SUSPECT_NOTICE].share) == (1, 0.0)


def test_the_audit_trail_names_the_figure_opened_in_words(client, world):
    from django.utils import translation

    from oversight.readable import describe

    known_fixture(world)
    client.force_login(world.auditor)
    _listed(client, f"figure=missed&threshold=5&team={world.team.pk}")
    event = AuditEvent.objects.get(action="timeliness_cases.viewed")
    with translation.override("pl"):
        describe([event])
    details = dict(event.details)
    assert details["wskaźnik"] == "terminy przekroczone ponad próg bez podanej przyczyny"
    assert details["próg (dni po terminie)"] == "5"
    assert event.label == "otwarto sprawy składające się na wskaźnik terminowości"


def test_a_missed_deadline_with_a_recorded_reason_leaves_the_figures_without_a_reason(world):
    """Issue 15: "cases over a threshold with no recorded reason" — a reason given for the
    deadline 10 days late takes it (and its case) out of the count, the list and the exports."""
    from workflows.models import BreachReason, Deadline, DeadlineReason

    known_fixture(world)
    period = timeliness.Period(YEAR.start, YEAR.end, threshold=5)
    before = _figures(world, period=period)
    late = Deadline.objects.filter(
        rule=RuleCode.GROUP_CREATED, met_on__isnull=False, procedure__team=world.team
    ).order_by("due_on")
    missed = [d for d in late if (d.met_on - d.due_on).days > 5]
    assert len(missed) == 1
    DeadlineReason.objects.create(
        deadline=missed[0], reason=BreachReason.WORKLOAD, recorded_by=world.chair
    )
    after = _figures(world, period=period)
    rows_before = {r.rule: r.over_threshold for r in before.shares}
    rows_after = {r.rule: r.over_threshold for r in after.shares}
    assert rows_after[RuleCode.GROUP_CREATED] == rows_before[RuleCode.GROUP_CREATED] - 1
    assert after.cases_over_threshold == before.cases_over_threshold - 1
