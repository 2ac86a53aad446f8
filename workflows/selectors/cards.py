"""An initiator's own cards (never the case they belong to) and the cards routed between teams."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q
from django.http import Http404

from audit.services import log_event
from forms.models import NKA
from workflows import calendar
from workflows.models import (
    CardRouting,
    Deadline,
)
from workflows.rules import RuleCode
from workflows.selectors.access import professional_for


@dataclass(frozen=True)
class CardRow:
    """One NK-A the user filled, with what they must still do: nothing of the case."""

    nka: "NKA"
    deadline: Deadline | None

    @property
    def to_do(self) -> bool:
        return self.nka.transferred_on is None


def _card_rows(nkas) -> list[CardRow]:
    nkas = list(nkas)
    deadlines = {
        d.nka_id: d
        for d in Deadline.objects.filter(
            nka__in=[n.pk for n in nkas], rule=RuleCode.NKA_TO_CHAIR
        ).order_by("id")
    }
    return [CardRow(nka=n, deadline=deadlines.get(n.pk)) for n in nkas]


def cards_of(*, user: User) -> list[CardRow]:
    """The NK-A cards ``user`` filled, newest first, each with its transfer deadline.

    Whatever the card did (opened a case, joined one, was routed to another team), the
    row is the same: the card's own data, never the case's number or household.
    """
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return []
    return _card_rows(NKA.objects.filter(initiator=user).order_by("-filled_at", "-id"))


def card_deadlines_due(*, user: User, within_working_days: int = 2) -> dict[str, list[CardRow]]:
    """The user's own cards not yet sent to the chair: ``overdue`` and ``due_soon``."""
    today = calendar.legal_date()
    horizon = calendar.add_working_days(today, within_working_days)
    rows = sorted(
        ((r.deadline.due_on, r) for r in cards_of(user=user) if r.to_do and r.deadline),
        key=lambda pair: pair[0],
    )
    return {
        "overdue": [r for due_on, r in rows if due_on < today],
        "due_soon": [r for due_on, r in rows if today <= due_on <= horizon],
    }


def card_open(*, user: User, nka_pk: int, request=None) -> CardRow:
    """The user's own NK-A ``nka_pk``; ``Http404`` for anybody else's card. The read is logged.

    The event names the procedure for the audit trail; nothing of it reaches the page.
    """
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        raise Http404
    nka = NKA.objects.filter(pk=nka_pk, initiator=user).select_related("procedure").first()
    if nka is None:
        raise Http404
    log_event(
        action="nka.viewed",
        actor=user,
        procedure=nka.procedure,
        request=request,
        payload={"nka": nka.pk, "as": "initiator"},
    )
    return _card_rows([nka])[0]


def cards_routed(*, user: User) -> dict[str, list]:
    """For a team chair: cards received from another municipality, to consider, and the
    bare fact of cards of their municipality forwarded elsewhere (no case named)."""

    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return {"received": [], "forwarded": []}
    chaired = set(professional.chaired_team_ids)
    routed: dict[str, list] = {"received": [], "forwarded": []}
    if not chaired:
        return routed
    # Both lists in one query, split here (a card routed between two teams the same person
    # chairs is on both).
    for routing in (
        CardRouting.objects.select_related("nka", "procedure", "to_team")
        .filter(Q(to_team_id__in=chaired) | Q(from_team_id__in=chaired))
        .order_by("-routed_at")
    ):
        if routing.to_team_id in chaired:
            routed["received"].append(routing)
        if routing.from_team_id in chaired:
            routed["forwarded"].append(routing)
    return routed
