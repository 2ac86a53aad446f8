"""Deadline reminders and escalations: the work of ``python manage.py check_deadlines``.

Once a share of a deadline's window has passed (``workflows.at_risk``, 60% by default) and
before the reminder window, the people who must act get one warning that it is at risk.
Before a deadline (within ``OIK_REMINDER_WORKING_DAYS`` working days) they get a reminder:
the initiator for sending the NK-A to the chair, the chair for the group, the group members
for the meetings, for the perpetrator's programme certificate and for the end of the
monitoring after closure (the one deadline reminded in a closed case). Once a
deadline has passed, the chair gets an escalation. A protective order's expiry is reminded
to the group (the chair while there is none) before the order lapses; a lapse is no missed
step: the run closes the deadline on its day and escalates nothing. Every message is recorded as a
``DeadlineNotice`` whose unique key (deadline, kind, recipient) makes a second run send
nothing twice, even when two runs overlap.

Each message goes through ``workflows.notifications`` (the in-app list, and an e-mail by a
task after the notice commits, unless the recipient turned that kind off). Messages carry
no personal data: the procedure number, the step, the due date and a link.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import log_event
from workflows import calendar
from workflows.at_risk import at_risk_deadlines
from workflows.models import Deadline, DeadlineNotice, GroupMember, NotificationKind, Stage
from workflows.notifications import notify
from workflows.rules import RULE_LABELS, RuleCode
from workflows.selectors import team_chair_user

logger = logging.getLogger(__name__)

# Who must act before each deadline; the chair gets every escalation.
INITIATOR_RULES = frozenset({RuleCode.NKA_TO_CHAIR})
CHAIR_RULES = frozenset({RuleCode.GROUP_CREATED, RuleCode.NKA_TO_GROUP})
GROUP_RULES = frozenset(
    {RuleCode.FIRST_MEETING, RuleCode.PROGRAMME_REPORT, RuleCode.POST_CLOSURE_MONITORING}
)
# Deadlines of a closed procedure: the end of the monitoring after closure (the group is
# reminded before and the chair told once it has passed, like any other group task).
AFTER_CLOSURE_RULES = frozenset({RuleCode.POST_CLOSURE_MONITORING})
# Expiries, not steps: reminded to the group, or to the chair before there is a group.
EXPIRY_RULES = frozenset({RuleCode.PROTECTIVE_ORDER})


@dataclass
class Report:
    reminders: int = 0
    escalations: int = 0
    at_risk: int = 0
    skipped_no_email: list[str] = field(default_factory=list)


def _assignees(deadline: Deadline, chairs: dict[int, object], groups: dict[int, list]) -> list:
    rule = RuleCode(deadline.rule)
    if rule in INITIATOR_RULES:
        initiator = deadline.nka.initiator if deadline.nka_id else None
        return [initiator or deadline.procedure.initiated_by]
    if rule in CHAIR_RULES:
        chair = chairs.get(deadline.procedure.team_id)
        return [chair] if chair else []
    if rule in GROUP_RULES:
        return groups.get(deadline.procedure_id, [])
    if rule in EXPIRY_RULES:
        chair = chairs.get(deadline.procedure.team_id)
        return groups.get(deadline.procedure_id) or ([chair] if chair else [])
    return []


def _message(
    deadline: Deadline, kind: str, today: datetime.date, recipient=None
) -> tuple[str, str, str]:
    """Title, text and site-relative link in the site language: number, step, due date.
    Nothing else.

    The card's initiator is told about their card (its date and its page), never the case:
    an initiator sees no case, and a routed card's case is another municipality's.
    """
    with translation.override(settings.LANGUAGE_CODE):
        label = str(RULE_LABELS[RuleCode(deadline.rule)])
        due = date_format(deadline.due_on, "DATE_FORMAT")
        to_initiator = (
            recipient is not None and deadline.nka_id and deadline.nka.initiator_id == recipient.pk
        )
        if to_initiator:
            name = _("your NK-A of %(date)s") % {
                "date": date_format(calendar.legal_date(deadline.nka.filled_at), "DATE_FORMAT")
            }
            link = reverse("workflows:card_detail", args=[deadline.nka_id])
        else:
            name = deadline.procedure.number
            link = reverse("workflows:procedure_detail", args=[deadline.procedure_id])
        if kind == DeadlineNotice.Kind.AT_RISK:
            subject = _("At risk: %(number)s – %(step)s by %(due)s") % {
                "number": name,
                "step": label,
                "due": due,
            }
            lead = _(
                "Most of the time for this step has passed (%(days)s days left): plan it "
                "now so that the deadline is met."
            ) % {"days": (deadline.due_on - today).days}
        elif kind == DeadlineNotice.Kind.REMINDER:
            left = calendar.working_days_between(today, deadline.due_on)
            subject = _("Reminder: %(number)s – %(step)s by %(due)s") % {
                "number": name,
                "step": label,
                "due": due,
            }
            lead = _("Working days left: %(left)s.") % {"left": left}
            if RuleCode(deadline.rule) in EXPIRY_RULES:
                lead += " " + _(
                    "The protective order lapses after this day unless a court extends it."
                )
        else:
            subject = _("Overdue: %(number)s – %(step)s was due %(due)s") % {
                "number": name,
                "step": label,
                "due": due,
            }
            lead = _("The statutory deadline has passed and the step is not recorded.")
        if RuleCode(deadline.rule) in AFTER_CLOSURE_RULES:
            lead = _(
                "The period of monitoring after closure (a team setting) ends on this day: "
                "end the monitoring on the case page."
            )
        body = "\n".join(
            [
                _("Procedure: %(number)s") % {"number": name}
                if not to_initiator
                else _("Card: %(card)s") % {"card": name},
                _("Step: %(step)s") % {"step": label},
                _("Due: %(due)s") % {"due": due},
                lead,
            ]
        )
    return subject, body, link


NOTICE_KINDS = {
    DeadlineNotice.Kind.AT_RISK: (NotificationKind.DEADLINE_AT_RISK, "deadline.at_risk"),
    DeadlineNotice.Kind.REMINDER: (NotificationKind.DEADLINE_REMINDER, "deadline.reminded"),
    DeadlineNotice.Kind.ESCALATION: (NotificationKind.DEADLINE_OVERDUE, "deadline.escalated"),
}


def _notify(deadline: Deadline, kind: str, recipient, today: datetime.date, report: Report) -> None:
    if not recipient.is_active:
        return
    if not recipient.email:
        # Told in the application all the same; the run reports the missing address.
        report.skipped_no_email.append(recipient.get_username())
    title, body, link = _message(deadline, kind, today, recipient)
    notification_kind, action = NOTICE_KINDS[DeadlineNotice.Kind(kind)]
    try:
        with transaction.atomic():
            DeadlineNotice.objects.create(deadline=deadline, kind=kind, recipient=recipient)
            first_escalation = (
                kind == DeadlineNotice.Kind.ESCALATION
                and not DeadlineNotice.objects.filter(
                    deadline=deadline, kind=DeadlineNotice.Kind.ESCALATION
                )
                .exclude(recipient=recipient)
                .exists()
            )
            payload = {
                "deadline": deadline.pk,
                "rule": deadline.rule,
                "due_on": str(deadline.due_on),
            }
            if first_escalation:
                log_event(action="deadline.missed", procedure=deadline.procedure, payload=payload)
            log_event(
                action=action,
                procedure=deadline.procedure,
                payload={**payload, "recipient": recipient.pk},
            )
            # The in-app notification and its e-mail task follow the commit of the notice:
            # a second run finds the notice and sends nothing twice.
            notify(
                recipients=[recipient],
                kind=notification_kind,
                procedure=deadline.procedure,
                title=title,
                body=body,
                link=link,
            )
    except IntegrityError:
        return  # already sent (by an earlier or a concurrent run)
    if kind == DeadlineNotice.Kind.REMINDER:
        report.reminders += 1
    elif kind == DeadlineNotice.Kind.AT_RISK:
        report.at_risk += 1
    else:
        report.escalations += 1


def _lapse(deadline: Deadline) -> None:
    """Close the expiry deadline of an order that lapsed on its due day (no escalation)."""
    with transaction.atomic():
        closed = Deadline.objects.filter(pk=deadline.pk, met_on__isnull=True).update(
            met_on=deadline.due_on
        )
        if closed:
            log_event(
                action="protective_order.lapsed",
                procedure=deadline.procedure,
                payload={
                    "deadline": deadline.pk,
                    "order": deadline.protective_order_id,
                    "due_on": str(deadline.due_on),
                },
            )


def check_deadlines(today: datetime.date | None = None) -> Report:
    """Send the warnings, reminders and escalations due on ``today`` (the Warsaw date by
    default)."""
    today = today or calendar.legal_date()
    horizon = calendar.add_working_days(today, settings.OIK_REMINDER_WORKING_DAYS)
    deadlines = list(
        Deadline.objects.current()
        .filter(met_on__isnull=True, due_on__lte=horizon)
        .exclude(Q(procedure__stage=Stage.CLOSED) & ~Q(rule__in=AFTER_CLOSURE_RULES))
        .exclude(rule=RuleCode.TEAM_MEETINGS)
        .select_related("procedure__initiated_by", "nka__initiator")
        .order_by("due_on", "id")
    )
    # At risk before the reminder window: one warning (a reminder speaks for it after).
    at_risk = list(
        at_risk_deadlines(today)
        .filter(due_on__gt=horizon)
        .exclude(procedure__stage=Stage.CLOSED)
        .select_related("procedure__initiated_by", "nka__initiator")
        .order_by("due_on", "id")
    )
    team_ids = {d.procedure.team_id for d in deadlines + at_risk}
    chairs = {team_id: team_chair_user(team_id=team_id) for team_id in team_ids}
    groups: dict[int, list] = {}
    for membership in GroupMember.objects.filter(
        group__procedure_id__in={d.procedure_id for d in deadlines + at_risk}
    ).select_related("professional__user", "group"):
        groups.setdefault(membership.group.procedure_id, []).append(membership.professional.user)
    report = Report()
    for deadline in at_risk:
        for user in _assignees(deadline, chairs, groups):
            _notify(deadline, DeadlineNotice.Kind.AT_RISK, user, today, report)
    for deadline in deadlines:
        if RuleCode(deadline.rule) in EXPIRY_RULES and deadline.due_on < today:
            _lapse(deadline)
            continue
        if deadline.due_on >= today:
            for user in _assignees(deadline, chairs, groups):
                _notify(deadline, DeadlineNotice.Kind.REMINDER, user, today, report)
        else:
            chair = chairs.get(deadline.procedure.team_id)
            if chair is None:
                logger.warning("Team %s has no chair to escalate to.", deadline.procedure.team_id)
                continue
            _notify(deadline, DeadlineNotice.Kind.ESCALATION, chair, today, report)
    return report
