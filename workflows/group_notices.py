"""Telling the team chair that a member left the group or no longer fits it.

A ``GroupNotice`` row is the inbox item (until the chair notes it); an e-mail goes to the
chair after the commit, on the reminders' mail path (``workflows.reminders``): the case
number, what happened and a link, never a name of the family.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from audit.services import log_event
from workflows.models import DiagnosticGroup, GroupNotice, Professional
from workflows.selectors import team_chair_user


def _mail_chair(notice_id: int) -> None:
    notice = (
        GroupNotice.objects.select_related("group__procedure", "professional__user")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        return
    procedure = notice.group.procedure
    chair = team_chair_user(team_id=procedure.team_id)
    if chair is None or not chair.is_active or not chair.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.OIK_SITE_URL.rstrip("/") + reverse(
            "workflows:procedure_detail", args=[procedure.pk]
        )
        subject = _("[Niebieska Karta] %(number)s – the group's composition changed") % {
            "number": procedure.number
        }
        body = "\n".join(
            [
                _("Procedure: %(number)s") % {"number": procedure.number},
                _("A member of the diagnostic-support group: %(what)s.")
                % {"what": notice.get_kind_display()},
                _(
                    "Check that the group still includes a social worker and a police "
                    "officer (art. 9a ust. 11 of the Act): until it does, it cannot meet."
                ),
                "",
                link,
                "",
                _("Sign in to see the case. This message deliberately contains no personal data."),
            ]
        )
    EmailMessage(subject, body, to=[chair.email]).send()


def notice_chair(
    *, group: DiagnosticGroup, professional: Professional, kind: str, actor: User | None = None
) -> GroupNotice:
    """Record the notice for the chair (inside the caller's transaction) and mail the chair
    once it commits. Writes no audit event: the caller's step, or ``professional_changed``,
    does."""
    notice = GroupNotice.objects.create(group=group, professional=professional, kind=kind)
    transaction.on_commit(lambda: _mail_chair(notice.pk))
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
