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


def _tell(
    recipients: list[User | None],
    kind: NotificationKind,
    procedure: Procedure,
    message: messages.Message,
    ics: str = "",
) -> None:
    title, body, link = message
    notify(
        recipients=recipients,
        kind=kind,
        procedure=procedure,
        title=title,
        body=body,
        link=link,
        ics=ics,
    )


def card_arrived(*, procedure: Procedure, how: str) -> None:
    """A new NK-A for the team's chair: a new procedure, a follow-up card or a card routed
    from another team (``messages.new_card``)."""
    _tell(
        [team_chair_user(team_id=procedure.team_id)],
        NotificationKind.NEW_CARD,
        procedure,
        messages.new_card(procedure=procedure, how=how),
    )


def group_members_appointed(
    *, procedure: Procedure, professionals: list[Professional], added: bool = False
) -> None:
    _tell(
        [p.user for p in professionals],
        NotificationKind.GROUP_APPOINTMENT,
        procedure,
        messages.group_appointed(procedure=procedure, added=added),
    )


def task_assigned(*, procedure: Procedure, owner: User, task_title: str) -> None:
    _tell(
        [owner],
        NotificationKind.TASK_ASSIGNED,
        procedure,
        messages.task_assigned(procedure=procedure, task_title=task_title),
    )


def meeting_planned(*, planned: PlannedMeeting, actor: User) -> None:
    """The group's members, but the one who planned it, with the .ics attached."""
    message = messages.meeting_planned(planned=planned)
    link = message[2]  # (title, body, link)
    ics = meeting_ics(planned, settings.OIK_SITE_URL.rstrip("/") + link)
    _tell(
        [u for u in _group_users(planned.procedure_id) if u.pk != actor.pk],
        NotificationKind.MEETING_PLANNED,
        planned.procedure,
        message,
        ics,
    )


def group_changed(*, procedure: Procedure, what: str) -> None:
    _tell(
        [team_chair_user(team_id=procedure.team_id)],
        NotificationKind.GROUP_CHANGED,
        procedure,
        messages.group_changed(procedure=procedure, what=what),
    )


def high_risk_assessed(*, procedure: Procedure) -> None:
    """The team's chair, at once, whatever the e-mail choices (``tasks.ALWAYS_EMAILED``)."""
    _tell(
        [team_chair_user(team_id=procedure.team_id)],
        NotificationKind.HIGH_RISK,
        procedure,
        messages.high_risk(procedure=procedure),
    )
