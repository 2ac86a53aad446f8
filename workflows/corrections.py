"""Withdrawal and correction of the procedure's records: never deletion, never in place.

A record of the procedure (an NK-A card, a meeting, a help-plan action, a protective order,
a notification, a monitoring note) is part of the case file: what was written stays
readable. A mistaken record is

- *withdrawn*: it stays, marked withdrawn with who, when and why, and leaves the pages'
  counts, the statistics and the deadlines (``RecordQuerySet.current``);
- *corrected*: a new row with the corrected fields points to it (``corrects``); the old
  row is superseded and stays in the history; the new one is what pages, documents and
  statistics use. Its documents get a new version pointing at the old one.

Both go through ``_revise``, the one skeleton of these changes: in one transaction it locks
the procedure, checks the actor's right and the record's state, writes, and appends one
audit event (``<record>.withdrawn`` / ``<record>.corrected``). A refusal raises
``ServiceError`` or ``PermissionDenied`` and writes nothing.

Who may: the team chair and the group's members; an NK-A card also its initiator while
the original is not yet with the chair (§ 7 of Dz.U. 2023 poz. 1870: until then the card
is the initiator's). Auditors never. A closed procedure's records are final.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms.models import NKA, NKC, NKD, HelpPlanItem, ViolenceForm
from workflows import calendar, paperwork
from workflows.flows import STEPS
from workflows.models import (
    ORDER_MEASURE_FIELDS,
    Deadline,
    Meeting,
    MonitoringNote,
    Notification,
    PlannedMeeting,
    Procedure,
    ProtectiveOrder,
    Revisable,
    Role,
)
from workflows.permissions import acts_as
from workflows.rules import RuleCode, rule
from workflows.selectors import Access
from workflows.selectors.diagnosis import ADULT_AGE
from workflows.services.initiation import victim_presence_errors
from workflows.steps import ServiceError, record_errors, step
from workflows.steps import refuse as _refuse
from workflows.tallies import tally_recount

STEP = "record_revise"  # the chair and the group (workflows.flows.STEPS)
CARD_STEP = "card_revise"  # an NK-A card's initiator before the transfer

# --------------------------------------------------------------------------- per kind


def _copy_entries(old: NKA, new: NKA) -> None:
    """The card's people entries come along unchanged, whatever fields they carry."""
    entries = old.entries.model
    for entry in old.entries.order_by("id"):
        values = {
            f.attname: getattr(entry, f.attname)
            for f in entries._meta.concrete_fields
            if not f.primary_key
        }
        values["nka_id"] = new.pk
        entries.objects.create(**values)
    # The card's open deadline (§ 7: original to the chair) follows the current version,
    # and so do the orders recorded with it.
    Deadline.objects.filter(nka=old).update(nka=new)
    ProtectiveOrder.objects.filter(nka=old).update(nka=new)


def _check_nka(procedure: Procedure, new: NKA) -> None:
    forms = set(new.violence_forms or [])
    if not forms or not forms <= set(ViolenceForm.values):
        raise _refuse(_("Choose at least one form of violence."), "violence_forms")
    if ViolenceForm.OTHER in forms and not new.violence_other.strip():
        raise _refuse(_("Describe the other form of violence."), "violence_other")
    new.violence_forms = sorted(forms)
    # § 2 ust. 5–6: the presence fields as at filing, against the card's own people.
    errors = victim_presence_errors(new, list(new.corrects.entries.all()))
    if errors:
        raise ServiceError(errors)


def _copy_meeting(old: Meeting, new: Meeting) -> None:
    new.present.set(old.present.all())
    new.heard.set(old.heard.all())
    # NK-C / NK-D were filled at this meeting: they belong to its current version.
    NKC.objects.filter(meeting=old).update(meeting=new)
    NKD.objects.filter(meeting=old).update(meeting=new)
    # The plan it held (workflows.models.planning) points at the version in force.
    PlannedMeeting.objects.filter(meeting=old).update(meeting=new)


def _check_meeting(procedure: Procedure, new: Meeting) -> None:
    if new.invited_on and new.invited_on > new.held_on:
        raise _refuse(_("The invitation must precede the meeting."), "invited_on")
    if procedure.group_received_on and new.held_on < procedure.group_received_on:
        raise _refuse(_("The meeting cannot precede the group's receipt of the NK-A."), "held_on")
    _check_companion(procedure, new)


def _check_companion(procedure: Procedure, new: Meeting) -> None:
    """A child's meeting keeps its named companion (a parent or guardian who is not a
    suspect, or an adult closest person: ``services.meetings``); a corrected name that is no
    longer the chosen participant's stands as typed."""
    new.companion_name = " ".join(new.companion_name.split())
    new.companion_relation = new.companion_relation.strip()
    met = new.invited_person
    age = met.age_on(new.held_on) if met is not None else None
    child = age is not None and age < ADULT_AGE and new.kind == Meeting.Kind.VICTIM
    if not child:
        if new.companion_name or new.companion_relation:
            raise _refuse(_("Only a child's meeting names a companion."), "companion_name")
        return
    if not new.companion_name:
        raise _refuse(
            _(
                "Name the parent or guardian who is not a suspect, or the adult closest "
                "person, present with the child."
            ),
            "companion_name",
        )
    if not new.companion_relation:
        raise _refuse(_("Give their relation to the child."), "companion_relation")
    suspects = procedure.participants.filter(role=Role.SUSPECT).select_related("person")
    for suspect in suspects:
        if suspect.person.full_name.casefold() == new.companion_name.casefold():
            raise _refuse(
                _(
                    "%(name)s is a suspect in this procedure: the child is met with a parent "
                    "or guardian who is not a suspect, or with an adult closest person."
                )
                % {"name": new.companion_name},
                "companion_name",
            )
    if new.companion_id and new.companion.full_name != new.companion_name:
        new.companion = None


def _check_order(procedure: Procedure, new: ProtectiveOrder) -> None:
    """The order's own expiry follows from its issue date (ustawa o Policji art. 15ak), or
    from the order to leave the home it ends with (art. 15aab ust. 3)."""
    validity = rule(RuleCode.PROTECTIVE_ORDER, procedure.edition)
    new.expires_on = calendar.due_date(validity, new.issued_on, roll_forward=False)
    if new.ends_with_id and not new.leave_home and new.ends_with is not None:
        new.expires_on = new.ends_with.expires_on
    if new.court_extended_until and new.court_extended_until <= new.expires_on:
        raise _refuse(
            _("A court extension must end after the order's own expiry."), "court_extended_until"
        )
    errors = record_errors(new, exclude=["procedure", "person", "created_by"])
    if errors:
        raise ServiceError(errors)


def _move_order_deadline(old: ProtectiveOrder, new: ProtectiveOrder) -> None:
    """The expiry deadline follows the order's current version and its new end."""
    for deadline in Deadline.objects.filter(protective_order=old):
        deadline.protective_order = new
        deadline.starts_on = new.issued_on
        if deadline.met_on is None:
            deadline.due_on = new.valid_until
        deadline.save(update_fields=["protective_order", "starts_on", "due_on"])


def _check_notification(procedure: Procedure, new: Notification) -> None:
    if new.kind == Notification.Kind.MISDEMEANOUR and new.concerning_id is None:
        raise _refuse(_("A misdemeanour notification concerns a suspected person."), "kind")


@dataclass(frozen=True)
class RecordKind:
    """One kind of record that can be withdrawn and corrected."""

    model: type[Revisable]
    label: str
    event: str  # the audit action prefix: ``<event>withdrawn`` / ``<event>corrected``
    fields: tuple[str, ...]  # what a correction may change
    past_dates: tuple[str, ...] = ()
    documents: str = ""  # the documents' subject prefix, when the record has documents
    check: Callable[[Procedure, Revisable], None] | None = None
    copy_related: Callable[[Revisable, Revisable], None] | None = None


NKA_FLAGS = (
    "visible_injuries",
    "medical_help_given",
    "medical_certificate",
    "suspect_under_influence",
    "victim_under_influence",
    "suspect_has_firearm",
    "victim_feels_in_danger",
    "police_called",
    "protective_order_issued",
    "suspect_detained",
    "shelter_arranged",
)

# The URL slug of each kind → what it is.
KINDS: dict[str, RecordKind] = {
    "nka": RecordKind(
        model=NKA,
        label=gettext_lazy("NK-A card"),
        event="nka.",
        fields=(
            "incident_date",
            "incident_place",
            "incident_description",
            "violence_forms",
            "violence_other",
            *NKA_FLAGS,
            "witnesses",
            "additional_info",
            "victim_presence",
            "victim_absence_reason",
            "victim_contact_on",
            "nkb_handed",
            "nkb_handed_to",
            "nkb_not_handed_reason",
        ),
        past_dates=("incident_date", "victim_contact_on"),
        documents="nka",
        check=_check_nka,
        copy_related=_copy_entries,
    ),
    "meeting": RecordKind(
        model=Meeting,
        label=gettext_lazy("meeting"),
        event="meeting.",
        fields=(
            "invited_on",
            "held_on",
            "place",
            "person_appeared",
            "companion_name",
            "companion_relation",
            "minutes",
            "next_meeting_on",
        ),
        past_dates=("invited_on", "held_on"),
        documents="meeting",
        check=_check_meeting,
        copy_related=_copy_meeting,
    ),
    "plan-item": RecordKind(
        model=HelpPlanItem,
        label=gettext_lazy("help-plan action"),
        event="help_plan.item_",
        fields=("form_of_help", "action", "responsible", "due_on"),
    ),
    "order": RecordKind(
        model=ProtectiveOrder,
        label=gettext_lazy("protective order"),
        event="protective_order.",
        fields=(
            *ORDER_MEASURE_FIELDS,
            "issuer",
            "issued_on",
            "issued_at_time",
            "court_extended_until",
        ),
        past_dates=("issued_on",),
        check=_check_order,
        copy_related=_move_order_deadline,
    ),
    "notification": RecordKind(
        model=Notification,
        label=gettext_lazy("notification"),
        event="notification.",
        # The request's own words; the decision and the sending are steps of their own.
        fields=("kind", "addressee", "justification"),
        documents="notification",
        check=_check_notification,
    ),
    "monitoring-note": RecordKind(
        model=MonitoringNote,
        label=gettext_lazy("monitoring note"),
        event="monitoring.note_",
        fields=("visited_on", "note"),
        past_dates=("visited_on",),
    ),
}


# --------------------------------------------------------------------------- rights


def _initiators_own_card(record: Revisable, user: AbstractBaseUser) -> bool:
    return (
        isinstance(record, NKA) and record.initiator_id == user.pk and record.transferred_on is None
    )


def may_revise(
    *, access: Access, kind: RecordKind, record: Revisable, user: AbstractBaseUser
) -> bool:
    """May ``user`` withdraw or correct ``record``? The pages' links and the services ask this.

    Who: the step ``record_revise`` of ``workflows.flows.STEPS`` (``permissions.acts_as``),
    or a card's initiator (who also reads the case) until the card is with the chair.
    Whether the case still allows it (not closed) is the step's stage, checked by ``_revise``.
    """
    if access.auditor or not access.read:
        return False
    if acts_as(access, STEPS[STEP].actor):
        return True
    return acts_as(access, STEPS[CARD_STEP].actor) and _initiators_own_card(record, user)


# --------------------------------------------------------------------------- the skeleton


def _revise(*, actor: AbstractBaseUser, slug: str, record_id: int, reason: str, write) -> Revisable:
    """The step ``record_revise``: ``write(procedure, kind, record, reason)`` inside
    ``workflows.steps.step``; returns what ``write`` returns."""
    kind = KINDS[slug]
    reason = reason.strip()
    if not reason:
        raise _refuse(_("Give the reason."), "reason")
    found = kind.model.objects.filter(pk=record_id).first()
    if found is None:
        raise PermissionDenied
    with step(
        actor=actor,
        procedure_id=found.procedure_id,
        action=CARD_STEP if _initiators_own_card(found, actor) else STEP,
        event=kind.event,
        refusal=_("The procedure is closed: its records are final."),
    ) as s:
        record = kind.model.objects.select_for_update().get(pk=record_id)
        if not may_revise(access=s.access, kind=kind, record=record, user=actor):
            raise PermissionDenied
        if not record.is_current:
            raise _refuse(_("This record was already withdrawn or corrected."))
        result, action, payload = write(s.procedure, kind, record, reason)
        # A card's or a meeting's NK-C / NK-D count in the county's statistics by month.
        s.figures_changed = isinstance(record, NKA | Meeting)
        s.event = f"{kind.event}{action}"
        s.payload = {"record": record.pk, **payload}
    return result


def record_withdraw(*, actor, slug: str, record_id: int, reason: str) -> Revisable:
    """Withdraw a record: it stays, marked, and leaves the counts and deadlines.

    Returns the record; raises ``ServiceError`` (no reason, closed procedure, already
    withdrawn or corrected) or ``PermissionDenied``; nothing is written then.
    """

    def write(procedure, kind, record, reason):
        record.withdrawn_at = timezone.now()
        record.withdrawn_by = actor
        record.withdrawal_reason = reason
        record.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        # The deadlines of a withdrawn card or order leave the compliance report's tallies.
        if isinstance(record, NKA | ProtectiveOrder):
            field = "nka" if isinstance(record, NKA) else "protective_order"
            tally_recount(Deadline.objects.filter(**{field: record}).values_list("pk", flat=True))
        return record, "withdrawn", {}

    return _revise(actor=actor, slug=slug, record_id=record_id, reason=reason, write=write)


def record_correct(*, actor, slug: str, record_id: int, changes: dict, reason: str) -> Revisable:
    """Correct a record by a new version that points to it; returns the new version.

    ``changes`` maps the kind's correctable fields to their new values (others are copied).
    Documents of the record get a new version. Raises like ``record_withdraw``, and
    ``ServiceError`` keyed by the field when a corrected value breaks a rule.
    """
    kind = KINDS[slug]
    unknown = set(changes) - set(kind.fields)
    if unknown:
        raise _refuse(_("These fields cannot be corrected: %(fields)s") % {"fields": unknown})
    today = calendar.legal_date()
    for name in kind.past_dates:
        day = changes.get(name)
        if isinstance(day, datetime.date) and day > today:
            raise _refuse(_("The date cannot be in the future."), name)

    def write(procedure, kind, old, reason):
        values = {
            f.attname: getattr(old, f.attname)
            for f in kind.model._meta.concrete_fields
            if not f.primary_key and not isinstance(f, models.DateTimeField | models.OneToOneField)
        }
        # The dates of the record itself (filled_at) are facts, not the row's time.
        for f in kind.model._meta.concrete_fields:
            if isinstance(f, models.DateTimeField) and not (f.auto_now or f.auto_now_add):
                values[f.attname] = getattr(old, f.attname)
        values.update(withdrawn_at=None, withdrawn_by_id=None, withdrawal_reason="")
        new = kind.model(**values)
        for name, value in changes.items():
            setattr(new, name, value)
        new.corrects = old
        new.correction_reason = reason
        if kind.check:
            kind.check(procedure, new)
        changed = sorted(n for n in kind.fields if getattr(new, n) != getattr(old, n))
        if not changed:
            raise _refuse(_("Nothing was changed."))
        new.save()
        if kind.copy_related:
            kind.copy_related(old, new)
        documents = 0
        if kind.documents:
            documents = paperwork.supersede(
                procedure=procedure,
                old_subject=f"{kind.documents}:{old.pk}",
                new_subject=f"{kind.documents}:{new.pk}",
                actor=actor,
                reason=reason,
            )
        return new, "corrected", {"new": new.pk, "fields": changed, "documents": documents}

    return _revise(actor=actor, slug=slug, record_id=record_id, reason=reason, write=write)


def record_for(*, slug: str, procedure: Procedure, record_id: int) -> Revisable | None:
    """The record ``record_id`` of kind ``slug`` in ``procedure``, or ``None``."""
    kind = KINDS.get(slug)
    if kind is None:
        return None
    return kind.model.objects.filter(pk=record_id, procedure=procedure).first()


__all__ = [
    "KINDS",
    "RecordKind",
    "ServiceError",
    "may_revise",
    "record_correct",
    "record_for",
    "record_withdraw",
]
