"""A protective order filed with the NK-A itself (ustawa o Policji art. 15aa–15aab): checked
with the card, its errors keyed like the card's order form (``ORDER_PREFIX``)."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from forms.models import NKA, NKAPerson
from workflows import calendar
from workflows.models import ProtectiveOrder, Role
from workflows.steps import record_errors

# What the step sets on the order, not the form (excluded from the model's own check).
_ORDER_SET_BY_STEP = ("procedure", "person", "nka", "expires_on", "ends_with", "created_by")
ORDER_PREFIX = "order-0-"


def check_card_order(
    card: NKA,
    people: Sequence[NKAPerson],
    order: ProtectiveOrder,
    against: NKAPerson | None,
    errors: dict[str, list[str]],
) -> NKAPerson | None:
    """The order filed with the card: its own model rules (the measures, the distance in
    metres, the area or places), issued at the card's incident at the earliest and not in
    the future, against one suspect of the card. Adds what it refuses to ``errors``;
    returns the card entry the order is against."""

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    if not card.protective_order_issued:
        add(
            "protective_order_issued",
            _("The card describes a protective order: tick that an order was issued."),
        )
    suspects = [p for p in people if p.role == Role.SUSPECT]
    if against is None and len(suspects) == 1:
        against = suspects[0]
    if against is None or not any(against is p for p in suspects):
        add(ORDER_PREFIX + "person", _("Choose the suspected person the order is against."))
        against = None
    if order.issuer not in ProtectiveOrder.Issuer.values:
        add(ORDER_PREFIX + "issuer", _("Unknown issuer."))
    issued_on = order.issued_on
    if issued_on and issued_on > calendar.legal_date():
        add(ORDER_PREFIX + "issued_on", _("The date cannot be in the future."))
    elif issued_on and card.incident_date and issued_on < card.incident_date:
        add(ORDER_PREFIX + "issued_on", _("The order cannot precede the incident."))
    for key, messages in record_errors(
        order, exclude=_ORDER_SET_BY_STEP, prefix=ORDER_PREFIX
    ).items():
        if key not in errors:
            errors[key] = messages
    return against
