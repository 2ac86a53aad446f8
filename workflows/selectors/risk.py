"""Reads of the risk assessment (issue 15): the case page's panel and the inbox's list.

Only the chair and the group read these (the case page and the inbox check access first);
nothing here is ever put on a document or a page for the suspect.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import User

from people.models import Person
from workflows.models import (
    Deadline,
    DeadlineReason,
    Meeting,
    Procedure,
    RiskAssessment,
    RiskStatus,
)
from workflows.risk import LEVEL_ORDER, Level
from workflows.rules import RuleCode
from workflows.selectors.access import acting_cases, professional_for


@dataclass(frozen=True)
class TrendRow:
    assessment: RiskAssessment
    # "up" (more urgent than the one before), "down", "same", or "" for the first.
    change: str


@dataclass
class VictimTrend:
    person: Person
    rows: list[TrendRow] = field(default_factory=list)

    @property
    def latest(self) -> RiskAssessment:
        return self.rows[-1].assessment


@dataclass
class RiskPanel:
    status: RiskStatus | None
    victims: list[VictimTrend]
    safety_deadline: Deadline | None
    reassessment_deadline: Deadline | None
    new_card_deadline: Deadline | None  # a new NK-A arrived: reassess (``risk_new_card``)
    new_card_since: bool  # a card arrived after the latest assessment
    acting: list[RiskAssessment]  # current assessments that call for a safety-plan action
    met_unassessed: list[Meeting]  # victims' meetings held after their latest assessment
    corrected: list[RiskAssessment]  # replaced by a correction, kept in the history

    @property
    def flagged(self) -> bool:
        return self.status is not None and self.status.flagged


def _change(before: RiskAssessment | None, now: RiskAssessment) -> str:
    if before is None:
        return ""
    key_before = (LEVEL_ORDER.index(Level(before.level)), before.score)
    key_now = (LEVEL_ORDER.index(Level(now.level)), now.score)
    return "up" if key_now > key_before else "down" if key_now < key_before else "same"


def _status(procedure: Procedure) -> RiskStatus | None:
    """The case's risk status: read with the case where the page's query joined it
    (``procedure_get``), else by its own query."""
    try:
        return procedure.risk_status
    except RiskStatus.DoesNotExist:
        return None


def risk_panel(*, procedure: Procedure, deadlines: list[Deadline], cards: list) -> RiskPanel:
    """The case's risk: its status, each victim's trend of current assessments (oldest
    first, each with its change), the open safety-plan and reassessment deadlines, and
    whether a card arrived since the latest assessment. ``deadlines`` (the case's current
    ones), ``cards`` (every version of its NK-A) and the status (joined to the case) are what
    the case page has read already. Two queries."""
    assessments = list(
        RiskAssessment.objects.filter(procedure=procedure)
        .select_related("person", "assessed_by", "corrected_by")
        .order_by("assessed_on", "id")
    )
    current = [a for a in assessments if not hasattr(a, "corrected_by")]
    victims: dict[int, VictimTrend] = {}
    for assessment in current:
        trend = victims.setdefault(assessment.person_id, VictimTrend(assessment.person))
        before = trend.rows[-1].assessment if trend.rows else None
        trend.rows.append(TrendRow(assessment, _change(before, assessment)))
    rules = (RuleCode.SAFETY_PLAN, RuleCode.RISK_REASSESSMENT, RuleCode.RISK_NEW_CARD)
    # The open one of each rule due first.
    open_deadlines: dict[str, Deadline] = {}
    for d in sorted(deadlines, key=lambda d: (d.due_on, d.pk)):
        if d.met_on is None and d.rule in rules:
            open_deadlines.setdefault(d.rule, d)
    newest = max((card.created_at for card in cards), default=None)
    latest_assessment = max((a.created_at for a in current), default=None)
    # The group assesses at each victim's meeting: a meeting held after the victim's latest
    # assessment (or with none) is offered on the panel.
    last_met: dict[int, Meeting] = {}
    for meeting in (
        Meeting.objects.current()
        .filter(procedure=procedure, kind=Meeting.Kind.VICTIM, person_appeared=True)
        .exclude(invited_person__isnull=True)
        .select_related("invited_person")
        .order_by("held_on", "id")
    ):
        last_met[meeting.invited_person_id] = meeting
    assessed_on = {t.person.pk: t.latest.assessed_on for t in victims.values()}
    met_unassessed = [
        m for pid, m in last_met.items() if pid not in assessed_on or m.held_on > assessed_on[pid]
    ]
    return RiskPanel(
        status=_status(procedure),
        victims=list(victims.values()),
        safety_deadline=open_deadlines.get(RuleCode.SAFETY_PLAN),
        reassessment_deadline=open_deadlines.get(RuleCode.RISK_REASSESSMENT),
        new_card_deadline=open_deadlines.get(RuleCode.RISK_NEW_CARD),
        new_card_since=bool(latest_assessment and newest and newest > latest_assessment),
        acting=[a for a in current if a.acts],
        met_unassessed=met_unassessed,
        corrected=[a for a in assessments if hasattr(a, "corrected_by")],
    )


def flagged_cases_for(*, user: User) -> list[RiskStatus]:
    """The open cases flagged by a high risk that the user acts in (a member of the case's
    group, or the team chair), most urgent first, each with its open safety-plan deadline
    (``safety_deadline``, or ``None`` once the action is recorded). Two queries."""
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return []
    rows = list(
        RiskStatus.objects.filter(
            acting_cases(professional).member_or_chaired(), flagged=True
        ).select_related("procedure__household")
    )
    due = {
        d.procedure_id: d
        for d in Deadline.objects.filter(
            procedure_id__in=[r.procedure_id for r in rows],
            rule=RuleCode.SAFETY_PLAN,
            met_on__isnull=True,
        ).order_by("-due_on")
    }
    for row in rows:
        row.safety_deadline = due.get(row.procedure_id)  # type: ignore[attr-defined]
    rows.sort(
        key=lambda r: (
            -LEVEL_ORDER.index(Level(r.level)),
            r.safety_deadline is None,  # type: ignore[attr-defined]
            r.assessed_on,
        )
    )
    return rows


def late_reasons(*, procedure: Procedure) -> dict[int, DeadlineReason]:
    """The reason in force (the latest recorded) for each missed deadline of the case."""
    found: dict[int, DeadlineReason] = {}
    for reason in DeadlineReason.objects.filter(deadline__procedure=procedure).order_by(
        "recorded_at", "id"
    ):
        found[reason.deadline_id] = reason
    return found
