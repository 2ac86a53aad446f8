"""Keeping ``ProcedureFigure`` exact: what each procedure adds to its county's statistics of
each month, so that the centre's procedure figures for a period of whole months read the
county's rows of those months instead of every card, meeting and victim of the period
(``centre.statistics``; docs/benchmarks.md).

A procedure's rows are recomputed from its own records (``figures_refresh``) in every step
that changes what they count, with the procedure locked by the step:

- the NK-A filed (a new procedure, a card joining one, a card routed to another team's),
  with the victims it adds (``services.initiation``);
- an NK-C or NK-D filled at a meeting (``services.meetings``);
- the closure (``services.closure``), which ends the months the procedure is open in;
- a card or a meeting withdrawn or corrected (``corrections``: a corrected meeting may move
  its NK-C or NK-D to another month; a corrected card keeps its moment of filling).

Nothing else writes what the rows count: a procedure never changes team or household, a
participant's role and disability are written once, with the card that lists them. A
victim's sex and birth date are copied into their rows; a reconciliation that corrects them
updates the rows (``person_changed``), and no other path changes a person's.

An open procedure is open in every month from its initiation on: its ``covered`` and
``victim`` rows reach the month of ``FigureHorizon``; ``carry_forward`` adds the next months
for every open procedure when a period asks for a month past it (once a month, under the
horizon's row lock, which each refresh takes shared: a refresh never misses a month the
carry adds, nor the carry a procedure the refresh wrote).

The figures are those of Dz.U. 2023 poz. 1870 (the national reporting of the procedure:
cards filled by sector, persons experiencing violence by sex and age, families covered,
closures by ground of § 18); ``centre.statistics`` defines them and
``tests/test_figures.py`` proves the rows give the figures the live queries give.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q

from forms.models import NKA, NKC, NKD, VICTIM_ROLES
from workflows import calendar
from workflows.models import FigureHorizon, Participant, Procedure, ProcedureFigure

COVERED = "covered"
INITIATED = "initiated"
VICTIM = "victim"
NKC_FILLED = "nkc"
NKD_FILLED = "nkd"
# A year's row of a figure: ``year:<figure>`` on the year's 1 January (``_with_years``).
YEAR = "year:"
_DISTINCT = (COVERED, VICTIM, INITIATED)


def named(figure: str) -> tuple[str, str]:
    """The figure's month rows' name and its year rows' (a period reads one or the other)."""
    return (figure, YEAR + figure)


def nka_figure(sector: str) -> str:
    return f"nka:{sector}"


def closed_figure(ground: str) -> str:
    return f"closed:{ground}"


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _following(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=31)).replace(day=1)


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = _following(month)
    return months


# (procedure, county, month, figure, household, person, disabled, count)
Row = tuple[int, str, datetime.date, str, int | None, int | None, bool, int]
People = dict[int, tuple[datetime.date | None, str]]  # a victim's birth date and sex


def _rows_of(
    procedure: tuple,
    victims: dict[int, bool],
    cards: Iterable[tuple[datetime.datetime, str]],
    nkc: Iterable[datetime.date],
    nkd: Iterable[datetime.date],
    horizon: datetime.date,
) -> list[Row]:
    """The rows of one procedure: ``procedure`` is (id, initiated_on, closed_on,
    closure_ground, household_id, county); ``victims`` maps each victim to whether any of
    their victim roles is marked disabled; ``cards`` are the (filled_at, sector) of its NK-A
    in force, ``nkc`` and ``nkd`` the days its counted NK-C and NK-D were filled."""
    pk, initiated_on, closed_on, ground, household, county = procedure
    first = month_of(initiated_on)
    last = month_of(closed_on) if closed_on else max(horizon, first)
    counts: dict[tuple[datetime.date, str], int] = defaultdict(int)
    for filled_at, sector in cards:
        counts[(month_of(calendar.legal_date(filled_at)), nka_figure(sector))] += 1
    for figure, days in ((NKC_FILLED, nkc), (NKD_FILLED, nkd)):
        for day in days:
            counts[(month_of(day), figure)] += 1
    if closed_on:
        counts[(month_of(closed_on), closed_figure(ground))] += 1
    rows: list[Row] = [(pk, county, first, INITIATED, household, None, False, 1)]
    rows += _open_in(pk, county, household, victims, _months(first, last))
    rows += [(pk, county, m, figure, None, None, False, n) for (m, figure), n in counts.items()]
    return _with_years(rows)


def _open_in(
    pk: int, county: str, household: int, victims: dict[int, bool], months: Iterable[datetime.date]
) -> list[Row]:
    """A procedure's ``covered`` row and its victims' rows for each of ``months``."""
    rows: list[Row] = []
    for month in months:
        rows.append((pk, county, month, COVERED, household, None, False, 1))
        rows += [(pk, county, month, VICTIM, None, p, d, 1) for p, d in victims.items()]
    return rows


def _victims_by_procedure(participants) -> tuple[dict[int, dict[int, bool]], People]:
    """The victims of each procedure from ``participants`` rows (procedure, person, disabled,
    birth date, sex), a victim disabled if any of their victim roles says so, and each one's
    birth date and sex."""
    victims: dict[int, dict[int, bool]] = defaultdict(dict)
    people: People = {}
    for procedure_id, person_id, disabled, born, sex in participants:
        held = victims[procedure_id]
        held[person_id] = held.get(person_id, False) or disabled
        people[person_id] = (born, sex)
    return victims, people


def _with_years(rows: list[Row], *, known_until: datetime.date | None = None) -> list[Row]:
    """``rows`` and, for each procedure's year they touch, its year rows: the figure's counts
    added up (one row for a household or a person, disabled if it is in any month), so that
    a period of whole years reads a procedure's year once instead of each month. The
    ``covered`` and ``victim`` year rows of a year up to ``known_until``'s are left out:
    they were written with the months before it."""
    written = known_until.replace(month=1) if known_until else None
    years: dict[tuple, tuple[bool, int]] = {}
    for pk, county, month, figure, household, person, disabled, count in rows:
        year = month.replace(month=1)
        distinct = figure in _DISTINCT
        if distinct and figure != INITIATED and written is not None and year <= written:
            continue
        key = (pk, county, year, YEAR + figure, household, person)
        held = years.get(key)
        if held is None:
            years[key] = (disabled, 1 if distinct else count)
        else:
            years[key] = (held[0] or disabled, 1 if distinct else held[1] + count)
    return rows + [(*key, disabled, n) for key, (disabled, n) in years.items()]


def _objects(model, rows: list[Row], people: People | None = None) -> list:
    people = people or {}
    return [
        model(
            procedure_id=pk,
            county=county,
            month=month,
            figure=figure,
            household_id=household,
            person_id=person,
            disabled=disabled,
            count=count,
            birth_date=people.get(person, (None, ""))[0] if person else None,
            sex=people.get(person, (None, ""))[1] if person else "",
        )
        for pk, county, month, figure, household, person, disabled, count in rows
    ]


def _horizon(model=FigureHorizon, *, share: bool = False) -> datetime.date:
    """The horizon's month (the row made, at the current month, when missing); ``share``
    holds it against ``carry_forward`` until the transaction ends (PostgreSQL)."""
    if share and connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT month FROM {table} WHERE id = 1 FOR SHARE")  # noqa: S608 - name quoted
            found = cursor.fetchone()
        if found:
            return found[0]
    else:
        month = model.objects.filter(pk=1).values_list("month", flat=True).first()
        if month is not None:
            return month
    row, _ = model.objects.get_or_create(pk=1, defaults={"month": month_of(calendar.legal_date())})
    return row.month


def _sources(procedure_ids: list[int] | None, models: dict):
    """The records the rows are made of, of ``procedure_ids`` (all when ``None``). In force
    is spelled out (the historical models of a data migration have no ``current()``)."""

    def of(model):
        found = model.objects.all()
        return found if procedure_ids is None else found.filter(procedure_id__in=procedure_ids)

    procedures = models["procedure"].objects.all()
    if procedure_ids is not None:
        procedures = procedures.filter(pk__in=procedure_ids)
    meeting_in_force = Q(meeting__withdrawn_at__isnull=True, meeting__corrected_by__isnull=True)
    return (
        procedures.values_list(
            "pk",
            "initiated_on",
            "closed_on",
            "closure_ground",
            "household_id",
            "team__municipality__county",
        ).order_by("pk"),
        of(models["participant"])
        .filter(role__in=VICTIM_ROLES)
        .values_list("procedure_id", "person_id", "disabled", "person__birth_date", "person__sex"),
        of(models["nka"])
        .filter(withdrawn_at__isnull=True, corrected_by__isnull=True)
        .values_list("procedure_id", "filled_at", "initiator_sector"),
        of(models["nkc"]).filter(meeting_in_force).values_list("procedure_id", "meeting__held_on"),
        of(models["nkd"])
        .filter(meeting_in_force, appeared=True)
        .values_list("procedure_id", "meeting__held_on"),
    )


MODELS = {
    "procedure": Procedure,
    "participant": Participant,
    "nka": NKA,
    "nkc": NKC,
    "nkd": NKD,
    "figure": ProcedureFigure,
    "horizon": FigureHorizon,
}


def _write(procedure_ids: list[int] | None, models: dict, horizon: datetime.date) -> int:
    """Replace the rows of ``procedure_ids`` (all when ``None``) by the ones their records
    give; returns how many were written."""
    procedures, participants, cards, nkc, nkd = _sources(procedure_ids, models)
    victims, people = _victims_by_procedure(participants.iterator(chunk_size=20000))
    filled: dict[int, list] = defaultdict(list)
    for procedure_id, filled_at, sector in cards.iterator(chunk_size=20000):
        filled[procedure_id].append((filled_at, sector))
    days: dict[str, dict[int, list]] = {f: defaultdict(list) for f in (NKC_FILLED, NKD_FILLED)}
    for figure, forms in ((NKC_FILLED, nkc), (NKD_FILLED, nkd)):
        for procedure_id, held_on in forms.iterator(chunk_size=20000):
            days[figure][procedure_id].append(held_on)
    figure_model = models["figure"]
    gone = figure_model.objects.all()
    if procedure_ids is not None:
        gone = gone.filter(procedure_id__in=procedure_ids)
    gone.delete()
    written, batch = 0, []
    for procedure in procedures.iterator(chunk_size=20000):
        pk = procedure[0]
        batch += _rows_of(
            procedure,
            victims.get(pk, {}),
            filled.get(pk, ()),
            days[NKC_FILLED].get(pk, ()),
            days[NKD_FILLED].get(pk, ()),
            horizon,
        )
        if len(batch) >= 20000:
            figure_model.objects.bulk_create(_objects(figure_model, batch, people))
            written, batch = written + len(batch), []
    figure_model.objects.bulk_create(_objects(figure_model, batch, people))
    return written + len(batch)


def figures_refresh(procedure_ids: Iterable[int]) -> None:
    """Recompute the rows of ``procedure_ids`` from their records (each locked by the
    caller's step, in its transaction)."""
    ids = sorted(set(procedure_ids))
    if ids:
        _write(ids, MODELS, _horizon(share=True))


def _victims_of(procedure: Procedure) -> tuple[dict[int, bool], People]:
    victims, people = _victims_by_procedure(
        Participant.objects.filter(procedure=procedure, role__in=VICTIM_ROLES).values_list(
            "procedure_id", "person_id", "disabled", "person__birth_date", "person__sex"
        )
    )
    return victims.get(procedure.pk, {}), people


def _as_tuple(procedure: Procedure) -> tuple:
    county = procedure.team.municipality.county
    return (
        procedure.pk,
        procedure.initiated_on,
        procedure.closed_on,
        procedure.closure_ground,
        procedure.household_id,
        county,
    )


def figures_initiated(procedure: Procedure, card: NKA) -> None:
    """The rows of a procedure just initiated by ``card`` (its victims recorded): three
    queries instead of a refresh's eight (the step writes its only card and no meeting)."""
    horizon = _horizon(share=True)
    cards = [(card.filled_at, card.initiator_sector)]
    victims, people = _victims_of(procedure)
    rows = _rows_of(_as_tuple(procedure), victims, cards, (), (), horizon)
    ProcedureFigure.objects.bulk_create(_objects(ProcedureFigure, rows, people))


def figures_closed(procedure: Procedure) -> None:
    """``procedure`` was just closed (``closed_on``, ``closure_ground`` set): its closure
    counted, and its months end with the closure's (the rows past it deleted, and the months
    up to it added when the horizon had not reached them yet)."""
    assert procedure.closed_on is not None  # noqa: S101 - the closure's own step calls this
    horizon = _horizon(share=True)  # first: no carry can add a month after the delete below
    county = procedure.team.municipality.county
    closed_month = month_of(procedure.closed_on)
    ProcedureFigure.objects.filter(
        Q(figure__in=[COVERED, VICTIM], month__gt=closed_month)
        | Q(figure__in=[YEAR + COVERED, YEAR + VICTIM], month__gt=closed_month.replace(month=1)),
        procedure=procedure,
    ).delete()
    ground = closed_figure(procedure.closure_ground)
    rows: list[Row] = [(procedure.pk, county, closed_month, ground, None, None, False, 1)]
    reached = max(horizon, month_of(procedure.initiated_on))
    people: People = {}
    if closed_month > reached:
        victims, people = _victims_of(procedure)
        months = _months(_following(reached), closed_month)
        rows += _open_in(procedure.pk, county, procedure.household_id, victims, months)
    rows = _with_years(rows, known_until=reached)
    ProcedureFigure.objects.bulk_create(_objects(ProcedureFigure, rows, people))


def figure_add(procedure: Procedure, figure: str, day: datetime.date) -> None:
    """One more of an additive ``figure`` (an NK-C or NK-D just filled) in ``procedure``'s
    month of ``day``, and in its year: one INSERT (the rows of a figure are added up when
    read)."""
    county = procedure.team.municipality.county
    row: Row = (procedure.pk, county, month_of(day), figure, None, None, False, 1)
    ProcedureFigure.objects.bulk_create(_objects(ProcedureFigure, _with_years([row])))


def person_changed(person) -> None:
    """A victim's birth date or sex was corrected (``workflows.reconcile``): their rows,
    in every county, carry the new ones."""
    ProcedureFigure.objects.filter(person=person).update(
        birth_date=person.birth_date, sex=person.sex
    )


def figures_rebuild(models: dict | None = None) -> int:
    """Every row recomputed (the data migration, with its historical models; the bench's
    data sets); returns the number of rows. The horizon is the current month."""
    models = {**MODELS, **(models or {})}
    with transaction.atomic():
        horizon_model = models["horizon"]
        horizon = month_of(calendar.legal_date())
        horizon_model.objects.update_or_create(pk=1, defaults={"month": horizon})
        return _write(None, models, horizon)


def carry_forward(to_month: datetime.date) -> None:
    """Every open procedure's ``covered`` and ``victim`` rows for the months after the
    horizon up to ``to_month``, and the horizon moved there (under its row lock)."""
    _horizon()  # made when missing
    with transaction.atomic():
        horizon = FigureHorizon.objects.select_for_update().get(pk=1)
        if horizon.month >= to_month:
            return
        months = _months(_following(horizon.month), to_month)
        open_cases = Procedure.objects.filter(closed_on__isnull=True, initiated_on__lt=to_month)
        found = list(
            open_cases.values_list(
                "pk", "initiated_on", "household_id", "team__municipality__county"
            )
        )
        victims, people = _victims_by_procedure(
            Participant.objects.filter(procedure__in=open_cases, role__in=VICTIM_ROLES).values_list(
                "procedure_id", "person_id", "disabled", "person__birth_date", "person__sex"
            )
        )
        rows: list[Row] = []
        for pk, initiated_on, household, county in found:
            # A procedure initiated in a month past the horizon has its rows to that month.
            later = [month for month in months if initiated_on < month]
            added = _open_in(pk, county, household, victims.get(pk, {}), later)
            reached = max(horizon.month, month_of(initiated_on))
            rows += _with_years(added, known_until=reached)
        ProcedureFigure.objects.bulk_create(
            _objects(ProcedureFigure, rows, people), batch_size=5000
        )
        horizon.month = to_month
        horizon.save(update_fields=["month"])


def period_rows(county: str, start: datetime.date, end: datetime.date):
    """The county's rows of the period ``start`` … ``end``: the year rows of its whole years
    and the month rows of its other months (a reader matches a figure by ``named``); or
    ``None`` when the period is not made of whole months or reaches past the current month
    (the figures are then computed from the records)."""
    if start.day != 1 or (end + datetime.timedelta(days=1)).day != 1:
        return None
    first, last = month_of(start), month_of(end)
    now = month_of(calendar.legal_date())
    if last > now:
        return None
    if last > _horizon():
        carry_forward(now)
    first_year = first.year if first.month == 1 else first.year + 1
    last_year = last.year if last.month == 12 else last.year - 1
    if first_year > last_year:  # no whole year: the months' rows
        wanted = Q(month__gte=first, month__lte=last) & ~Q(figure__startswith=YEAR)
    else:  # the whole years' rows, and the months' rows before and after them
        years_from, years_to = datetime.date(first_year, 1, 1), datetime.date(last_year, 1, 1)
        wanted = Q(figure__startswith=YEAR, month__gte=years_from, month__lte=years_to)
        months = Q()
        if first < years_from:
            months |= Q(month__gte=first, month__lt=years_from)
        if last > datetime.date(last_year, 12, 1):
            months |= Q(month__gt=datetime.date(last_year, 12, 1), month__lte=last)
        if months:
            wanted |= months & ~Q(figure__startswith=YEAR)
    return ProcedureFigure.objects.filter(wanted, county=county)


__all__ = [
    "COVERED",
    "INITIATED",
    "NKC_FILLED",
    "NKD_FILLED",
    "VICTIM",
    "YEAR",
    "carry_forward",
    "figure_add",
    "figures_closed",
    "figures_initiated",
    "closed_figure",
    "figures_rebuild",
    "figures_refresh",
    "named",
    "nka_figure",
    "period_rows",
    "person_changed",
]
