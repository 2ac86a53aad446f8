"""The data of the closure protocol and of the notices of closure, frozen at closure.

What the protocol carries (2011 § 18 ust. 2, read in a secondary source; the 2023 wording of
§ 18 was not found, domain note 4a and 7): the persons covered, the start and end dates of
the procedure, the actions taken and the ground; the team chair signs it. Everyone covered
is every person of every NK-A in force (victims, suspects, other household members); the
actions are the help-plan actions with their status, the referrals, the notifications, the
protective orders and the meetings. Built in Polish by ``workflows.snapshots.build``.
"""

import datetime
from typing import Any

from forms.models import NKA, HelpPlanItem, NKAPerson
from workflows.models import (
    ClosureNotice,
    GroupMember,
    Meeting,
    Notification,
    Participant,
    Procedure,
    ProtectiveOrder,
    Referral,
)
from workflows.snapshot_reads import once


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _name(person) -> str:
    return f"{person.first_name} {person.last_name}".strip()


def _start(procedure: Procedure) -> datetime.date:
    """The day the procedure started: its first NK-A (§ 2 ust. 1: filling NK-A starts it)."""
    first = once(
        ("first_nka", procedure.pk),
        lambda: (
            NKA.objects.current().filter(procedure=procedure).order_by("filled_at", "id").first()
        ),
    )
    if first is None:
        return procedure.initiated_on
    return min(procedure.initiated_on, first.filled_at.date())


def persons_covered(procedure: Procedure) -> list[dict[str, str]]:
    """Everyone covered, once per person and role: the procedure's participants and every
    person of every NK-A in force, victims first."""
    seen: dict[tuple[int, str], dict[str, str]] = {}
    for p in Participant.objects.filter(procedure=procedure).select_related("person"):
        seen.setdefault(
            (p.person_id, p.role), {"name": _name(p.person), "role": p.get_role_display()}
        )
    for entry in NKAPerson.objects.filter(
        nka__procedure=procedure, nka__withdrawn_at__isnull=True, nka__corrected_by__isnull=True
    ).select_related("person"):
        seen.setdefault(
            (entry.person_id, entry.role),
            {"name": _name(entry.person), "role": entry.get_role_display()},
        )
    order = {"victim": 0, "minor_witness": 1, "suspect": 2}
    return [
        row
        for _key, row in sorted(
            seen.items(), key=lambda kv: (order.get(kv[0][1], 3), kv[1]["name"])
        )
    ]


def _actions(procedure: Procedure) -> dict[str, Any]:
    plan = [
        {
            "action": item.action,
            "form_of_help": item.get_form_of_help_display(),
            "responsible": item.responsible,
            "status": item.get_status_display(),
        }
        for item in HelpPlanItem.objects.current()
        .filter(procedure=procedure)
        .order_by("due_on", "id")
    ]
    referrals = [
        {
            "person": _name(r.person),
            "programme": r.get_programme_display(),
            "decision": r.get_decision_display() or "oczekuje na decyzję zespołu",
            "referred_on": _date(r.referred_on),
            "reported_on": _date(r.reported_on),
            "completed_on": _date(r.completed_on),
        }
        for r in Referral.objects.filter(procedure=procedure).select_related("person")
    ]
    notifications = [
        {
            "kind": n.get_kind_display(),
            "addressee": n.addressee,
            "decision": n.get_decision_display() or "oczekuje na decyzję zespołu",
            "sent_on": _date(n.sent_on),
        }
        for n in Notification.objects.current().filter(procedure=procedure).order_by("id")
    ]
    orders = [
        {
            "person": _name(o.person),
            "issuer": o.get_issuer_display(),
            "issued_on": _date(o.issued_on),
            "valid_until": _date(o.valid_until),
        }
        for o in ProtectiveOrder.objects.current()
        .filter(procedure=procedure)
        .select_related("person")
        .order_by("issued_on", "id")
    ]
    current = once(  # the closing step holds them (read for its diagnosis check)
        ("current_meetings", procedure.pk),
        lambda: list(
            Meeting.objects.current().filter(procedure=procedure).order_by("held_on", "id")
        ),
    )
    meetings = [{"held_on": _date(m.held_on), "kind": m.get_kind_display()} for m in current]
    return {
        "plan": plan,
        "referrals": referrals,
        "notifications": notifications,
        "orders": orders,
        "meetings": meetings,
        "meetings_count": len(meetings),
    }


def _members(procedure: Procedure) -> list[dict[str, str]]:
    return [
        {
            "name": m.professional.user.get_full_name() or m.professional.user.get_username(),
            "profession": m.professional.get_profession_display(),
            "institution": m.professional.institution,
        }
        for m in GroupMember.objects.filter(group__procedure=procedure)
        .select_related("professional__user")
        .order_by("professional__user__last_name")
    ]


def _notices(procedure: Procedure) -> list[ClosureNotice]:
    """The procedure's closure notices in order (read once for a step's documents)."""
    return once(
        ("closure_notices", procedure.pk),
        lambda: list(ClosureNotice.objects.filter(procedure=procedure).order_by("position")),
    )


def closure_protocol(procedure: Procedure, subject: str) -> dict[str, Any]:
    """The protocol of closure: start and end, everyone covered, the actions, the ground,
    the monitoring after closure (or why there is none), the group and the chair's line."""
    return {
        "started_on": _date(_start(procedure)),
        "closed_on": _date(procedure.closed_on),
        "ground": procedure.get_closure_ground_display(),
        "summary": procedure.closure_summary,
        "monitor_until": _date(procedure.monitor_until),
        "monitoring_off_reason": procedure.monitoring_off_reason,
        "persons": persons_covered(procedure),
        "actions": _actions(procedure),
        "members": _members(procedure),
        "notified": [
            {"addressee": n.addressee, "took_part_as": n.get_took_part_as_display()}
            for n in _notices(procedure)
        ],
    }


def closure_notice(procedure: Procedure, subject: str) -> dict[str, Any]:
    """One notice of closure to one body that took part (``ClosureNotice``): no personal
    data beyond the procedure's number, its dates and the ground."""
    pk = int(subject.split(":", 1)[1])
    notice = next((n for n in _notices(procedure) if n.pk == pk), None)
    if notice is None:  # not among those read with the others: ask for it alone
        notice = ClosureNotice.objects.get(procedure=procedure, pk=pk)
    return {
        "addressee": notice.addressee,
        "took_part_as": notice.get_took_part_as_display(),
        "started_on": _date(_start(procedure)),
        "closed_on": _date(procedure.closed_on),
        "ground": procedure.get_closure_ground_display(),
    }


__all__ = ["closure_notice", "closure_protocol", "persons_covered"]
