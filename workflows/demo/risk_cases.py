"""Demo: a case at high risk (issue 15) and a missed deadline with its reason.

The district officer fills the card at the intervention and answers the risk checklist with
it (medium); the group assesses again at the meeting with the victim (medium); today a new
assessment finds strangulation, an immediate-action answer: the case is flagged for the
chair and the group, a safety-plan action is due the next working day and the chair is
told. The child is assessed on the child checklist. The first meeting came late: the chair
recorded why. All data are invented."""

import datetime

from workflows import calendar, services
from workflows.demo import build, working_days_ago
from workflows.models import Deadline
from workflows.risk import Answer, Kind, checklist
from workflows.rules import RuleCode


def _answers(kind: str, *yes: str) -> dict[str, str]:
    values = {q.code: Answer.NO for q in checklist(kind).questions}
    values.update(dict.fromkeys(yes, Answer.YES))
    values["violent_record" if kind == Kind.ADULT else "child_previous_cards"] = Answer.UNKNOWN
    return values


def high_risk_case(users) -> None:
    police, chair = users["dzielnicowy"], users["przewodniczaca"]
    social_worker = users["pracownik_socjalny"]
    today = calendar.legal_date()
    filled = working_days_ago(14)
    family = build.family("Sylwia Malinowska", "Robert Malinowski", "ul. Kwiatowa 5", child="Kuba")
    procedure, nka = build.initiate(police, family, filled)
    victim = procedure.participants.get(role="victim").person
    child = procedure.participants.get(role="minor_witness").person
    services.card_risk_assess(
        actor=police,
        procedure_id=procedure.pk,
        nka_id=nka.pk,
        person_id=victim.pk,
        kind=Kind.ADULT,
        answers=_answers(Kind.ADULT, "escalation", "substances", "separation"),
        assessed_on=filled,
        note="Wypełnione na miejscu interwencji (dane fikcyjne).",
    )
    build.to_chair(police, procedure, nka, working_days_ago(13))
    build.to_group(users, procedure, working_days_ago(12), working_days_ago(12))
    met = working_days_ago(3)  # the first meeting, 9 working days after the card reached them
    build.meetings(users, procedure, met, plan=build.plan(today + datetime.timedelta(60)))
    services.risk_assess(
        actor=social_worker,
        procedure_id=procedure.pk,
        person_id=victim.pk,
        kind=Kind.ADULT,
        answers=_answers(Kind.ADULT, "escalation", "substances", "separation", "children_in_home"),
        occasion="victim_meeting",
        assessed_on=met,
    )
    services.risk_assess(
        actor=social_worker,
        procedure_id=procedure.pk,
        person_id=child.pk,
        kind=Kind.CHILD,
        answers=_answers(Kind.CHILD, "child_witness"),
        occasion="victim_meeting",
        assessed_on=met,
    )
    services.risk_assess(
        actor=social_worker,
        procedure_id=procedure.pk,
        person_id=victim.pk,
        kind=Kind.ADULT,
        answers=_answers(
            Kind.ADULT, "strangulation", "escalation", "substances", "separation", "order_breached"
        ),
        occasion="review",
        assessed_on=today,
        note="Telefon od osoby doznającej przemocy: mąż ją dusił (dane fikcyjne).",
    )
    first = Deadline.objects.filter(procedure=procedure, rule=RuleCode.FIRST_MEETING).first()
    if first is not None and first.met_on and first.met_on > first.due_on:
        services.deadline_reason_record(
            actor=chair,
            procedure_id=procedure.pk,
            deadline_id=first.pk,
            reason="party_unavailable",
            details="Osoba doznająca przemocy przebywała w szpitalu (dane fikcyjne).",
        )
