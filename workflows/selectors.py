"""Reads that check access. A missing permission and a missing object look the same."""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.http import Http404
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from audit.services import log_event, log_read
from documents.models import Document, DocumentKind
from forms.models import NKA, NKC, NKD, HelpPlanItem
from workflows import calendar
from workflows.flows import ProcedureFlow, group_nodes, rule_met_at
from workflows.models import (
    AuditorScope,
    Deadline,
    GroupMember,
    Procedure,
    Professional,
    TeamMember,
)
from workflows.rules import RULE_LABELS, RuleCode

if TYPE_CHECKING:
    from forms.models import NKA


def professional_for(user: User) -> Professional | None:
    if not user.is_authenticated:
        return None
    try:
        return user.professional
    except Professional.DoesNotExist:
        return None


def auditor_scope_for(user: User) -> AuditorScope | None:
    if not user.is_authenticated:
        return None
    try:
        return user.auditor_scope
    except AuditorScope.DoesNotExist:
        return None


def team_chair_user(*, team_id: int):
    member = (
        TeamMember.objects.select_related("professional__user")
        .filter(team_id=team_id, role=TeamMember.Role.CHAIR)
        .first()
    )
    return member.professional.user if member else None


def visible_procedures(user: User) -> QuerySet[Procedure]:
    """Procedures ``user`` may read: their team's, their group's, or an auditor's scope.

    A professional without a confidentiality declaration on record sees nothing. An
    initiator who is neither on the team nor in the group sees no procedure: only their
    own cards (``cards_of``), whatever case a card opened, joined or was routed to.
    """
    if not user.is_authenticated:
        return Procedure.objects.none()
    scope = auditor_scope_for(user)
    if scope is not None:
        if scope.municipality_id:
            return Procedure.objects.filter(team__municipality_id=scope.municipality_id)
        if scope.county:
            return Procedure.objects.filter(team__municipality__county=scope.county)
        return Procedure.objects.all()
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return Procedure.objects.none()
    return Procedure.objects.filter(
        Q(Exists(TeamMember.objects.filter(team=OuterRef("team"), professional=professional)))
        | Q(
            Exists(
                GroupMember.objects.filter(
                    group__procedure=OuterRef("pk"), professional=professional
                )
            )
        )
    )


@dataclass(frozen=True)
class Access:
    """What one user may do with one procedure."""

    read: bool = False
    chair: bool = False
    team_member: bool = False
    group_member: bool = False
    initiator: bool = False
    auditor: bool = False

    @property
    def full_read(self) -> bool:
        """Sees the whole case (not only the NK-A they filled)."""
        return self.chair or self.team_member or self.group_member or self.auditor


def procedure_access(user: User, procedure: Procedure) -> Access:
    if not user.is_authenticated:
        return Access()
    if auditor_scope_for(user) is not None:
        visible = visible_procedures(user).filter(pk=procedure.pk).exists()
        return Access(read=visible, auditor=visible)
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return Access()
    membership = TeamMember.objects.filter(
        team_id=procedure.team_id, professional=professional
    ).first()
    group_member = GroupMember.objects.filter(
        group__procedure=procedure, professional=professional
    ).exists()
    initiator = procedure.nka_forms.filter(initiator=user).exists()
    chair = membership is not None and membership.role == TeamMember.Role.CHAIR
    return Access(
        # The initiator alone does not read the case: their own cards are read through
        # ``card_open``, which never names the case (number, household, other data).
        read=bool(membership or group_member),
        chair=chair,
        team_member=membership is not None,
        group_member=group_member,
        initiator=initiator,
    )


def procedure_get(*, user: User, pk: int) -> tuple[Procedure, Access]:
    """The procedure ``pk`` with the user's access; ``Http404`` when not visible."""
    procedure = (
        Procedure.objects.select_related("team__municipality", "household", "group")
        .filter(pk=pk)
        .first()
    )
    if procedure is None:
        raise Http404
    access = procedure_access(user, procedure)
    if not access.read:
        raise Http404
    return procedure, access


@dataclass(frozen=True)
class TaskRow:
    task: Task
    procedure: Procedure
    node: str
    title: str
    due_on: datetime.date | None
    rule_label: str

    @property
    def days_left(self) -> int | None:
        if self.due_on is None:
            return None
        return (self.due_on - calendar.legal_date()).days

    @property
    def overdue(self) -> bool:
        days_left = self.days_left
        return days_left is not None and days_left < 0


def _node_name(task: Task) -> str:
    return task.flow_task.name


def open_tasks_for(user: User) -> list[TaskRow]:
    """The user's inbox: tasks assigned to them, and unassigned tasks of their groups.

    Runs a fixed number of queries whatever the number of procedures.
    """
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return []
    tasks = list(
        Task.objects.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .filter(
            Q(owner=user)
            | Q(
                owner__isnull=True,
                flow_task__in=group_nodes(),
                process__procedure__group__memberships__professional=professional,
            )
        )
        # The initiator's transfer is listed with their cards (``cards_of``), which name
        # no case.
        .exclude(flow_task=ProcedureFlow.transfer_to_chair)
        .select_related("process__procedure__household")
        .distinct()
        .order_by("created")
    )
    procedure_ids = {t.process.procedure.pk for t in tasks}
    deadlines: dict[tuple[int, str], Deadline] = {}
    # Earliest open deadline per (procedure, rule): for the transfer task that is the
    # first NK-A's; a card that joined later has its own deadline on the dashboard.
    for deadline in (
        Deadline.objects.current()
        .filter(procedure_id__in=procedure_ids, met_on__isnull=True)
        .exclude(rule=RuleCode.PROGRAMME_REPORT)
        .order_by("due_on", "id")
    ):
        deadlines.setdefault((deadline.procedure_id, deadline.rule), deadline)
    rows = []
    for task in tasks:
        node = _node_name(task)
        rule_code = rule_met_at(node)
        deadline = deadlines.get((task.process.procedure.pk, rule_code)) if rule_code else None
        rows.append(
            TaskRow(
                task=task,
                procedure=task.process.procedure,
                node=node,
                title=str(task.flow_task.task_title or node),
                due_on=deadline.due_on if deadline else None,
                rule_label=str(RULE_LABELS[rule_code]) if rule_code else "",
            )
        )
    rows.sort(key=lambda r: (r.due_on is None, r.due_on or datetime.date.max))
    return rows


def deadlines_due(*, user: User, within_working_days: int = 2) -> dict[str, list[Deadline]]:
    """Open deadlines of the procedures ``user`` sees: ``overdue`` and ``due_soon``."""
    today = calendar.legal_date()
    horizon = calendar.add_working_days(today, within_working_days)
    base = (
        Deadline.objects.current()
        .filter(met_on__isnull=True, procedure__in=visible_procedures(user))
        .exclude(procedure__stage="closed")
        .select_related("procedure__household")
        .order_by("due_on", "id")
    )
    return {
        "overdue": list(base.filter(due_on__lt=today)),
        "due_soon": list(base.filter(due_on__gte=today, due_on__lte=horizon)),
    }


# --------------------------------------------------------------------------- pages


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
    request=None,
) -> QuerySet[Procedure]:
    """Visible procedures matching a name, PESEL or number, a stage, or open overdue deadlines.

    The page logs what it showed (``procedure_list_seen``).
    """
    procedures = visible_procedures(user)
    query = " ".join(query.split())
    if query:
        digits = query.replace(" ", "")
        if _query_kind(query) == "pesel":
            match = Q(participants__person__pesel=digits)
        else:
            match = Q(number__icontains=query) | Q(household__label__icontains=query)
            for word in query.split():
                match |= Q(participants__person__last_name__icontains=word) | Q(
                    participants__person__first_name__icontains=word
                )
        procedures = procedures.filter(pk__in=Procedure.objects.filter(match).values("pk"))
    if stage:
        procedures = procedures.filter(stage=stage)
    if overdue:
        procedures = procedures.filter(
            Exists(
                Deadline.objects.current().filter(
                    procedure=OuterRef("pk"),
                    met_on__isnull=True,
                    due_on__lt=calendar.legal_date(),
                )
            )
        ).exclude(stage="closed")
    procedures = procedures.select_related("household", "team__municipality").annotate(
        next_due=Min(
            "deadlines__due_on",
            filter=Q(deadlines__met_on__isnull=True)
            & (Q(deadlines__nka__isnull=True) | Q(deadlines__nka__withdrawn_at__isnull=True)),
        )
    )
    return procedures.order_by("-initiated_on", "-id")


def _query_kind(query: str) -> str:
    digits = query.replace(" ", "")
    return "pesel" if digits.isdigit() and len(digits) == 11 else "text"


def procedure_list_seen(
    *, user: User, procedures, query: str = "", stage: str = "", overdue: bool = False, request=None
) -> None:
    """One read event for a page of the procedure list, naming the procedures shown (each
    row shows the household's name), so the who-saw report of a person lists the lists and
    searches that showed them. The query text is not stored (it may be a PESEL), only its
    kind; a search that found nobody is logged too (``procedures.searched``)."""
    payload = {"stage": stage, "overdue": overdue}
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
    meetings: list = field(default_factory=list)
    nkc_forms: list = field(default_factory=list)
    nkd_forms: list = field(default_factory=list)
    plan_items: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    notifications: list = field(default_factory=list)
    monitoring_notes: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    events: list = field(default_factory=list)


def procedure_page(*, procedure: Procedure, access: Access, user: User) -> ProcedurePage:
    """The data of the procedure page for ``user`` (team, group or auditor: the whole case)."""
    from workflows.models import (
        Meeting,
        MonitoringNote,
        Notification,
        Participant,
        ProtectiveOrder,
        Referral,
    )

    # Every version of every record: the current ones, the withdrawn (marked) and the
    # superseded (in the history under their correction).
    nka_forms = NKA.objects.filter(procedure=procedure).select_related(
        "initiator", "routing", "corrected_by", "withdrawn_by"
    )
    group_members = list(
        GroupMember.objects.filter(group__procedure=procedure)
        .select_related("professional__user")
        .order_by("professional__user__last_name")
    )
    return ProcedurePage(
        procedure=procedure,
        access=access,
        participants=list(
            Participant.objects.filter(procedure=procedure)
            .select_related("person")
            .order_by("role", "person__last_name")
        ),
        nka_forms=list(nka_forms.order_by("filled_at")),
        group_members=group_members,
        meetings=list(
            Meeting.objects.filter(procedure=procedure)
            .select_related("corrected_by", "withdrawn_by")
            .prefetch_related("present__user", "heard")
            .order_by("held_on", "id")
        ),
        nkc_forms=list(NKC.objects.filter(procedure=procedure).select_related("victim")),
        nkd_forms=list(NKD.objects.filter(procedure=procedure).select_related("suspect")),
        plan_items=list(
            HelpPlanItem.objects.filter(procedure=procedure)
            .select_related("corrected_by", "withdrawn_by")
            .prefetch_related("status_changes__changed_by")
            .order_by("due_on", "id")
        ),
        referrals=list(Referral.objects.filter(procedure=procedure).select_related("person")),
        orders=list(
            ProtectiveOrder.objects.filter(procedure=procedure).select_related(
                "person", "corrected_by", "withdrawn_by"
            )
        ),
        notifications=list(
            Notification.objects.filter(procedure=procedure).select_related(
                "concerning", "corrected_by", "withdrawn_by"
            )
        ),
        monitoring_notes=list(
            MonitoringNote.objects.filter(procedure=procedure).select_related(
                "author", "corrected_by", "withdrawn_by"
            )
        ),
        deadlines=list(
            Deadline.objects.current().filter(procedure=procedure).order_by("due_on", "id")
        ),
        events=list(
            AuditEvent.objects.filter(procedure=procedure)
            .exclude(action__endswith=".viewed")
            .select_related("actor")
            .order_by("-id")[:50]
        ),
        tasks=list(
            Task.objects.filter(process_id=procedure.process_id)
            .select_related("owner")
            .order_by("created")
        ),
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


# --------------------------------------------------------------------------- own cards


@dataclass(frozen=True)
class CardRow:
    """One NK-A the user filled, with what they must still do: nothing of the case."""

    nka: "NKA"
    deadline: Deadline | None

    @property
    def to_do(self) -> bool:
        return self.nka.transferred_on is None


def _card_rows(nkas) -> list[CardRow]:
    nkas = list(nkas)
    deadlines = {
        d.nka_id: d
        for d in Deadline.objects.filter(
            nka__in=[n.pk for n in nkas], rule=RuleCode.NKA_TO_CHAIR
        ).order_by("id")
    }
    return [CardRow(nka=n, deadline=deadlines.get(n.pk)) for n in nkas]


def cards_of(*, user: User) -> list[CardRow]:
    """The NK-A cards ``user`` filled, newest first, each with its transfer deadline.

    Whatever the card did (opened a case, joined one, was routed to another team), the
    row is the same: the card's own data, never the case's number or household.
    """
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return []
    return _card_rows(NKA.objects.filter(initiator=user).order_by("-filled_at", "-id"))


def card_deadlines_due(*, user: User, within_working_days: int = 2) -> dict[str, list[CardRow]]:
    """The user's own cards not yet sent to the chair: ``overdue`` and ``due_soon``."""
    today = calendar.legal_date()
    horizon = calendar.add_working_days(today, within_working_days)
    rows = sorted(
        ((r.deadline.due_on, r) for r in cards_of(user=user) if r.to_do and r.deadline),
        key=lambda pair: pair[0],
    )
    return {
        "overdue": [r for due_on, r in rows if due_on < today],
        "due_soon": [r for due_on, r in rows if today <= due_on <= horizon],
    }


def card_open(*, user: User, nka_pk: int, request=None) -> CardRow:
    """The user's own NK-A ``nka_pk``; ``Http404`` for anybody else's card. The read is logged.

    The event names the procedure for the audit trail; nothing of it reaches the page.
    """
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        raise Http404
    nka = NKA.objects.filter(pk=nka_pk, initiator=user).select_related("procedure").first()
    if nka is None:
        raise Http404
    log_event(
        action="nka.viewed",
        actor=user,
        procedure=nka.procedure,
        request=request,
        payload={"nka": nka.pk, "as": "initiator"},
    )
    return _card_rows([nka])[0]


def cards_routed(*, user: User) -> dict[str, list]:
    """For a team chair: cards received from another municipality, to consider, and the
    bare fact of cards of their municipality forwarded elsewhere (no case named)."""
    from workflows.models import CardRouting

    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return {"received": [], "forwarded": []}
    chaired = TeamMember.objects.filter(
        professional=professional, role=TeamMember.Role.CHAIR
    ).values("team_id")
    routings = CardRouting.objects.select_related("nka", "procedure").order_by("-routed_at")
    return {
        "received": list(routings.filter(to_team_id__in=chaired)),
        "forwarded": list(routings.filter(from_team_id__in=chaired)),
    }


# --------------------------------------------------------------------------- documents

INITIATOR_KINDS = (DocumentKind.NKA, DocumentKind.NKB)


def documents_for(*, procedure, access: Access, user: User) -> QuerySet[Document]:
    """The documents of ``procedure`` that ``user`` may see, oldest first.

    Team, group and auditors see them all; an initiator sees the NK-A and NK-B of the
    cards they filled.
    """
    documents = Document.objects.filter(procedure=procedure).select_related("generated_by")
    if access.full_read:
        return documents.order_by("kind", "subject", "version")
    own = procedure.nka_forms.filter(initiator=user).values_list("pk", flat=True)
    return documents.filter(
        kind__in=INITIATOR_KINDS, subject__in=[f"nka:{pk}" for pk in own]
    ).order_by("kind", "subject", "version")


def card_documents(*, nka) -> QuerySet[Document]:
    """The NK-A and NK-B of one card: what its initiator may see and print (handing NK-B
    to the victim is the initiator's job), whatever case the card belongs to."""
    return (
        Document.objects.filter(
            procedure_id=nka.procedure_id, kind__in=INITIATOR_KINDS, subject=f"nka:{nka.pk}"
        )
        .select_related("generated_by")
        .order_by("kind", "version")
    )


def document_open(*, user: User, public_id, request=None) -> Document:
    """The document for a download; 404 unless the user may see it. Logged.

    The team, the group and auditors open the documents of the cases they see; an
    initiator opens the NK-A and NK-B of the cards they filled (and nothing else).
    """
    document = (
        Document.objects.filter(public_id=public_id).only("procedure_id", "kind", "subject").first()
    )
    if document is None:
        raise Http404
    try:
        procedure, access = procedure_get(user=user, pk=document.procedure_id)
    except Http404:
        own = (
            document.kind in INITIATOR_KINDS
            and document.subject.startswith("nka:")
            and (professional := professional_for(user)) is not None
            and professional.has_declaration
            and NKA.objects.filter(
                pk=int(document.subject.split(":", 1)[1]),
                procedure_id=document.procedure_id,
                initiator=user,
            ).exists()
        )
        if not own:
            raise
        procedure = Procedure.objects.get(pk=document.procedure_id)
        access = Access(initiator=True)
    document = (
        documents_for(procedure=procedure, access=access, user=user)
        .filter(public_id=public_id)
        .first()
    )
    if document is None:
        raise Http404
    log_event(
        action="document.downloaded",
        actor=user,
        procedure=procedure,
        payload={"document": document.pk, "kind": document.kind, "version": document.version},
        request=request,
    )
    return document
