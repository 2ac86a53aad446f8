"""The one skeleton of every step of a case (style.md, convention 2).

A service is its own rules and writes inside ``step``::

    with step(actor=actor, procedure_id=pk, action="appoint_group", event="group.appointed") as s:
        ...  # check the input against the case, write the rows
        s.meet_deadline(appointed_on)
        s.document(DocumentKind.GROUP_DECISION, f"group:{group.pk}")
        s.payload = {"members": [...]}

``step`` opens one transaction and locks the procedure row; checks that the actor holds
the step's role (``workflows.permissions``) and that the case is where the step happens:
the open task of its node (``workflows.flows.STEPS``; viewflow's ``can_execute`` /
``can_assign`` on the task agree) or one of its stages. On leaving the block it completes
the task (unless the service kept it open: ``StepRun.keep_node_open``), re-derives and
stores the stage (``flows.procedure_stage``), schedules the documents (rendered after
commit) and writes the one audit event. Every event logged inside the block (the step's, the
deadlines met, the tasks', the documents') is appended in one flush at its end, inside the
transaction (``audit.services.audit_batch``). A refusal raises ``ServiceError`` (a
``ValidationError`` keyed by form field names) or ``PermissionDenied`` and writes nothing.
"""

import datetime
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.services import actor_scope, audit_batch, log_event
from forms.models import NKA
from people.models import Person
from workflows import calendar, paperwork
from workflows.figures import figures_refresh
from workflows.flows import (
    OPEN,
    STEPS,
    ProcedureFlow,
    Step,
    open_nodes,
    procedure_in_hand,
    remember_procedure,
    stage_of,
    watching_open_tasks,
)
from workflows.models import (
    Deadline,
    DiagnosticGroup,
    GroupMember,
    Procedure,
    ProtectiveOrder,
    Referral,
    Stage,
)
from workflows.permissions import acts_as, may
from workflows.rules import RuleCode, team_rule
from workflows.selectors import Access, group_gaps
from workflows.selectors.access import access_of, access_questions
from workflows.selectors.groups import composition_gaps
from workflows.signals import taken_unsaved
from workflows.tallies import insert_opened, tally_met


class ServiceError(ValidationError):
    """A refused step; ``message_dict`` maps form field names to messages."""


def refuse(message: str, field_name: str = NON_FIELD_ERRORS) -> ServiceError:
    """The ``ServiceError`` for one message on one field (the whole step by default)."""
    return ServiceError({field_name: [message]})


def record_errors(
    record: models.Model, *, exclude: Iterable[str] = (), prefix: str = ""
) -> dict[str, list[str]]:
    """What the model's own rules (``full_clean``: required fields, choices, lengths,
    validators) say of the unsaved ``record``, by field name with ``prefix`` (``people-0-``);
    ``exclude`` names the fields the step has not set yet. Empty when the record is valid."""
    try:
        _full_clean(record, set(exclude))
    except ValidationError as error:
        return {prefix + key: list(texts) for key, texts in error.message_dict.items()}
    return {}


def _loaded_relations(record: models.Model) -> set[str]:
    """The foreign keys of ``record`` set to an object the step loaded or saved: that it
    exists is known, the database need not be asked again."""
    known = set()
    for relation in record._meta.concrete_fields:
        if isinstance(relation, models.ForeignKey) and relation.is_cached(record):
            related = relation.get_cached_value(record)
            if (
                related is not None
                and not related._state.adding
                and related.pk == getattr(record, relation.attname)
            ):
                known.add(relation.name)
    return known


def _full_clean(record: models.Model, exclude: set[str]) -> None:
    """``record.full_clean(exclude=exclude)``, without one query per foreign key to an object
    the step holds (``_loaded_relations``): the same messages, the same unique and constraint
    checks (Django's ``Model.full_clean``, with the field checks excluding those keys)."""
    errors: dict = {}
    try:
        record.clean_fields(exclude=exclude | _loaded_relations(record))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        record.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    exclude = exclude | {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        record.validate_unique(exclude=exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    exclude |= {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        record.validate_constraints(exclude=exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def check_record(record: models.Model, *, exclude: Iterable[str] = (), prefix: str = "") -> None:
    """Refuse the step (``ServiceError``, the form's field keys) when ``record`` breaks its
    model's rules; see ``record_errors``."""
    errors = record_errors(record, exclude=exclude, prefix=prefix)
    if errors:
        raise ServiceError(errors)


def not_future(day: datetime.date | None, field_name: str) -> None:
    """Refuse a date after today (the legal date in Europe/Warsaw)."""
    if day is not None and day > calendar.legal_date():
        raise refuse(_("The date cannot be in the future."), field_name)


def require_current(record: models.Model) -> None:
    """Refuse a step on a withdrawn or corrected version of a record (``core.records.Revisable``):
    it changes only through its current version."""
    if not record.is_current:  # type: ignore[attr-defined]
        raise refuse(_("This record was withdrawn or corrected; change its current version."))


def lock_procedure(procedure_id: int, *, actor: User | None = None) -> Procedure:
    """Lock the procedure row for the rest of the transaction (no-op on SQLite).

    A missing procedure is refused like an invisible one (``PermissionDenied``). With
    ``actor``, the row comes with the answers to the actor's access questions where they are
    asked of the database (``selectors.access_questions``; ``_step`` reads them).
    """
    # The team and its municipality come with it (its rules, its chair and the county of
    # the compliance tallies are asked by most steps); only the procedure's row is locked.
    rows = Procedure.objects.select_related("team__municipality").select_for_update(of=("self",))
    questions = access_questions(actor) if actor is not None else None
    if questions:
        rows = rows.annotate(**questions)
    try:
        return rows.get(pk=procedure_id)
    except Procedure.DoesNotExist as exc:
        raise PermissionDenied from exc


def procedure_id_of(model: type[models.Model], pk: int) -> int:
    """The procedure of record ``pk`` of ``model``; a missing record is refused like an
    invisible one (``PermissionDenied``)."""
    procedure_id = model._default_manager.filter(pk=pk).values_list("procedure_id", flat=True)
    found = procedure_id.first()
    if found is None:
        raise PermissionDenied
    return found


def add_deadline(
    procedure: Procedure,
    code: RuleCode,
    start: datetime.date,
    *,
    nka: Any = None,
    referral: Referral | None = None,
) -> Deadline | None:
    """Open the statutory deadline ``code`` counted from ``start`` (the case's edition).

    Nothing is opened when the case's edition did not have that deadline (``find_rule``
    gives ``None``, e.g. group creation in a 2011 case): a case is measured only against the
    deadlines of its own edition, so none is shown, reminded or reported late. A rule that is
    a team setting takes the team's period, and none is opened when the team set 0
    (``rules.team_rule``).
    """
    opened = add_deadlines(procedure, [code], start, nka=nka, referral=referral)
    return opened[0] if opened else None


def add_deadlines(
    procedure: Procedure,
    codes: Iterable[RuleCode],
    start: datetime.date,
    *,
    nka: Any = None,
    referral: Referral | None = None,
) -> list[Deadline]:
    """``add_deadline`` for each of ``codes`` from the same ``start``, in one INSERT."""
    deadlines = []
    for code in codes:
        statutory = team_rule(code, procedure.edition, procedure.team)
        if statutory is None:
            continue
        deadlines.append(
            Deadline(
                procedure=procedure,
                rule=code,
                edition=procedure.edition,
                starts_on=start,
                due_on=calendar.due_date(statutory, start),
                nka=nka,
                referral=referral,
                period=statutory.value if statutory.team_setting else None,
            )
        )
    if not deadlines:
        return []
    # The compliance report's open deadlines, counted in the same transaction.
    county = procedure.team.municipality.county
    return insert_opened(deadlines, team_id=procedure.team_id, county=county)


def meet_deadline(procedure: Procedure, code: RuleCode, on: datetime.date, **extra: Any) -> None:
    """Mark the open deadlines ``code`` met on ``on`` and record each, on time or late; count
    them in the compliance report's tallies (``workflows.tallies``) in the same transaction."""
    met = _mark_met(
        Deadline.objects.filter(procedure=procedure, rule=code, met_on__isnull=True, **extra), on
    )
    for deadline in met:
        late = (on - deadline.due_on).days
        log_event(
            action="deadline.met" if late <= 0 else "deadline.met_late",
            procedure=procedure,
            payload={
                "deadline": deadline.pk,
                "rule": deadline.rule,
                "due_on": str(deadline.due_on),
                "met_on": str(on),
                "days_late": max(late, 0),
            },
        )
    tally_met(met, team_id=procedure.team_id, county=procedure.team.municipality.county)


# On PostgreSQL the open deadlines are marked met by one statement that returns them, with
# whether their card or order is withdrawn (what the compliance tallies ask of them).
_MARK_MET = """
UPDATE {table} AS d SET met_on = %s WHERE d.id IN ({chosen})
RETURNING {columns},
    (SELECT withdrawn_at FROM {cards} WHERE id = d.nka_id),
    (SELECT withdrawn_at FROM {orders} WHERE id = d.protective_order_id)
"""


def _mark_met(deadlines: models.QuerySet[Deadline], on: datetime.date) -> list[Deadline]:
    """Mark ``deadlines`` met on ``on``; they are returned in their order (due date, id), each
    with its card and its order (only their withdrawal is known on PostgreSQL)."""
    if connection.vendor != "postgresql":
        met = list(deadlines.select_related("nka", "protective_order"))
        for deadline in met:
            Deadline.objects.filter(pk=deadline.pk).update(met_on=on)
            deadline.met_on = on
        return met
    quote = connection.ops.quote_name
    fields = Deadline._meta.concrete_fields
    chosen, params = deadlines.order_by().values("pk").query.sql_with_params()
    sql = _MARK_MET.format(
        table=quote(Deadline._meta.db_table),
        chosen=chosen,
        columns=", ".join(f"d.{quote(str(f.column))}" for f in fields),
        cards=quote(NKA._meta.db_table),
        orders=quote(ProtectiveOrder._meta.db_table),
    )
    met = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [on, *params])
        for row in cursor.fetchall():
            deadline = Deadline.from_db(connection.alias, [f.attname for f in fields], row[:-2])
            card_withdrawn, order_withdrawn = row[-2:]
            if deadline.nka_id is not None:
                Deadline.nka.field.set_cached_value(
                    deadline, NKA(pk=deadline.nka_id, withdrawn_at=card_withdrawn)
                )
            if deadline.protective_order_id is not None:
                Deadline.protective_order.field.set_cached_value(
                    deadline,
                    ProtectiveOrder(pk=deadline.protective_order_id, withdrawn_at=order_withdrawn),
                )
            met.append(deadline)
    return sorted(met, key=lambda d: (d.due_on, d.pk))


def complete_task(task: Task, actor: User) -> None:
    """Complete a human task from code; ``step`` checked the actor first."""
    if task.owner_id == actor.pk:
        task.owner = actor  # the task's events name the actor without fetching them again
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        # Taken and completed at once: one save with both (viewflow's ``assign`` saves the
        # task, then ``complete`` saves it again); its "assigned" event is logged as that
        # save would have logged it (``signals.taken_unsaved``), before "completed".
        task.owner, task.status = actor, STATUS.ASSIGNED
        taken_unsaved(task)
    activation.start(None)
    activation.execute()


def _stage_refusal(procedure: Procedure, message: str | None = None) -> ServiceError:
    if message:
        return refuse(message)
    if procedure.stage == Stage.CLOSED:
        return refuse(_("The procedure is already closed; a new incident needs a new NK-A."))
    return refuse(
        _("This step is not possible at the stage “%(stage)s”.")
        % {"stage": procedure.get_stage_display()}
    )


def _check_group(procedure: Procedure) -> None:
    """Refuse a meeting of a group that lacks a member the law requires (art. 9a ust. 11
    of the Act: a social worker and a police officer; art. 9c ust. 3: declarations), as it
    stands today, not as it stood at the appointment."""
    # The members with their group, in one read (``group_gaps`` keeps them on the group, the
    # group is kept on the procedure: the meeting asks for both again).
    memberships = list(
        GroupMember.objects.filter(group__procedure=procedure)
        .select_related("group", "professional__user")
        .order_by("id")
    )
    if memberships:
        group = memberships[0].group
        group.procedure = procedure  # as ``procedure.group`` would have linked them
        Procedure.group.related.set_cached_value(procedure, group)
        members = [m.professional for m in memberships]
        group._members_memo = members  # type: ignore[attr-defined]
        gaps = composition_gaps(members)
    else:
        try:
            gaps = group_gaps(procedure.group)
        except DiagnosticGroup.DoesNotExist:
            gaps = [_("the group is not appointed")]
    if gaps:
        raise refuse(
            _(
                "The group is incomplete: %(gaps)s. The team chair completes it before the "
                "group meets (art. 9a ust. 11 of the Act)."
            )
            % {"gaps": "; ".join(gaps)}
        )


@dataclass
class StepRun:
    """One step being taken: what the service writes into, read by ``step`` on exit."""

    actor: User
    procedure: Procedure
    access: Access
    declared: Step
    event: str
    payload: dict[str, Any] = field(default_factory=dict)
    person: Person | None = None
    task: Task | None = None
    documents: list[tuple[str, str]] = field(default_factory=list)
    held: dict[Hashable, Any] = field(default_factory=dict)  # for the documents' reads
    with_stage: list[str] = field(default_factory=list)
    complete_node: bool = True
    open_tasks: list[Task] = field(default_factory=list)
    # The step changed what the county's statistics count (``workflows.figures``).
    figures_changed: bool = False

    def take_node(self) -> Task:
        """Take the open task of the step's node, or refuse.

        ``step`` calls it on entry; a step declared with both a node and stages (the
        transfer of a card) calls it when this run completes the node (the first card).
        The task is one of the open tasks ``step`` locked and read on entry (``_open_tasks``).
        """
        procedure, node_name = self.procedure, self.declared.node
        node = getattr(ProcedureFlow, str(node_name))
        task = next((t for t in self.open_tasks if t.flow_task.name == node_name), None)
        if task is None:
            if procedure.stage != self.declared.stage:
                raise _stage_refusal(procedure)
            raise refuse(_("This step has already been completed, possibly by someone else."))
        if task.owner_id == self.actor.pk:
            task.owner = self.actor  # viewflow's checks and the task's events name the actor
        if not (node.can_execute(self.actor, task) or node.can_assign(self.actor, task)):
            raise PermissionDenied
        self.task = task
        return task

    def take_node_if_open(self) -> Task | None:
        """Take the step's node when its task is open (``take_node``); ``None`` when the case
        is past it (a step declared with a node and ``stages``, taken in one of them)."""
        if self.declared.node in open_nodes(self.procedure):
            return self.take_node()
        return None

    def keep_node_open(self) -> None:
        """Record this step during its node's task without completing it.

        A node whose work is done per person (the meetings: every victim, every suspect)
        completes only with the record that covers the last person; the earlier ones are
        taken "during" the node. The service decides, after writing, whether the node's work
        is done; the skeleton then completes the task (or not) and stores the stage.
        """
        self.complete_node = False

    def save_with_stage(self, *fields: str) -> None:
        """Save these fields of the procedure together with its new stage (one UPDATE, so
        the table's constraints see both: a closed case has its closing date)."""
        self.with_stage.extend(fields)

    def document(self, kind: str, subject: str) -> None:
        """Generate document ``kind`` about ``subject`` once the step is written."""
        self.documents.append((kind, subject))

    def hold(self, reads: dict[Hashable, Any]) -> None:
        """Build the step's documents from ``reads`` (``snapshot_reads.held_meeting``): what
        the step wrote and holds, as the database would return it, is not read back."""
        self.held.update(reads)

    def meet_deadline(self, on: datetime.date, **extra: Any) -> None:
        """Meet the deadline the step is declared to meet (``Step.meets``)."""
        if self.declared.meets is not None:
            meet_deadline(self.procedure, self.declared.meets, on, **extra)

    def open_deadlines(self, start: datetime.date, **extra: Any) -> None:
        """Open the deadlines the step is declared to open (``Step.opens``)."""
        add_deadlines(self.procedure, self.declared.opens, start, **extra)


@contextmanager
def step(
    *, actor: User, procedure_id: int, action: str, event: str, refusal: str | None = None
) -> Iterator[StepRun]:
    """Take the step ``action`` (a key of ``flows.STEPS``) in one transaction; see the module.

    ``event`` is the audit action written on success (the service may change
    ``run.event``, ``run.payload`` and ``run.person`` before the block ends; an empty
    ``run.event`` writes no event, for a step that found nothing to do). ``refusal`` is the
    message when the case is in none of the step's stages (a generic one by default).
    """
    declared = STEPS[action]
    # The step's events (its own, the deadlines met, the tasks' and the documents') are
    # appended together at the end of the block: the audit chain's head is locked from that
    # flush to the commit only (audit.services.audit_batch).
    with actor_scope(), transaction.atomic(), audit_batch():
        procedure = lock_procedure(procedure_id, actor=actor)
        with procedure_in_hand(procedure):
            yield from _step(actor, procedure, action, declared, event, refusal)


def _step(
    actor: User,
    procedure: Procedure,
    action: str,
    declared: Step,
    event: str,
    refusal: str | None,
) -> Iterator[StepRun]:
    """The body of ``step`` with the procedure locked (see ``step``)."""
    access = access_of(actor, procedure)  # asked with the lock (``lock_procedure``)
    if not acts_as(access, declared.actor):
        raise PermissionDenied
    # Until the service's block ends nothing changes who may act or which tasks are open:
    # viewflow's permission check (``permissions.StepBackend``) and ``open_nodes`` reuse
    # what was asked here instead of asking again.
    procedure._access_memo = {actor.pk: access}  # type: ignore[attr-defined]
    run = StepRun(actor=actor, procedure=procedure, access=access, declared=declared, event=event)
    run.open_tasks = _open_tasks(procedure)
    nodes = frozenset(t.flow_task.name for t in run.open_tasks)
    procedure._open_nodes_memo = [nodes]  # type: ignore[attr-defined]
    with watching_open_tasks(
        procedure.process_id or 0, {t.pk: t.flow_task.name for t in run.open_tasks}
    ) as now_open:
        yield from _run(run, actor, procedure, action, declared, refusal, now_open)


def _open_tasks(procedure: Procedure) -> list[Task]:
    """The open tasks of ``procedure``'s process, newest first, locked for the transaction,
    each with its process (which answers the flow's nodes with ``procedure``): where the case
    is, and the task of the step's node (``StepRun.take_node``), in one query."""
    if procedure.process_id is None:
        return []
    tasks = list(
        Task.objects.select_for_update(of=("self",))
        .select_related("process")
        .filter(process_id=procedure.process_id, status__in=OPEN)
        .order_by("-id")
    )
    for task in tasks:
        remember_procedure(task.process, procedure)  # the flow's nodes ask for it again
    return tasks


def _run(
    run: StepRun,
    actor: User,
    procedure: Procedure,
    action: str,
    declared: Step,
    refusal: str | None,
    now_open: dict[int, str],
) -> Iterator[StepRun]:
    """The step from the check of where the case is to its event (see ``step``);
    ``now_open`` follows the process's open tasks (``flows.watching_open_tasks``)."""
    access = run.access
    if declared.node is not None and not declared.stages:
        run.take_node()
    elif not may(access, action, procedure, open_nodes=open_nodes(procedure)):
        raise _stage_refusal(procedure, refusal)
    if declared.needs_full_group:
        _check_group(procedure)
    yield run
    del procedure._access_memo, procedure._open_nodes_memo  # type: ignore[attr-defined]
    if run.task is not None and run.complete_node:
        complete_task(run.task, actor)
        stage = stage_of(frozenset(now_open.values()))
        if stage != procedure.stage or run.with_stage:
            procedure.stage = stage
            procedure.save(update_fields=["stage", *run.with_stage, "updated_at"])
    if run.figures_changed:
        figures_refresh([procedure.pk])
    paperwork.schedule_all(procedure=procedure, documents=run.documents, actor=actor, held=run.held)
    if run.event:
        log_event(
            action=run.event,
            actor=actor,
            procedure=procedure,
            person=run.person,
            payload=run.payload or None,
        )


__all__ = [
    "ServiceError",
    "StepRun",
    "add_deadline",
    "add_deadlines",
    "check_record",
    "complete_task",
    "lock_procedure",
    "meet_deadline",
    "not_future",
    "procedure_id_of",
    "record_errors",
    "refuse",
    "step",
]
