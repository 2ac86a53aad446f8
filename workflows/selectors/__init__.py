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

__all__ = [
    "Access",
    "CardRow",
    "PersonCoverage",
    "coverage_of",
    "diagnosis_status",
    "suspect_notices_due",
    "uncovered",
    "INITIATOR_KINDS",
    "ProcedurePage",
    "TaskRow",
    "auditor_scope_for",
    "card_deadlines_due",
    "card_documents",
    "card_open",
    "cards_of",
    "cards_routed",
    "deadlines_due",
    "orders_in_force",
    "document_open",
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
