"""Records kept while the case runs: the help plan, referrals to a programme and their
certificates, protective orders, notifications and monitoring notes."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from audit.services import log_event
from forms.models import NKA, HelpPlanItem, HelpPlanStatusChange
from people.models import Person
from workflows import calendar
from workflows.models import (
    Deadline,
    DetentionNotice,
    MonitoringNote,
    Participant,
    Procedure,
    ProtectiveOrder,
    Referral,
    Role,
    Stage,
)
from workflows.rules import RuleCode, rule
from workflows.steps import (
    User,
    check_record,
    meet_deadline,
    not_future,
    procedure_id_of,
    refuse,
    require_current,
    step,
)

CERTIFICATES = ("reported", "completed")


def help_plan_item_add(*, actor: User, procedure_id: int, item: HelpPlanItem) -> HelpPlanItem:
    """Add the unsaved ``item`` (the form's ``save(commit=False)``) to the help plan of the
    victim it was agreed with: ``item.nkc`` is that victim's current NK-C (a child's plan goes
    through the child's NK-C). With a single current NK-C in the case it may be left empty.
    Validated by its model's rules."""
    with step(
        actor=actor, procedure_id=procedure_id, action="plan_item_add", event="help_plan.item_added"
    ) as s:
        procedure = s.procedure
        nkcs = {
            nkc.pk: nkc
            for nkc in procedure.nkc_forms.filter(
                meeting__withdrawn_at__isnull=True, meeting__corrected_by__isnull=True
            )
        }
        if not nkcs:
            raise refuse(_("The help plan starts with NK-C at the meeting with the victim."))
        if item.nkc_id is None and len(nkcs) == 1:
            item.nkc = next(iter(nkcs.values()))
        elif item.nkc_id not in nkcs:
            raise refuse(_("Choose the victim whose help plan this action belongs to."), "nkc")
        item.procedure = procedure
        check_record(item)
        item.save()
        s.person = item.nkc.victim
        s.payload = {"item": item.pk, "form_of_help": item.form_of_help, "nkc": item.nkc_id}
    return item


def help_plan_item_set_status(
    *, actor: User, item_id: int, status: str, note: str = ""
) -> HelpPlanItem:
    """Change a help-plan action's status; every change and its note is kept as a
    ``HelpPlanStatusChange`` (the item shows the latest note)."""
    if status not in HelpPlanItem.Status.values:
        raise refuse(_("Unknown status."), "status")
    if status == HelpPlanItem.Status.DROPPED and not note.strip():
        raise refuse(_("Give the reason for dropping the action."), "status_note")
    with step(
        actor=actor,
        procedure_id=procedure_id_of(HelpPlanItem, item_id),
        action="plan_item_status",
        event="help_plan.item_status",
    ) as s:
        item = HelpPlanItem.objects.select_for_update().get(pk=item_id)
        require_current(item)
        old = item.status
        item.status = status
        item.status_note = note
        item.save(update_fields=["status", "status_note"])
        change = HelpPlanStatusChange.objects.create(
            item=item, from_status=old, to_status=status, note=note, changed_by=actor
        )
        s.payload = {"item": item.pk, "from": old, "to": status, "change": change.pk}
    return item


def _suspect(procedure: Procedure, person_id: int) -> Person:
    participant = (
        Participant.objects.filter(procedure=procedure, person_id=person_id, role=Role.SUSPECT)
        .select_related("person")
        .first()
    )
    if participant is None:
        raise refuse(_("Choose a suspected person of this procedure."), "person")
    return participant.person


def referral_certificate_record(
    *, actor: User, referral_id: int, certificate: str, received_on: datetime.date
) -> Referral:
    """Record the certificate of reporting (``"reported"``) or of completion (``"completed"``)."""
    with step(
        actor=actor,
        procedure_id=procedure_id_of(Referral, referral_id),
        action="referral_certificate",
        event=f"referral.{certificate}",
    ) as s:
        referral = _certificate(
            procedure=s.procedure,
            referral_id=referral_id,
            certificate=certificate,
            received_on=received_on,
        )
        s.person = referral.person
        s.payload = {"referral": referral.pk, "on": str(received_on)}
    return referral


def _certificate(
    *, procedure: Procedure, referral_id: int, certificate: str, received_on: datetime.date
) -> Referral:
    not_future(received_on, "received_on")
    if certificate not in CERTIFICATES:
        raise refuse(_("Unknown certificate."), "certificate")
    referral = Referral.objects.select_for_update().get(pk=referral_id, procedure=procedure)
    if not referral.is_granted or referral.received_on is None:
        raise refuse(_("Only a referral the team granted has certificates."))
    if received_on < referral.received_on:
        raise refuse(_("The certificate cannot precede the referral."), "received_on")
    if certificate == "reported":
        if referral.reported_on:
            raise refuse(_("The certificate of reporting is already recorded."))
        referral.reported_on = received_on
        meet_deadline(procedure, RuleCode.PROGRAMME_REPORT, received_on, referral=referral)
    else:
        if referral.reported_on is None:
            raise refuse(_("Record the certificate of reporting first."))
        if referral.completed_on:
            raise refuse(_("The certificate of completion is already recorded."))
        referral.completed_on = received_on
    referral.save(update_fields=["reported_on", "completed_on"])
    return referral


def record_programme_certificate(
    *,
    actor: User,
    procedure: Procedure,
    referral_id: int,
    certificate: str,
    received_on: datetime.date,
) -> Referral:
    """The certificate itself, for a caller that has locked ``procedure`` and checked the actor.

    Used by the crisis centre running the programme (``centre.services``: enrolment reports,
    finishing completes); the group records a certificate received from the provider with
    ``referral_certificate_record``. Writes the ``referral.<certificate>`` audit event.
    """
    referral = _certificate(
        procedure=procedure,
        referral_id=referral_id,
        certificate=certificate,
        received_on=received_on,
    )
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
    issuer: str,
    issued_on: datetime.date,
    issued_at_time: datetime.time | None = None,
    leave_home: bool = False,
    home_area: str = "",
    no_approach: bool = False,
    approach_distance_m: int | None = None,
    no_contact: bool = False,
    no_entry: bool = False,
    entry_places: str = "",
    court_extended_until: datetime.date | None = None,
) -> ProtectiveOrder:
    """Record a Police / ŻW order with any of its four measures (``ProtectiveOrder``),
    from the day the procedure exists (stage "initiated" on).

    It binds for 14 days from the day after issue (ustawa o Policji art. 15ak) unless a
    court extends it; a ban issued while a "nakaz i zakaz" binds the same person ends with
    it (art. 15aab ust. 3). Its expiry is a ``Deadline`` (rule PROTECTIVE_ORDER) shown in
    the lists and reminded by ``check_deadlines``; it is met when the order ends early.
    """
    not_future(issued_on, "issued_on")
    if issuer not in ProtectiveOrder.Issuer.values:
        raise refuse(_("Unknown issuer."), "issuer")
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="protective_order",
        event="protective_order.recorded",
    ) as s:
        procedure = s.procedure
        s.person = person = _suspect(procedure, person_id)
        order = ProtectiveOrder(
            procedure=procedure,
            person=person,
            leave_home=leave_home,
            home_area=home_area,
            no_approach=no_approach,
            approach_distance_m=approach_distance_m,
            no_contact=no_contact,
            no_entry=no_entry,
            entry_places=entry_places,
            issuer=issuer,
            issued_on=issued_on,
            issued_at_time=issued_at_time,
            court_extended_until=court_extended_until,
            created_by=actor,
        )
        order_save(order)
        s.payload = {
            "order": order.pk,
            "measures": order.measures,
            "expires_on": str(order.expires_on),
        }
    return order


def order_save(order: ProtectiveOrder, *, prefix: str = "") -> ProtectiveOrder:
    """Settle and save the unsaved ``order`` (its procedure and person set) with its expiry
    deadline; the one place both ways of recording an order (the case's page and the NK-A
    that comes with it) go through. Call inside a step's transaction.

    It binds for 14 days from the day after issue (ustawa o Policji art. 15ak), or, for a
    ban issued while a "nakaz i zakaz" binds the same person, until that one ends (art.
    15aab ust. 3). Raises ``ServiceError`` keyed by the order's fields (with ``prefix``).
    """
    procedure = order.procedure
    validity = rule(RuleCode.PROTECTIVE_ORDER, procedure.edition)
    order.expires_on = calendar.due_date(validity, order.issued_on, roll_forward=False)
    if not order.leave_home:
        first = _home_order_in_force(procedure, order.person, order.issued_on)
        if first is not None:
            order.ends_with = first
            order.expires_on = first.expires_on
    if order.court_extended_until and order.court_extended_until <= order.expires_on:
        raise refuse(
            _("A court extension must end after the order's own expiry."),
            prefix + "court_extended_until",
        )
    check_record(order, prefix=prefix)
    order.save()
    add_order_deadline(order)
    return order


def card_order_record(
    *, actor: User, nka_id: int, person_id: int, order: ProtectiveOrder
) -> ProtectiveOrder:
    """The initiator of the NK-A ``nka_id`` records the unsaved ``order`` (the card page's
    form) against ``person_id``, one of the card's suspects, while the procedure runs
    (step ``card_order``): the same order, expiry and deadline as the team's
    (``order_save``), linked to the card. ``PermissionDenied`` for anybody else's card;
    ``ServiceError`` keyed by the form's fields; nothing is written then."""
    not_future(order.issued_on, "issued_on")
    with step(
        actor=actor,
        procedure_id=procedure_id_of(NKA, nka_id),
        action="card_order",
        event="protective_order.recorded",
    ) as s:
        nka = NKA.objects.filter(pk=nka_id, procedure=s.procedure, initiator=actor).first()
        if nka is None:
            raise PermissionDenied
        require_current(nka)
        entry = (
            nka.entries.filter(role=Role.SUSPECT, person_id=person_id)
            .select_related("person")
            .first()
        )
        if entry is None:
            raise refuse(_("Choose the suspected person the order is against."), "person")
        s.person = order.person = entry.person
        order.procedure = s.procedure
        order.nka = nka
        order.created_by = actor
        order_save(order)
        s.payload = {
            "order": order.pk,
            "nka": nka.pk,
            "measures": order.measures,
            "expires_on": str(order.expires_on),
        }
    return order


def _home_order_in_force(
    procedure: Procedure, person: Person, day: datetime.date
) -> ProtectiveOrder | None:
    """The "nakaz i zakaz" against ``person`` binding on ``day``, if any."""
    for order in (
        ProtectiveOrder.objects.current()
        .filter(procedure=procedure, person=person, leave_home=True, issued_on__lte=day)
        .order_by("-issued_on", "-id")
    ):
        if order.valid_until >= day:
            return order
    return None


def add_order_deadline(order: ProtectiveOrder) -> Deadline:
    """The order's expiry as a deadline of its procedure (rule PROTECTIVE_ORDER)."""
    return Deadline.objects.create(
        procedure=order.procedure,
        rule=RuleCode.PROTECTIVE_ORDER,
        edition=order.procedure.edition,
        starts_on=order.issued_on,
        due_on=order.valid_until,
        protective_order=order,
    )


def detention_notice_record(
    *,
    actor: User,
    procedure_id: int,
    person_id: int,
    kind: str,
    detained_on: datetime.date,
    notified_on: datetime.date,
    notified_by: str,
) -> DetentionNotice:
    """Record the Police's notice of a detention of a suspected person (ustawa o Policji
    art. 15a ust. 4). A pretrial detention ends the person's orders binding on that day
    (art. 15ak): each gets ``ended_on`` and its expiry deadline is met on that day."""
    not_future(detained_on, "detained_on")
    not_future(notified_on, "notified_on")
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="detention_notice",
        event="protective_order.detention_notified",
    ) as s:
        procedure = s.procedure
        s.person = person = _suspect(procedure, person_id)
        notice = DetentionNotice(
            procedure=procedure,
            person=person,
            kind=kind,
            detained_on=detained_on,
            notified_on=notified_on,
            notified_by=notified_by,
            created_by=actor,
        )
        check_record(notice)
        notice.save()
        ended = []
        if kind == DetentionNotice.Kind.PRETRIAL_DETENTION:
            for order in ProtectiveOrder.objects.current().filter(
                procedure=procedure,
                person=person,
                ended_on__isnull=True,
                issued_on__lte=detained_on,
            ):
                if order.valid_until < detained_on:
                    continue  # it had lapsed already
                order.ended_on = detained_on
                order.end_reason = ProtectiveOrder.EndReason.PRETRIAL_DETENTION
                order.save(update_fields=["ended_on", "end_reason"])
                meet_deadline(
                    procedure, RuleCode.PROTECTIVE_ORDER, detained_on, protective_order=order
                )
                ended.append(order.pk)
        s.payload = {"notice": notice.pk, "kind": kind, "ended_orders": ended}
    return notice


def monitoring_note_add(
    *, actor: User, procedure_id: int, visited_on: datetime.date, note: str
) -> MonitoringNote:
    """A monitoring visit or contact; after closure only while monitoring runs."""
    not_future(visited_on, "visited_on")
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="monitoring_note",
        event="monitoring.note_added",
    ) as s:
        procedure = s.procedure
        after_closure = procedure.stage == Stage.CLOSED
        if after_closure and not (
            procedure.monitor_until
            and procedure.closed_on
            and procedure.closed_on <= visited_on <= procedure.monitor_until
        ):
            raise refuse(_("The procedure is closed and not under monitoring on that date."))
        created = MonitoringNote.objects.create(
            procedure=procedure,
            visited_on=visited_on,
            note=note,
            after_closure=after_closure,
            author=actor,
        )
        s.payload = {"note_id": created.pk, "after_closure": after_closure}
    return created


__all__ = [
    "help_plan_item_add",
    "help_plan_item_set_status",
    "monitoring_note_add",
    "add_order_deadline",
    "detention_notice_record",
    "protective_order_record",
    "record_programme_certificate",
    "referral_certificate_record",
]
