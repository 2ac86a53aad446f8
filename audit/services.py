"""The one function that writes audit events."""

from typing import Any

from audit.models import AuditEvent

# Keys whose values are personal data of special sensitivity: never stored in clear.
MASKED_KEYS = frozenset({"pesel", "address", "phone", "email", "health", "note", "minutes"})


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("***" if k in MASKED_KEYS and v else _mask(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def log_event(
    *,
    action: str,
    actor=None,
    procedure=None,
    person=None,
    payload: dict[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """Append one event and return it. Call inside the transaction of the change it records.

    ``action`` is a dotted code: ``procedure.initiated`` for a change, ``procedure.viewed``
    (``*.viewed``, ``*.downloaded``, ``*.exported``, ``*.searched``) for a read of personal
    data. ``request`` (optional) supplies the client address. Keys of ``payload`` listed in
    ``MASKED_KEYS`` are masked before they are stored.
    """
    if actor is None and request is not None:
        actor = request.user
    payload = _mask(payload or {})
    if request is not None:
        payload.setdefault("client", request.META.get("REMOTE_ADDR", ""))
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        procedure=procedure,
        person=person,
        payload=payload,
    )
