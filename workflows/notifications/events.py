"""Who is told of what: one function per event of the procedure, called by the service (or
the signal) that makes the change, inside its transaction."""

from django.conf import settings
from django.contrib.auth.models import User

from workflows.models import (
    GroupMember,
    NotificationKind,
    PlannedMeeting,
    Procedure,
    Professional,
)
from workflows.notifications import messages
from workflows.notifications.ics import meeting_ics
from workflows.notifications.services import notify
from workflows.selectors import team_chair_user


def _group_users(procedure_id: int) -> list[User]:
    return [
        m.professional.user
        for m in GroupMember.objects.filter(group__procedure_id=procedure_id).select_related(
            "professional__user"
        )
    ]


def card_arrived(*, procedure: Procedure, how: str) -> None:
    """A new NK-A for the team's chair: a new procedure, a follow-up card or a card routed
    from another team (``messages.new_card``)."""
    title, body, link = messages.new_card(procedure=procedure, how=how)
    notify(
        recipients=[team_chair_user(team_id=procedure.team_id)],
        kind=NotificationKind.NEW_CARD,
        procedure=procedure,
        title=title,
        body=body,
        link=link,
    )


def group_members_appointed(
    *, procedure: Procedure, professionals: list[Professional], added: bool = False
) -> None:
    title, body, link = messages.group_appointed(procedure=procedure, added=added)
    notify(
        recipients=[p.user for p in professionals],
        kind=NotificationKind.GROUP_APPOINTMENT,
        procedure=procedure,
        title=title,
        body=body,
        link=link,
    )


def task_assigned(*, procedure: Procedure, owner: User, task_title: str) -> None:
    title, body, link = messages.task_assigned(procedure=procedure, task_title=task_title)
    notify(
        recipients=[owner],
        kind=NotificationKind.TASK_ASSIGNED,
        procedure=procedure,
        title=title,
        body=body,
        link=link,
    )


def meeting_planned(*, planned: PlannedMeeting, actor: User) -> None:
    """The group's members, but the one who planned it, with the .ics attached."""
    title, body, link = messages.meeting_planned(planned=planned)
    ics = meeting_ics(planned, settings.OIK_SITE_URL.rstrip("/") + link)
    notify(
        recipients=[u for u in _group_users(planned.procedure_id) if u.pk != actor.pk],
        kind=NotificationKind.MEETING_PLANNED,
        procedure=planned.procedure,
        title=title,
        body=body,
        link=link,
        ics=ics,
    )


def group_changed(*, procedure: Procedure, what: str) -> None:
    title, body, link = messages.group_changed(procedure=procedure, what=what)
    notify(
        recipients=[team_chair_user(team_id=procedure.team_id)],
        kind=NotificationKind.GROUP_CHANGED,
        procedure=procedure,
        title=title,
        body=body,
        link=link,
    )


def high_risk_assessed(*, procedure: Procedure) -> None:
    """The team's chair, at once, whatever the e-mail choices (``tasks.ALWAYS_EMAILED``)."""
    title, body, link = messages.high_risk(procedure=procedure)
    notify(
        recipients=[team_chair_user(team_id=procedure.team_id)],
        kind=NotificationKind.HIGH_RISK,
        procedure=procedure,
        title=title,
        body=body,
        link=link,
    )
