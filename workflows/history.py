"""The audit events as sentences a person reads: who did what, to whom, when.

``tell(events)`` gives each event ``sentence``: "Barbara Wiśniewska (przewodniczący):
powołanie grupy diagnostyczno-pomocowej w składzie: Ewa Zając, Tomasz Kręcki". The people
an event names (its actor, the person it concerns, the payload's members, owners, people
shown) are read with one query per kind of id, however many events (``_Names``).

Polish verbs in the past tense have a gender (powołał/powołała) and no record of the system
stores the grammatical gender of a user, so the Polish sentences name the actor first and
say what happened with a verbal noun (powołanie, wgląd, przekazanie): correct Polish for any
actor, never a gender guessed from a name. The English sentences follow the same shape.

``workflows.sentences.SENTENCES`` holds one sentence an action (``tests/test_history.py``
fails on an action without one); ``admin.<model>.<verb>`` events take their label from
``audit.labels``.

``collapse(events)`` folds consecutive reads of one person into one line ("Ewa Zając: wgląd
w sprawę – 5 razy (12.11.2026 10:02–10:40)").
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from audit.labels import admin_label
from audit.models import AuditEvent
from core.dates import shown_date
from documents.models import DocumentKind
from forms.models import HelpPlanItem
from people.models import Person
from workflows.flows import ProcedureFlow
from workflows.models import (
    BreachReason,
    ClosureGround,
    DetentionNotice,
    Meeting,
    Notification,
    Profession,
    Professional,
    ProtectiveOrder,
    Referral,
    TeamDecision,
    TeamMember,
)
from workflows.risk import KIND_LABELS, LEVEL_LABELS
from workflows.rules import RULE_LABELS, RuleCode
from workflows.sentences import FORMATS, SENTENCES

# What ``audit.services.actor_description`` stores besides a profession code.
ROLE_LABELS = {
    "auditor": _("auditor"),
    "chair": TeamMember.Role.CHAIR.label,
    "administrator": _("administrator"),
    "user": _("user"),
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Payload keys that hold a user's id (``from`` only in a task's events).
_USER_KEYS = ("owner", "recipient", "user")
_DATE_KEYS = (
    "on",
    "date",
    "due_on",
    "met_on",
    "sent_on",
    "received_on",
    "until",
    "expires_on",
    "invited_on",
)


def role_label(role: str) -> str:
    """The role an event stored for its actor (``chair``, ``auditor``, a profession code)."""
    if role in ROLE_LABELS:
        return str(ROLE_LABELS[role])
    if role in Profession.values:
        return str(Profession(role).label)
    return role


def has_sentence(action: str) -> bool:
    return action in SENTENCES or admin_label(action) is not None


def _ids(value: Any) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, list):
        return [i for i in value if isinstance(i, int) and not isinstance(i, bool)]
    return []


class _Names:
    """Who and what the events name: one query a kind of id, however many events."""

    def __init__(self, events: list[AuditEvent]):
        users: set[int] = set()
        persons: set[int] = set()
        professionals: set[int] = set()
        items: set[int] = set()
        for event in events:
            payload = event.payload if isinstance(event.payload, dict) else {}
            if event.actor_id:
                users.add(event.actor_id)
            if event.person_id:
                persons.add(event.person_id)
            for key in _USER_KEYS + (("from",) if event.action.startswith("task.") else ()):
                users.update(_ids(payload.get(key)))
            persons.update(_ids(payload.get("person")))
            if isinstance(payload.get("people"), list):
                persons.update(_ids(payload["people"]))
            professionals.update(_ids(payload.get("members")) + _ids(payload.get("member")))
            if event.action.startswith("help_plan."):
                items.update(_ids(payload.get("item")))
        self.users = {
            u.pk: u.get_full_name() or u.username
            for u in User.objects.filter(pk__in=_always(users)).only(
                "first_name", "last_name", "username"
            )
        }
        self.persons = {
            p.pk: f"{p.first_name} {p.last_name}"
            for p in Person.objects.filter(pk__in=_always(persons)).only("first_name", "last_name")
        }
        self.professionals = {
            p.pk: p.user.get_full_name() or p.user.username
            for p in Professional.objects.filter(pk__in=_always(professionals)).select_related(
                "user"
            )
        }
        self.items = dict(
            HelpPlanItem.objects.filter(pk__in=_always(items)).values_list("pk", "action")
        )


def _always(ids: set[int]) -> list[int]:
    """``ids``, or an id no row has: the query runs either way, so a page makes the same
    number of queries whether or not its events name anyone of a kind."""
    return sorted(ids) or [0]


def _join(names: Iterable[str]) -> str:
    return ", ".join(names)


def _node_title(node: str) -> str:
    try:
        return str(ProcedureFlow.instance.node(node).task_title)
    except (AttributeError, KeyError):
        return ""


def _kind(action: str, value: str) -> str:
    prefix = action.split(".", 1)[0]
    if prefix == "meeting":
        table: dict = dict(Meeting.Kind.choices)
    elif prefix == "notification":
        table = dict(Notification.Kind.choices)
    elif prefix == "protective_order":
        table = {**dict(ProtectiveOrder.Kind.choices), **dict(DetentionNotice.Kind.choices)}
    else:
        table = dict(DocumentKind.choices)
    return str(table.get(value, ""))


def _date(value: Any) -> str:
    if isinstance(value, str) and _ISO_DATE.match(value):
        return shown_date(datetime.date.fromisoformat(value))
    return ""


def _context(event: AuditEvent, names: _Names) -> dict[str, str]:
    """The placeholders an event can fill, each in words (never a stored code)."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    task = event.action.startswith("task.")
    found: dict[str, str] = {}
    person_ids = _ids(payload.get("person")) or ([event.person_id] if event.person_id else [])
    found["person"] = _join(names.persons[i] for i in person_ids if i in names.persons)
    if isinstance(payload.get("people"), list):
        found["people"] = _join(names.persons[i] for i in payload["people"] if i in names.persons)
    found["members"] = _join(
        names.professionals[i] for i in _ids(payload.get("members")) if i in names.professionals
    )
    member = _ids(payload.get("member"))
    found["member"] = names.professionals.get(member[0], "") if member else ""
    for key in _USER_KEYS + (("from",) if task else ()):
        user = _ids(payload.get(key))
        found[key] = names.users.get(user[0], "") if user else ""
    for key in _DATE_KEYS:
        found[key] = _date(payload.get(key))
    if not task and event.action.startswith("help_plan."):
        statuses = dict(HelpPlanItem.Status.choices)
        found["from"] = str(statuses.get(payload.get("from"), ""))
        found["to"] = str(statuses.get(payload.get("to"), ""))
        item = _ids(payload.get("item"))
        found["item"] = f"„{names.items[item[0]]}”" if item and item[0] in names.items else ""
        found["form_of_help"] = str(
            dict(HelpPlanItem.FormOfHelp.choices).get(payload.get("form_of_help"), "")
        )
    elif event.action.startswith(("compliance", "centre.", "timeliness")):
        found["from"], found["to"] = _date(payload.get("from")), _date(payload.get("to"))
    if isinstance(payload.get("kind"), str):
        found["kind"] = _kind(event.action, payload["kind"])
    if isinstance(payload.get("node"), str):
        found["node"] = _node_title(payload["node"])
    if event.action.startswith("risk."):
        found["checklist"] = str(KIND_LABELS.get(payload.get("checklist"), ""))
        found["level"] = str(LEVEL_LABELS.get(payload.get("level"), ""))
    reason = payload.get("reason")
    if event.action == "deadline.reason_recorded" and reason in BreachReason.values:
        found["reason"] = str(BreachReason(reason).label)
    rule = payload.get("rule")
    found["rule"] = str(RULE_LABELS[RuleCode(rule)]) if rule in set(RuleCode) else ""
    found["ground"] = str(dict(ClosureGround.choices).get(payload.get("ground"), ""))
    found["programme"] = str(dict(Referral.Programme.choices).get(payload.get("programme"), ""))
    found["decision"] = str(dict(TeamDecision.choices).get(payload.get("decision"), ""))
    measures = payload.get("measures")
    if isinstance(measures, list):
        labels = dict(ProtectiveOrder.Measure.choices)
        found["measures"] = _join(str(labels[m]) for m in measures if m in labels)
    days = payload.get("days_late")
    if isinstance(days, int) and days > 0:
        found["days_late"] = ngettext("%(n)d day late", "%(n)d days late", days) % {"n": days}
    for key in ("version", "present", "events"):
        if isinstance(payload.get(key), int):
            found[key] = str(payload[key])
    if payload.get("format") in FORMATS:
        found["format"] = str(FORMATS[payload["format"]])
    if isinstance(payload.get("fields"), list) and event.action == "person.reconciled":
        verbose = {f.name: str(f.verbose_name) for f in Person._meta.fields}
        found["fields"] = _join(verbose[f] for f in payload["fields"] if f in verbose)
    return {key: value for key, value in found.items() if value}


def _what(event: AuditEvent, names: _Names) -> str:
    entry = SENTENCES.get(event.action)
    if entry is None:
        return admin_label(event.action) or gettext("an event of the register")
    variants = entry if isinstance(entry, tuple) else (entry,)
    context = _context(event, names)
    for variant in variants:
        text = str(variant)
        if all(key in context for key in _PLACEHOLDER.findall(text)):
            return text % context
    return _PLACEHOLDER.sub("", str(variants[-1]))


def actor_text(event: AuditEvent, names: _Names) -> str:
    """The actor's name and the role they acted in: "Barbara Wiśniewska (przewodniczący)"."""
    if not event.actor_id:
        return ""
    name = names.users.get(event.actor_id, "")
    role = role_label(event.actor_role) if event.actor_role else ""
    return f"{name} ({role})" if role else name


def sentence(event: AuditEvent, names: _Names) -> str:
    what = _what(event, names)
    actor = actor_text(event, names)
    if actor:
        return gettext("%(actor)s: %(what)s") % {"actor": actor, "what": what}
    return what[:1].upper() + what[1:]


def tell(events: list[AuditEvent]) -> list[AuditEvent]:
    """Give each event ``sentence`` and ``actor_text`` (in the active language); returns
    ``events``. Four queries at most, however many events. The people a read's page showed
    (its ``shown``) are not named: the reader of a sentence may not be entitled to them."""
    if not events:
        return events
    names = _Names(events)
    for event in events:
        event.sentence = sentence(event, names)
        event.actor_text = actor_text(event, names)
    return events


@dataclass
class Line:
    """One line of a history: an event, or consecutive reads of one person folded."""

    events: list[AuditEvent] = field(default_factory=list)

    @property
    def first(self) -> AuditEvent:
        return self.events[0]

    @property
    def count(self) -> int:
        return len(self.events)

    @property
    def at(self) -> datetime.datetime:
        return self.first.at

    @property
    def sentence(self) -> str:
        event = self.first
        if self.count == 1:
            return event.sentence
        moments = sorted(e.at for e in self.events)
        start, end = (timezone.localtime(m) for m in (moments[0], moments[-1]))
        span = date_format(start, "SHORT_DATETIME_FORMAT")
        if start.date() != end.date():
            span += "–" + date_format(end, "SHORT_DATETIME_FORMAT")
        elif date_format(start, "H:i") != date_format(end, "H:i"):
            span += "–" + date_format(end, "H:i")
        times = ngettext("%(n)d time", "%(n)d times", self.count) % {"n": self.count}
        return gettext("%(sentence)s – %(times)s (%(span)s)") % {
            "sentence": event.sentence,
            "times": times,
            "span": span,
        }


def collapse(events: list[AuditEvent]) -> list[Line]:
    """The events of ``events`` (already told) as lines: a run of reads by the same actor
    that read the same (one action, one sentence) is one line; every other event is a line
    of its own."""
    lines: list[Line] = []
    for event in events:
        last = lines[-1].first if lines else None
        if (
            last is not None
            and event.is_read
            and last.is_read
            and last.action == event.action
            and last.actor_id == event.actor_id
            and last.sentence == event.sentence
        ):
            lines[-1].events.append(event)
        else:
            lines.append(Line(events=[event]))
    return lines
