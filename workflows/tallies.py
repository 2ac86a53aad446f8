"""Keeping ``DeadlineTally`` exact: the met deadlines per (scope, rule, month of start); and
``OpenDeadlineTally``: the open deadlines per (scope, rule, month of start, due day).

Every change that makes a deadline count as met or open, or stop counting, goes through here
in the transaction that makes it:

- ``tally_opened``: deadlines were opened (``steps.add_deadlines``): their open rows gain one
  each (an upsert that adds, so two steps opening deadlines of one due day both count);
- ``tally_met``: a deadline was met (``steps.meet_deadline``; a protective order's lapse is no
  term to act and is not tallied): its row in each scope (everything, its county, its team)
  gains one, under a row lock, so two steps meeting deadlines of the same rule and month at
  once both count (issue 16); its open row loses one;
- ``tally_recount``: deadlines stopped being in force (their NK-A or order withdrawn,
  ``corrections``): the rows they were counted in, met or open, are recounted from the
  deadlines (a largest delay cannot be subtracted);
- ``tally_rebuild``, ``open_tally_rebuild``: every row recounted from the deadlines (the data
  migrations, the ``rebuild_deadline_tallies`` command, ``bench/scale_data.py``).

No service changes the start or due day of an open deadline of a tallied rule: a correction
of its card moves it to the new version with its dates (``corrections._copy_entries``); only
an order's expiry moves with a corrected order (``corrections._move_order_deadline``), and
that rule is no term to act (``NOT_BREACHES``). A change that did must go through
``deadlines_due_on`` (the rows before and after recounted), as the tests' fixes of a due day
do. A procedure never changes team.

Rows are locked in the order of their key, so two transactions never wait on each other in
a cycle. ``oversight.selectors.compliance`` and ``oversight.breaches`` read them;
``tests/test_tallies.py`` proves the report from the rows equals the report from the
deadlines.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from core.sql import insert_values
from workflows.models import (
    NOT_BREACHES,
    Deadline,
    DeadlineTally,
    OpenDeadlineTally,
    TallyLevel,
    Team,
)
from workflows.rules import RuleCode

# Every rule that is a term to act: the compliance report's and the breaches' rules.
TALLIED_RULES = frozenset(str(code) for code in RuleCode) - {str(c) for c in NOT_BREACHES}

Key = tuple[str, str, str, datetime.date]  # (level, key, rule, month)
OpenKey = tuple[str, str, str, datetime.date, datetime.date]  # (level, key, rule, month, due_on)


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


@dataclass
class Figures:
    """What a tally row holds, added up (and what the report needs of the met deadlines)."""

    on_time: int = 0
    late: int = 0
    max_late: int = 0
    days: Counter = field(default_factory=Counter)

    def add(self, starts_on: datetime.date, due_on: datetime.date, met_on: datetime.date) -> None:
        late_by = (met_on - due_on).days
        if late_by > 0:
            self.late += 1
        else:
            self.on_time += 1
        self.max_late = max(self.max_late, late_by, 0)  # met early is not a delay
        self.days[(met_on - starts_on).days] += 1

    def merge(self, row: DeadlineTally) -> None:
        self.on_time += row.on_time
        self.late += row.late
        self.max_late = max(self.max_late, row.max_late)
        self.days.update({int(n): count for n, count in row.days.items()})

    def write(self, row: DeadlineTally) -> None:
        row.on_time, row.late, row.max_late = self.on_time, self.late, self.max_late
        row.days = {str(n): count for n, count in sorted(self.days.items())}


FIELDS = ["on_time", "late", "max_late", "days"]


def _scopes(team_id: int, county: str) -> list[tuple[str, str]]:
    return [(TallyLevel.ALL, ""), (TallyLevel.COUNTY, county), (TallyLevel.TEAM, str(team_id))]


def _in_force(deadline: Deadline) -> bool:
    """``Deadline.objects.current()`` for one loaded deadline (its NK-A and order loaded)."""
    nka, order = deadline.nka, deadline.protective_order
    return not (
        (nka is not None and nka.withdrawn_at is not None)
        or (order is not None and order.withdrawn_at is not None)
    )


def _locked(keys: Iterable[Key]) -> dict[Key, DeadlineTally]:
    """The rows of ``keys``, created when missing, locked (in key order) until commit."""
    keys = sorted(set(keys))
    if not keys:
        return {}

    def select():
        wanted = Q()
        for level, key, rule, month in keys:
            wanted |= Q(level=level, key=key, rule=rule, month=month)
        return {
            (row.level, row.key, row.rule, row.month): row
            for row in DeadlineTally.objects.select_for_update()
            .filter(wanted)
            .order_by("level", "key", "rule", "month")
        }

    rows = select()
    if len(rows) < len(keys):
        DeadlineTally.objects.bulk_create(
            [
                DeadlineTally(level=level, key=key, rule=rule, month=month)
                for level, key, rule, month in keys
                if (level, key, rule, month) not in rows
            ],
            ignore_conflicts=True,  # a concurrent step created it first: lock theirs
        )
        rows = select()
    return rows


def _county(team_id: int, county: str | None) -> str:
    if county is None:
        county = Team.objects.filter(pk=team_id).values_list("municipality__county", flat=True)[0]
    return county


def _open_keys(deadline: Deadline, team_id: int, county: str) -> list[OpenKey]:
    month = month_of(deadline.starts_on)
    return [
        (str(level), key, str(deadline.rule), month, deadline.due_on)
        for level, key in _scopes(team_id, county)
    ]


def _deltas(deadlines: Iterable[Deadline], team_id: int, county: str, by: int) -> dict:
    deltas: dict[OpenKey, int] = {}
    for d in deadlines:
        for key in _open_keys(d, team_id, county):
            deltas[key] = deltas.get(key, 0) + by
    return deltas


def _bump_sql(deltas: dict[OpenKey, int]) -> tuple[str, list] | None:
    """The statement that adds ``deltas`` to the open rows (``None`` when nothing changes)."""
    changes = sorted((key, delta) for key, delta in deltas.items() if delta)
    if not changes:
        return None
    rows = [
        OpenDeadlineTally(level=level, key=key, rule=rule, month=month, due_on=due_on, count=delta)
        for (level, key, rule, month, due_on), delta in changes
    ]
    insert, params = insert_values(OpenDeadlineTally, rows, with_pk=False)
    quote = connection.ops.quote_name
    table, count = quote(OpenDeadlineTally._meta.db_table), quote("count")
    unique = ", ".join(quote(c) for c in ("level", "key", "rule", "month", "due_on"))
    sql = (
        f"{insert} "  # noqa: S608 - names quoted, values bound
        f"ON CONFLICT ({unique}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    )
    return sql, params


def _bump(deltas: dict[OpenKey, int]) -> None:
    """Add ``deltas`` to the open rows (created when missing; a row at 0 stays): one
    ``INSERT … ON CONFLICT DO UPDATE`` that adds (PostgreSQL and SQLite), in key order, so
    that two steps changing the same row both count and never wait on each other in a
    cycle."""
    _execute(_bump_sql(deltas))


def _execute(*statements: tuple[str, list] | None) -> list[tuple]:
    """Run ``statements`` (``None`` skipped); on PostgreSQL as one, the first ones as
    data-modifying ``WITH`` parts of the last (each runs once and to completion, in their
    order, before the last: the row locks are taken in the same order as one by one).
    Returns the last one's rows (its ``RETURNING``), or ``[]``."""
    present = [st for st in statements if st is not None]
    if not present:
        return []
    if connection.vendor == "postgresql" and len(present) > 1:
        parts = [f"part{n} AS ({sql})" for n, (sql, _) in enumerate(present[:-1])]
        present = [
            (
                f"WITH {', '.join(parts)} {present[-1][0]}",
                [p for _, params in present for p in params],
            )
        ]
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for sql, params in present:
            cursor.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
    return rows


def tally_opened(deadlines: Iterable[Deadline], *, team_id: int, county: str | None = None) -> None:
    """Count ``deadlines`` (just opened, of one procedure of ``team_id``) in their open rows.
    Deadlines of a rule that is no term to act, met already or not in force are skipped."""
    counted = [
        d for d in deadlines if d.rule in TALLIED_RULES and d.met_on is None and _in_force(d)
    ]
    if not counted:
        return
    _bump(_deltas(counted, team_id, _county(team_id, county), 1))


def insert_opened(deadlines: list[Deadline], *, team_id: int, county: str) -> list[Deadline]:
    """Save ``deadlines`` (new, of one procedure of ``team_id``) and count them in their open
    rows (``tally_opened``); on PostgreSQL in one statement, the rows' upsert a ``WITH`` part
    of the deadlines' INSERT. Returns them with their primary keys."""
    if connection.vendor != "postgresql":
        opened = Deadline.objects.bulk_create(deadlines)
        tally_opened(opened, team_id=team_id, county=county)
        return opened
    for deadline in deadlines:  # what bulk_create does before its INSERT
        for f in Deadline._meta.concrete_fields:
            if not f.primary_key:
                setattr(deadline, f.attname, f.pre_save(deadline, add=True))
    counted = [
        d for d in deadlines if d.rule in TALLIED_RULES and d.met_on is None and _in_force(d)
    ]
    insert, params = insert_values(Deadline, deadlines, with_pk=False)
    pk = connection.ops.quote_name(str(Deadline._meta.pk.column))
    rows = _execute(
        _bump_sql(_deltas(counted, team_id, county, 1)), (f"{insert} RETURNING {pk}", params)
    )
    for deadline, (value,) in zip(deadlines, rows, strict=True):
        deadline.pk = value
        deadline._state.adding, deadline._state.db = False, connection.alias
    return deadlines


def tally_met(deadlines: Iterable[Deadline], *, team_id: int, county: str | None = None) -> None:
    """Count ``deadlines`` (just met, ``met_on`` set, of one procedure of ``team_id``) in
    their rows. Deadlines of a rule that is no term to act, or not in force, are skipped.
    ``county`` is the team's (read when not given: a step passes the one it holds)."""
    counted = [
        d for d in deadlines if d.rule in TALLIED_RULES and d.met_on is not None and _in_force(d)
    ]
    if not counted:
        return
    county = _county(team_id, county)
    no_longer_open = _bump_sql(_deltas(counted, team_id, county, -1))
    added: dict[Key, Figures] = {}
    for d in counted:
        assert d.met_on is not None  # noqa: S101 - filtered above; for the type checker
        for level, scope_key in _scopes(team_id, county):
            figures = added.setdefault((level, scope_key, d.rule, month_of(d.starts_on)), Figures())
            figures.add(d.starts_on, d.due_on, d.met_on)
    if connection.vendor == "postgresql":
        _execute(no_longer_open, _add_sql(added))  # one statement: the open rows first
        return
    _execute(no_longer_open)
    rows = _locked(added)
    for row_key, figures in added.items():
        total = Figures()
        total.merge(rows[row_key])
        total.on_time += figures.on_time
        total.late += figures.late
        total.max_late = max(total.max_late, figures.max_late)
        total.days.update(figures.days)
        total.write(rows[row_key])
    DeadlineTally.objects.bulk_update(list(rows.values()), FIELDS)


# What ``tally_met`` does under its row locks, as the database does it: each row gains the
# figures (created with them when missing), its largest delay the larger one, its days counted
# together. The rows are written in key order (the lock order of ``_locked``).
_ADD = """
{insert}
ON CONFLICT (level, key, rule, month) DO UPDATE SET
    on_time = {table}.on_time + EXCLUDED.on_time,
    late = {table}.late + EXCLUDED.late,
    max_late = GREATEST({table}.max_late, EXCLUDED.max_late),
    days = (
        SELECT COALESCE(jsonb_object_agg(n, total), '{{}}'::jsonb)
        FROM (
            SELECT n, SUM(count::integer) AS total
            FROM (
                SELECT * FROM jsonb_each_text({table}.days)
                UNION ALL SELECT * FROM jsonb_each_text(EXCLUDED.days)
            ) AS both_days (n, count)
            GROUP BY n
        ) AS summed
    )
"""


def _add_sql(added: dict[Key, Figures]) -> tuple[str, list]:
    """``tally_met``'s addition on PostgreSQL: one INSERT … ON CONFLICT DO UPDATE instead of
    a SELECT … FOR UPDATE and an UPDATE (the row lock is the upsert's own). Every column of
    a new row is written with its model default unless it is one of the figures."""
    rows = []
    for (level, key, rule, month), figures in sorted(added.items()):
        row = DeadlineTally(level=level, key=key, rule=rule, month=month)
        figures.write(row)
        rows.append(row)
    insert, params = insert_values(DeadlineTally, rows, with_pk=False)
    sql = _ADD.format(insert=insert, table=connection.ops.quote_name(DeadlineTally._meta.db_table))
    return sql, params


def _scope_filter(level: str, key: str) -> Q:
    if level == TallyLevel.COUNTY:
        return Q(procedure__team__municipality__county=key)
    if level == TallyLevel.TEAM:
        return Q(procedure__team_id=int(key))
    return Q()


def _recount_open(touched: set[OpenKey]) -> None:
    """Set the open rows ``touched`` to the open deadlines in force they stand for: the rows
    locked (in key order), each counted from the deadlines, the difference added."""
    if not touched:
        return
    wanted = Q()
    for level, key, rule, month, due_on in touched:
        wanted |= Q(level=level, key=key, rule=rule, month=month, due_on=due_on)
    held = {
        (row.level, row.key, row.rule, row.month, row.due_on): row.count
        for row in OpenDeadlineTally.objects.select_for_update()
        .filter(wanted)
        .order_by("level", "key", "rule", "month", "due_on")
    }
    deltas = {}
    for level, key, rule, month, due_on in sorted(touched):
        following = (month + datetime.timedelta(days=31)).replace(day=1)
        live = (
            Deadline.objects.current()
            .filter(
                _scope_filter(level, key),
                rule=rule,
                met_on__isnull=True,
                due_on=due_on,
                starts_on__gte=month,
                starts_on__lt=following,
            )
            .count()
        )
        deltas[(level, key, rule, month, due_on)] = live - held.get(
            (level, key, rule, month, due_on), 0
        )
    _bump(deltas)


def _open_keys_of(deadline_ids: list[int]) -> set[OpenKey]:
    keys: set[OpenKey] = set()
    for team_id, county, rule, starts_on, due_on in Deadline.objects.filter(
        pk__in=deadline_ids, met_on__isnull=True, rule__in=TALLIED_RULES
    ).values_list(
        "procedure__team_id",
        "procedure__team__municipality__county",
        "rule",
        "starts_on",
        "due_on",
    ):
        for level, key in _scopes(team_id, county):
            keys.add((str(level), key, rule, month_of(starts_on), due_on))
    return keys


def deadlines_due_on(deadline_ids: Iterable[int], due_on: datetime.date) -> int:
    """Move the deadlines ``deadline_ids`` to ``due_on``, their open rows recounted (the rows
    they leave and the ones they join); returns how many were moved. No step moves a
    deadline of a tallied rule: this is for data fixes and tests (a direct
    ``update(due_on=…)`` would leave the open tallies counting the old day)."""
    ids = list(deadline_ids)
    before = _open_keys_of(ids)
    moved = Deadline.objects.filter(pk__in=ids).update(due_on=due_on)
    _recount_open(before | _open_keys_of(ids))
    return moved


def tally_recount(deadline_ids: Iterable[int]) -> None:
    """Recount, from the deadlines, every row the deadlines ``deadline_ids`` are counted in,
    met or open (after they stopped, or started, being in force)."""
    touched: set[Key] = set()
    opened: set[OpenKey] = set()
    for team_id, county, rule, starts_on, due_on, met_on in Deadline.objects.filter(
        pk__in=list(deadline_ids), rule__in=TALLIED_RULES
    ).values_list(
        "procedure__team_id",
        "procedure__team__municipality__county",
        "rule",
        "starts_on",
        "due_on",
        "met_on",
    ):
        for level, key in _scopes(team_id, county):
            if met_on is None:
                opened.add((str(level), key, rule, month_of(starts_on), due_on))
            else:
                touched.add((level, key, rule, month_of(starts_on)))
    _recount_open(opened)
    rows = _locked(touched)
    for (level, key, rule, month), row in rows.items():
        figures = Figures()
        following = (month + datetime.timedelta(days=31)).replace(day=1)
        for starts_on, due_on, met_on in (
            Deadline.objects.current()
            .filter(
                _scope_filter(level, key),
                rule=rule,
                met_on__isnull=False,
                starts_on__gte=month,
                starts_on__lt=following,
            )
            .values_list("starts_on", "due_on", "met_on")
        ):
            figures.add(starts_on, due_on, met_on)
        figures.write(row)
    DeadlineTally.objects.bulk_update(list(rows.values()), FIELDS)


def _rows_in_force(deadline_model, *, met: bool):
    """(team, county, rule, starts_on, due_on, met_on) of every met (or open) deadline of a
    tallied rule in force, streamed. In force is spelled out for the historical models of a
    data migration (which have no ``Deadline.objects.current()``): neither the deadline's card
    nor its order withdrawn."""
    in_force = (Q(nka__isnull=True) | Q(nka__withdrawn_at__isnull=True)) & (
        Q(protective_order__isnull=True) | Q(protective_order__withdrawn_at__isnull=True)
    )
    return (
        deadline_model.objects.filter(in_force, met_on__isnull=not met, rule__in=TALLIED_RULES)
        .values_list(
            "procedure__team_id",
            "procedure__team__municipality__county",
            "rule",
            "starts_on",
            "due_on",
            "met_on",
        )
        .order_by()
        .iterator(chunk_size=20000)
    )


def tally_rebuild(deadline_model=Deadline, tally_model=DeadlineTally) -> int:
    """Recount every row from the met deadlines in force; returns the number of rows.

    The models are parameters so that the data migration passes its historical ones (which
    have no ``current()``: the condition is spelled out here)."""
    figures: dict[Key, Figures] = {}
    met = _rows_in_force(deadline_model, met=True)
    for team_id, county, rule, starts_on, due_on, met_on in met:
        for level, key in _scopes(team_id, county):
            figures.setdefault((level, key, rule, month_of(starts_on)), Figures()).add(
                starts_on, due_on, met_on
            )
    tally_model.objects.all().delete()
    rows = []
    for (level, key, rule, month), total in figures.items():
        row = tally_model(level=level, key=key, rule=rule, month=month)
        total.write(row)
        rows.append(row)
    tally_model.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def open_tally_rebuild(deadline_model=Deadline, tally_model=OpenDeadlineTally) -> int:
    """Recount every open row from the open deadlines in force; returns the number of rows
    (the models are parameters for the data migration, as in ``tally_rebuild``)."""
    counts: dict[OpenKey, int] = {}
    for team_id, county, rule, starts_on, due_on, _met_on in _rows_in_force(
        deadline_model, met=False
    ):
        for level, key in _scopes(team_id, county):
            row_key = (str(level), key, rule, month_of(starts_on), due_on)
            counts[row_key] = counts.get(row_key, 0) + 1
    tally_model.objects.all().delete()
    tally_model.objects.bulk_create(
        [
            tally_model(level=level, key=key, rule=rule, month=month, due_on=due_on, count=n)
            for (level, key, rule, month, due_on), n in counts.items()
        ],
        batch_size=5000,
    )
    return len(counts)
