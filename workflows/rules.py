"""Versioned statutory rules: every number the procedure depends on, with its legal basis.

A procedure stores the regulation edition it started under (``Procedure.edition``) and is
always judged by that edition's rules, even after the law changes. Everything an edition
needs — its code, the day it comes into force, its title, the citation printed on documents,
its rules, the annex numbers of the NK forms and the legal-basis lines of its documents — is
one ``EditionSpec`` in ``EDITIONS``. Adding a new edition means declaring one more
(CONTRIBUTING.md), never editing an old one.

Confidence follows docs/rules.md: ``law`` was read in the legal text, ``practice`` is
consistent across descriptions of the rules, ``open`` is a configurable default.

Two dates changed the law, and each rule follows one of them: the Act on counteracting
domestic violence (ustawa z 29 lipca 2005 r., renamed and amended by the Act of 9 March 2023,
Dz.U. 2023 poz. 535) from 22 June 2023, the regulation (Dz.U. 2023 poz. 1870) from
28 September 2023. A procedure's edition is chosen by the regulation's date (``edition_on``),
because the deadlines counted here are the regulation's; docs/rules.md says which rule follows
which date.

A rule the edition did not have is declared ``absent`` (with the reason), never given a
borrowed value: no deadline is opened for it, so none is shown or reported late
(``find_rule`` returns ``None``).

Whether a calendar-day or month deadline that ends on a Saturday, Sunday or holiday moves to
the next working day is said per rule (``Rule.rolls_forward`` with ``Rule.roll_basis``): the
regulation says nothing, so a rule moves only where a general provision applies by analogy
(k.p.a. art. 57 § 4 as amended on 1 June 2017, or k.c. art. 115), never by default.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"


class Edition(StrEnum):
    """Editions of the regulation on the "Niebieskie Karty" procedure, by the code a
    procedure stores (``Procedure.edition``). Everything an edition means is its
    ``EditionSpec`` in ``EDITIONS`` below."""

    # Dz.U. 2011 nr 209 poz. 1245, repealed on 28 September 2023.
    E2011 = "2011"
    # Dz.U. 2023 poz. 1870, in force from 28 September 2023.
    E2023 = "2023"


class RuleCode(StrEnum):
    NKA_TO_CHAIR = "nka_to_chair"
    GROUP_CREATED = "group_created"
    NKA_TO_GROUP = "nka_to_group"
    FIRST_MEETING = "first_meeting"
    PROGRAMME_REPORT = "programme_report"
    PROTECTIVE_ORDER = "protective_order"
    TEAM_MEETINGS = "team_meetings"
    HOSTEL_STAY = "hostel_stay"
    POST_CLOSURE_MONITORING = "post_closure_monitoring"
    SUSPECT_NOTICE = "suspect_notice"
    SAFETY_PLAN = "safety_plan"
    RISK_REASSESSMENT = "risk_reassessment"
    RISK_NEW_CARD = "risk_new_card"


RULE_LABELS = {
    RuleCode.NKA_TO_CHAIR: _("NK-A original to the team chair"),
    RuleCode.GROUP_CREATED: _("Diagnostic-support group created"),
    RuleCode.NKA_TO_GROUP: _("NK-A passed to the group members"),
    RuleCode.FIRST_MEETING: _("First group meeting"),
    RuleCode.PROGRAMME_REPORT: _("Perpetrator reports to a programme"),
    RuleCode.PROTECTIVE_ORDER: _("Protective order validity"),
    RuleCode.TEAM_MEETINGS: _("Interdisciplinary team meets"),
    RuleCode.HOSTEL_STAY: _("Crisis-centre hostel stay"),
    RuleCode.POST_CLOSURE_MONITORING: _("Monitoring after closure"),
    RuleCode.SUSPECT_NOTICE: _("Suspect notified of the initiation made in their absence"),
    RuleCode.SAFETY_PLAN: _("Safety-plan action after a high risk"),
    RuleCode.RISK_REASSESSMENT: _("Risk reassessed"),
    RuleCode.RISK_NEW_CARD: _("Risk reassessed after a new NK-A"),
}


@dataclass(frozen=True)
class Rule:
    code: RuleCode
    edition: str  # an ``Edition`` code
    value: int
    unit: Unit
    counted_from: str
    basis: str
    confidence: str  # "law" | "practice" | "open"
    note: str = ""
    # Whether an end on a Saturday, Sunday or holiday moves to the next working day, and why
    # (or why not). Working-day rules always end on a working day.
    rolls_forward: bool = False
    roll_basis: str = ""
    # The ``Team`` field that holds the value of a rule with no statutory basis (a team
    # setting); ``value`` is then only the default of a new team. ``team_rule`` applies it.
    team_setting: str = ""
    warn_share: float | None = None  # "at risk" after this share of the window (at_risk.py)

    @property
    def label(self) -> str:
        return str(RULE_LABELS[self.code])


def rule_set(edition: str, *rows: tuple) -> dict[RuleCode, Rule]:
    """The rules of ``edition`` from rows ``(code, value, unit, counted_from, basis,
    confidence[, note[, rolls_forward, roll_basis]])``; ``declare`` checks that every
    ``RuleCode`` is there or declared absent. A working-day rule's ``roll_basis`` says so."""
    found = {
        row[0]: dataclasses.replace(
            Rule(row[0], edition, *row[1:]), team_setting=TEAM_SETTINGS.get(row[0], "")
        )
        for row in rows
    }
    return {
        code: dataclasses.replace(r, roll_basis=WORKING_DAYS_END)
        if r.unit == Unit.WORKING_DAYS and not r.roll_basis
        else r
        for code, r in found.items()
    }


# Periods no legal text gives, kept as settings of each team (``Team`` fields) and shown in
# the UI as "team setting – no statutory basis"; the rule's value is the new team's default.
# The perpetrator's report to a programme: Dz.U. 2023 poz. 1164 says only that the
# certificates go to the group "without delay" (§ 1 pkt 3, read on prawo.pl); no period.
PROGRAMME_REPORT_DEFAULT_DAYS = 30
# Monitoring after closure is a task of the group (art. 9b of the Act, as municipal pages
# restate it: "monitorowanie sytuacji … również po zakończeniu procedury"); no period is set
# anywhere. 3 months (one quarter) keeps it on by default and ending by itself: a team sets
# its own, 0 switches it off.
POST_CLOSURE_MONITORING_DEFAULT_MONTHS = 3
TEAM_SETTINGS = {
    RuleCode.PROGRAMME_REPORT: "programme_report_days",
    RuleCode.POST_CLOSURE_MONITORING: "post_closure_monitoring_months",
    RuleCode.SAFETY_PLAN: "safety_plan_working_days",
    RuleCode.RISK_REASSESSMENT: "risk_reassessment_days",
    RuleCode.RISK_NEW_CARD: "risk_new_card_working_days",
}
TEAM_SETTING_BASIS = "no statutory basis found: a team setting"
# Issue 15 (workflows/risk.py, docs/risk.md): after an assessment that acts, a safety-plan
# action within 1 working day; a reassessment every 30 days. No legal text sets either [open].
SAFETY_PLAN_DEFAULT_WORKING_DAYS = 1
RISK_REASSESSMENT_DEFAULT_DAYS = 30
# A new NK-A in a case already assessed: within 5 working days of the team's receipt, as the
# group's first meeting after a card (§ 8) [open].
RISK_NEW_CARD_DEFAULT_WORKING_DAYS = 5


# Why a rule moves or not (Rule.roll_basis). The regulation says nothing about a deadline
# ending on a day off (the Act of 18 January 1951 on public holidays lists them); a rule moves
# only where a general provision applies by analogy, and then ``roll_basis`` is that provision
# as a page cites it. docs/rules.md gives the reasoning.
# k.p.a. art. 57 § 4 (as amended from 1 June 2017, Dz.U. 2017 poz. 935): a term ending on a
# day off or a Saturday ends on the next day that is neither — for an office's act or letter.
KPA_57 = "art. 57 § 4 k.p.a."
# k.c. art. 115 (as amended from 1 January 2017): the same for a person's act.
KC_115 = "art. 115 k.c."
WORKING_DAYS_END = "counted in working days, it always ends on one"
NO_ROLL_PROMPTLY = "the Act says “promptly” and the days are its outer limit"
NO_ROLL_PERIOD = "a period of validity or stay, not a term to act"
NO_ROLL_FREQUENCY = "how often the team meets, not a term to act"
NO_ROLL_INTERVAL = "the team's own interval, no general provision applies"


def _risk_rows() -> tuple[tuple, ...]:
    """The risk assessment's two deadlines, the same in every edition (team settings)."""
    return (
        (
            RuleCode.SAFETY_PLAN,
            SAFETY_PLAN_DEFAULT_WORKING_DAYS,
            U.WORKING_DAYS,
            "an assessment of high risk or with an immediate-action answer",
            TEAM_SETTING_BASIS,
            "open",
            "The team's setting (default 1 working day, 0: no deadline); docs/risk.md.",
        ),
        (
            RuleCode.RISK_REASSESSMENT,
            RISK_REASSESSMENT_DEFAULT_DAYS,
            U.CALENDAR_DAYS,
            "the last risk assessment of the victim",
            TEAM_SETTING_BASIS,
            "open",
            "The team's setting (default 30 days, 0: no deadline); docs/risk.md.",
            False,
            NO_ROLL_INTERVAL,
        ),
        (
            RuleCode.RISK_NEW_CARD,
            RISK_NEW_CARD_DEFAULT_WORKING_DAYS,
            U.WORKING_DAYS,
            "receipt by the team of a new NK-A in a case already assessed",
            TEAM_SETTING_BASIS,
            "open",
            "The team's setting (default 5 working days, 0: no deadline); docs/risk.md.",
        ),
    )


U = Unit
_RULES_2023 = rule_set(
    Edition.E2023,
    *_risk_rows(),
    (
        RuleCode.NKA_TO_CHAIR,
        5,
        U.WORKING_DAYS,
        "initiation",
        "Dz.U. 2023 poz. 1870 § 7",
        "practice",
    ),
    (
        RuleCode.GROUP_CREATED,
        3,
        U.CALENDAR_DAYS,
        "receipt of the NK-A by the team",
        "ustawa o przeciwdziałaniu przemocy domowej art. 9a",
        "practice",
        "The unit (calendar or working days) is not settled; calendar days by default. "
        "Follows the Act's date (22 June 2023).",
        False,
        NO_ROLL_PROMPTLY,
    ),
    (
        RuleCode.NKA_TO_GROUP,
        3,
        U.WORKING_DAYS,
        "receipt of the NK-A by the chair",
        "Dz.U. 2023 poz. 1870 § 8",
        "practice",
    ),
    (
        RuleCode.FIRST_MEETING,
        5,
        U.WORKING_DAYS,
        "receipt of the NK-A by the group",
        "Dz.U. 2023 poz. 1870 § 8",
        "practice",
    ),
    (
        RuleCode.PROGRAMME_REPORT,
        PROGRAMME_REPORT_DEFAULT_DAYS,
        U.CALENDAR_DAYS,
        "receipt of the referral",
        TEAM_SETTING_BASIS,
        "open",
        "The team's setting (default 30 days, 0: no deadline). No legal text gives a period "
        "to report: the certificates go to the group without delay (Dz.U. 2023 poz. 1164 "
        "§ 1 pkt 3).",
        True,
        KC_115,
    ),
    (
        RuleCode.PROTECTIVE_ORDER,
        14,
        U.CALENDAR_DAYS,
        "issue of the order",
        "ustawa o Policji art. 15ak; art. 15aab ust. 3",
        "law",
        "The day of issue is not counted; unless a court extends it. A later ban ends with "
        "the order to leave the home; every order ends on pretrial detention.",
        False,
        NO_ROLL_PERIOD,
    ),
    (
        RuleCode.TEAM_MEETINGS,
        2,
        U.MONTHS,
        "previous team meeting",
        "ustawa o przeciwdziałaniu przemocy domowej art. 9a",
        "practice",
        "Follows the Act's date (22 June 2023).",
        False,
        NO_ROLL_FREQUENCY,
    ),
    (
        RuleCode.HOSTEL_STAY,
        3,
        U.MONTHS,
        "admission",
        "ustawa o pomocy społecznej art. 47",
        "law",
        "A centre may set a shorter local limit.",
        False,
        NO_ROLL_PERIOD,
    ),
    (
        RuleCode.POST_CLOSURE_MONITORING,
        POST_CLOSURE_MONITORING_DEFAULT_MONTHS,
        U.MONTHS,
        "closure",
        TEAM_SETTING_BASIS,
        "open",
        "The team's setting (default 3 months, 0: off); the close form may switch it off "
        "with a reason. Monitoring after closure is a task of the group (art. 9b of the Act); "
        "no period is set by law.",
        False,
        NO_ROLL_PERIOD,
    ),
    # Issue 13 item 4: an NK-A filled in the suspect's absence; the group (the chair or a
    # member) notifies the suspect of the initiation. The paragraph of Dz.U. 2023 poz. 1870
    # was not found in the stored texts (docs/rules.md): the value is the domain note's.
    (
        RuleCode.SUSPECT_NOTICE,
        3,
        U.WORKING_DAYS,
        "initiation (the NK-A filled in the suspect's absence)",
        "Dz.U. 2023 poz. 1870 (paragraph not verified)",
        "practice",
        "Only when the NK-A says the suspect was not present when it was filled.",
    ),
)
_RULES_2011 = rule_set(
    Edition.E2011,
    *_risk_rows(),
    (
        RuleCode.NKA_TO_CHAIR,
        7,
        U.CALENDAR_DAYS,
        "initiation",
        "Dz.U. 2011 nr 209 poz. 1245 § 5",
        "practice",
        "",
        True,
        KPA_57,
    ),
    (
        RuleCode.NKA_TO_GROUP,
        3,
        U.WORKING_DAYS,
        "receipt of the NK-A by the chair",
        "Dz.U. 2011 nr 209 poz. 1245",
        "open",
        "No separate 2011 value confirmed; the 2023 default is carried over.",
    ),
    (
        RuleCode.PROGRAMME_REPORT,
        PROGRAMME_REPORT_DEFAULT_DAYS,
        U.CALENDAR_DAYS,
        "receipt of the referral",
        TEAM_SETTING_BASIS,
        "open",
        "The team's setting, as in 2023; no legal text gives a period to report.",
        True,
        KC_115,
    ),
    (
        RuleCode.PROTECTIVE_ORDER,
        14,
        U.CALENDAR_DAYS,
        "issue of the order",
        "ustawa o Policji art. 15ak; art. 15aab ust. 3",
        "law",
        "The order to leave the home exists from 30 Nov 2020, the other bans from 15 Aug 2023.",
        False,
        NO_ROLL_PERIOD,
    ),
    (
        RuleCode.TEAM_MEETINGS,
        3,
        U.MONTHS,
        "previous team meeting",
        "ustawa o przeciwdziałaniu przemocy w rodzinie art. 9a",
        "practice",
        "Until 21 June 2023 (the Act's date); a 2011 procedure keeps it.",
        False,
        NO_ROLL_FREQUENCY,
    ),
    (
        RuleCode.HOSTEL_STAY,
        3,
        U.MONTHS,
        "admission",
        "ustawa o pomocy społecznej art. 47",
        "law",
        "",
        False,
        NO_ROLL_PERIOD,
    ),
    (
        RuleCode.POST_CLOSURE_MONITORING,
        POST_CLOSURE_MONITORING_DEFAULT_MONTHS,
        U.MONTHS,
        "closure",
        TEAM_SETTING_BASIS,
        "open",
        "The team's setting, as in 2023.",
        False,
        NO_ROLL_PERIOD,
    ),
)
# The deadlines the 2011 edition did not have (domain note, section 4a "Edition switch": no
# deadline for creating a group, for the first meeting or for the suspect notice). The 2011
# regulation's text was not found in the stored material (docs/rules.md); a 2011 procedure is
# never measured against these.
_ABSENT_2011 = {
    RuleCode.GROUP_CREATED: (
        "No deadline for creating a group in the 2011 edition: the diagnostic-support group "
        "and its 3 days came with the Act's amendment of 9 March 2023 (Dz.U. 2023 poz. 535, "
        "in force 22 June 2023)."
    ),
    RuleCode.FIRST_MEETING: (
        "No deadline for the first meeting in the 2011 edition; it came with the 2023 "
        "regulation (Dz.U. 2023 poz. 1870 § 8)."
    ),
    RuleCode.SUSPECT_NOTICE: (
        "No deadline for notifying a suspect absent at initiation in the 2011 edition; it "
        "came with the 2023 regulation (Dz.U. 2023 poz. 1870)."
    ),
}


# --------------------------------------------------------------------------- editions

# The Act the documents cite (genitive, as printed after "Art. 9a …").
ACT = "ustawy z dnia 29 lipca 2005 r. o przeciwdziałaniu przemocy domowej (Dz.U. 2024 poz. 1673)"
# The statutory forms, each an annex of the regulation (its number is the edition's).
FORM_KINDS = ("nka", "nkb", "nkc", "nkd")
# The legal-basis line of each document kind (``documents.models.DocumentKind`` values),
# shared by every edition unless its ``EditionSpec.basis_lines`` says otherwise. Placeholders:
# ``{regulation}`` the edition's citation, ``{act}`` its Act, ``{annex}`` the form's annex.
DEFAULT_BASIS: dict[str, str] = {
    "nka": "Załącznik nr {annex} do {regulation}",
    "nkb": "Załącznik nr {annex} do {regulation}",
    "nkc": "Załącznik nr {annex} do {regulation}",
    "nkd": "Załącznik nr {annex} do {regulation}",
    "group_decision": "Art. 9a ust. 10 i 11 {act}",
    "declaration": "Art. 9c ust. 3 {act}",
    "victim_invitation": "Na podstawie {regulation}",
    "suspect_summons": "Na podstawie {regulation}",
    "initiation_notice": "Na podstawie {regulation}",
    "minutes": "Na podstawie {regulation}",
    "referral": (
        "Art. 9b {act}; wzory pouczeń: rozporządzenie Ministra Rodziny i Polityki "
        "Społecznej z dnia 20 czerwca 2023 r. (Dz.U. 2023 poz. 1164)"
    ),
    "misdemeanour": (
        "Art. 9a {act} w związku z art. 66c ustawy z dnia 20 maja 1971 r. – Kodeks wykroczeń"
    ),
    "notice": "Art. 9a {act}",
    "closure_protocol": "§ 18 {regulation}",
    "closure_notice": "§ 18 {regulation}",
    "programme_reported": "Art. 9b ust. 2 {act}",
    "programme_completed": "Art. 9b ust. 2 {act}",
}


@dataclass(frozen=True)
class EditionSpec:
    """One edition of the regulation: the single place that says what it is and means."""

    code: str  # stored in ``Procedure.edition`` and on every form and document (≤ 8 chars)
    in_force_from: datetime.date  # a procedure whose NK-A is filled on or after it uses it
    title: str  # short reference, printed as the form's edition ("Dz.U. 2023 poz. 1870")
    regulation: str  # full citation in the genitive, printed in legal-basis lines
    rules: dict[RuleCode, Rule]  # a complete rule set (``rule_set``)
    annexes: dict[str, int]  # NK form kind → its annex number in this regulation
    act: str = ACT
    basis_lines: dict[str, str] = field(default_factory=dict)  # overrides of DEFAULT_BASIS
    # Rules this edition did not have, with the reason: no deadline is opened for them.
    absent: dict[RuleCode, str] = field(default_factory=dict)

    def basis(self, kind: str) -> str:
        """The legal-basis line printed on document ``kind`` of this edition; raises
        ``KeyError`` for a kind no basis is declared for."""
        line = self.basis_lines.get(kind) or DEFAULT_BASIS[kind]
        return line.format(regulation=self.regulation, act=self.act, annex=self.annexes.get(kind))


EDITIONS: dict[str, EditionSpec] = {}


def declare(spec: EditionSpec) -> EditionSpec:
    """Add ``spec`` to ``EDITIONS``; raises ``ValueError`` when it is incomplete: every rule
    (or its absence, with the reason), every form's annex and a basis line for every document
    must be there."""
    problems = []
    if not spec.code or len(spec.code) > 8:
        problems.append("the code must have 1 to 8 characters")
    if spec.code in EDITIONS:
        problems.append("the code is already declared")
    if any(other.in_force_from == spec.in_force_from for other in EDITIONS.values()):
        problems.append("another edition comes into force on the same day")
    declared = set(spec.rules) | set(spec.absent)
    if declared != set(RuleCode):
        problems.append(f"rules missing: {sorted(set(RuleCode) - declared)}")
    if set(spec.rules) & set(spec.absent):
        problems.append("a rule is both declared and absent")
    if not all(spec.absent.values()):
        problems.append("an absent rule must say why")
    if any(r.code != code or r.edition != spec.code for code, r in spec.rules.items()):
        problems.append("every rule must carry its own code and this edition")
    if set(spec.annexes) != set(FORM_KINDS):
        problems.append(f"annexes must number exactly {FORM_KINDS}")
    if set(spec.basis_lines) - set(DEFAULT_BASIS):
        problems.append("basis lines for unknown document kinds")
    if problems:
        raise ValueError(f"edition {spec.code!r}: " + "; ".join(problems))
    EDITIONS[spec.code] = spec
    return spec


_ANNEXES = {"nka": 1, "nkb": 2, "nkc": 3, "nkd": 4}

declare(
    EditionSpec(
        code=Edition.E2011,
        in_force_from=datetime.date(2011, 10, 18),
        title="Dz.U. 2011 nr 209 poz. 1245",
        regulation=(
            "rozporządzenia Rady Ministrów z dnia 13 września 2011 r. w sprawie procedury "
            "„Niebieskie Karty” oraz wzorów formularzy „Niebieska Karta” "
            "(Dz.U. 2011 nr 209 poz. 1245)"
        ),
        rules=_RULES_2011,
        annexes=_ANNEXES,
        absent=_ABSENT_2011,
    )
)
declare(
    EditionSpec(
        code=Edition.E2023,
        in_force_from=datetime.date(2023, 9, 28),
        title="Dz.U. 2023 poz. 1870",
        regulation=(
            "rozporządzenia Rady Ministrów z dnia 6 września 2023 r. w sprawie procedury "
            "„Niebieskie Karty” oraz wzorów formularzy „Niebieska Karta” (Dz.U. 2023 poz. 1870)"
        ),
        rules=_RULES_2023,
        annexes=_ANNEXES,
    )
)


def edition_choices() -> list[tuple[str, str]]:
    """The declared editions as a model field's choices (``Procedure.edition``): a callable,
    so declaring an edition needs no migration."""
    return [(code, spec.title) for code, spec in EDITIONS.items()]


def edition_spec(edition: str) -> EditionSpec:
    """The declaration of ``edition``; raises ``ValueError`` for an undeclared code."""
    try:
        return EDITIONS[str(edition)]
    except KeyError:
        raise ValueError(f"no edition {edition!r} is declared") from None


def edition_on(day: datetime.date) -> str:
    """The code of the regulation edition in force on ``day`` (the day a procedure starts);
    before the first edition, the first one."""
    specs = sorted(EDITIONS.values(), key=lambda spec: spec.in_force_from)
    current = specs[0]
    for spec in specs:
        if day >= spec.in_force_from:
            current = spec
    return current.code


def find_rule(code: RuleCode | str, edition: str) -> Rule | None:
    """The rule ``code`` of ``edition``, or ``None`` when that edition did not have it
    (``EditionSpec.absent``); raises ``ValueError`` for an unknown rule code or edition."""
    return edition_spec(edition).rules.get(RuleCode(code))


def team_rule(code: RuleCode | str, edition: str, team: object) -> Rule | None:
    """The rule ``code`` of ``edition`` as ``team`` applies it: a team setting's value comes
    from the team (``Rule.team_setting``), never from a constant. ``None`` when the edition
    did not have the rule or the team set 0 (no deadline)."""
    found = find_rule(code, edition)
    if found is None or not found.team_setting:
        return found
    value = getattr(team, found.team_setting)
    return dataclasses.replace(found, value=value) if value else None


def rule(code: RuleCode | str, edition: str) -> Rule:
    """Return the rule ``code`` of ``edition``; raises ``ValueError`` for an unknown rule
    code or edition, ``LookupError`` for a rule the edition did not have (``find_rule``
    is for callers that must cope with that)."""
    found = find_rule(code, edition)
    if found is None:
        raise LookupError(f"edition {edition!r} has no rule {str(code)!r}")
    return found
