"""Risk checklists as versioned data: the questions, the answers that count, the thresholds.

Declared like the deadline rules (``workflows.rules``): a checklist is one ``Checklist``
per kind and version in ``CHECKLISTS``, with its source and confidence, and never edited in
place. A new version is declared beside the old one; an assessment keeps the version it was
answered with (``workflows.models.RiskAssessment``) and is always read against it.

The structure follows the Police's risk questionnaires used at interventions since
1 January 2014 (form MP-92, adults; MP-93, children): a few questions any "yes" to which
means "act now", and a count of "yes" among the others. The questions below are our own
wording of the risk factors NK-A and NK-C already ask about (docs/risk.md gives each one's
source); the Police's text is not copied. Confidence follows docs/rules.md: ``practice`` is
a threshold or question a public source describes, ``open`` is our default, configurable per
team (``Team.risk_high_adult`` / ``risk_high_child``).

What a level does (``workflows.services.risk``): ``immediate`` or ``high`` flags the case
for the chair and the group, opens the safety-plan deadline (``RuleCode.SAFETY_PLAN``) and
notifies the chair; every assessment opens the next reassessment
(``RuleCode.RISK_REASSESSMENT``).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"  # not known or not asked: never counts


ANSWER_LABELS = {Answer.YES: _("yes"), Answer.NO: _("no"), Answer.UNKNOWN: _("not known")}


class Kind(StrEnum):
    ADULT = "adult"
    CHILD = "child"


KIND_LABELS = {Kind.ADULT: _("adult victim"), Kind.CHILD: _("child victim")}


class Level(StrEnum):
    """How urgent, in order: a later one is more urgent (``LEVEL_ORDER``)."""

    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"
    IMMEDIATE = "immediate"


LEVEL_LABELS = {
    Level.STANDARD: _("standard risk"),
    Level.MEDIUM: _("medium risk"),
    Level.HIGH: _("high risk"),
    Level.IMMEDIATE: _("act now"),
}
LEVEL_ORDER = list(Level)
# The levels that act: the case is flagged, a safety-plan action is due, the chair is told.
ACTING = frozenset({Level.HIGH, Level.IMMEDIATE})

# Where a question or threshold comes from (docs/risk.md cites each page).
MP92 = (
    "Police questionnaire part A, form MP-92 (in use since 1.01.2014; structure as "
    "reproduced in the Niezbędnik prokuratora, issuu.com/centrum_praw_kobiet/docs/"
    "niezbednik_prokuratora_22_01_1/74)"
)
MP93 = (
    "Police questionnaire part B, form MP-93 (children; its text was not found in stored material)"
)
# The art. 12a questionnaire for taking a child away (the "Kamilek" amendment): 13 risk factors.
ART12A = (
    "draft questionnaire of art. 12a of the Act, 13 risk factors (serwisy.gazetaprawna.pl/"
    "samorzad/artykuly/9536152)"
)
DASH = (
    "SafeLives DASH risk identification checklist (plymouthscb.co.uk/safe-lives-dash-ric-checklist)"
)
ISSUE = "risk factors NK-A and NK-C ask about (issue 15)"


@dataclass(frozen=True)
class Question:
    code: str  # stable within a checklist kind; stored in an assessment's answers
    text: Promise
    source: str
    immediate: bool = False  # any counting answer means "act now"
    counts: frozenset[str] = frozenset({Answer.YES})


@dataclass(frozen=True)
class Checklist:
    kind: Kind
    version: str
    title: Promise
    in_use_from: str  # ISO date the version was declared for use
    questions: tuple[Question, ...]
    medium: int  # scored "yes" answers from which the risk is medium
    high: int  # ... and high (a team may set its own: ``team_setting``)
    threshold_basis: str
    confidence: str  # "practice" | "open", for the thresholds
    team_setting: str  # the ``Team`` field that overrides ``high`` when set

    def question(self, code: str) -> Question:
        for question in self.questions:
            if question.code == code:
                return question
        raise KeyError(code)

    @property
    def scored(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if not q.immediate)


@dataclass(frozen=True)
class Result:
    score: int  # counting answers among the scored (not immediate) questions
    immediate: tuple[str, ...]  # codes of the immediate-action questions answered so
    level: Level
    high: int  # the high threshold applied

    @property
    def acts(self) -> bool:
        return self.level in ACTING


CHECKLISTS: dict[tuple[str, str], Checklist] = {}
CURRENT: dict[str, str] = {}  # kind → the version new assessments use


def declare(checklist: Checklist, *, current: bool = True) -> Checklist:
    """Add ``checklist``; raises ``ValueError`` when a version is declared twice, a code
    repeats, no question is immediate or scored, or the thresholds are out of order."""
    problems = []
    key = (checklist.kind, checklist.version)
    if key in CHECKLISTS:
        problems.append("this version is already declared")
    codes = [q.code for q in checklist.questions]
    if len(set(codes)) != len(codes):
        problems.append("question codes repeat")
    if not any(q.immediate for q in checklist.questions) or not checklist.scored:
        problems.append("a checklist needs immediate and scored questions")
    if not 0 < checklist.medium < checklist.high <= len(checklist.scored):
        problems.append("thresholds must be 0 < medium < high ≤ scored questions")
    if not all(q.source for q in checklist.questions):
        problems.append("every question needs its source")
    if problems:
        raise ValueError(f"checklist {key!r}: " + "; ".join(problems))
    CHECKLISTS[key] = checklist
    if current:
        CURRENT[checklist.kind] = checklist.version
    return checklist


def checklist(kind: str, version: str | None = None) -> Checklist:
    """The checklist ``kind`` of ``version`` (the current one by default); raises
    ``ValueError`` for an undeclared kind or version."""
    try:
        return CHECKLISTS[(str(kind), version or CURRENT[str(kind)])]
    except KeyError:
        raise ValueError(f"no checklist {kind!r} {version!r} is declared") from None


def high_threshold(found: Checklist, team: object | None) -> int:
    """The high threshold ``team`` applies to ``found``: its setting, or the declared one."""
    value = getattr(team, found.team_setting, None) if team is not None else None
    return int(value) if value else found.high


def score(found: Checklist, answers: dict[str, str], *, team: object | None = None) -> Result:
    """Score ``answers`` (question code → ``Answer``) on ``found``.

    Any counting answer to an immediate-action question makes the level ``immediate``
    whatever the count (MP-92: "any yes to 1–3"). Otherwise the count of counting answers
    among the other questions gives ``high`` from the team's threshold, ``medium`` from the
    declared one. A missing answer counts as ``unknown``. Raises ``ValueError`` for a code
    the checklist does not have or an answer that is not an ``Answer``.
    """
    unknown = set(answers) - {q.code for q in found.questions}
    if unknown:
        raise ValueError(f"unknown questions: {sorted(unknown)}")
    if any(value not in set(Answer) for value in answers.values()):
        raise ValueError("an answer must be yes, no or unknown")
    high = high_threshold(found, team)

    def counted(question: Question) -> bool:
        return answers.get(question.code, Answer.UNKNOWN) in question.counts

    immediate = tuple(q.code for q in found.questions if q.immediate and counted(q))
    points = sum(1 for q in found.scored if counted(q))
    if immediate:
        level = Level.IMMEDIATE
    elif points >= high:
        level = Level.HIGH
    elif points >= found.medium:
        level = Level.MEDIUM
    else:
        level = Level.STANDARD
    return Result(score=points, immediate=immediate, level=level, high=high)


# --------------------------------------------------------------------------- adults, 2026-1

declare(
    Checklist(
        kind=Kind.ADULT,
        version="2026-1",
        title=_("Risk checklist – adult victim"),
        in_use_from="2026-11-26",
        questions=(
            # MP-92 questions 1–3: any yes means start the procedure and consider detention.
            Question(
                "weapon",
                _("Was a dangerous object or weapon used in the violence, or threatened with?"),
                MP92 + " q. 1",
                immediate=True,
            ),
            Question(
                "threat_to_kill",
                _(
                    "Has the suspect threatened to kill the victim, or does the victim fear "
                    "for their life?"
                ),
                MP92 + " q. 2; NK-A section IX (the victim's feeling of safety); " + DASH,
                immediate=True,
            ),
            Question(
                "strangulation",
                _("Has the suspect ever strangled or choked the victim?"),
                MP92 + " q. 3; NK-A section IV (choking); " + DASH,
                immediate=True,
            ),
            # MP-92 questions 4–13: more than 4 yes means start the procedure.
            Question(
                "escalation",
                _("Has the violence recently become more frequent or more severe?"),
                MP92 + " q. 4; " + DASH,
            ),
            Question(
                "suspect_mental_health",
                _("Does the suspect have a mental disorder or psychiatric treatment?"),
                MP92 + " q. 5",
            ),
            Question(
                "substances",
                _("Is the suspect under the influence of alcohol, drugs or medicines?"),
                MP92 + " q. 6; NK-A (alcohol or other substances)",
            ),
            Question(
                "violent_record",
                _("Has the suspect been convicted before of a violent offence?"),
                MP92 + " q. 7",
            ),
            Question(
                "suspect_suicide",
                _("Has the suspect ever threatened or attempted suicide?"),
                MP92 + " q. 8; " + DASH,
            ),
            Question(
                "victim_suicide",
                _("Has the victim ever attempted suicide?"),
                MP92 + " q. 9; " + DASH,
            ),
            Question(
                "jealousy",
                _("Is the suspect obsessively jealous of the victim?"),
                MP92 + " q. 10; " + DASH,
            ),
            Question(
                "separation",
                _("Has the victim recently separated, or tried to separate, from the suspect?"),
                MP92 + " q. 11; " + DASH,
            ),
            Question(
                "pregnancy",
                _("Is the victim pregnant, or was she beaten while pregnant?"),
                MP92 + " q. 12; " + DASH,
            ),
            Question(
                "firearm",
                _("Does the suspect have a firearm, or access to one?"),
                MP92 + " q. 13; NK-A section VIII (firearm)",
            ),
            # Added by issue 15 from what the cards ask: not on MP-92.
            Question(
                "children_in_home",
                _("Do children live in the home?"),
                ISSUE + " (NK-A household members); " + DASH,
            ),
            Question(
                "previous_cards",
                _("Were there earlier Niebieska Karta cards or procedures for this family?"),
                ISSUE,
            ),
            Question(
                "order_breached",
                _("Has the suspect breached a protective order, a ban or a court measure?"),
                ISSUE + "; " + DASH,
            ),
        ),
        medium=3,
        high=5,
        threshold_basis=(
            "high from 5: MP-92 starts the procedure on more than 4 yes among its questions "
            "4–13; here 3 questions are added to the count, so the number is a default a "
            "team may change [open]; medium from 3: no basis found [open]"
        ),
        confidence="open",
        team_setting="risk_high_adult",
    )
)


# --------------------------------------------------------------------------- children, 2026-1

declare(
    Checklist(
        kind=Kind.CHILD,
        version="2026-1",
        title=_("Risk checklist – child victim"),
        in_use_from="2026-11-26",
        questions=(
            # MP-93's structure: its questions 1–4 call for immediate action.
            Question(
                "child_injury",
                _(
                    "Does the child have injuries that need medical help, or was the child hit "
                    "with an object?"
                ),
                MP93 + " (structure); NK-A section V (injuries)",
                immediate=True,
            ),
            Question(
                "child_sexual",
                _("Is there a suspicion of sexual violence against the child?"),
                MP93 + " (structure); NK-A section IV (sexual violence)",
                immediate=True,
            ),
            Question(
                "child_threat",
                _(
                    "Has anyone threatened to kill or seriously harm the child, or does the "
                    "child fear for their life?"
                ),
                MP93 + " (structure); NK-A section IX (feeling of safety); " + ART12A,
                immediate=True,
            ),
            Question(
                "child_no_care",
                _(
                    "Is the child left without care, or with carers unable to care for them "
                    "(for example intoxicated)?"
                ),
                MP93 + " (structure); NK-A section IV (neglect)",
                immediate=True,
            ),
            # MP-93's questions 5–13 are counted.
            Question(
                "child_escalation",
                _("Has the violence recently become more frequent or more severe?"),
                ISSUE + "; " + DASH,
            ),
            Question(
                "carer_substances",
                _("Does the suspect abuse alcohol, drugs or medicines?"),
                ISSUE + " (NK-A alcohol or other substances)",
            ),
            Question(
                "child_witness",
                _("Has the child seen or heard violence against another household member?"),
                ISSUE + " (NK-A section X, witnesses)",
            ),
            Question(
                "child_young",
                _("Is the child under 3 years old, or has a disability?"),
                ISSUE + " (NK-A age, disability)",
            ),
            Question(
                "household_strangulation",
                _("Has the suspect strangled or choked anyone in the household?"),
                ISSUE + "; " + DASH,
            ),
            Question(
                "child_firearm",
                _("Does the suspect have a firearm, or access to one?"),
                ISSUE + " (NK-A section VIII)",
            ),
            Question(
                "child_previous_cards",
                _("Were there earlier Niebieska Karta cards or procedures for this family?"),
                ISSUE + "; " + ART12A,
            ),
            Question(
                "child_order_breached",
                _("Has the suspect breached a protective order, a ban or a court measure?"),
                ISSUE + "; " + DASH,
            ),
            Question(
                "contact_conflict",
                _(
                    "Have the parents recently separated, or is there a dispute over contact "
                    "with the child?"
                ),
                ISSUE + "; " + DASH,
            ),
        ),
        medium=2,
        high=6,
        threshold_basis=(
            "modelled on MP-93 as the Police describe it (questions 1–4 act now; 2–4 yes of "
            "5–13 start the procedure, medium here; more than 5 call for detention or the "
            "child's removal, high from 6); MP-93's own text was not found and these "
            "questions are ours, so both numbers are defaults a team may change [open]"
        ),
        confidence="open",
        team_setting="risk_high_child",
    )
)
