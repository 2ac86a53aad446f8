"""Initiation: an NK-A card is filed and its original sent to the chair (§ 2, § 7 of
Dz.U. 2023 poz. 1870)."""

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import actor_scope, audit_batch, log_event
from documents.models import DocumentKind
from forms.models import NKA, NKAPerson, VictimPresence, ViolenceForm
from people import pesel as pesel_utils
from people import validators
from people.models import Household, Person
from people.services import persons_by_pesel
from workflows import calendar, notifications, paperwork, permissions
from workflows.figures import figures_initiated, figures_refresh
from workflows.flows import ProcedureFlow, procedure_in_hand
from workflows.models import (
    VICTIM_ROLES,
    CardRouting,
    Procedure,
    Professional,
    ProtectiveOrder,
    Role,
    Stage,
    Team,
)
from workflows.rules import RuleCode, edition_on
from workflows.services.actions import order_save
from workflows.services.card_people import card_people_record
from workflows.services.orders import ORDER_PREFIX, check_card_order
from workflows.services.risk import risk_new_card
from workflows.steps import (
    ServiceError,
    User,
    add_deadlines,
    lock_procedure,
    not_future,
    record_errors,
    refuse,
    require_current,
    step,
)

ADULT_AGE = 18


# The card's fields the step decides, not the filer: set when the card is filed.
_CARD_SET_BY_STEP = ("procedure", "edition")
_ENTRY_SET_BY_STEP = ("nka", "person")
# The keys of the errors of an order filed with the card: the NK-A page's one order form.


def _born(person: NKAPerson) -> datetime.date | None:
    """The birth date the law counts: the PESEL's when a PESEL is given, never the typed one."""
    if person.pesel and pesel_utils.is_valid(person.pesel):
        return pesel_utils.birth_date(person.pesel)
    return person.birth_date


def validate_nka(card: NKA, people: Sequence[NKAPerson]) -> None:
    """Refuse an NK-A that the law does not allow; raises ``ServiceError``.

    ``card`` and ``people`` are the unsaved records as the step has completed them (all but
    their procedure, edition and links). The rules of the whole card come first (roles,
    forms of violence, a suspect under 18, a PESEL twice); then each record's own model
    rules (``full_clean``: required fields, choices, lengths) for the fields not refused
    yet. A person's keys are ``people-<n>-<field>``. Normalises the people in place: PESEL
    to 11 digits, names to NFC, phones to E.164.
    """
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    today = calendar.legal_date()
    incident_date = card.incident_date
    if incident_date and incident_date > today:
        add("incident_date", _("The date cannot be in the future."))
    roles = [p.role for p in people]
    if not any(r in VICTIM_ROLES for r in roles):
        add(NON_FIELD_ERRORS, _("NK-A must list at least one person experiencing violence."))
    if Role.SUSPECT not in roles:
        add(NON_FIELD_ERRORS, _("NK-A must list at least one suspected person."))
    violence_forms = card.violence_forms or []
    unknown = set(violence_forms) - set(ViolenceForm.values)
    if unknown:
        add("violence_forms", _("Unknown form of violence."))
    if not violence_forms:
        add("violence_forms", _("Mark at least one form of violence."))
    if ViolenceForm.OTHER in violence_forms and not card.violence_other.strip():
        add("violence_other", _("Describe the other form of violence."))
    if not card.nkb_handed and not card.nkb_not_handed_reason.strip():
        add("nkb_not_handed_reason", _("Say why the NK-B form was not handed over."))
    _check_victim_presence(card, people, today, add)
    seen_pesel: set[tuple[str, str]] = set()
    for index, person in enumerate(people):
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
        if person.role == Role.SUSPECT and born is not None and incident_date is not None:
            age = (
                incident_date.year
                - born.year
                - ((incident_date.month, incident_date.day) < (born.month, born.day))
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
    # The models' own rules, on what the rules above have not refused already.
    found = record_errors(card, exclude=_CARD_SET_BY_STEP)
    for index, person in enumerate(people):
        found.update(record_errors(person, exclude=_ENTRY_SET_BY_STEP, prefix=f"people-{index}-"))
    for key, messages in found.items():
        if key not in errors:
            errors[key] = messages
    if errors:
        raise ServiceError(errors)


def _is_adult_victim(person: NKAPerson, on: datetime.date) -> bool:
    born = _born(person)
    if person.role not in VICTIM_ROLES or born is None:
        return False
    return (on.year - born.year - ((on.month, on.day) < (born.month, born.day))) >= ADULT_AGE


def _check_victim_presence(
    card: NKA,
    people: Sequence[NKAPerson],
    today: datetime.date,
    add: Callable[[str, str], None],
) -> None:
    """§ 2 ust. 5–6 of Dz.U. 2023 poz. 1870: NK-A is filled in the adult victim's presence;
    when it is not (the victim's absence, health, or danger to their life or health), the
    card says why, and when direct contact was made. The contact cannot precede the
    incident nor lie in the future. "No adult victim" only when the card lists none."""
    filled_on = calendar.legal_date(card.filled_at) if card.filled_at else today
    adult_listed = any(_is_adult_victim(p, filled_on) for p in people)
    if not adult_listed and card.victim_presence == VictimPresence.PRESENT:
        # The rule is about adults: a card listing only children records that it has none.
        card.victim_presence = VictimPresence.NO_ADULT_VICTIM
    presence = card.victim_presence
    if not presence:
        add("victim_presence", _("Say whether the adult victim was present."))
    elif presence == VictimPresence.NO_ADULT_VICTIM and adult_listed:
        add("victim_presence", _("The card lists an adult victim: say whether they were present."))
    elif presence == VictimPresence.ABSENT and not adult_listed:
        add("victim_presence", _("The card lists no adult victim."))
    if presence == VictimPresence.ABSENT:
        if not card.victim_absence_reason:
            add("victim_absence_reason", _("Say why the adult victim was not present."))
    else:
        if card.victim_absence_reason:
            add(
                "victim_absence_reason",
                _("Give a reason only when the adult victim was not present."),
            )
        if card.victim_contact_on:
            add(
                "victim_contact_on",
                _("Give the contact date only when the adult victim was not present."),
            )
    contact = card.victim_contact_on
    if contact:
        if contact > today:
            add("victim_contact_on", _("The date cannot be in the future."))
        elif card.incident_date and contact < card.incident_date:
            add("victim_contact_on", _("Contact cannot be made before the incident."))


def victim_presence_errors(card: NKA, people: Sequence[NKAPerson]) -> dict[str, list[str]]:
    """What ``validate_nka`` says of the card's presence fields (§ 2 ust. 5–6 of Dz.U. 2023
    poz. 1870), by field name; a correction of the card is held to the same rules."""
    errors: dict[str, list[str]] = {}
    _check_victim_presence(
        card,
        people,
        calendar.legal_date(),
        lambda name, message: errors.setdefault(name, []).append(message),
    )
    return errors


def competent_team(*, professional: Professional, card: NKA) -> Team | None:
    """The team competent for a new card: the team of the municipality where the victim
    lives (``NKA.victim_municipality``; the filer's own municipality when the card does not
    say) [practice, domain note 4a: "a card filled elsewhere is forwarded"].

    The one place that decides it. ``None`` when that municipality has no team in the
    system.
    """
    municipality_id = card.victim_municipality_id or professional.municipality_id
    # With its municipality: the case number carries its TERYT code.
    return (
        Team.objects.filter(municipality_id=municipality_id).select_related("municipality").first()
    )


def open_procedure_for_pesels(
    pesels: Iterable[str],
    *,
    team: Team | None = None,
    exclude_team: Team | None = None,
    prefer_team: Team | None = None,
) -> Procedure | None:
    """The open procedure in which any of these PESELs takes part or lives in its household.

    ``team`` limits the search to that team's procedures, ``exclude_team`` to the others'.
    ``prefer_team``: that team's procedure when there is one, else another team's (what
    ``team=`` then ``exclude_team=`` would find, in one query). A household member who is
    not yet a participant still belongs to the household's open procedure: a new card
    naming them joins it.
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
    if prefer_team is not None:
        other = Case(When(team=prefer_team, then=Value(0)), default=Value(1))
        return procedures.annotate(other_team=other).order_by("other_team", "id").first()
    return procedures.order_by("id").first()


@dataclass(frozen=True)
class Filed:
    """What ``procedure_initiate`` did; only the card is for the filer's eyes."""

    procedure: Procedure
    nka: NKA
    joined: bool
    routed: bool
    # The competent team of the victim's municipality, when not the filer's own: the filer
    # is told its name (they chose the municipality; it says nothing of any case).
    forwarded_to: Team | None = None

    def __iter__(self) -> Iterator[Any]:
        # ``procedure, nka, joined = procedure_initiate(...)`` keeps working.
        return iter((self.procedure, self.nka, self.joined))


def procedure_initiate(
    *,
    actor: User,
    card: NKA,
    people: Sequence[NKAPerson],
    order: ProtectiveOrder | None = None,
    order_against: NKAPerson | None = None,
) -> Filed:
    """File the NK-A ``card`` listing ``people``. Returns a ``Filed`` (``procedure, nka,
    joined`` when unpacked).

    ``card`` and ``people`` are unsaved records (what the NK-A ModelForm and its people's
    formset give with ``save(commit=False)``); the step sets what it decides (the initiator,
    their sector and institution, the filling time when not given, the procedure and its
    edition, each entry's shared person), validates them (``validate_nka``) and saves them.
    The procedure starts at the moment NK-A is filled (§ 2 of the regulation). The card goes
    to the competent team (``competent_team``). When a listed PESEL takes part in, or lives
    in the household of, an open procedure of that team, the card joins it (``joined``) and
    goes to the same group. When the PESEL has an open procedure of ANOTHER team only, the
    card is routed there as a card to consider (``routed``; a ``CardRouting`` row): it adds
    no participant to that case and gives the filer no access to it. Otherwise a new
    procedure opens. What the card says about each person is kept on the card
    (``NKAPerson``); a shared person found by PESEL is linked and never changed.

    ``order`` is the unsaved Police / ŻW protective order the card records (usually issued
    at the intervention by the officer filling the card, ustawa o Policji art. 15aa–15aab),
    against the suspect ``order_against`` (one of ``people``; the card's only suspect when
    ``None``). It is checked with the card (errors keyed ``order-0-<field>``) and recorded in
    the same transaction, with its expiry deadline (``actions.order_save``), in the
    procedure the card opened, joined or was routed to; the card's one audit event names it.
    A card that only says an order was issued (``protective_order_issued``) records none:
    the case page then asks the chair and the group to record it.

    When the victim lives in another municipality (``card.victim_municipality``) the card
    is that municipality's team's: it joins the household's open procedure there or opens
    one, and a ``CardRouting`` row (reason ``residence``) is all the filer's own team
    keeps. The filer, as for every card, sees only the card and still sends its original
    to the chair, now the competent team's chair (§ 7). A municipality with no team in
    the system is refused, and nothing is written.
    """
    professional = getattr(actor, "professional", None)
    if professional is None or not professional.has_declaration:
        raise PermissionDenied
    if not permissions.may_file_nka(professional):
        # § 2 ust. 2 of the regulation: only the bodies of art. 9a ust. 11–11d fill NK-A.
        raise PermissionDenied(permissions.nka_filing_refusal(professional))
    card.initiator = actor
    card.initiator_sector = professional.sector
    card.initiator_institution = professional.institution
    card.filled_at = card.filled_at or timezone.now()
    if card.victim_municipality_id is None:
        card.victim_municipality = professional.municipality
    errors: dict[str, list[str]] = {}
    try:
        validate_nka(card, people)
    except ServiceError as error:
        errors.update(error.message_dict)
    if order is not None:
        order_against = check_card_order(card, people, order, order_against, errors)
    if errors:
        raise ServiceError(errors)
    card.violence_forms = sorted(set(card.violence_forms))
    team = competent_team(professional=professional, card=card)
    if team is None:
        if card.victim_municipality_id == professional.municipality_id:
            raise refuse(_("Your municipality has no interdisciplinary team in the system."))
        raise refuse(
            _(
                "%(municipality)s has no interdisciplinary team in the system: the card "
                "cannot be forwarded there through it. Send the card to that municipality's "
                "team on paper, or choose the municipality where the victim lives."
            )
            % {"municipality": card.victim_municipality},
            "victim_municipality",
        )
    own_team = (
        team
        if team.municipality_id == professional.municipality_id
        else Team.objects.filter(municipality_id=professional.municipality_id).first()
    )
    forwarded = own_team is None or own_team.pk != team.pk
    pesels = [p.pesel for p in people]
    # Not a ``step`` (no procedure yet): its events (the process's first task, the card, the
    # documents) are appended in one flush all the same (audit.services.audit_batch).
    with actor_scope(), transaction.atomic(), audit_batch():
        procedure, joined, routed = None, False, False
        known = persons_by_pesel(pesels)  # read once: the household below, the people after
        existing = open_procedure_for_pesels(pesels, prefer_team=team)
        routed = existing is not None and existing.team_id != team.pk
        if existing is not None:
            procedure = lock_procedure(existing.pk)
            if procedure.stage == Stage.CLOSED:  # closed meanwhile: start afresh
                procedure, routed = None, False
        if procedure is None:
            procedure = _new_procedure(actor, team, people, card.filled_at, known)
        else:
            joined = not routed
        card.procedure = procedure
        card.edition = procedure.edition
        card.save()
        nka = card
        # A routed card's new people join no household of the other municipality.
        household = None if routed else procedure.household
        # A routed card adds nobody: the other team's chair considers the card first.
        card_people_record(
            nka,
            people,
            household=household,
            known=known,
            procedure=None if routed else procedure,
            new_procedure=not (joined or routed),
        )
        routing = None
        if routed or forwarded:
            routing = CardRouting.objects.create(
                nka=nka,
                from_team=own_team,
                to_team=procedure.team,
                procedure=procedure,
                reason=CardRouting.Reason.OPEN_CASE if routed else CardRouting.Reason.RESIDENCE,
            )
        filled_on = calendar.legal_date(nka.filled_at)
        codes = [RuleCode.NKA_TO_CHAIR]
        if nka.suspect_present is False and not routed:
            # The suspect was absent: the group notifies them of the initiation (2023 edition
            # only; ``add_deadlines`` opens nothing for a 2011 case). Domain note 5.
            codes.append(RuleCode.SUSPECT_NOTICE)
        add_deadlines(procedure, codes, filled_on, nka=nka)  # one INSERT
        # The card and the victims in the county's statistics (workflows.figures).
        if joined or routed:
            figures_refresh([procedure.pk])
        else:
            figures_initiated(procedure, nka)
        if order is not None and order_against is not None:
            order.procedure = procedure
            order.person = order_against.person
            order.nka = nka
            order.created_by = actor
            order_save(order, prefix=ORDER_PREFIX)
        if not (joined or routed):
            with procedure_in_hand(procedure):  # its first task's owner is its initiator
                process = ProcedureFlow.start.run(_process_data={"procedure": procedure.pk})
            procedure.process = process
            # A new procedure's number too (``_new_procedure``): one UPDATE.
            procedure.save(update_fields=["process", "number"])
        paperwork.schedule_all(
            procedure=procedure,
            documents=[(DocumentKind.NKA, f"nka:{nka.pk}"), (DocumentKind.NKB, f"nka:{nka.pk}")],
            actor=actor,
            # What the card's documents would read back: the card, its people, its routing.
            held={
                ("nka", nka.pk): nka,
                ("nka_entries", nka.pk): sorted(people, key=lambda entry: entry.pk),
                ("card_routing", nka.pk): routing,
            },
        )
        action = "nka.routed" if routed else "nka.joined" if joined else "procedure.initiated"
        payload = {"nka": nka.pk, "people": len(people), "edition": procedure.edition}
        if order is not None:
            payload["order"] = order.pk
            payload["order_expires_on"] = str(order.expires_on)
        if routed or forwarded:
            payload["from_team"] = own_team.pk if own_team else None
        if forwarded:
            payload["victim_municipality"] = card.victim_municipality_id
        log_event(action=action, actor=actor, procedure=procedure, payload=payload)
        notifications.card_arrived(
            procedure=procedure, how="routed" if routed else "joined" if joined else "new"
        )
    return Filed(
        procedure=procedure,
        nka=nka,
        joined=joined,
        routed=routed,
        forwarded_to=procedure.team if forwarded and not routed else None,
    )


def _new_procedure(
    actor: User,
    team: Team,
    people: Sequence[NKAPerson],
    filled_at: datetime.datetime,
    known: dict[str, Person],
) -> Procedure:
    """Open a procedure of ``team``. A known person's household (``known``: the shared people
    by PESEL, with their households) is reused only when it is in the team's municipality;
    otherwise the card gets a new household."""
    household = None
    for entry in people:
        person = known.get(entry.pesel) if entry.pesel else None
        if person and person.household and person.household.municipality_id == team.municipality_id:
            household = person.household
            break
    if household is None:
        victim = next(p for p in people if p.role in VICTIM_ROLES)
        household = Household.objects.create(
            label=victim.last_name.strip(),
            address=victim.address,
            municipality=team.municipality,
        )
    started = calendar.legal_date(filled_at)
    try:
        # No savepoint: the refusal below ends the whole transaction (``procedure_initiate``'s
        # block), nothing runs after the failed INSERT.
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
        raise refuse(
            _("A procedure for this household was opened a moment ago; submit the card again.")
        ) from exc
    # Saved with the process (``procedure_initiate``: one UPDATE); nothing reads it before.
    procedure.number = f"NK/{team.municipality.teryt}/{started.year}/{procedure.pk:05d}"
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
    not_future(sent_on, "sent_on")
    not_future(received_on, "received_on")
    if received_on < sent_on:
        raise refuse(_("The chair cannot receive the card before it was sent."), "received_on")
    with step(
        actor=actor, procedure_id=procedure_id, action="transfer", event="nka.transferred"
    ) as s:
        procedure = s.procedure
        # The card's initiator, and only they, record its transfer; they need not (and an
        # initiator alone does not) see the rest of the case.
        # Its correction, if any, comes with it (``require_current`` asks; one query).
        # Whether a card in force came before it (a correction keeps the card's filled_at)
        # comes with it too.
        earlier = (
            NKA.objects.current()
            .filter(procedure=procedure)
            .filter(
                Q(filled_at__lt=OuterRef("filled_at"))
                | Q(filled_at=OuterRef("filled_at"), pk__lt=OuterRef("pk"))
            )
        )
        nka = (
            NKA.objects.select_for_update(of=("self",))
            .select_related("corrected_by")
            .annotate(after_another=Exists(earlier))
            .filter(pk=nka_id, procedure=procedure)
            .first()
        )
        if nka is None or nka.initiator_id != actor.pk:
            raise PermissionDenied
        if nka.transferred_on is not None:
            raise refuse(_("This card has already been sent to the chair."))
        require_current(nka)
        if sent_on < calendar.legal_date(nka.filled_at):
            raise refuse(_("The card cannot be sent before it was filled."), "sent_on")
        first = not nka.after_another  # the first card in force
        nka.transferred_on = sent_on
        nka.save(update_fields=["transferred_on"])
        s.meet_deadline(sent_on, nka=nka)
        if first:
            s.take_node()
            procedure.chair_received_on = received_on
            s.save_with_stage("chair_received_on")  # one UPDATE with the new stage
            s.open_deadlines(received_on)
        else:  # issue 15: a case already assessed is reassessed on every new card
            risk_new_card(procedure=procedure, nka=nka, received_on=received_on)
        s.payload = {"nka": nka.pk, "sent_on": str(sent_on), "received_on": str(received_on)}
    return nka


__all__ = [
    "ADULT_AGE",
    "ORDER_PREFIX",
    "Filed",
    "competent_team",
    "nka_transfer",
    "open_procedure_for_pesels",
    "procedure_initiate",
    "validate_nka",
    "victim_presence_errors",
]
