"""Reads that check access, by topic. A missing permission and a missing object look the same.

``from workflows import selectors; selectors.procedure_get(...)``.
"""

from workflows.selectors.access import (
    Access,
    auditor_scope_for,
    procedure_access,
    procedure_get,
    professional_for,
    team_chair_user,
    visible_procedures,
)
from workflows.selectors.cards import (
    CardRow,
    card_deadlines_due,
    card_open,
    cards_of,
    cards_routed,
)
from workflows.selectors.diagnosis import (
    PersonCoverage,
    coverage_of,
    diagnosis_status,
    uncovered,
)
from workflows.selectors.documents import (
    INITIATOR_KINDS,
    card_documents,
    document_open,
    documents_for,
)
from workflows.selectors.groups import (
    REQUIRED_PROFESSIONS,
    IncompleteGroup,
    composition_gaps,
    group_candidates,
    group_gaps,
    group_notices_for,
    incomplete_groups_for,
)
from workflows.selectors.inbox import (
    TaskRow,
    deadlines_due,
    open_tasks_for,
    orders_in_force,
    suspect_notices_due,
)
from workflows.selectors.pages import (
    ProcedurePage,
    nka_get,
    nka_open,
    procedure_list_seen,
    procedure_open,
    procedure_page,
    procedure_search,
    team_members_for,
)
from workflows.selectors.planning import (
    LetterAddress,
    calendar_meetings,
    calendar_procedures,
    feed_owner,
    has_feed,
    letter_address,
    own_meetings,
    planned_for_case,
    shares_address_with_suspect,
    victims_without_safe_address,
)

__all__ = [
    "Access",
    "CardRow",
    "PersonCoverage",
    "coverage_of",
    "diagnosis_status",
    "suspect_notices_due",
    "uncovered",
    "INITIATOR_KINDS",
    "LetterAddress",
    "REQUIRED_PROFESSIONS",
    "IncompleteGroup",
    "composition_gaps",
    "group_candidates",
    "group_gaps",
    "group_notices_for",
    "incomplete_groups_for",
    "ProcedurePage",
    "TaskRow",
    "auditor_scope_for",
    "calendar_meetings",
    "calendar_procedures",
    "card_deadlines_due",
    "card_documents",
    "card_open",
    "cards_of",
    "cards_routed",
    "deadlines_due",
    "orders_in_force",
    "document_open",
    "feed_owner",
    "has_feed",
    "letter_address",
    "own_meetings",
    "planned_for_case",
    "shares_address_with_suspect",
    "victims_without_safe_address",
    "documents_for",
    "nka_get",
    "nka_open",
    "open_tasks_for",
    "procedure_access",
    "procedure_get",
    "procedure_list_seen",
    "procedure_open",
    "procedure_page",
    "procedure_search",
    "professional_for",
    "team_chair_user",
    "team_members_for",
    "visible_procedures",
]
