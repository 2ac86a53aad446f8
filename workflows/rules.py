"""Versioned statutory rules: every number the procedure depends on, with its legal basis.

A procedure stores the regulation edition it started under (``Procedure.edition``) and is
always judged by that edition's rules, even after the law changes. Adding a new edition
means adding entries here (see CONTRIBUTING.md), never editing an old one.

Confidence follows docs/rules.md: ``law`` was read in the legal text, ``practice`` is
consistent across descriptions of the rules, ``open`` is a configurable default.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"


class Edition(StrEnum):
    """Editions of the regulation on the "Niebieskie Karty" procedure."""

    # Dz.U. 2011 nr 209 poz. 1245, repealed on 28 September 2023.
    E2011 = "2011"
    # Dz.U. 2023 poz. 1870, in force from 28 September 2023.
    E2023 = "2023"


EDITION_TITLES = {
    Edition.E2011: "Dz.U. 2011 nr 209 poz. 1245",
    Edition.E2023: "Dz.U. 2023 poz. 1870",
}
EDITION_IN_FORCE_FROM = {
    Edition.E2011: datetime.date(2011, 10, 18),
    Edition.E2023: datetime.date(2023, 9, 28),
}


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
}


@dataclass(frozen=True)
class Rule:
    code: RuleCode
    edition: Edition
    value: int
    unit: Unit
    counted_from: str
    basis: str
    confidence: str  # "law" | "practice" | "open"
    note: str = ""

    @property
    def label(self) -> str:
        return str(RULE_LABELS[self.code])


def _rules(edition: Edition, *rules: tuple) -> dict[RuleCode, Rule]:
    return {r[0]: Rule(r[0], edition, *r[1:]) for r in rules}


U = Unit
RULES: dict[Edition, dict[RuleCode, Rule]] = {
    Edition.E2023: _rules(
        Edition.E2023,
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
            "The unit (calendar or working days) is not settled; calendar days by default.",
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
            30,
            U.CALENDAR_DAYS,
            "receipt of the referral",
            "ustawa o przeciwdziałaniu przemocy domowej art. 9b; Dz.U. 2023 poz. 1164",
            "practice",
        ),
        (
            RuleCode.PROTECTIVE_ORDER,
            14,
            U.CALENDAR_DAYS,
            "issue of the order",
            "ustawa o Policji art. 15ak",
            "law",
            "Unless a court extends it.",
        ),
        (
            RuleCode.TEAM_MEETINGS,
            2,
            U.MONTHS,
            "previous team meeting",
            "ustawa o przeciwdziałaniu przemocy domowej art. 9a",
            "practice",
        ),
        (
            RuleCode.HOSTEL_STAY,
            3,
            U.MONTHS,
            "admission",
            "ustawa o pomocy społecznej art. 47",
            "law",
            "A centre may set a shorter local limit.",
        ),
        (
            RuleCode.POST_CLOSURE_MONITORING,
            0,
            U.MONTHS,
            "closure",
            "no statutory basis found",
            "open",
            "Off by default; a team may set a number of months.",
        ),
    ),
    Edition.E2011: _rules(
        Edition.E2011,
        (
            RuleCode.NKA_TO_CHAIR,
            7,
            U.CALENDAR_DAYS,
            "initiation",
            "Dz.U. 2011 nr 209 poz. 1245 § 5",
            "practice",
        ),
        (
            RuleCode.GROUP_CREATED,
            3,
            U.CALENDAR_DAYS,
            "receipt of the NK-A by the team",
            "ustawa o przeciwdziałaniu przemocy w rodzinie art. 9a",
            "open",
            "No separate 2011 value confirmed; the 2023 default is carried over.",
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
            RuleCode.FIRST_MEETING,
            5,
            U.WORKING_DAYS,
            "receipt of the NK-A by the group",
            "Dz.U. 2011 nr 209 poz. 1245",
            "open",
            "No separate 2011 value confirmed; the 2023 default is carried over.",
        ),
        (
            RuleCode.PROGRAMME_REPORT,
            30,
            U.CALENDAR_DAYS,
            "receipt of the referral",
            "ustawa o przeciwdziałaniu przemocy w rodzinie",
            "open",
            "No separate 2011 value confirmed; the 2023 default is carried over.",
        ),
        (
            RuleCode.PROTECTIVE_ORDER,
            14,
            U.CALENDAR_DAYS,
            "issue of the order",
            "ustawa o Policji art. 15ak",
            "law",
            "Police orders exist from 15 Aug 2023.",
        ),
        (
            RuleCode.TEAM_MEETINGS,
            3,
            U.MONTHS,
            "previous team meeting",
            "ustawa o przeciwdziałaniu przemocy w rodzinie art. 9a",
            "practice",
        ),
        (
            RuleCode.HOSTEL_STAY,
            3,
            U.MONTHS,
            "admission",
            "ustawa o pomocy społecznej art. 47",
            "law",
        ),
        (
            RuleCode.POST_CLOSURE_MONITORING,
            0,
            U.MONTHS,
            "closure",
            "no statutory basis found",
            "open",
        ),
    ),
}


def edition_on(day: datetime.date) -> Edition:
    """The regulation edition in force on ``day`` (the day a procedure starts)."""
    current = Edition.E2011
    for edition, start in sorted(EDITION_IN_FORCE_FROM.items(), key=lambda item: item[1]):
        if day >= start:
            current = edition
    return current


def rule(code: RuleCode | str, edition: Edition | str) -> Rule:
    """Return the rule ``code`` of ``edition``; raises ``KeyError`` for an unknown pair."""
    return RULES[Edition(edition)][RuleCode(code)]
