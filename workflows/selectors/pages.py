"""What the case pages show: the case, its NK-A cards, the list and its search."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import User
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from viewflow.workflow.models import Task

from audit.models import AuditEvent
from audit.services import log_event, log_read
from forms.models import NKA, NKC, NKD, HelpPlanItem
from people.models import Household
from workflows import history
from workflows.models import (
    ClosureNotice,
    Deadline,
    DetentionNotice,
    GroupMember,
    GroupMemberChange,
    GroupNotice,
    Meeting,
    MonitoringNote,
    Notification,
    Participant,
    Procedure,
    Professional,
    ProtectiveOrder,
    Referral,
    SuspectNotice,
)
from workflows.selectors.access import Access, procedure_get, visible_procedures
from workflows.selectors.dashboard import procedures_flagged
from workflows.selectors.groups import composition_gaps


def procedure_open(*, user: User, pk: int, request=None) -> tuple[Procedure, Access]:
    """``procedure_get`` for a page that shows the case: the read is logged once."""
    procedure, access = procedure_get(user=user, pk=pk)
    log_event(action="procedure.viewed", actor=user, procedure=procedure, request=request)
    return procedure, access


def procedure_search(
    *,
    user: User,
    query: str = "",
    stage: str = "",
    overdue: bool = False,
    flags=(),
    request=None,
) -> QuerySet[Procedure]:
    """Visible procedures matching a name, PESEL or number, a stage, open overdue deadlines,
    and the dashboard's other conditions named in ``flags`` (``dashboard.FILTERS``).

    The page logs what it showed (``procedure_list_seen``).
    """
    procedures = visible_procedures(user)
    query = " ".join(query.split())
    if query:
        procedures = procedures.filter(_match(query))
    if stage:
        procedures = procedures.filter(stage=stage)
    procedures = procedures_flagged(procedures, [*(["overdue"] if overdue else []), *flags])
    # The next open deadline as a correlated subquery: PostgreSQL evaluates it for the rows
    # of the page only (after the LIMIT), where a ``Min`` over a join aggregated every
    # deadline of every visible procedure first. Served by ``deadline_open_by_procedure``.
    next_due = (
        Deadline.objects.filter(
            Q(nka__isnull=True) | Q(nka__withdrawn_at__isnull=True),
            procedure=OuterRef("pk"),
            met_on__isnull=True,
        )
        .order_by("due_on")
        .values("due_on")[:1]
    )
    procedures = procedures.select_related("household", "team__municipality").annotate(
        next_due=Subquery(next_due)
    )
    return procedures.order_by("-initiated_on", "-id")


def _match(query: str) -> Q:
    """The search condition, applied inside the visible set (never over every procedure).

    A PESEL is an exact match (its unique index); a text matches the number, the household's
    label or a participant's first or last name anywhere (``icontains``; on PostgreSQL the
    trigram indexes of ``people`` and ``workflows`` serve it for a large visible set). The
    participants are one semi-join (``id IN (SELECT procedure_id …)``), not a join that
    repeats a procedure per matching person.
    """
    if _query_kind(query) == "pesel":
        people = Q(person__pesel=query.replace(" ", ""))
        return Q(pk__in=Participant.objects.filter(people).values("procedure_id"))
    people = Q()
    for word in query.split():
        people |= Q(person__last_name__icontains=word) | Q(person__first_name__icontains=word)
    return (
        Q(number__icontains=query)
        | Q(household__in=Household.objects.filter(label__icontains=query).values("pk"))
        | Q(pk__in=Participant.objects.filter(people).values("procedure_id"))
    )


def _query_kind(query: str) -> str:
    digits = query.replace(" ", "")
    return "pesel" if digits.isdigit() and len(digits) == 11 else "text"


def is_pesel(query: str) -> bool:
    """Is the search ``query`` a PESEL (an exact match, found by its unique index)?"""
    return _query_kind(" ".join(query.split())) == "pesel"


def procedure_list_seen(
    *,
    user: User,
    procedures,
    query: str = "",
    stage: str = "",
    overdue: bool = False,
    flags=(),
    request=None,
) -> None:
    """One read event for a page of the procedure list, naming the procedures shown (each
    row shows the household's name), so the who-saw report of a person lists the lists and
    searches that showed them. The query text is not stored (it may be a PESEL), only its
    kind; a search that found nobody is logged too (``procedures.searched``)."""
    payload: dict = {"stage": stage, "overdue": overdue}
    if flags:
        payload["filters"] = sorted(flags)
    if query:
        payload["query_kind"] = _query_kind(" ".join(query.split()))
    shown = list(procedures)
    if query and not shown:
        log_event(action="procedures.searched", actor=user, request=request, payload=payload)
        return
    log_read(
        action="procedure.searched" if query else "procedure_list.viewed",
        actor=user,
        request=request,
        procedures=shown,
        payload=payload,
    )


@dataclass
class ProcedurePage:
    """Everything the procedure page shows, read in a fixed number of queries."""

    procedure: Procedure
    access: Access
    nka_forms: list
    tasks: list
    participants: list = field(default_factory=list)
    group_members: list = field(default_factory=list)
    group_changes: list = field(default_factory=list)
    group_notices: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    nkc_forms: list = field(default_factory=list)
    nkd_forms: list = field(default_factory=list)
    plan_items: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    detentions: list = field(default_factory=list)
    notifications: list = field(default_factory=list)
    monitoring_notes: list = field(default_factory=list)
    suspect_notices: list = field(default_factory=list)
    closure_notices: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    events: list = field(default_factory=list)

    @cached_property
    def history(self) -> list[history.Line]:
        """The events as sentences, consecutive reads of one person folded (one query a kind
        of name, ``workflows.history``)."""
        return history.collapse(history.tell(self.events))

    @property
    def group_gaps(self) -> list[str]:
        """What keeps the appointed group from meeting (``selectors.group_gaps``)."""
        if not self.group_members and not self.group_changes:
            return []
        return composition_gaps([m.professional for m in self.group_members])

    @property
    def order_to_record(self) -> bool:
        """A current NK-A says the Police issued an order, and none is recorded yet."""
        said = any(n.protective_order_issued and n.is_current for n in self.nka_forms)
        return said and not any(o.is_current for o in self.orders)


# The sections of the case page (``?tab=``), each shown on its own; "all" prints them at once.
CASE_TABS = ("summary", "people", "forms", "meetings", "plan", "orders", "documents", "history")


def procedure_page(
    *, procedure: Procedure, access: Access, user: User, tabs: Iterable[str] = CASE_TABS
) -> ProcedurePage:
    """The data of the procedure page for ``user`` (team, group or auditor: the whole case).

    Reads only what the sections in ``tabs`` show (``CASE_TABS``); the other lists stay
    empty. The NK-A cards, the tasks and the deadlines are always read: the next steps and
    the permissions of every section depend on them.
    """
    tabs = frozenset(tabs)

    def shows(*names: str) -> bool:
        return not tabs.isdisjoint(names)

    # Every version of every record: the current ones, the withdrawn (marked) and the
    # superseded (in the history under their correction).
    nka_forms = NKA.objects.filter(procedure=procedure).select_related(
        "initiator", "routing", "corrected_by", "withdrawn_by"
    )
    people = shows("people")
    return ProcedurePage(
        procedure=procedure,
        access=access,
        participants=list(
            Participant.objects.filter(procedure=procedure)
            .select_related("person")
            .order_by("role", "person__last_name")
        )
        if people
        else [],
        nka_forms=list(nka_forms.order_by("filled_at")),
        group_members=list(
            GroupMember.objects.filter(group__procedure=procedure)
            .select_related("professional__user")
            .order_by("professional__user__last_name")
        )
        if people
        else [],
        group_changes=list(
            GroupMemberChange.objects.filter(group__procedure=procedure)
            .select_related("professional__user")
            .order_by("changed_on", "id")
        )
        if people
        else [],
        group_notices=list(
            GroupNotice.objects.filter(group__procedure=procedure, seen_at__isnull=True)
            .select_related("professional__user")
            .order_by("created_at", "id")
        )
        if access.chair and people
        else [],
        meetings=list(
            Meeting.objects.filter(procedure=procedure)
            .select_related("corrected_by", "withdrawn_by", "invited_person")
            .prefetch_related("present__user", "heard")
            .order_by("held_on", "id")
        )
        if shows("meetings")
        else [],
        # The summary offers a help-plan action once an NK-C exists.
        nkc_forms=list(NKC.objects.filter(procedure=procedure).select_related("victim"))
        if shows("summary", "meetings")
        else [],
        nkd_forms=list(NKD.objects.filter(procedure=procedure).select_related("suspect"))
        if shows("meetings")
        else [],
        # Grouped by the victim whose plan it is (their NK-C), then by due date.
        plan_items=list(
            HelpPlanItem.objects.filter(procedure=procedure)
            .select_related("corrected_by", "withdrawn_by", "nkc__victim")
            .prefetch_related("status_changes__changed_by")
            .order_by("nkc__victim__last_name", "nkc__victim_id", "due_on", "id")
        )
        if shows("plan")
        else [],
        referrals=list(
            Referral.objects.filter(procedure=procedure).select_related("person").order_by("id")
        )
        if shows("orders")
        else [],
        closure_notices=list(ClosureNotice.objects.filter(procedure=procedure))
        if shows("plan")
        else [],
        # The summary asks the chair to record an order the NK-A mentions.
        orders=list(
            ProtectiveOrder.objects.filter(procedure=procedure).select_related(
                "person", "ends_with", "corrected_by", "withdrawn_by"
            )
        )
        if shows("summary", "orders")
        else [],
        detentions=list(
            DetentionNotice.objects.filter(procedure=procedure)
            .select_related("person")
            .order_by("detained_on", "id")
        )
        if shows("orders")
        else [],
        notifications=list(
            Notification.objects.filter(procedure=procedure).select_related(
                "concerning", "corrected_by", "withdrawn_by"
            )
        )
        if shows("orders")
        else [],
        monitoring_notes=list(
            MonitoringNote.objects.filter(procedure=procedure).select_related(
                "author", "corrected_by", "withdrawn_by"
            )
        )
        if shows("plan")
        else [],
        suspect_notices=list(
            SuspectNotice.objects.filter(procedure=procedure).select_related("suspect")
        )
        if shows("forms")
        else [],
        deadlines=list(
            Deadline.objects.current().filter(procedure=procedure).order_by("due_on", "id")
        ),
        events=list(
            AuditEvent.objects.filter(procedure=procedure)
            .exclude(action__endswith=".viewed")
            .select_related("actor")
            .order_by("-id")[:50]
        )
        if shows("history")
        else [],
        tasks=list(
            Task.objects.filter(process_id=procedure.process_id)
            .select_related("owner")
            .order_by("created")
        ),
    )


def open_plan_items_count(*, procedure: Procedure) -> int:
    """The help-plan actions in force still open (shown beside "Close the procedure")."""
    return (
        HelpPlanItem.objects.current()
        .filter(procedure=procedure, status=HelpPlanItem.Status.OPEN)
        .count()
    )


def team_members_for(*, procedure: Procedure) -> QuerySet[Professional]:
    return Professional.objects.filter(team_memberships__team_id=procedure.team_id)


def nka_get(*, user: User, pk: int, nka_pk: int):
    """The NK-A ``nka_pk`` of procedure ``pk``, for whoever sees the whole case.

    Returns ``(procedure, access, nka)``; ``Http404`` otherwise. Logs nothing: for a page
    that shows the card, use ``nka_open``.
    """
    procedure, access = procedure_get(user=user, pk=pk)
    nka = NKA.objects.filter(pk=nka_pk, procedure=procedure).select_related("initiator").first()
    if nka is None or not access.full_read:
        raise Http404
    return procedure, access, nka


def nka_open(*, user: User, pk: int, nka_pk: int, request=None):
    """``nka_get`` for a page that shows the card: the read is logged."""
    procedure, access, nka = nka_get(user=user, pk=pk, nka_pk=nka_pk)
    log_event(
        action="nka.viewed",
        actor=user,
        procedure=procedure,
        request=request,
        payload={"nka": nka.pk},
    )
    return procedure, access, nka
