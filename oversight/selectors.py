"""What auditors read: a case's timeline, deadline compliance, and who saw a person's data."""

import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.http import Http404

from audit.models import READ_VERBS, AuditEvent, AuditEventSubject
from audit.services import log_event, log_read
from centre.models import CentrePerson
from documents.models import Document
from forms.models import NKA
from oversight.tallied import (  # noqa: F401 - re-exported for the report's other readers
    TallyScope,
    compliance_tally_scope,
    open_tallied,
    tallied,
    tallied_days,
    tallied_totals,
    untallied,
    whole_months,
)
from people.models import Person
from workflows import calendar
from workflows.models import (
    Deadline,
    Participant,
    Procedure,
    ProtectiveOrder,
)
from workflows.rules import RULE_LABELS, RuleCode
from workflows.selectors import (
    Access,
    ProcedurePage,
    auditor_scope_for,
    procedure_get,
    procedure_page,
    professional_for,
    visible_procedures,
)

# The rules the Supreme Audit Office measured, in the order of the procedure.
COMPLIANCE_RULES = (
    RuleCode.NKA_TO_CHAIR,
    RuleCode.GROUP_CREATED,
    RuleCode.NKA_TO_GROUP,
    RuleCode.FIRST_MEETING,
    RuleCode.PROGRAMME_REPORT,
)

# Filter choices of the timeline: the first part of the action code.
EVENT_KINDS = (
    "procedure",
    "nka",
    "group",
    "meeting",
    "help_plan",
    "referral",
    "protective_order",
    "notification",
    "monitoring",
    "deadline",
    "document",
    "task",
)


def may_audit(access: Access) -> bool:
    """Timelines and access reports are for auditors and the team chair."""
    return access.auditor or access.chair


def _read_filter() -> Q:
    query = Q()
    for verb in READ_VERBS:  # as audit.models.is_read_action
        query |= Q(action__endswith=f".{verb}") | Q(action__endswith=f"_{verb}")
    return query


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    label: str
    state: str  # "on_time" | "late" | "open" | "overdue"
    days: int  # days early (negative), late (positive), or overdue so far

    @property
    def magnitude(self) -> int:
        return abs(self.days)


@dataclass
class Timeline:
    procedure: Procedure
    events: list[AuditEvent]
    deadlines: list[DeadlineRow]
    documents: list
    people: list[Participant] = field(default_factory=list)


def _deadline_rows(deadlines, today: datetime.date) -> list[DeadlineRow]:
    rows = []
    for deadline in deadlines:
        label = str(RULE_LABELS[RuleCode(deadline.rule)])
        if deadline.met_on is not None:
            days = (deadline.met_on - deadline.due_on).days
            rows.append(DeadlineRow(deadline, label, "late" if days > 0 else "on_time", days))
        elif deadline.due_on < today:
            rows.append(DeadlineRow(deadline, label, "overdue", (today - deadline.due_on).days))
        else:
            rows.append(DeadlineRow(deadline, label, "open", (deadline.due_on - today).days))
    return rows


def timeline(
    *, user, pk: int, kind: str = "", person_id: int | None = None, request=None
) -> Timeline:
    """Every event of the procedure in order (a fixed number of queries). The read is logged."""

    procedure, access = procedure_get(user=user, pk=pk)
    if not may_audit(access):
        raise PermissionDenied
    events = AuditEvent.objects.filter(procedure=procedure).select_related("actor", "person")
    if kind in EVENT_KINDS:
        events = events.filter(action__startswith=f"{kind}.")
    elif kind == "reads":
        events = events.filter(_read_filter())
    if person_id:
        events = events.filter(person_id=person_id)
    result = Timeline(
        procedure=procedure,
        events=list(events.order_by("id")),
        deadlines=_deadline_rows(
            Deadline.objects.filter(procedure=procedure).order_by("starts_on", "id"),
            calendar.legal_date(),
        ),
        documents=list(Document.objects.filter(procedure=procedure).order_by("generated_at", "id")),
        people=list(
            Participant.objects.filter(procedure=procedure)
            .select_related("person")
            .order_by("role", "person__last_name")
        ),
    )
    log_event(
        action="timeline.viewed",
        actor=user,
        procedure=procedure,
        payload={"kind": kind, "person": person_id},
        request=request,
    )
    return result


def dossier_page(*, user, procedure: Procedure) -> ProcedurePage:
    """What the dossier tells beside the timeline: the case page's records, read in a fixed
    number of queries (``workflows.selectors.procedure_page``). For those ``timeline``
    let in; logs nothing (the export is logged as ``timeline.exported``)."""
    _procedure, access = procedure_get(user=user, pk=procedure.pk)
    if not may_audit(access):
        raise PermissionDenied
    return procedure_page(procedure=procedure, access=access, user=user)


# --------------------------------------------------------------------------- compliance


@dataclass
class ComplianceRow:
    rule: str
    label: str
    on_time: int = 0
    late: int = 0
    open: int = 0
    open_overdue: int = 0
    median_days: int | None = None
    p90_days: int | None = None
    max_days: int | None = None
    max_days_late: int | None = None

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.open


def _nearest_rank(histogram: list[tuple[int, int]], fraction: float) -> int | None:
    """The nearest-rank percentile of a sorted (value, count) histogram."""
    total = sum(count for _value, count in histogram)
    if not total:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for value, count in histogram:
        seen += count
        if seen >= rank:
            return value
    return histogram[-1][0]


def _merged(histogram: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A sorted histogram with one entry per value (groups of one value with several delays
    are added up)."""
    merged: dict[int, int] = {}
    for value, count in histogram:
        merged[value] = merged.get(value, 0) + count
    return sorted(merged.items())


def in_force() -> Q:
    """``Deadline.objects.current()`` as anti-joins against the few withdrawn cards and orders
    (partial indexes ``nka_withdrawn``, ``protective_order_withdrawn``): the same deadlines,
    without joining every NK-A of ten years to the deadlines read (issue 16)."""
    return ~Q(Exists(NKA.objects.filter(pk=OuterRef("nka_id"), withdrawn_at__isnull=False))) & ~Q(
        Exists(
            ProtectiveOrder.objects.filter(
                pk=OuterRef("protective_order_id"), withdrawn_at__isnull=False
            )
        )
    )


def compliance_deadlines(
    *,
    procedures: QuerySet[Procedure],
    start: datetime.date,
    end: datetime.date,
    rules: Iterable[str] = COMPLIANCE_RULES,
) -> QuerySet[Deadline]:
    """The deadlines the report counts: the measured ``rules``', started in [start, end]."""
    deadlines = Deadline.objects.filter(in_force(), rule__in=rules, starts_on__range=(start, end))
    if not procedures.query.has_filters():
        return deadlines  # every procedure (a national auditor): no semi-join to evaluate
    return deadlines.filter(procedure__in=procedures)


# What happened to a deadline, as the report's columns count it (``today``: the legal date).
COMPLIANCE_STATES: dict[str, Callable[[datetime.date], Q]] = {
    "on_time": lambda today: Q(met_on__isnull=False, met_on__lte=F("due_on")),
    "late": lambda today: Q(met_on__gt=F("due_on")),
    "open": lambda today: Q(met_on__isnull=True),
    "overdue": lambda today: Q(met_on__isnull=True, due_on__lt=today),
}


def _accumulate(deadlines: QuerySet[Deadline], today: datetime.date, figures: dict) -> None:
    """Add ``deadlines`` to ``figures`` (per rule: a ``ComplianceRow``, a histogram of
    elapsed days and the largest delay) in ONE grouped pass: a met deadline by its elapsed
    days and its delay, an open one by its due date (each NULL for the other kind)."""
    days = {"output_field": DurationField()}
    groups = (
        deadlines.annotate(
            elapsed=ExpressionWrapper(F("met_on") - F("starts_on"), **days),
            late_by=ExpressionWrapper(F("met_on") - F("due_on"), **days),
            open_due=Case(When(met_on__isnull=True, then=F("due_on"))),
        )
        .values("rule", "elapsed", "late_by", "open_due")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows, histograms, max_late = figures["rows"], figures["days"], figures["max_late"]
    for item in groups:
        code, n = item["rule"], item["n"]
        row = rows[RuleCode(code)]
        if item["open_due"] is not None:  # still open
            row.open += n
            if item["open_due"] < today:
                row.open_overdue += n
                overdue_days = (today - item["open_due"]).days
                max_late[code] = max(max_late.get(code, overdue_days), overdue_days)
            continue
        late_by = item["late_by"].days
        if late_by > 0:
            row.late += n
        else:
            row.on_time += n
        histograms[code].append((item["elapsed"].days, n))
        delay = max(0, late_by)  # met early is not a delay
        max_late[code] = max(max_late.get(code, delay), delay)


def _figures() -> dict:
    return {
        "rows": {code: ComplianceRow(code, str(RULE_LABELS[code])) for code in COMPLIANCE_RULES},
        "days": defaultdict(list),
        "max_late": {},
    }


def _finished(figures: dict) -> list[ComplianceRow]:
    for code, row in figures["rows"].items():
        histogram = _merged(sorted(figures["days"].get(code, [])))
        row.median_days = _nearest_rank(histogram, 0.5)
        row.p90_days = _nearest_rank(histogram, 0.9)
        row.max_days = histogram[-1][0] if histogram else None
        row.max_days_late = figures["max_late"].get(code)
    return list(figures["rows"].values())


def compliance_reference(
    *, procedures: QuerySet[Procedure], start: datetime.date, end: datetime.date
) -> list[ComplianceRow]:
    """``compliance`` computed from every deadline of the period (one grouped pass): what the
    tallies must equal (``tests/test_tallies.py``), and the report of a scope without one."""
    figures = _figures()
    deadlines = compliance_deadlines(procedures=procedures, start=start, end=end)
    _accumulate(deadlines, calendar.legal_date(), figures)
    return _finished(figures)


def compliance(
    *,
    procedures: QuerySet[Procedure],
    start: datetime.date,
    end: datetime.date,
    tally: TallyScope | None = None,
) -> list[ComplianceRow]:
    """Per rule: met on time, late, still open; elapsed days (median, p90, max); the largest
    delay.

    Deadlines are those that started in [start, end]. Percentiles are read off the histogram
    of elapsed days (from the start of the deadline to the step; nearest rank). The largest
    delay counts the deadlines met late and those still open past their day (days overdue
    as of today); it is 0 when none was late.

    With ``tally`` (``compliance_tally_scope``, the same scope as ``procedures``) the
    deadlines that started in the whole months come from the tallies: the met ones from
    ``DeadlineTally`` (one row per rule and month), the open ones from ``OpenDeadlineTally``
    (one row per rule, month and due day, "overdue" derived from today); only the days of a
    month cut by the period are read one by one: queries whose cost does not grow with the
    years of data nor with the cases (docs/benchmarks.md).
    Without, every deadline of the period is read (``compliance_reference``).
    """
    if tally is None:
        return compliance_reference(procedures=procedures, start=start, end=end)
    today = calendar.legal_date()
    months = whole_months(start, end)
    figures = _figures()
    deadlines = compliance_deadlines(procedures=procedures, start=start, end=end)
    live = untallied(months, start, end)
    if live is not None:
        _accumulate(deadlines.filter(live), today, figures)
    if months is not None:
        for item in open_tallied(tally, months, COMPLIANCE_RULES, today):
            target = figures["rows"][RuleCode(item["rule"])]
            target.open += item["open"]
            target.open_overdue += item["overdue"] or 0
            if item["oldest"] is not None:
                days = (today - item["oldest"]).days
                figures["max_late"][item["rule"]] = max(
                    figures["max_late"].get(item["rule"], days), days
                )
        for item in tallied_totals(tally, months, COMPLIANCE_RULES):
            target = figures["rows"][RuleCode(item["rule"])]
            target.on_time += item["on_time_sum"] or 0
            target.late += item["late_sum"] or 0
            if item["max_late_max"] is not None:
                figures["max_late"][item["rule"]] = max(
                    figures["max_late"].get(item["rule"], item["max_late_max"]),
                    item["max_late_max"],
                )
        for rule, days, count in tallied_days(tally, months, COMPLIANCE_RULES):
            figures["days"][rule].append((days, count))
    return _finished(figures)


def compliance_rows(
    *, procedures: QuerySet[Procedure], start: datetime.date, end: datetime.date
) -> list[DeadlineRow]:
    """Every deadline the report counts, with its case (one query), in the procedure's order."""
    deadlines = (
        compliance_deadlines(procedures=procedures, start=start, end=end)
        .select_related("procedure")
        .order_by("starts_on", "id")
    )
    return _deadline_rows(deadlines, calendar.legal_date())


def compliance_cases(
    *,
    user,
    rule: str,
    state: str,
    start: datetime.date,
    end: datetime.date,
    request=None,
) -> list[DeadlineRow]:
    """The deadlines behind one figure of the report (a rule, a state, a period), with their
    cases, in the auditor's (or chair's) scope; the read is logged. An unknown rule or state
    lists nothing."""
    procedures = compliance_scope(user)  # others are refused, whatever they ask
    if rule not in COMPLIANCE_RULES or state not in COMPLIANCE_STATES:
        return []
    today = calendar.legal_date()
    deadlines = (
        compliance_deadlines(procedures=procedures, start=start, end=end)
        .filter(COMPLIANCE_STATES[state](today), rule=rule)
        .select_related("procedure__household")
        .order_by("due_on", "id")
    )
    rows = _deadline_rows(deadlines, today)
    log_read(
        action="compliance_cases.viewed",
        actor=user,
        request=request,
        procedures=[row.deadline.procedure_id for row in rows],
        payload={"rule": rule, "state": state, "from": str(start), "to": str(end)},
    )
    return rows


def may_see_compliance(user) -> bool:
    """Does ``compliance_scope`` admit ``user`` (the header's link)? An auditor, or a
    professional with a declaration who chairs a team: ``chairs_a_team``, which the case page
    reads with the case, so the header asks no query of its own there."""
    if auditor_scope_for(user) is not None:
        return True
    professional = professional_for(user)
    return professional is not None and professional.has_declaration and professional.chairs_a_team


def compliance_scope(user) -> QuerySet[Procedure]:
    """Auditors: their scope. Chairs: their team. Others: refused."""

    if not may_see_compliance(user):
        raise PermissionDenied
    if auditor_scope_for(user) is not None:
        return visible_procedures(user)
    return Procedure.objects.filter(team_id__in=user.professional.chaired_team_ids)


# --------------------------------------------------------------------------- who saw


# Reads made on the crisis centre's pages: their action codes start with this.
CENTRE_READS = "centre."


def _auditor_sees_centre_person(user, person) -> bool:
    """An auditor whose scope covers a crisis centre that recorded ``person``."""

    scope = auditor_scope_for(user)
    if scope is None:
        return False
    records = CentrePerson.objects.filter(person=person)
    if scope.municipality_id:
        records = records.filter(centre__municipality_id=scope.municipality_id)
    elif scope.county:
        records = records.filter(centre__county=scope.county)
    return records.exists()


def person_accesses(*, user, person_id: int, request=None) -> tuple[object, list[AuditEvent], bool]:
    """Every read of a person's data: events about them, reads of their procedures, and the
    list pages that showed them or their procedures (found through ``AuditEventSubject``).

    Returns ``(person, events, centre_included)``. Auditors see every read, the crisis
    centre's included. A team chair sees no read made on the centre's pages: the procedure
    side must not learn that a person was in the centre's hostel (or consulted the centre at
    all) from who looked at them there (docs/audit.md, "Who saw this person").
    """

    # Someone outside the person's cases gets "not found", as for a person who does not exist.
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    procedure_ids = list(
        Participant.objects.filter(person=person).values_list("procedure_id", flat=True)
    )
    try:
        allowed = compliance_scope(user).filter(pk__in=procedure_ids).exists()
    except PermissionDenied:
        allowed = False
    auditor = auditor_scope_for(user) is not None
    if not allowed and not (auditor and _auditor_sees_centre_person(user, person)):
        raise Http404
    shown = AuditEventSubject.objects.filter(
        Q(person=person) | Q(procedure_id__in=procedure_ids)
    ).values("event_id")
    events = AuditEvent.objects.filter(
        _read_filter(),
        Q(person=person) | Q(procedure_id__in=procedure_ids) | Q(pk__in=shown),
    )
    if not auditor:
        events = events.exclude(action__startswith=CENTRE_READS)
    events = list(events.select_related("actor", "procedure").order_by("id"))
    log_event(
        action="person.viewed",
        actor=user,
        person=person,
        payload={"report": "accesses"},
        request=request,
    )
    return person, events, auditor
