"""Telling the team chair that a member left the group or no longer fits it.

A ``GroupNotice`` row is the inbox item (until the chair notes it); the chair is also
notified (``workflows.notifications``: the bell and an e-mail after the commit): the case
number, what happened and a link, never a name of the family.
"""

from django.contrib.auth.models import User

from audit.services import log_event
from workflows import notifications
from workflows.models import DiagnosticGroup, GroupNotice, Professional


def notice_chair(
    *, group: DiagnosticGroup, professional: Professional, kind: str, actor: User | None = None
) -> GroupNotice:
    """Record the notice for the chair (inside the caller's transaction) and mail the chair
    once it commits. Writes no audit event: the caller's step, or ``professional_changed``,
    does."""
    notice = GroupNotice.objects.create(group=group, professional=professional, kind=kind)
    notifications.group_changed(procedure=group.procedure, what=notice.get_kind_display())
    return notice


def professional_changed(
    *, professional: Professional, kind: str, team_id: int | None = None
) -> int:
    """A member's own record no longer fits their groups (profession changed, team
    membership ended, account switched off, declaration gone): tell the chair of each open
    case's group (``team_id``: only that team's cases). Returns how many groups were
    concerned; one audit event per case."""
    groups = DiagnosticGroup.objects.filter(memberships__professional=professional).exclude(
        procedure__stage="closed"
    )
    if team_id is not None:
        groups = groups.filter(procedure__team_id=team_id)
    count = 0
    for group in groups.select_related("procedure"):
        notice_chair(group=group, professional=professional, kind=kind)
        log_event(
            action="group.member_changed",
            procedure=group.procedure,
            payload={"member": professional.pk, "what": kind},
        )
        count += 1
    return count
