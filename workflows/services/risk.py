"""The risk assessment acts (issue 15; workflows/risk.py, docs/risk.md).

``risk_assess`` (the chair or the group: at each victim's meeting, on a new card, on review)
and ``card_risk_assess`` (the initiator, with their NK-A) write one frozen
``RiskAssessment`` inside the step skeleton. Every assessment meets the open reassessment
deadline and opens the next (``RuleCode.RISK_REASSESSMENT``, a team setting). One that acts
(high, or any immediate-action answer) also opens the safety-plan deadline
(``RuleCode.SAFETY_PLAN``, 1 working day by default, counted with the Polish holidays of
``workflows.calendar``) and notifies the chair once the step commits
(``notifications.high_risk_assessed``). The case's ``RiskStatus`` is re-derived from each victim's
latest current assessment, so the lists can sort by it.
"""

import datetime

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from forms.models import NKA
from people.models import Person
from workflows import calendar, notifications
from workflows.models import (
    NOT_BREACHES,
    VICTIM_ROLES,
    BreachReason,
    Deadline,
    DeadlineReason,
    Participant,
    Procedure,
    RiskAssessment,
    RiskStatus,
    SafetyAction,
)
from workflows.risk import LEVEL_ORDER, Answer, Kind, Level, checklist, score
from workflows.rules import RuleCode
from workflows.steps import (
    ServiceError,
    StepRun,
    add_deadline,
    meet_deadline,
    not_future,
    refuse,
    step,
)

ANSWER_PREFIX = "q_"


def _victim(procedure: Procedure, person_id: int) -> Person:
    participant = (
        Participant.objects.select_related("person")
        .filter(procedure=procedure, person_id=person_id, role__in=list(VICTIM_ROLES))
        .first()
    )
    if participant is None:
        raise refuse(_("Choose a victim of this procedure."), "person")
    return participant.person


def _check_answers(kind: str, answers: dict[str, str]) -> None:
    found = checklist(kind)
    errors = {
        ANSWER_PREFIX + q.code: [_("Answer the question (or “not known”).")]
        for q in found.questions
        if answers.get(q.code) not in set(Answer)
    }
    if set(answers) - {q.code for q in found.questions}:
        errors.setdefault("__all__", []).append(_("The answers do not match the checklist."))
    if errors:
        raise ServiceError(errors)


def refresh_risk_status(procedure: Procedure) -> RiskStatus | None:
    """Re-derive the case's ``RiskStatus`` from each victim's latest current assessment
    (inside the caller's step); ``None`` when the case has none."""
    latest: dict[int, RiskAssessment] = {}
    for assessment in RiskAssessment.objects.current().filter(procedure=procedure):
        latest[assessment.person_id] = assessment  # ordered by date, id: the last wins
    if not latest:
        RiskStatus.objects.filter(procedure=procedure).delete()
        return None
    level = max((Level(a.level) for a in latest.values()), key=LEVEL_ORDER.index)
    status, _created = RiskStatus.objects.update_or_create(
        procedure=procedure,
        defaults={
            "level": level,
            "flagged": any(a.acts for a in latest.values()),
            "assessed_on": max(a.assessed_on for a in latest.values()),
        },
    )
    return status


def risk_new_card(*, procedure: Procedure, nka: NKA, received_on: datetime.date) -> None:
    """A new card reached the team in a case already assessed (inside the caller's step, the
    card's transfer): a reassessment is due (``RuleCode.RISK_NEW_CARD``), unless the card's
    initiator assessed the risk with it."""
    assessed = RiskAssessment.objects.filter(procedure=procedure)
    if assessed.exists() and not assessed.filter(nka=nka).exists():
        add_deadline(procedure, RuleCode.RISK_NEW_CARD, received_on, nka=nka)


def _assess(
    s: StepRun,
    *,
    person_id: int,
    kind: str,
    answers: dict[str, str],
    occasion: str,
    assessed_on: datetime.date,
    note: str,
    nka_id: int | None = None,
    corrects_id: int | None = None,
    correction_reason: str = "",
) -> RiskAssessment:
    procedure = s.procedure
    if kind not in set(Kind):
        raise refuse(_("Choose a checklist."), "kind")
    _check_answers(kind, answers)
    corrected = None
    if corrects_id is not None:
        corrected = (
            RiskAssessment.objects.current()
            .filter(pk=corrects_id, procedure=procedure, person_id=person_id)
            .first()
        )
        if corrected is None:
            raise refuse(_("Only the current assessment of this victim can be corrected."))
        if not correction_reason.strip():
            raise refuse(_("Say why the assessment is corrected."), "correction_reason")
    person = _victim(procedure, person_id)
    found = checklist(kind)
    result = score(found, answers, team=procedure.team)
    assessment = RiskAssessment.objects.create(
        procedure=procedure,
        person=person,
        nka_id=nka_id,
        occasion=occasion,
        kind=kind,
        version=found.version,
        answers=dict(answers),
        score=result.score,
        immediate=list(result.immediate),
        high_threshold=result.high,
        level=result.level,
        note=note,
        assessed_on=assessed_on,
        assessed_by=s.actor,
        corrects=corrected,
        correction_reason=correction_reason.strip(),
    )
    # One reassessment is open per case: an assessment meets it and opens the next, except
    # at one sitting (the open one started that day: several victims assessed together).
    review = Deadline.objects.filter(
        procedure=procedure, rule=RuleCode.RISK_REASSESSMENT, met_on__isnull=True
    ).first()
    if review is None or review.starts_on != assessed_on:
        s.meet_deadline(assessed_on)
        s.open_deadlines(assessed_on)
    meet_deadline(procedure, RuleCode.RISK_NEW_CARD, assessed_on, starts_on__lte=assessed_on)
    already = Deadline.objects.filter(
        procedure=procedure, rule=RuleCode.SAFETY_PLAN, met_on__isnull=True
    ).exists()
    if result.acts and not already:
        add_deadline(procedure, RuleCode.SAFETY_PLAN, assessed_on)
    if result.acts:
        notifications.high_risk_assessed(procedure=procedure)
    refresh_risk_status(procedure)
    s.person = person
    s.payload = {
        "assessment": assessment.pk,
        "checklist": kind,
        "version": found.version,
        "score": result.score,
        "level": str(result.level),
        "immediate": len(result.immediate),
        **({"corrects": corrected.pk} if corrected else {}),
    }
    return assessment


def risk_assess(
    *,
    actor: User,
    procedure_id: int,
    person_id: int,
    kind: str,
    answers: dict[str, str],
    occasion: str,
    assessed_on: datetime.date,
    note: str = "",
    corrects_id: int | None = None,
    correction_reason: str = "",
) -> RiskAssessment:
    """The chair or a group member assesses the risk of victim ``person_id`` (``answers``:
    question code → "yes" / "no" / "unknown", every question of checklist ``kind``).
    Refuses (``ServiceError`` keyed ``q_<code>``, ``person``, ``kind``) an unanswered
    question, a person who is not a victim of the case, a future date, a closed case."""
    not_future(assessed_on, "assessed_on")
    if occasion not in RiskAssessment.Occasion.values or occasion == "card":
        raise refuse(_("Choose the occasion."), "occasion")
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="risk_assess",
        event="risk.corrected" if corrects_id else "risk.assessed",
    ) as s:
        return _assess(
            s,
            person_id=person_id,
            kind=kind,
            answers=answers,
            occasion=occasion,
            assessed_on=assessed_on,
            note=note,
            corrects_id=corrects_id,
            correction_reason=correction_reason,
        )


def card_risk_assess(
    *,
    actor: User,
    procedure_id: int,
    nka_id: int,
    person_id: int,
    kind: str,
    answers: dict[str, str],
    assessed_on: datetime.date,
    note: str = "",
) -> RiskAssessment:
    """The initiator assesses the risk with their NK-A ``nka_id`` (a victim of that card).
    The occasion is ``new_card`` when the case already had an assessment."""
    not_future(assessed_on, "assessed_on")
    with step(
        actor=actor, procedure_id=procedure_id, action="card_risk_assess", event="risk.assessed"
    ) as s:
        card = s.procedure.nka_forms.filter(pk=nka_id, initiator=actor).first()
        if (
            card is None
            or not card.entries.filter(person_id=person_id, role__in=list(VICTIM_ROLES)).exists()
        ):
            raise refuse(_("Choose a victim of your card."), "person")
        earlier = RiskAssessment.objects.filter(procedure=s.procedure).exists()
        return _assess(
            s,
            person_id=person_id,
            kind=kind,
            answers=answers,
            occasion="new_card" if earlier else "card",
            assessed_on=assessed_on,
            note=note,
            nka_id=nka_id,
        )


def safety_action_record(
    *,
    actor: User,
    procedure_id: int,
    assessment_id: int,
    taken_on: datetime.date,
    description: str,
) -> SafetyAction:
    """Record the safety-plan action taken after the acting ``assessment_id``; meets the
    open safety-plan deadline on ``taken_on``."""
    not_future(taken_on, "taken_on")
    if not description.strip():
        raise refuse(_("Say what was done."), "description")
    with step(
        actor=actor, procedure_id=procedure_id, action="safety_action", event="risk.safety_action"
    ) as s:
        assessment = RiskAssessment.objects.filter(pk=assessment_id, procedure=s.procedure).first()
        if assessment is None or not assessment.acts:
            raise refuse(_("Choose an assessment of high risk."), "assessment")
        if taken_on < assessment.assessed_on:
            raise refuse(_("The action cannot precede the assessment."), "taken_on")
        action = SafetyAction.objects.create(
            procedure=s.procedure,
            assessment=assessment,
            taken_on=taken_on,
            description=description.strip(),
            recorded_by=actor,
        )
        s.meet_deadline(taken_on)
        s.payload = {"safety_action": action.pk, "assessment": assessment.pk}
    return action


def deadline_reason_record(
    *, actor: User, procedure_id: int, deadline_id: int, reason: str, details: str = ""
) -> DeadlineReason:
    """The chair or a group member records why deadline ``deadline_id`` was missed (met
    late, or open after its due date); "other" needs the details."""
    if reason not in BreachReason.values:
        raise refuse(_("Choose a reason."), "reason")
    if reason == BreachReason.OTHER and not details.strip():
        raise refuse(_("Describe the reason."), "details")
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="deadline_reason",
        event="deadline.reason_recorded",
    ) as s:
        deadline = Deadline.objects.filter(pk=deadline_id, procedure=s.procedure).first()
        if deadline is None or deadline.rule in NOT_BREACHES:
            raise refuse(_("Choose a deadline of this procedure."))
        late = (
            deadline.met_on > deadline.due_on
            if deadline.met_on
            else deadline.due_on < calendar.legal_date()
        )
        if not late:
            raise refuse(_("This deadline was not missed."))
        row = DeadlineReason.objects.create(
            deadline=deadline, reason=reason, details=details.strip(), recorded_by=actor
        )
        s.payload = {"deadline": deadline.pk, "rule": deadline.rule, "reason": reason}
    return row


__all__ = [
    "card_risk_assess",
    "deadline_reason_record",
    "refresh_risk_status",
    "risk_new_card",
    "risk_assess",
    "safety_action_record",
]
