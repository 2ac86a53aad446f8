"""The audit events as an auditor reads them: the action's name, the actor's role and the
payload in words, never the codes the chain stores (tests/test_no_codes.py).

``describe(events)`` gives each event ``label``, ``role_label`` and ``details`` (a list of
(name, value) pairs): known keys get their Polish names, choice codes their labels, dates the
local format, and ids of people, users, team members and procedures what they name (one
query per kind of id, however many events). Masked values (``***``) stay masked.
"""

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from audit.labels import KIND_LABELS, event_label
from audit.models import AuditEvent
from centre.models import Contact
from documents.models import DocumentKind
from forms.models import HelpPlanItem
from oversight.timeliness import FIGURE_LABELS
from people.models import Person
from workflows import corrections
from workflows.flows import ProcedureFlow
from workflows.history import role_label, tell
from workflows.models import (
    BreachReason,
    ClosureGround,
    DetentionNotice,
    Meeting,
    Municipality,
    Notification,
    Procedure,
    Professional,
    ProtectiveOrder,
    Referral,
    Stage,
    TeamDecision,
)
from workflows.risk import KIND_LABELS as RISK_KIND_LABELS
from workflows.risk import LEVEL_LABELS
from workflows.rules import RULE_LABELS, RuleCode

# The names of the payload keys have a context: the catalogs of all apps are merged, and a
# short word ("events", "kind") means something else elsewhere (a centre's "events").
KEY_LABELS = {
    "after": pgettext_lazy("audit payload", "after"),
    "after_closure": pgettext_lazy("audit payload", "after closure"),
    "as": pgettext_lazy("audit payload", "opened as"),
    "before": pgettext_lazy("audit payload", "before"),
    "by": pgettext_lazy("audit payload", "found by"),
    "change": pgettext_lazy("audit payload", "change no."),
    "children": pgettext_lazy("audit payload", "children"),
    "count_this_hour": pgettext_lazy("audit payload", "checks this hour"),
    "days_late": pgettext_lazy("audit payload", "days late"),
    "deadline": pgettext_lazy("audit payload", "deadline no."),
    "document": pgettext_lazy("audit payload", "document no."),
    "documents": pgettext_lazy("audit payload", "documents replaced"),
    "due_on": pgettext_lazy("audit payload", "due on"),
    "edition": pgettext_lazy("audit payload", "regulation edition"),
    "error": pgettext_lazy("audit payload", "error"),
    "ended_orders": pgettext_lazy("audit payload", "orders ended"),
    "events": pgettext_lazy("audit payload", "events"),
    "expires_on": pgettext_lazy("audit payload", "expires on"),
    "fields": pgettext_lazy("audit payload", "fields"),
    "form_of_help": pgettext_lazy("audit payload", "form of help"),
    "format": pgettext_lazy("audit payload", "format"),
    "from": pgettext_lazy("audit payload", "from"),
    "from_team": pgettext_lazy("audit payload", "from team no."),
    "ground": pgettext_lazy("audit payload", "closure ground"),
    "item": pgettext_lazy("audit payload", "help-plan action no."),
    "job": pgettext_lazy("audit payload", "job no."),
    "jobs": pgettext_lazy("audit payload", "jobs"),
    "kind": pgettext_lazy("audit payload", "kind"),
    "known": pgettext_lazy("audit payload", "known"),
    "meeting": pgettext_lazy("audit payload", "meeting no."),
    "met_on": pgettext_lazy("audit payload", "met on"),
    "measures": pgettext_lazy("audit payload", "measures"),
    "members": pgettext_lazy("audit payload", "members"),
    "new": pgettext_lazy("audit payload", "new version no."),
    "nka": pgettext_lazy("audit payload", "NK-A no."),
    "nka_person": pgettext_lazy("audit payload", "person on the NK-A no."),
    "nkc": pgettext_lazy("audit payload", "NK-C no."),
    "nkd": pgettext_lazy("audit payload", "NK-D no."),
    "node": pgettext_lazy("audit payload", "step"),
    "note_id": pgettext_lazy("audit payload", "monitoring note no."),
    "notice": pgettext_lazy("audit payload", "notice of a detention no."),
    "notification": pgettext_lazy("audit payload", "notification no."),
    "on": pgettext_lazy("audit payload", "on"),
    "monitor_until": pgettext_lazy("audit payload", "monitoring after closure until"),
    "notices": pgettext_lazy("audit payload", "notices of closure"),
    "decision": pgettext_lazy("audit payload", "the team's decision"),
    "order": pgettext_lazy("audit payload", "protective order no."),
    "overdue": pgettext_lazy("audit payload", "overdue only"),
    "owner": pgettext_lazy("audit payload", "taken by"),
    "people": pgettext_lazy("audit payload", "people"),
    "person": pgettext_lazy("audit payload", "person"),
    "plan_items": pgettext_lazy("audit payload", "help-plan actions"),
    "programme": pgettext_lazy("audit payload", "programme"),
    "query_kind": pgettext_lazy("audit payload", "searched by"),
    "received_on": pgettext_lazy("audit payload", "received on"),
    "recipient": pgettext_lazy("audit payload", "recipient"),
    "record": pgettext_lazy("audit payload", "record no."),
    "referral": pgettext_lazy("audit payload", "referral no."),
    "report": pgettext_lazy("audit payload", "report"),
    "rule": pgettext_lazy("audit payload", "deadline"),
    "sent_on": pgettext_lazy("audit payload", "sent on"),
    "shown": pgettext_lazy("audit payload", "shown"),
    "stage": pgettext_lazy("audit payload", "stage"),
    "step": pgettext_lazy("audit payload", "form"),
    "task": pgettext_lazy("audit payload", "task no."),
    "to": pgettext_lazy("audit payload", "to"),
    "until": pgettext_lazy("audit payload", "until"),
    "version": pgettext_lazy("audit payload", "version"),
    # Issue 13: people met and not met, planned meetings, the group's members, orders.
    "centre_person": pgettext_lazy("audit payload", "person in the centre's register no."),
    "channel": pgettext_lazy("audit payload", "how"),
    "consultation": pgettext_lazy("audit payload", "consultation no."),
    "contact": pgettext_lazy("audit payload", "contact no."),
    "date": pgettext_lazy("audit payload", "date"),
    "event": pgettext_lazy("audit payload", "event no."),
    "gaps": pgettext_lazy("audit payload", "gaps in the group"),
    "group": pgettext_lazy("audit payload", "group no."),
    "invited_on": pgettext_lazy("audit payload", "invited on"),
    "member": pgettext_lazy("audit payload", "member"),
    "object": pgettext_lazy("audit payload", "record no."),
    "order_expires_on": pgettext_lazy("audit payload", "order expires on"),
    "outcome": pgettext_lazy("audit payload", "outcome"),
    "participant": pgettext_lazy("audit payload", "participant no."),
    "planned": pgettext_lazy("audit payload", "planned meeting no."),
    "present": pgettext_lazy("audit payload", "members present"),
    "referred_long_term": pgettext_lazy("audit payload", "referred to long-term help"),
    "replaces": pgettext_lazy("audit payload", "replaces planned meeting no."),
    "session": pgettext_lazy("audit payload", "session no."),
    "set": pgettext_lazy("audit payload", "address given"),
    "stay": pgettext_lazy("audit payload", "stay no."),
    "user": pgettext_lazy("audit payload", "user"),
    "victim_municipality": pgettext_lazy("audit payload", "municipality where the victim lives"),
    # Issue 15: the risk assessment and the reasons for missed deadlines.
    "assessment": pgettext_lazy("audit payload", "risk assessment no."),
    "checklist": pgettext_lazy("audit payload", "checklist"),
    "corrects": pgettext_lazy("audit payload", "corrects assessment no."),
    "immediate": pgettext_lazy("audit payload", "immediate-action answers"),
    "level": pgettext_lazy("audit payload", "risk level"),
    "reason": pgettext_lazy("audit payload", "reason"),
    "safety_action": pgettext_lazy("audit payload", "safety-plan action no."),
    "score": pgettext_lazy("audit payload", "counted answers"),
    # Issue 15: the timeliness figures (``oversight.timeliness``).
    "figure": pgettext_lazy("audit payload", "figure"),
    "min": pgettext_lazy("audit payload", "days or more"),
    "team": pgettext_lazy("audit payload", "team no."),
    "threshold": pgettext_lazy("audit payload", "threshold (days late)"),
}

# Words the payloads store as they are.
VALUE_LABELS = {
    "as": {"initiator": _("the initiator's card")},
    "query_kind": {"pesel": "PESEL", "text": _("name or number")},
    "report": {"accesses": _("who saw a person's data")},
    "by": {
        "file": _("file"),
        "hash": _("checksum"),
        "short hash": _("short checksum"),
        "document id": _("document number"),
    },
    "figure": FIGURE_LABELS,
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_USER_KEYS = ("owner", "recipient")


def _choices(key: str, action: str) -> dict[str, Any] | None:
    """The labels of the choice code stored under ``key`` in an ``action`` event."""
    prefix = action.split(".", 1)[0]
    if key == "kind":
        if prefix == "protective_order":
            return {**dict(ProtectiveOrder.Kind.choices), **dict(DetentionNotice.Kind.choices)}
        if prefix == "notification":
            return dict(Notification.Kind.choices)
        if prefix == "meeting":
            return dict(Meeting.Kind.choices)
        if prefix == "timeline":
            return {**KIND_LABELS, "reads": _("reads of personal data")}
        return dict(DocumentKind.choices)
    if key in ("from", "to") and prefix == "help_plan":
        return dict(HelpPlanItem.Status.choices)
    table = {
        "programme": Referral.Programme.choices,
        "decision": TeamDecision.choices,
        "form_of_help": HelpPlanItem.FormOfHelp.choices,
        "ground": ClosureGround.choices,
        "stage": Stage.choices,
    }.get(key)
    if table is not None:
        return dict(table)
    if key == "rule":
        return {code.value: label for code, label in RULE_LABELS.items()}
    if key == "level":
        return dict(LEVEL_LABELS)
    if key == "checklist":
        return dict(RISK_KIND_LABELS)
    if key == "reason":
        return dict(BreachReason.choices)
    if key == "measures":
        return dict(ProtectiveOrder.Measure.choices)
    if key == "channel":
        return dict(Contact.Channel.choices)
    if key == "outcome":
        return dict(Contact.Outcome.choices)
    return VALUE_LABELS.get(key)


def _field_names(action: str) -> dict[str, str]:
    """Field code -> verbose name, for the ``fields``/``before``/``after`` of ``action``."""
    model = None
    if action == "person.reconciled":
        model = Person
    else:
        for kind in corrections.KINDS.values():
            if action.startswith(kind.event):
                model = kind.model
                break
    if model is None:
        return {}
    return {
        f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")
    }


def _node_title(node: str) -> str:
    try:
        return str(ProcedureFlow.instance.node(node).task_title) or node
    except (AttributeError, KeyError):
        return node


class _Names:
    """The people, users, team members and procedures the payloads name (a query a kind)."""

    def __init__(self, events: list[AuditEvent]):
        persons, users, professionals, procedures = set(), set(), set(), set()
        municipalities: set[int] = set()
        for event in events:
            payload = event.payload if isinstance(event.payload, dict) else {}
            task = event.action.startswith("task.")
            for key in _USER_KEYS + (("from",) if task else ()):
                if isinstance(payload.get(key), int):
                    users.add(payload[key])
            if isinstance(payload.get("person"), int):
                persons.add(payload["person"])
            if isinstance(payload.get("people"), list):
                persons.update(i for i in payload["people"] if isinstance(i, int))
            if isinstance(payload.get("members"), list):
                professionals.update(i for i in payload["members"] if isinstance(i, int))
            if isinstance(payload.get("member"), int):
                professionals.add(payload["member"])
            if isinstance(payload.get("user"), int):
                users.add(payload["user"])
            if isinstance(payload.get("victim_municipality"), int):
                municipalities.add(payload["victim_municipality"])
            shown = payload.get("shown")
            if isinstance(shown, dict):
                persons.update(shown.get("people") or ())
                procedures.update(shown.get("procedures") or ())
        self.persons = {
            p.pk: f"{p.first_name} {p.last_name}"
            for p in Person.objects.filter(pk__in=persons).only("first_name", "last_name")
        }
        self.users = {
            u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=users)
        }
        self.professionals = {
            p.pk: p.user.get_full_name() or p.user.username
            for p in Professional.objects.filter(pk__in=professionals).select_related("user")
        }
        self.procedures = dict(
            Procedure.objects.filter(pk__in=procedures).values_list("pk", "number")
        )
        self.municipalities = dict(
            Municipality.objects.filter(pk__in=municipalities).values_list("pk", "name")
        )


def _join(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values) or "—"


def _value(key: str, value: Any, action: str, names: _Names) -> str:
    if value is None or value == "":
        return "—"
    if value == "***":
        return "***"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    task = action.startswith("task.")
    if key in _USER_KEYS or key == "user" or (key == "from" and task):
        return names.users.get(value, f"#{value}") if isinstance(value, int) else str(value)
    if key == "node":
        return _node_title(str(value))
    if key in ("person", "people") and (isinstance(value, list) or key == "person"):
        ids = value if isinstance(value, list) else [value]
        return _join(names.persons.get(i, f"#{i}") for i in ids)
    if key == "members" and isinstance(value, list):
        return _join(names.professionals.get(i, f"#{i}") for i in value)
    if key == "member" and isinstance(value, int):
        return names.professionals.get(value, f"#{value}")
    if key == "victim_municipality" and isinstance(value, int):
        return names.municipalities.get(value, f"#{value}")
    if key == "shown" and isinstance(value, dict):
        parts = []
        if value.get("people"):
            parts.append(
                f"{pgettext('audit payload', 'people')}: "
                + _join(names.persons.get(i, f"#{i}") for i in value["people"])
            )
        if value.get("procedures"):
            parts.append(
                f"{pgettext('audit payload', 'procedures')}: "
                + _join(names.procedures.get(i, f"#{i}") for i in value["procedures"])
            )
        return "; ".join(parts) or "—"
    if key == "fields" and isinstance(value, list):
        fields = _field_names(action)
        return _join(fields.get(name, name) for name in value)
    if key in ("before", "after") and isinstance(value, dict):
        fields = _field_names(action)
        return "; ".join(
            f"{fields.get(name, name)}: {_value(name, item, action, names)}"
            for name, item in value.items()
        )
    if isinstance(value, list):
        return _join(_value(key, item, action, names) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{KEY_LABELS.get(k, k)}: {_value(k, v, action, names)}" for k, v in value.items()
        )
    if isinstance(value, str):
        choices = _choices(key, action)
        if choices and value in choices:
            return str(choices[value])
        if key == "rule" and value in RuleCode.values:
            return str(RULE_LABELS[RuleCode(value)])
        if _ISO_DATE.match(value):
            return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return str(value)


def details(event: AuditEvent, names: _Names) -> list[tuple[str, str]]:
    payload = event.payload if isinstance(event.payload, dict) else {}
    return [
        (str(KEY_LABELS.get(key, key)), _value(key, value, event.action, names))
        for key, value in payload.items()
    ]


def describe(events: list[AuditEvent]) -> list[AuditEvent]:
    """Give each event ``label``, ``role_label``, ``details`` and ``sentence`` (in the active
    language; ``workflows.history.tell``)."""
    names = _Names(events)
    tell(events)
    for event in events:
        event.label = event_label(event.action)
        event.role_label = role_label(event.actor_role)
        event.details = details(event, names)
    return events
