"""Issue 15: the risk checklists as versioned data, each threshold and trigger pinned."""

import dataclasses
import datetime

import pytest

from workflows import calendar, risk
from workflows.risk import Answer, Kind, Level, checklist, score
from workflows.rules import EDITIONS, RuleCode, Unit, find_rule, team_rule

ADULT = checklist(Kind.ADULT)
CHILD = checklist(Kind.CHILD)


def answers(found, *yes: str, default: str = Answer.NO) -> dict[str, str]:
    values = {q.code: default for q in found.questions}
    values.update(dict.fromkeys(yes, Answer.YES))
    return values


def scored_codes(found, n: int) -> list[str]:
    return [q.code for q in found.scored][:n]


@pytest.mark.parametrize("code", [q.code for q in ADULT.questions if q.immediate])
def test_any_yes_to_an_adult_immediate_question_means_act_now(code):
    result = score(ADULT, answers(ADULT, code))
    assert result.level == Level.IMMEDIATE
    assert result.immediate == (code,)
    assert result.acts


def test_the_adult_immediate_questions_are_the_police_questionnaires_first_three():
    assert [q.code for q in ADULT.questions if q.immediate] == [
        "weapon",
        "threat_to_kill",
        "strangulation",
    ]
    assert all("MP-92 (" in q.source or "MP-92" in q.source for q in ADULT.questions[:13])


@pytest.mark.parametrize(
    ("yes", "level"),
    [(0, Level.STANDARD), (2, Level.STANDARD), (3, Level.MEDIUM), (4, Level.MEDIUM)]
    + [(5, Level.HIGH), (16 - 3, Level.HIGH)],
)
def test_adult_counted_answers_give_the_level(yes, level):
    result = score(ADULT, answers(ADULT, *scored_codes(ADULT, yes)))
    assert result.score == yes
    assert result.level == level
    assert result.acts == (level == Level.HIGH)


@pytest.mark.parametrize("code", [q.code for q in CHILD.questions if q.immediate])
def test_any_yes_to_a_child_immediate_question_means_act_now(code):
    assert score(CHILD, answers(CHILD, code)).level == Level.IMMEDIATE


@pytest.mark.parametrize(
    ("yes", "level"),
    [(1, Level.STANDARD), (2, Level.MEDIUM), (5, Level.MEDIUM), (6, Level.HIGH)],
)
def test_child_counted_answers_give_the_level(yes, level):
    assert score(CHILD, answers(CHILD, *scored_codes(CHILD, yes))).level == level


def test_the_child_checklist_has_the_police_structure_four_immediate_nine_counted():
    assert sum(q.immediate for q in CHILD.questions) == 4
    assert len(CHILD.scored) == 9


def test_not_known_never_counts():
    result = score(ADULT, answers(ADULT, default=Answer.UNKNOWN))
    assert (result.score, result.level) == (0, Level.STANDARD)
    assert score(ADULT, {}).level == Level.STANDARD


def test_a_team_threshold_replaces_the_declared_high_one():
    team = type("Team", (), {"risk_high_adult": 3, "risk_high_child": None})()
    three = answers(ADULT, *scored_codes(ADULT, 3))
    assert score(ADULT, three).level == Level.MEDIUM
    result = score(ADULT, three, team=team)
    assert (result.level, result.high) == (Level.HIGH, 3)
    # An empty setting keeps the checklist's own threshold.
    assert score(CHILD, answers(CHILD, *scored_codes(CHILD, 6)), team=team).high == CHILD.high


def test_unknown_codes_and_answers_are_refused():
    with pytest.raises(ValueError):
        score(ADULT, {"no_such_question": Answer.YES})
    with pytest.raises(ValueError):
        score(ADULT, {"weapon": "maybe"})


def test_a_version_is_never_declared_twice_nor_with_bad_thresholds():
    with pytest.raises(ValueError, match="already declared"):
        risk.declare(ADULT)
    broken = dataclasses.replace(ADULT, version="test-bad", medium=6, high=5)
    with pytest.raises(ValueError, match="thresholds"):
        risk.declare(broken)
    assert ("adult", "test-bad") not in risk.CHECKLISTS
    with pytest.raises(ValueError):
        checklist(Kind.ADULT, "1999-1")


def test_every_question_and_threshold_carries_its_source_and_confidence():
    for found in risk.CHECKLISTS.values():
        assert all(q.source for q in found.questions)
        assert found.threshold_basis and found.confidence in {"practice", "open"}
        assert "[open]" in found.threshold_basis


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_the_risk_deadlines_are_team_settings_in_every_edition(edition):
    safety = find_rule(RuleCode.SAFETY_PLAN, edition)
    review = find_rule(RuleCode.RISK_REASSESSMENT, edition)
    assert (safety.value, safety.unit, safety.confidence) == (1, Unit.WORKING_DAYS, "open")
    assert safety.team_setting == "safety_plan_working_days"
    assert (review.value, review.unit) == (30, Unit.CALENDAR_DAYS)
    assert review.team_setting == "risk_reassessment_days"
    assert "team setting" in safety.basis
    new_card = find_rule(RuleCode.RISK_NEW_CARD, edition)
    assert (new_card.value, new_card.unit) == (5, Unit.WORKING_DAYS)
    assert new_card.team_setting == "risk_new_card_working_days"


def test_the_safety_plan_falls_due_on_the_next_working_day_across_a_holiday():
    team = type("Team", (), {"safety_plan_working_days": 1})()
    found = team_rule(RuleCode.SAFETY_PLAN, "2023", team)
    # Wednesday 10 November 2027 → Friday 12 November (11 November is a holiday); Thursday
    # 24 December 2026 → Monday 28 December (25 and 26 December, then the weekend).
    assert calendar.due_date(found, datetime.date(2027, 11, 10)) == datetime.date(2027, 11, 12)
    assert calendar.due_date(found, datetime.date(2026, 12, 24)) == datetime.date(2026, 12, 28)
    off = type("Team", (), {"safety_plan_working_days": 0})()
    assert team_rule(RuleCode.SAFETY_PLAN, "2023", off) is None
