"""Every change of a procedure, one function per step (style.md, convention 2).

Each service runs in one transaction that: locks the procedure row, checks the stage and
the actor's right, writes only what the step changes, appends an audit event, and completes
the viewflow task. Views, the admin, commands and tests all call these functions.

Raises ``ServiceError`` (a ``ValidationError`` whose ``message_dict`` keys are form field
names, ``__all__`` for the whole step) when the input or state refuses the step, and
``PermissionDenied`` when the actor may not take it. Nothing is written in either case.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.services import log_event
from documents.models import DocumentKind
from documents.services import schedule as schedule_document
from forms.models import NKA, NKC, NKD, HelpPlanItem, HelpPlanStatusChange, NKAPerson, ViolenceForm
from people import pesel as pesel_utils
from people import validators
from people.models import Household, Person
from people.services import person_for
from workflows import calendar
from workflows.flows import ProcedureFlow
from workflows.models import (
    STAGE_TRANSITIONS,
    VICTIM_ROLES,
    CardRouting,
    ClosureGround,
    Deadline,
    DiagnosticGroup,
    GroupMember,
    Meeting,
    MonitoringNote,
    Notification,
    Participant,
    Procedure,
    Profession,
    Professional,
    ProtectiveOrder,
    Referral,
    Role,
    Stage,
    Team,
)
from workflows.rules import Edition, RuleCode, edition_on, rule
from workflows.selectors import Access, procedure_access

ADULT_AGE = 18


class ServiceError(ValidationError):
    """A refused step; ``message_dict`` maps form field names to messages."""


def _refuse(message: str, field_name: str = NON_FIELD_ERRORS) -> ServiceError:
    return ServiceError({field_name: [message]})


# --------------------------------------------------------------------------- helpers


def _lock(procedure_id: int) -> Procedure:
    """Lock the procedure row for the rest of the transaction (no-op on SQLite)."""
    try:
        return Procedure.objects.select_for_update().get(pk=procedure_id)
    except Procedure.DoesNotExist as exc:
        raise PermissionDenied from exc


def _access(actor: User, procedure: Procedure) -> Access:
    access = procedure_access(actor, procedure)
    if not access.read or access.auditor:
        # Auditors read only; an invisible procedure is refused like a missing one.
        raise PermissionDenied
    return access


def _require_stage(procedure: Procedure, *allowed: str) -> None:
    if procedure.stage not in allowed:
        raise _refuse(
            _("This step is not possible at the stage “%(stage)s”.")
            % {"stage": procedure.get_stage_display()}
        )


def _move(procedure: Procedure, target: str) -> None:
    if target not in STAGE_TRANSITIONS[procedure.stage]:
        raise _refuse(_("The procedure cannot move to this stage."))
    procedure.stage = target


def _not_future(day: datetime.date | None, field_name: str) -> None:
    if day is not None and day > calendar.legal_date():
        raise _refuse(_("The date cannot be in the future."), field_name)


def _task(procedure: Procedure, node_name: str, actor: User, *, group_task: bool) -> Task:
    """The open viewflow task ``node_name`` of ``procedure``, checked against ``actor``."""
    node = getattr(ProcedureFlow, node_name)
    task = (
        Task.objects.select_for_update()
        .filter(process_id=procedure.process_id, flow_task=node)
        .order_by("-id")
        .first()
    )
    if task is None or task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        raise _refuse(_("This step has already been completed, possibly by someone else."))
    if task.owner_id and task.owner_id != actor.pk:
        raise PermissionDenied
    if task.owner_id is None and not group_task:
        raise PermissionDenied
    return task


def _complete(task: Task, actor: User) -> None:
    """Complete a human task from code; permission was checked by the caller."""
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        activation.assign(actor)
    activation.start(None)
    activation.execute()


def _add_deadline(
    procedure: Procedure,
    code: RuleCode,
    start: datetime.date,
    *,
    nka: NKA | None = None,
    referral: Referral | None = None,
) -> Deadline:
    statutory = rule(code, procedure.edition)
    return Deadline.objects.create(
        procedure=procedure,
        rule=code,
        edition=procedure.edition,
        starts_on=start,
        due_on=calendar.due_date(statutory, start),
        nka=nka,
        referral=referral,
    )


def _meet_deadline(procedure: Procedure, code: RuleCode, on: datetime.date, **extra) -> None:
    """Mark the open deadlines ``code`` met on ``on`` and record each, on time or late."""
    for deadline in Deadline.objects.filter(
        procedure=procedure, rule=code, met_on__isnull=True, **extra
    ):
        Deadline.objects.filter(pk=deadline.pk).update(met_on=on)
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


def _group_member_or_chair(access: Access) -> None:
    if not (access.group_member or access.chair):
        raise PermissionDenied


# --------------------------------------------------------------------------- initiation


@dataclass
class PersonInput:
    first_name: str
    last_name: str
    role: str
    pesel: str = ""
    birth_date: datetime.date | None = None
    sex: str = ""
    parents_names: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    relation: str = ""
    school: str = ""
    disabled: bool = False


@dataclass
class NKAInput:
    place: str
    incident_date: datetime.date
    incident_place: str
    incident_description: str
    people: list[PersonInput]
    violence_forms: list[str] = field(default_factory=list)
    violence_other: str = ""
    visible_injuries: bool = False
    medical_help_given: bool = False
    medical_certificate: bool = False
    suspect_under_influence: bool = False
    victim_under_influence: bool = False
    suspect_has_firearm: bool = False
    victim_feels_in_danger: bool = False
    witnesses: str = ""
    police_called: bool = False
    protective_order_issued: bool = False
    suspect_detained: bool = False
    shelter_arranged: bool = False
    additional_info: str = ""
    nkb_handed: bool = False
    nkb_handed_to: str = ""
    nkb_not_handed_reason: str = ""
    filled_at: datetime.datetime | None = None


def _born(person: PersonInput) -> datetime.date | None:
    """The birth date the law counts: the PESEL's when a PESEL is given, never the typed one."""
    if person.pesel and pesel_utils.is_valid(person.pesel):
        return pesel_utils.birth_date(person.pesel)
    return person.birth_date


def validate_nka(data: NKAInput) -> None:
    """Refuse an NK-A that the law does not allow; raises ``ServiceError``.

    Normalises the people in place: PESEL to 11 digits, names to NFC, phones to E.164.
    """
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    today = calendar.legal_date()
    if data.incident_date > today:
        add("incident_date", _("The date cannot be in the future."))
    roles = [p.role for p in data.people]
    if not any(r in VICTIM_ROLES for r in roles):
        add(NON_FIELD_ERRORS, _("NK-A must list at least one person experiencing violence."))
    if Role.SUSPECT not in roles:
        add(NON_FIELD_ERRORS, _("NK-A must list at least one suspected person."))
    unknown = set(data.violence_forms) - set(ViolenceForm.values)
    if unknown:
        add("violence_forms", _("Unknown form of violence."))
    if not data.violence_forms:
        add("violence_forms", _("Mark at least one form of violence."))
    if ViolenceForm.OTHER in data.violence_forms and not data.violence_other.strip():
        add("violence_other", _("Describe the other form of violence."))
    if not data.nkb_handed and not data.nkb_not_handed_reason.strip():
        add("nkb_not_handed_reason", _("Say why the NK-B form was not handed over."))
    seen_pesel: set[tuple[str, str]] = set()
    for index, person in enumerate(data.people):
        prefix = f"people-{index}-"
        for name_field in ("first_name", "last_name"):
            try:
                setattr(person, name_field, validators.clean_name(getattr(person, name_field)))
            except ValidationError as error:
                add(prefix + name_field, error.messages[0])
        try:
            person.phone = validators.clean_phone(person.phone)
        except ValidationError as error:
            add(prefix + "phone", error.messages[0])
        if person.pesel:
            try:
                person.pesel = pesel_utils.normalise(person.pesel)
            except ValueError:
                add(prefix + "pesel", _("This PESEL number is not valid (checksum or date)."))
                continue
            if (person.pesel, person.role) in seen_pesel:
                add(prefix + "pesel", _("This person is listed twice in the same role."))
            seen_pesel.add((person.pesel, person.role))
            try:
                validators.validate_pesel_agreement(
                    pesel=person.pesel, sex=person.sex, birth_date=person.birth_date
                )
            except ValidationError as error:
                for field_name, messages in error.message_dict.items():
                    for message in messages:
                        add(prefix + field_name, message)
        elif person.birth_date is None:
            add(
                prefix + "birth_date",
                _("Give the PESEL or, where there is none, the date of birth."),
            )
        if person.birth_date and person.birth_date > today:
            add(prefix + "birth_date", _("The date cannot be in the future."))
        born = _born(person)
        if person.role == Role.SUSPECT and born is not None:
            age = (
                data.incident_date.year
                - born.year
                - ((data.incident_date.month, data.incident_date.day) < (born.month, born.day))
            )
            if age < ADULT_AGE:
                # art. 2 pkt 4 of the Act: only an adult can be recorded as using violence.
                add(
                    prefix + "pesel" if person.pesel else prefix + "birth_date",
                    _(
                        "A person under 18 cannot be recorded as suspected of domestic "
                        "violence; a minor's case goes to the family court or the school."
                    ),
                )
    if errors:
        raise ServiceError(errors)


def _person_for(data: PersonInput, household: Household | None) -> Person:
    """The shared person with this PESEL (unchanged), else a new one from the card."""
    return person_for(
        first_name=data.first_name,
        last_name=data.last_name,
        pesel=data.pesel,
        birth_date=data.birth_date,
        sex=data.sex,
        household=household,
        parents_names=data.parents_names,
        address=data.address,
        phone=data.phone,
        email=data.email,
    )


def competent_team(*, professional: Professional, data: NKAInput) -> Team | None:
    """The team competent for a new card: today the team of the filer's own municipality.

    The one place that decides it. Practice names the team of the municipality where the
    victim lives (domain note 4a, "a card filled elsewhere is forwarded"); a later change
    of this function alone moves the rule there. ``None`` when the municipality has no team.
    """
    return getattr(professional.municipality, "team", None)


def open_procedure_for_pesels(
    pesels: Iterable[str], *, team: Team | None = None, exclude_team: Team | None = None
) -> Procedure | None:
    """The open procedure in which any of these PESELs takes part or lives in its household.

    ``team`` limits the search to that team's procedures, ``exclude_team`` to the others'.
    A household member who is not yet a participant still belongs to the household's open
    procedure: a new card naming them joins it.
    """
    pesels = [p for p in pesels if p]
    if not pesels:
        return None
    procedures = Procedure.objects.exclude(stage=Stage.CLOSED).filter(
        Q(participants__person__pesel__in=pesels) | Q(household__members__pesel__in=pesels)
    )
    if team is not None:
        procedures = procedures.filter(team=team)
    if exclude_team is not None:
        procedures = procedures.exclude(team=exclude_team)
    return procedures.order_by("id").first()


@dataclass(frozen=True)
class Filed:
    """What ``procedure_initiate`` did; only the card is for the filer's eyes."""

    procedure: Procedure
    nka: NKA
    joined: bool
    routed: bool

    def __iter__(self):
        # ``procedure, nka, joined = procedure_initiate(...)`` keeps working.
        return iter((self.procedure, self.nka, self.joined))


def procedure_initiate(*, actor: User, data: NKAInput) -> Filed:
    """Record an NK-A. Returns a ``Filed`` (``procedure, nka, joined`` when unpacked).

    The procedure starts at the moment NK-A is filled (§ 2 of the regulation). The card goes
    to the competent team (``competent_team``). When a listed PESEL takes part in, or lives
    in the household of, an open procedure of that team, the card joins it (``joined``) and
    goes to the same group. When the PESEL has an open procedure of ANOTHER team only, the
    card is routed there as a card to consider (``routed``; a ``CardRouting`` row): it adds
    no participant to that case and gives the filer no access to it. Otherwise a new
    procedure opens. What the card says about each person is kept on the card
    (``NKAPerson``); a shared person found by PESEL is linked and never changed.
    """
    professional = getattr(actor, "professional", None)
    if professional is None or not professional.has_declaration:
        raise PermissionDenied
    validate_nka(data)
    team = competent_team(professional=professional, data=data)
    if team is None:
        raise _refuse(_("Your municipality has no interdisciplinary team in the system."))
    filled_at = data.filled_at or timezone.now()
    pesels = [p.pesel for p in data.people]
    with transaction.atomic():
        procedure, joined, routed = None, False, False
        existing = open_procedure_for_pesels(pesels, team=team)
        if existing is None:
            existing = open_procedure_for_pesels(pesels, exclude_team=team)
            routed = existing is not None
        if existing is not None:
            procedure = _lock(existing.pk)
            if procedure.stage == Stage.CLOSED:  # closed meanwhile: start afresh
                procedure, routed = None, False
        if procedure is None:
            procedure = _new_procedure(actor, team, data, filled_at)
        else:
            joined = not routed
        nka = NKA.objects.create(
            procedure=procedure,
            edition=procedure.edition,
            filled_at=filled_at,
            place=data.place,
            initiator=actor,
            initiator_sector=professional.sector,
            initiator_institution=professional.institution,
            incident_date=data.incident_date,
            incident_place=data.incident_place,
            incident_description=data.incident_description,
            violence_forms=sorted(set(data.violence_forms)),
            violence_other=data.violence_other,
            visible_injuries=data.visible_injuries,
            medical_help_given=data.medical_help_given,
            medical_certificate=data.medical_certificate,
            suspect_under_influence=data.suspect_under_influence,
            victim_under_influence=data.victim_under_influence,
            suspect_has_firearm=data.suspect_has_firearm,
            victim_feels_in_danger=data.victim_feels_in_danger,
            witnesses=data.witnesses,
            police_called=data.police_called,
            protective_order_issued=data.protective_order_issued,
            suspect_detained=data.suspect_detained,
            shelter_arranged=data.shelter_arranged,
            additional_info=data.additional_info,
            nkb_handed=data.nkb_handed,
            nkb_handed_to=data.nkb_handed_to,
            nkb_not_handed_reason=data.nkb_not_handed_reason,
        )
        # A routed card's new people join no household of the other municipality.
        household = None if routed else procedure.household
        for person_data in data.people:
            person = _person_for(person_data, household)
            _card_entry(nka, person, person_data)
            if routed:
                continue  # the other team's chair considers the card first
            Participant.objects.get_or_create(
                procedure=procedure,
                person=person,
                role=person_data.role,
                defaults={
                    "relation": person_data.relation,
                    "school": person_data.school,
                    "disabled": person_data.disabled,
                },
            )
        if routed:
            CardRouting.objects.create(
                nka=nka, from_team=team, to_team=procedure.team, procedure=procedure
            )
        _add_deadline(procedure, RuleCode.NKA_TO_CHAIR, calendar.legal_date(filled_at), nka=nka)
        if not (joined or routed):
            process = ProcedureFlow.start.run(_process_data={"procedure": procedure.pk})
            procedure.process = process
            procedure.save(update_fields=["process"])
        schedule_document(
            procedure=procedure, kind=DocumentKind.NKA, subject=f"nka:{nka.pk}", actor=actor
        )
        schedule_document(
            procedure=procedure, kind=DocumentKind.NKB, subject=f"nka:{nka.pk}", actor=actor
        )
        action = "nka.routed" if routed else "nka.joined" if joined else "procedure.initiated"
        payload = {"nka": nka.pk, "people": len(data.people), "edition": procedure.edition}
        if routed:
            payload["from_team"] = team.pk
        log_event(action=action, actor=actor, procedure=procedure, payload=payload)
    return Filed(procedure=procedure, nka=nka, joined=joined, routed=routed)


def _card_entry(nka: NKA, person: Person, data: PersonInput) -> NKAPerson:
    """The card's own record of one person, as typed (the PESEL's date and sex when blank)."""
    birth_date, sex = data.birth_date, data.sex
    if data.pesel:
        birth_date = birth_date or pesel_utils.birth_date(data.pesel)
        sex = sex or ("female" if pesel_utils.sex(data.pesel) == "F" else "male")
    return NKAPerson.objects.create(
        nka=nka,
        person=person,
        role=data.role,
        first_name=data.first_name,
        last_name=data.last_name,
        pesel=data.pesel,
        birth_date=birth_date,
        sex=sex,
        parents_names=data.parents_names,
        address=data.address,
        phone=data.phone,
        email=data.email,
        relation=data.relation,
        school=data.school,
        disabled=data.disabled,
    )


def _new_procedure(actor: User, team: Team, data: NKAInput, filled_at) -> Procedure:
    """Open a procedure of ``team``. A known person's household is reused only when it is
    in the team's municipality; otherwise the card gets a new household."""
    household = None
    for person_data in data.people:
        if person_data.pesel:
            known = Person.objects.filter(
                pesel=person_data.pesel, household__municipality=team.municipality
            ).select_related("household")
            person = known.first()
            if person and person.household:
                household = person.household
                break
    if household is None:
        victim = next(p for p in data.people if p.role in VICTIM_ROLES)
        household = Household.objects.create(
            label=victim.last_name.strip(),
            address=victim.address,
            municipality=team.municipality,
        )
    started = calendar.legal_date(filled_at)
    try:
        with transaction.atomic():
            procedure = Procedure.objects.create(
                number=f"tmp-{timezone.now().timestamp()}-{actor.pk}",
                team=team,
                household=household,
                edition=edition_on(started),
                initiated_on=started,
                initiated_by=actor,
            )
    except IntegrityError as exc:
        # Another NK-A opened a procedure for this household a moment ago (a real race:
        # the open procedure of the household was looked up in this transaction).
        raise _refuse(
            _("A procedure for this household was opened a moment ago; submit the card again.")
        ) from exc
    procedure.number = f"NK/{team.municipality.teryt}/{started.year}/{procedure.pk:05d}"
    procedure.save(update_fields=["number"])
    return procedure


def nka_transfer(
    *,
    actor: User,
    procedure_id: int,
    nka_id: int,
    sent_on: datetime.date,
    received_on: datetime.date,
) -> NKA:
    """The initiator records sending the NK-A original to the chair (§ 7: 5 working days).

    For the procedure's first card this completes the initiation task and moves the case to
    the chair; a card that joined an open procedure is recorded without a stage change.
    """
    _not_future(sent_on, "sent_on")
    _not_future(received_on, "received_on")
    if received_on < sent_on:
        raise _refuse(_("The chair cannot receive the card before it was sent."), "received_on")
    professional = getattr(actor, "professional", None)
    if professional is None or not professional.has_declaration:
        raise PermissionDenied
    with transaction.atomic():
        procedure = _lock(procedure_id)
        # The card's initiator, and only they, record its transfer; they need not (and an
        # initiator alone does not) see the rest of the case.
        nka = NKA.objects.select_for_update().filter(pk=nka_id, procedure=procedure).first()
        if nka is None or nka.initiator_id != actor.pk:
            raise PermissionDenied
        if nka.transferred_on is not None:
            raise _refuse(_("This card has already been sent to the chair."))
        if not nka.is_current:
            raise _refuse(_("This record was withdrawn or corrected; change its current version."))
        if sent_on < calendar.legal_date(nka.filled_at):
            raise _refuse(_("The card cannot be sent before it was filled."), "sent_on")
        # The first card in force (a correction keeps the card's filled_at).
        first = (
            not procedure.nka_forms.current()
            .filter(Q(filled_at__lt=nka.filled_at) | Q(filled_at=nka.filled_at, pk__lt=nka.pk))
            .exists()
        )
        nka.transferred_on = sent_on
        nka.save(update_fields=["transferred_on"])
        _meet_deadline(procedure, RuleCode.NKA_TO_CHAIR, sent_on, nka=nka)
        if first:
            _require_stage(procedure, Stage.INITIATED)
            task = _task(procedure, "transfer_to_chair", actor, group_task=False)
            _move(procedure, Stage.WITH_CHAIR)
            procedure.chair_received_on = received_on
            procedure.save(update_fields=["stage", "chair_received_on", "updated_at"])
            _add_deadline(procedure, RuleCode.GROUP_CREATED, received_on)
            _add_deadline(procedure, RuleCode.NKA_TO_GROUP, received_on)
            _complete(task, actor)
        log_event(
            action="nka.transferred",
            actor=actor,
            procedure=procedure,
            payload={"nka": nka.pk, "sent_on": str(sent_on), "received_on": str(received_on)},
        )
    return nka


# --------------------------------------------------------------------------- the group

REQUIRED_PROFESSIONS = {
    Profession.SOCIAL_WORKER: _("a social worker"),
    Profession.POLICE_OFFICER: _("a police officer"),
}


def group_appoint(
    *, actor: User, procedure_id: int, member_ids: Sequence[int], appointed_on: datetime.date
) -> DiagnosticGroup:
    """The chair appoints the diagnostic-support group (art. 9a ust. 10).

    The group must include a social worker and a police officer (art. 9a ust. 11), and every
    member must have signed the confidentiality declaration (art. 9c ust. 3).
    """
    _not_future(appointed_on, "appointed_on")
    with transaction.atomic():
        procedure = _lock(procedure_id)
        access = _access(actor, procedure)
        if not access.chair:
            raise PermissionDenied
        _require_stage(procedure, Stage.WITH_CHAIR)
        task = _task(procedure, "appoint_group", actor, group_task=False)
        if procedure.chair_received_on and appointed_on < procedure.chair_received_on:
            raise _refuse(
                _("The group cannot be appointed before the chair received the NK-A."),
                "appointed_on",
            )
        members = list(Professional.objects.filter(pk__in=set(member_ids)))
        if len(members) != len(set(member_ids)):
            raise _refuse(_("Unknown member selected."), "members")
        professions = {m.profession for m in members}
        missing = [
            str(label) for code, label in REQUIRED_PROFESSIONS.items() if code not in professions
        ]
        if missing:
            raise _refuse(
                _("The group must include %(missing)s.") % {"missing": ", ".join(missing)},
                "members",
            )
        undeclared = [str(m) for m in members if not m.has_declaration]
        if undeclared:
            raise _refuse(
                _("No confidentiality declaration on record for: %(names)s.")
                % {"names": "; ".join(undeclared)},
                "members",
            )
        group = DiagnosticGroup.objects.create(
            procedure=procedure, appointed_on=appointed_on, appointed_by=actor
        )
        GroupMember.objects.bulk_create([GroupMember(group=group, professional=m) for m in members])
        _move(procedure, Stage.GROUP_APPOINTED)
        procedure.save(update_fields=["stage", "updated_at"])
        _meet_deadline(procedure, RuleCode.GROUP_CREATED, appointed_on)
        _complete(task, actor)
        schedule_document(
            procedure=procedure,
            kind=DocumentKind.GROUP_DECISION,
            subject=f"group:{group.pk}",
            actor=actor,
        )
        for member in members:
            schedule_document(
                procedure=procedure,
                kind=DocumentKind.DECLARATION,
                subject=f"member:{member.pk}",
                actor=actor,
            )
        log_event(
            action="group.appointed",
            actor=actor,
            procedure=procedure,
            payload={"members": sorted(m.pk for m in members), "on": str(appointed_on)},
        )
    return group


def nka_pass_to_group(*, actor: User, procedure_id: int, passed_on: datetime.date) -> Procedure:
    """The chair passes the NK-A to the group members (§ 8: 3 working days)."""
    _not_future(passed_on, "passed_on")
    with transaction.atomic():
        procedure = _lock(procedure_id)
        access = _access(actor, procedure)
        if not access.chair:
            raise PermissionDenied
        _require_stage(procedure, Stage.GROUP_APPOINTED)
        task = _task(procedure, "pass_to_group", actor, group_task=False)
        if passed_on < procedure.group.appointed_on:
            raise _refuse(
                _("The card cannot reach the group before it was appointed."), "passed_on"
            )
        _move(procedure, Stage.MEETINGS)
        procedure.group_received_on = passed_on
        procedure.save(update_fields=["stage", "group_received_on", "updated_at"])
        _meet_deadline(procedure, RuleCode.NKA_TO_GROUP, passed_on)
        _add_deadline(procedure, RuleCode.FIRST_MEETING, passed_on)
        _complete(task, actor)
        log_event(
            action="nka.passed_to_group",
            actor=actor,
            procedure=procedure,
            payload={"on": str(passed_on)},
        )
    return procedure


# --------------------------------------------------------------------------- meetings


@dataclass
class MeetingInput:
    held_on: datetime.date
    place: str
    present_ids: list[int]
    person_id: int
    invited_on: datetime.date | None = None
    minutes: str = ""
    next_meeting_on: datetime.date | None = None
    person_appeared: bool = True


@dataclass
class PlanItemInput:
    form_of_help: str
    action: str
    responsible: str
    due_on: datetime.date


def _record_meeting(
    procedure: Procedure, actor: User, kind: str, data: MeetingInput, allowed_roles: Iterable[str]
) -> tuple[Meeting, Person]:
    _not_future(data.held_on, "held_on")
    _not_future(data.invited_on, "invited_on")
    if data.invited_on and data.invited_on > data.held_on:
        raise _refuse(_("The invitation must precede the meeting."), "invited_on")
    if procedure.group_received_on and data.held_on < procedure.group_received_on:
        raise _refuse(_("The meeting cannot precede the group's receipt of the NK-A."), "held_on")
    participant = (
        Participant.objects.filter(
            procedure=procedure, person_id=data.person_id, role__in=list(allowed_roles)
        )
        .select_related("person")
        .first()
    )
    if participant is None:
        # Meetings with the victim and with the suspect are always separate.
        raise _refuse(_("Choose a person of the right role in this procedure."), "person")
    group_ids = set(procedure.group.memberships.values_list("professional_id", flat=True))
    present = set(data.present_ids)
    if not present or not present <= group_ids:
        raise _refuse(_("Mark the group members present (members of this group only)."), "present")
    meeting = Meeting.objects.create(
        procedure=procedure,
        kind=kind,
        invited_on=data.invited_on,
        held_on=data.held_on,
        place=data.place,
        person_appeared=data.person_appeared,
        minutes=data.minutes,
        next_meeting_on=data.next_meeting_on,
        recorded_by=actor,
    )
    meeting.present.set(present)
    if data.person_appeared:
        meeting.heard.add(participant.person)
    return meeting, participant.person


def _after_meeting(procedure: Procedure, held_on: datetime.date, task: Task, actor: User) -> None:
    _meet_deadline(procedure, RuleCode.FIRST_MEETING, held_on)
    _complete(task, actor)
    # The join fires once both meetings are done: the case moves to actions.
    actions_open = Task.objects.filter(
        process_id=procedure.process_id,
        flow_task=ProcedureFlow.actions,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    ).exists()
    if actions_open:
        _move(procedure, Stage.ACTIONS)
        procedure.save(update_fields=["stage", "updated_at"])


@dataclass
class NKCInput:
    situation: str
    first_act: str
    last_act: str
    needs: str
    risk_assessment: str
    safety_how_to_act: str
    repeated_acts: str = ""
    most_dangerous_act: str = ""
    safety_contacts: str = ""
    safety_place: str = ""
    safety_documents_ready: bool = False


def victim_meeting_record(
    *,
    actor: User,
    procedure_id: int,
    meeting: MeetingInput,
    nkc: NKCInput,
    plan: Sequence[PlanItemInput],
) -> NKC:
    """The group meets the victim: NK-C, the individual help plan and the safety plan."""
    if not meeting.person_appeared:
        raise _refuse(_("NK-C is filled with the victim present."), "person_appeared")
    if not plan:
        raise _refuse(_("The individual help plan needs at least one action."))
    with transaction.atomic():
        procedure = _lock(procedure_id)
        access = _access(actor, procedure)
        if not access.group_member:
            raise PermissionDenied
        _require_stage(procedure, Stage.MEETINGS)
        task = _task(procedure, "victim_meeting", actor, group_task=True)
        record, victim = _record_meeting(
            procedure, actor, Meeting.Kind.VICTIM, meeting, VICTIM_ROLES
        )
        form = NKC.objects.create(
            procedure=procedure,
            meeting=record,
            victim=victim,
            edition=procedure.edition,
            created_by=actor,
            **nkc.__dict__,
        )
        HelpPlanItem.objects.bulk_create(
            [HelpPlanItem(procedure=procedure, nkc=form, **item.__dict__) for item in plan]
        )
        _after_meeting(procedure, meeting.held_on, task, actor)
        kinds = [DocumentKind.NKC, DocumentKind.MINUTES]
        if meeting.invited_on:
            kinds.insert(0, DocumentKind.VICTIM_INVITATION)
        for kind in kinds:
            schedule_document(
                procedure=procedure, kind=kind, subject=f"meeting:{record.pk}", actor=actor
            )
        log_event(
            action="meeting.victim_held",
            actor=actor,
            procedure=procedure,
            person=victim,
            payload={"meeting": record.pk, "nkc": form.pk, "plan_items": len(plan)},
        )
    return form


@dataclass
class NKDInput:
    situation: str = ""
    substances: str = ""
    consequences_explained: bool = False
    statement: str = ""
    agreed_programme: str = ""
    agreed_alcohol_commission: bool = False
    agreed_other: str = ""
    initiation_notice_sent_on: datetime.date | None = None


def suspect_meeting_record(
    *, actor: User, procedure_id: int, meeting: MeetingInput, nkd: NKDInput
) -> NKD:
    """The group meets the suspect separately: NK-D, or the notification of initiation."""
    if meeting.person_appeared and not nkd.consequences_explained:
        raise _refuse(
            _("Record that the legal consequences were explained."), "consequences_explained"
        )
    if not meeting.person_appeared and nkd.initiation_notice_sent_on is None:
        raise _refuse(
            _("When the suspect does not appear, record the notification of initiation."),
            "initiation_notice_sent_on",
        )
    _not_future(nkd.initiation_notice_sent_on, "initiation_notice_sent_on")
    with transaction.atomic():
        procedure = _lock(procedure_id)
        access = _access(actor, procedure)
        if not access.group_member:
            raise PermissionDenied
        _require_stage(procedure, Stage.MEETINGS)
        task = _task(procedure, "suspect_meeting", actor, group_task=True)
        record, suspect = _record_meeting(
            procedure, actor, Meeting.Kind.SUSPECT, meeting, [Role.SUSPECT]
        )
        form = NKD.objects.create(
            procedure=procedure,
            meeting=record,
            suspect=suspect,
            edition=procedure.edition,
            appeared=meeting.person_appeared,
            created_by=actor,
            **nkd.__dict__,
        )
        _after_meeting(procedure, meeting.held_on, task, actor)
        kinds = [
            DocumentKind.NKD if meeting.person_appeared else DocumentKind.INITIATION_NOTICE,
            DocumentKind.MINUTES,
        ]
        if meeting.invited_on:
            kinds.insert(0, DocumentKind.SUSPECT_SUMMONS)
        for kind in kinds:
            schedule_document(
                procedure=procedure, kind=kind, subject=f"meeting:{record.pk}", actor=actor
            )
        log_event(
            action="meeting.suspect_held" if meeting.person_appeared else "meeting.suspect_absent",
            actor=actor,
            procedure=procedure,
            person=suspect,
            payload={"meeting": record.pk, "nkd": form.pk},
        )
    return form


# --------------------------------------------------------------------------- actions

ACTIVE_STAGES = (Stage.MEETINGS, Stage.ACTIONS)


def help_plan_item_add(*, actor: User, procedure_id: int, item: PlanItemInput) -> HelpPlanItem:
    with transaction.atomic():
        procedure = _lock(procedure_id)
        _group_member_or_chair(_access(actor, procedure))
        _require_stage(procedure, *ACTIVE_STAGES)
        nkc = procedure.nkc_forms.order_by("-id").first()
        if nkc is None:
            raise _refuse(_("The help plan starts with NK-C at the meeting with the victim."))
        created = HelpPlanItem.objects.create(procedure=procedure, nkc=nkc, **item.__dict__)
        log_event(
            action="help_plan.item_added",
            actor=actor,
            procedure=procedure,
            payload={"item": created.pk, "form_of_help": item.form_of_help},
        )
    return created


def help_plan_item_set_status(
    *, actor: User, item_id: int, status: str, note: str = ""
) -> HelpPlanItem:
    """Change a help-plan action's status; every change and its note is kept as a
    ``HelpPlanStatusChange`` (the item shows the latest note)."""
    if status not in HelpPlanItem.Status.values:
        raise _refuse(_("Unknown status."), "status")
    if status == HelpPlanItem.Status.DROPPED and not note.strip():
        raise _refuse(_("Give the reason for dropping the action."), "status_note")
    item = HelpPlanItem.objects.filter(pk=item_id).only("procedure_id").first()
    if item is None:
        raise PermissionDenied
    with transaction.atomic():
        procedure = _lock(item.procedure_id)
        _group_member_or_chair(_access(actor, procedure))
        _require_stage(procedure, *ACTIVE_STAGES)
        item = HelpPlanItem.objects.select_for_update().get(pk=item_id)
        if not item.is_current:
            raise _refuse(_("This record was withdrawn or corrected; change its current version."))
        old = item.status
        item.status = status
        item.status_note = note
        item.save(update_fields=["status", "status_note"])
        change = HelpPlanStatusChange.objects.create(
            item=item, from_status=old, to_status=status, note=note, changed_by=actor
        )
        log_event(
            action="help_plan.item_status",
            actor=actor,
            procedure=procedure,
            payload={"item": item.pk, "from": old, "to": status, "change": change.pk},
        )
    return item


def _suspect(procedure: Procedure, person_id: int) -> Person:
    participant = (
        Participant.objects.filter(procedure=procedure, person_id=person_id, role=Role.SUSPECT)
        .select_related("person")
        .first()
    )
    if participant is None:
        raise _refuse(_("Choose a suspected person of this procedure."), "person")
    return participant.person


def referral_record(
    *,
    actor: User,
    procedure_id: int,
    person_id: int,
    programme: str,
    provider: str,
    referred_on: datetime.date,
    received_on: datetime.date,
) -> Referral:
    """The team refers the perpetrator to a programme (art. 9b): 30 days to report."""
    _not_future(referred_on, "referred_on")
    _not_future(received_on, "received_on")
    if received_on < referred_on:
        raise _refuse(_("The referral cannot be received before it was issued."), "received_on")
    if programme not in Referral.Programme.values:
        raise _refuse(_("Unknown programme."), "programme")
    with transaction.atomic():
        procedure = _lock(procedure_id)
        _group_member_or_chair(_access(actor, procedure))
        _require_stage(procedure, *ACTIVE_STAGES)
        person = _suspect(procedure, person_id)
        referral = Referral.objects.create(
            procedure=procedure,
            person=person,
            programme=programme,
            provider=provider,
            referred_on=referred_on,
            received_on=received_on,
            created_by=actor,
        )
        _add_deadline(procedure, RuleCode.PROGRAMME_REPORT, received_on, referral=referral)
        schedule_document(
            procedure=procedure,
            kind=DocumentKind.REFERRAL,
            subject=f"referral:{referral.pk}",
            actor=actor,
        )
        log_event(
            action="referral.issued",
            actor=actor,
            procedure=procedure,
            person=person,
            payload={"referral": referral.pk, "programme": programme},
        )
    return referral


def referral_certificate_record(
    *, actor: User, referral_id: int, certificate: str, received_on: datetime.date
) -> Referral:
    """Record the certificate of reporting (``"reported"``) or of completion (``"completed"``)."""
    referral = Referral.objects.filter(pk=referral_id).only("procedure_id").first()
    if referral is None:
        raise PermissionDenied
    with transaction.atomic():
        procedure = _lock(referral.procedure_id)
        _group_member_or_chair(_access(actor, procedure))
        return record_programme_certificate(
            actor=actor,
            procedure=procedure,
            referral_id=referral_id,
            certificate=certificate,
            received_on=received_on,
        )


def record_programme_certificate(
    *, actor: User, procedure: Procedure, referral_id: int, certificate: str, received_on
) -> Referral:
    """The certificate itself, for a caller that has locked ``procedure`` and checked the actor.

    Used by the group (a certificate received from the provider) and by the crisis centre
    running the programme (``centre.services``: enrolment reports, finishing completes).
    """
    _not_future(received_on, "received_on")
    if certificate not in ("reported", "completed"):
        raise _refuse(_("Unknown certificate."), "certificate")
    referral = Referral.objects.select_for_update().get(pk=referral_id, procedure=procedure)
    if received_on < referral.received_on:
        raise _refuse(_("The certificate cannot precede the referral."), "received_on")
    if certificate == "reported":
        if referral.reported_on:
            raise _refuse(_("The certificate of reporting is already recorded."))
        referral.reported_on = received_on
        _meet_deadline(procedure, RuleCode.PROGRAMME_REPORT, received_on, referral=referral)
    else:
        if referral.reported_on is None:
            raise _refuse(_("Record the certificate of reporting first."))
        if referral.completed_on:
            raise _refuse(_("The certificate of completion is already recorded."))
        referral.completed_on = received_on
    referral.save(update_fields=["reported_on", "completed_on"])
    log_event(
        action=f"referral.{certificate}",
        actor=actor,
        procedure=procedure,
        person=referral.person,
        payload={"referral": referral.pk, "on": str(received_on)},
    )
    return referral


def protective_order_record(
    *,
    actor: User,
    procedure_id: int,
    person_id: int,
    kind: str,
    issuer: str,
    issued_on: datetime.date,
    court_extended_until: datetime.date | None = None,
) -> ProtectiveOrder:
    """Record a police / ŻW protective order; it expires after 14 days (art. 15ak)."""
    _not_future(issued_on, "issued_on")
    if kind not in ProtectiveOrder.Kind.values:
        raise _refuse(_("Unknown kind of order."), "kind")
    if issuer not in ProtectiveOrder.Issuer.values:
        raise _refuse(_("Unknown issuer."), "issuer")
    with transaction.atomic():
        procedure = _lock(procedure_id)
        _group_member_or_chair(_access(actor, procedure))
        _require_stage(procedure, *ACTIVE_STAGES)
        person = _suspect(procedure, person_id)
        validity = rule(RuleCode.PROTECTIVE_ORDER, procedure.edition)
        expires_on = calendar.due_date(validity, issued_on, roll_forward=False)
        if court_extended_until and court_extended_until <= expires_on:
            raise _refuse(
                _("A court extension must end after the order's own expiry."),
                "court_extended_until",
            )
        order = ProtectiveOrder.objects.create(
            procedure=procedure,
            person=person,
            kind=kind,
            issuer=issuer,
            issued_on=issued_on,
            expires_on=expires_on,
            court_extended_until=court_extended_until,
            created_by=actor,
        )
        log_event(
            action="protective_order.recorded",
            actor=actor,
            procedure=procedure,
            person=person,
            payload={"order": order.pk, "kind": kind, "expires_on": str(expires_on)},
        )
    return order


def notification_record(
    *,
    actor: User,
    procedure_id: int,
    kind: str,
    addressee: str,
    sent_on: datetime.date,
    reason: str,
    person_id: int | None = None,
) -> Notification:
    """Record a misdemeanour notification (art. 66c k.w.) or a notice to the prosecutor,
    the police or the alcohol commission."""
    _not_future(sent_on, "sent_on")
    if kind not in Notification.Kind.values:
        raise _refuse(_("Unknown kind of notification."), "kind")
    with transaction.atomic():
        procedure = _lock(procedure_id)
        _group_member_or_chair(_access(actor, procedure))
        _require_stage(procedure, *ACTIVE_STAGES)
        person = _suspect(procedure, person_id) if person_id else None
        if kind == Notification.Kind.MISDEMEANOUR and person is None:
            raise _refuse(_("A misdemeanour notification concerns a suspected person."), "person")
        notification = Notification.objects.create(
            procedure=procedure,
            kind=kind,
            addressee=addressee,
            sent_on=sent_on,
            reason=reason,
            concerning=person,
            created_by=actor,
        )
        schedule_document(
            procedure=procedure,
            kind=DocumentKind.MISDEMEANOUR
            if kind == Notification.Kind.MISDEMEANOUR
            else DocumentKind.NOTICE,
            subject=f"notification:{notification.pk}",
            actor=actor,
        )
        log_event(
            action="notification.sent",
            actor=actor,
            procedure=procedure,
            person=person,
            payload={"notification": notification.pk, "kind": kind},
        )
    return notification


def monitoring_note_add(
    *, actor: User, procedure_id: int, visited_on: datetime.date, note: str
) -> MonitoringNote:
    """A monitoring visit or contact; after closure only while monitoring runs."""
    _not_future(visited_on, "visited_on")
    with transaction.atomic():
        procedure = _lock(procedure_id)
        _group_member_or_chair(_access(actor, procedure))
        after_closure = procedure.stage == Stage.CLOSED
        if after_closure and not (
            procedure.monitor_until
            and procedure.closed_on is not None
            and procedure.closed_on <= visited_on <= procedure.monitor_until
        ):
            raise _refuse(_("The procedure is closed and not under monitoring on that date."))
        if not after_closure:
            _require_stage(procedure, *ACTIVE_STAGES)
        created = MonitoringNote.objects.create(
            procedure=procedure,
            visited_on=visited_on,
            note=note,
            after_closure=after_closure,
            author=actor,
        )
        log_event(
            action="monitoring.note_added",
            actor=actor,
            procedure=procedure,
            payload={"note_id": created.pk, "after_closure": after_closure},
        )
    return created


# --------------------------------------------------------------------------- closure


def procedure_close(
    *, actor: User, procedure_id: int, ground: str, closed_on: datetime.date, summary: str
) -> Procedure:
    """Close the procedure on one of the two grounds (§ 18 of the regulation). Final.

    Ground 1 (violence stopped) is refused while any help-plan action is still open.
    """
    _not_future(closed_on, "closed_on")
    if ground not in ClosureGround.values:
        raise _refuse(_("Choose the ground for closure."), "ground")
    if not summary.strip():
        raise _refuse(_("Describe the actions taken."), "summary")
    with transaction.atomic():
        procedure = _lock(procedure_id)
        _group_member_or_chair(_access(actor, procedure))
        if procedure.stage == Stage.CLOSED:
            raise _refuse(_("The procedure is already closed; a new incident needs a new NK-A."))
        _require_stage(procedure, Stage.ACTIONS)
        task = _task(procedure, "actions", actor, group_task=True)
        if (
            ground == ClosureGround.VIOLENCE_STOPPED
            and procedure.help_plan_items.current().filter(status=HelpPlanItem.Status.OPEN).exists()
        ):
            raise _refuse(
                _(
                    "Closure on this ground needs the individual help plan carried out: "
                    "some actions are still open."
                ),
                "ground",
            )
        last_meeting = (
            procedure.meetings.current()
            .order_by("-held_on")
            .values_list("held_on", flat=True)
            .first()
        )
        if last_meeting and closed_on < last_meeting:
            raise _refuse(_("Closure cannot precede the last meeting."), "closed_on")
        _move(procedure, Stage.CLOSED)
        procedure.closed_on = closed_on
        procedure.closed_by = actor
        procedure.closure_ground = ground
        procedure.closure_summary = summary
        months = procedure.team.post_closure_monitoring_months
        procedure.monitor_until = closed_on + relativedelta(months=months) if months else None
        procedure.save(
            update_fields=[
                "stage",
                "closed_on",
                "closed_by",
                "closure_ground",
                "closure_summary",
                "monitor_until",
                "updated_at",
            ]
        )
        _complete(task, actor)
        for kind in (DocumentKind.CLOSURE_PROTOCOL, DocumentKind.CLOSURE_NOTICE):
            schedule_document(
                procedure=procedure, kind=kind, subject=f"procedure:{procedure.pk}", actor=actor
            )
        log_event(
            action="procedure.closed",
            actor=actor,
            procedure=procedure,
            payload={"ground": ground, "on": str(closed_on)},
        )
    return procedure


def post_closure_monitoring_end(*, actor: User, procedure_id: int) -> Procedure:
    """End the monitoring after closure: the process reaches its end."""
    with transaction.atomic():
        procedure = _lock(procedure_id)
        _group_member_or_chair(_access(actor, procedure))
        _require_stage(procedure, Stage.CLOSED)
        task = _task(procedure, "post_closure_monitoring", actor, group_task=True)
        _complete(task, actor)
        log_event(action="monitoring.ended", actor=actor, procedure=procedure)
    return procedure


__all__ = [
    "Edition",
    "MeetingInput",
    "NKAInput",
    "NKCInput",
    "NKDInput",
    "PersonInput",
    "PlanItemInput",
    "ServiceError",
]
