"""What the group asks and the team decides (art. 9b of the Act on counteracting domestic
violence): the referral of the perpetrator to a programme, the misdemeanour notification
(art. 66c k.w.) and the notices to the prosecutor, the Police or the alcohol commission.

Every one is a request of the group (a member records it, with its justification) and a
decision of the team (recorded by the chair: by the team's resolution or on its behalf).
Only a granted request becomes a document: the referral with the two instructions of
Dz.U. 2023 poz. 1164, or the notification; a notification is then recorded as sent.
"""

import datetime

from django.utils.translation import gettext as _

from documents.models import DocumentKind
from workflows.models import DecidedAs, Notification, Referral, TeamDecision
from workflows.rules import RuleCode, team_rule
from workflows.services.actions import _suspect
from workflows.steps import (
    StepRun,
    User,
    check_record,
    not_future,
    procedure_id_of,
    refuse,
    require_current,
    step,
)

# What the team's decision records, whatever it decides on (``RequestDecision`` fields).
DECISION_FIELDS = (
    "decided_on",
    "decision",
    "decided_as",
    "resolution_number",
    "decision_reason",
    "decided_by",
)


def referral_request(*, actor: User, procedure_id: int, referral: Referral) -> Referral:
    """The group asks the team to refer a suspected person to a programme (art. 9b of the
    Act, as the municipal restatements give the group's tasks). ``referral`` is unsaved,
    with ``person``, ``programme``, ``requested_on``, ``justification`` and optionally the
    proposed ``provider``. Writes no document and opens no deadline."""
    not_future(referral.requested_on, "requested_on")
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="referral_request",
        event="referral.requested",
    ) as s:
        procedure = s.procedure
        s.person = referral.person = _suspect(procedure, referral.person_id)
        referral.procedure = procedure
        referral.requested_by = referral.created_by = actor
        if referral.requested_on and referral.requested_on < procedure.initiated_on:
            raise refuse(_("The request cannot precede the procedure."), "requested_on")
        check_record(referral, exclude=DECISION_FIELDS)
        referral.save()
        s.payload = {"referral": referral.pk, "programme": referral.programme}
    return referral


def _decide(
    s: StepRun,
    record: Referral | Notification,
    *,
    decision: str,
    decided_on: datetime.date,
    decided_as: str,
    resolution_number: str,
    reason: str,
) -> None:
    """Write the team's decision on ``record`` (locked), or refuse: a decision is taken once,
    on or after the request, by the chair; a refusal says why; a resolution has a number."""
    if isinstance(record, Notification) and not record.is_current:
        raise refuse(_("This record was withdrawn or corrected; decide on its current version."))
    if not record.is_pending:
        raise refuse(_("The team has already decided on this request."))
    if decision not in TeamDecision.values:
        raise refuse(_("Choose the team's decision."), "decision")
    if decided_as not in DecidedAs.values:
        raise refuse(_("Say how the team decided."), "decided_as")
    if decided_on < record.requested_on:
        raise refuse(_("The decision cannot precede the request."), "decided_on")
    if decision == TeamDecision.REFUSED and not reason.strip():
        raise refuse(_("Give the reason for refusing the request."), "decision_reason")
    if decided_as == DecidedAs.TEAM_RESOLUTION and not resolution_number.strip():
        raise refuse(_("Give the number of the team's resolution."), "resolution_number")
    record.decision = decision
    record.decided_on = decided_on
    record.decided_as = decided_as
    record.resolution_number = resolution_number.strip()
    record.decision_reason = reason.strip()
    record.decided_by = s.actor


def referral_decide(
    *,
    actor: User,
    referral_id: int,
    decision: str,
    decided_on: datetime.date,
    decided_as: str,
    resolution_number: str = "",
    reason: str = "",
    provider: str = "",
    received_on: datetime.date | None = None,
) -> Referral:
    """The team decides on the group's request (art. 9b: the team refers). Recorded by the
    chair. A granted referral is issued on ``decided_on`` with the programme's ``provider``;
    the person's receipt (``received_on``) starts the team's period to report
    (``Team.programme_report_days``, a team setting with no statutory basis; none when 0) and
    the referral document with the two instructions of Dz.U. 2023 poz. 1164 is generated.
    A refused one writes the reason and nothing else."""
    not_future(decided_on, "decided_on")
    not_future(received_on, "received_on")
    with step(
        actor=actor,
        procedure_id=procedure_id_of(Referral, referral_id),
        action="referral_decision",
        event="referral.granted",
    ) as s:
        referral = Referral.objects.select_for_update().get(pk=referral_id)
        s.person = referral.person
        _decide(
            s,
            referral,
            decision=decision,
            decided_on=decided_on,
            decided_as=decided_as,
            resolution_number=resolution_number,
            reason=reason,
        )
        if not referral.is_granted:
            s.event = "referral.refused"
        fields = [*DECISION_FIELDS]
        if referral.is_granted:
            referral.provider = provider.strip() or referral.provider
            if not referral.provider:
                raise refuse(_("Name the programme's provider."), "provider")
            if received_on is None:
                raise refuse(_("Give the day the person received the referral."), "received_on")
            if received_on < decided_on:
                raise refuse(
                    _("The referral cannot be received before it was issued."), "received_on"
                )
            referral.referred_on = decided_on
            referral.received_on = received_on
            applied = team_rule(RuleCode.PROGRAMME_REPORT, s.procedure.edition, s.procedure.team)
            referral.report_within_days = applied.value if applied else None
            fields += ["provider", "referred_on", "received_on", "report_within_days"]
        referral.save(update_fields=fields)
        if referral.is_granted and received_on is not None:
            s.open_deadlines(received_on, referral=referral)
            s.document(DocumentKind.REFERRAL, f"referral:{referral.pk}")
        s.payload = {"referral": referral.pk, "decision": decision, "on": str(decided_on)}
    return referral


def notification_request(
    *,
    actor: User,
    procedure_id: int,
    notification: Notification,
    person_id: int | None = None,
) -> Notification:
    """The group asks the team to notify (art. 66c k.w. when the person does not report to or
    complete a programme; the prosecutor or the Police of a suspected offence; the alcohol
    commission). ``notification`` is unsaved with ``kind``, ``addressee``, ``requested_on``
    and ``justification``; ``person_id`` the suspected person it concerns (required for a
    misdemeanour notification). Writes no document."""
    not_future(notification.requested_on, "requested_on")
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="notification_request",
        event="notification.requested",
    ) as s:
        procedure = s.procedure
        s.person = person = _suspect(procedure, person_id) if person_id else None
        if notification.kind == Notification.Kind.MISDEMEANOUR and person is None:
            raise refuse(_("A misdemeanour notification concerns a suspected person."), "person")
        notification.procedure = procedure
        notification.concerning = person
        notification.requested_by = notification.created_by = actor
        check_record(notification, exclude=DECISION_FIELDS)
        notification.save()
        s.payload = {"notification": notification.pk, "kind": notification.kind}
    return notification


def notification_decide(
    *,
    actor: User,
    notification_id: int,
    decision: str,
    decided_on: datetime.date,
    decided_as: str,
    resolution_number: str = "",
    reason: str = "",
) -> Notification:
    """The team decides on the group's request to notify; recorded by the chair. A granted
    notification is drawn up (its document); a refused one is not."""
    not_future(decided_on, "decided_on")
    with step(
        actor=actor,
        procedure_id=procedure_id_of(Notification, notification_id),
        action="notification_decision",
        event="notification.granted",
    ) as s:
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        s.person = notification.concerning
        _decide(
            s,
            notification,
            decision=decision,
            decided_on=decided_on,
            decided_as=decided_as,
            resolution_number=resolution_number,
            reason=reason,
        )
        notification.save(update_fields=list(DECISION_FIELDS))
        if not notification.is_granted:
            s.event = "notification.refused"
        if notification.is_granted:
            kind = (
                DocumentKind.MISDEMEANOUR
                if notification.kind == Notification.Kind.MISDEMEANOUR
                else DocumentKind.NOTICE
            )
            s.document(kind, f"notification:{notification.pk}")
        s.payload = {"notification": notification.pk, "decision": decision}
    return notification


def notification_sent(*, actor: User, notification_id: int, sent_on: datetime.date) -> Notification:
    """Record the day a granted notification was sent to its addressee."""
    not_future(sent_on, "sent_on")
    with step(
        actor=actor,
        procedure_id=procedure_id_of(Notification, notification_id),
        action="notification_sent",
        event="notification.sent",
    ) as s:
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        require_current(notification)
        if not notification.is_granted:
            raise refuse(_("Only a notification the team granted is sent."))
        if notification.sent_on:
            raise refuse(_("The notification is already recorded as sent."))
        if notification.decided_on and sent_on < notification.decided_on:
            raise refuse(_("It cannot be sent before the team decided."), "sent_on")
        notification.sent_on = sent_on
        notification.save(update_fields=["sent_on"])
        s.person = notification.concerning
        s.payload = {"notification": notification.pk, "on": str(sent_on)}
    return notification


__all__ = [
    "notification_decide",
    "notification_request",
    "notification_sent",
    "referral_decide",
    "referral_request",
]
