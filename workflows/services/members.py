"""The chair changes an appointed group: members added (a team member, a professional
registered in the municipality, or one registered here) and removed, with the date and
the reason. Each change gives the group decision a new version listing the members now.

A group keeps a social worker and a police officer (art. 9a ust. 11 of the Act,
Dz.U. 2024 poz. 1673) and every member a confidentiality declaration (art. 9c ust. 3).
Removing the only social worker or police officer is allowed (a member leaves whether the
group is ready or not): the group is then incomplete and cannot meet until the chair adds
one (``workflows.steps`` checks every meeting step, ``Step.needs_full_group``).
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import User as UserModel
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from documents.models import DocumentJob, DocumentKind
from workflows import notifications, paperwork
from workflows.group_notices import notice_chair
from workflows.models import (
    DiagnosticGroup,
    GroupMember,
    GroupMemberChange,
    GroupNotice,
    Professional,
)
from workflows.selectors import group_candidates, group_gaps
from workflows.steps import StepRun, User, check_record, not_future, refuse, step


def _group(s: StepRun) -> DiagnosticGroup:
    group = DiagnosticGroup.objects.filter(procedure=s.procedure).first()
    if group is None:
        raise refuse(_("The group is not appointed yet."))
    return group


def _not_before_appointment(group: DiagnosticGroup, on: datetime.date, field_name: str) -> None:
    if on < group.appointed_on:
        raise refuse(_("The date cannot precede the group's appointment."), field_name)


def _decision_new_version(s: StepRun, group: DiagnosticGroup, reason: str) -> None:
    """The group decision again, listing the members now (``paperwork.reissue``)."""
    paperwork.reissue(
        procedure=s.procedure,
        kind=DocumentKind.GROUP_DECISION,
        subject=f"group:{group.pk}",
        actor=s.actor,
        reason=reason,
    )


def _add(s: StepRun, group: DiagnosticGroup, professional: Professional, on: datetime.date):
    if group.memberships.filter(professional=professional).exists():
        raise refuse(_("This person is already a member of the group."), "professional")
    if not professional.has_declaration:
        # art. 9c ust. 3 of the Act: nobody works in the group without the declaration.
        raise refuse(
            _("No confidentiality declaration on record for: %(names)s.")
            % {"names": str(professional)},
            "professional",
        )
    if not professional.user.is_active:
        raise refuse(_("This person's account is switched off."), "professional")
    GroupMember.objects.create(group=group, professional=professional)
    GroupMemberChange.objects.create(
        group=group,
        professional=professional,
        kind=GroupMemberChange.Kind.ADDED,
        changed_on=on,
        recorded_by=s.actor,
    )
    declaration = f"member:{professional.pk}"
    if not DocumentJob.objects.filter(
        procedure_id=s.procedure.pk, kind=DocumentKind.DECLARATION, subject=declaration
    ).exists():
        s.document(DocumentKind.DECLARATION, declaration)  # one per member and case
    _decision_new_version(
        s, group, _("Member added: %(name)s") % {"name": professional.user.get_full_name()}
    )
    s.payload = {
        "member": professional.pk,
        "on": str(on),
        "gaps": len(group_gaps(group)),
    }
    notifications.group_members_appointed(
        procedure=s.procedure, professionals=[professional], added=True
    )


def group_member_add(
    *, actor: User, procedure_id: int, professional_id: int, added_on: datetime.date
) -> GroupMember:
    """The chair adds a team member or a professional registered in the team's
    municipality to the appointed group; the decision gets a new version."""
    not_future(added_on, "added_on")
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="group_member_add",
        event="group.member_added",
    ) as s:
        group = _group(s)
        _not_before_appointment(group, added_on, "added_on")
        professional = (
            group_candidates(procedure=s.procedure).filter(pk=professional_id).order_by().first()
        )
        if professional is None:
            raise refuse(_("Unknown member selected."), "professional")
        _add(s, group, professional, added_on)
    return group.memberships.get(professional=professional)


def _set_password_mail(user_id: int) -> None:
    """The new member's invitation to set a password (Django's password-reset token: one
    use, expires after ``PASSWORD_RESET_TIMEOUT``). Names no case."""
    user = UserModel.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return
    link = settings.OIK_SITE_URL.rstrip("/") + reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Niebieska Karta] Your account: set a password")
        body = "\n".join(
            [
                _(
                    "An account was created for you in the Niebieska Karta system, as a "
                    "member of a diagnostic-support group."
                ),
                _("Your login: %(login)s") % {"login": user.get_username()},
                _("Set your password here (the link works once):"),
                link,
            ]
        )
    EmailMessage(subject, body, to=[user.email]).send()


def group_member_register(
    *,
    actor: User,
    procedure_id: int,
    professional: Professional,
    first_name: str,
    last_name: str,
    email: str,
    added_on: datetime.date,
) -> Professional:
    """The chair registers a professional who is not a team member (a class teacher, a
    doctor, a family assistant) and adds them to the group.

    ``professional`` is unsaved (sector, profession, institution, confidentiality
    declaration date: required, art. 9c ust. 3); the step sets its municipality (the
    team's) and its login account: the e-mail as login, an unusable password, and a
    set-password e-mail after the commit. Such a member sees only the cases of the groups
    they sit in (``selectors.visible_procedures``).
    """
    not_future(added_on, "added_on")
    not_future(professional.confidentiality_declared_on, "confidentiality_declared_on")
    email = UserModel.objects.normalize_email(email.strip()).lower()
    if not email:
        raise refuse(
            _("Give the e-mail address: the new member sets a password through it."), "email"
        )
    if not first_name.strip() or not last_name.strip():
        raise refuse(_("Give the first name and the surname."), "last_name")
    if professional.confidentiality_declared_on is None:
        raise refuse(
            _("A group member must have signed the confidentiality declaration (art. 9c ust. 3)."),
            "confidentiality_declared_on",
        )
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="group_member_add",
        event="group.member_registered",
    ) as s:
        group = _group(s)
        _not_before_appointment(group, added_on, "added_on")
        if (
            UserModel.objects.filter(username__iexact=email).exists()
            or UserModel.objects.filter(email__iexact=email).exists()
        ):
            raise refuse(
                _("Somebody with this e-mail address already has an account: choose them above."),
                "email",
            )
        professional.municipality = s.procedure.team.municipality
        check_record(professional, exclude=("user",))
        user = UserModel(
            username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip()
        )
        user.set_unusable_password()
        user.save()
        professional.user = user
        professional.save()
        _add(s, group, professional, added_on)
        s.payload["registered"] = True
        transaction.on_commit(lambda: _set_password_mail(user.pk))
    return professional


def group_member_remove(
    *,
    actor: User,
    procedure_id: int,
    professional_id: int,
    removed_on: datetime.date,
    reason: str,
) -> GroupMemberChange:
    """The chair removes a member, with the date and the reason; the decision gets a new
    version. The group may become incomplete (it then cannot meet until completed)."""
    not_future(removed_on, "removed_on")
    reason = reason.strip()
    if not reason:
        raise refuse(_("Give the reason for the removal."), "reason")
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="group_member_remove",
        event="group.member_removed",
    ) as s:
        group = _group(s)
        _not_before_appointment(group, removed_on, "removed_on")
        membership = (
            group.memberships.select_related("professional__user")
            .filter(professional_id=professional_id)
            .first()
        )
        if membership is None:
            raise refuse(_("This person is not a member of the group."), "professional")
        professional = membership.professional
        membership.delete()
        change = GroupMemberChange.objects.create(
            group=group,
            professional=professional,
            kind=GroupMemberChange.Kind.REMOVED,
            changed_on=removed_on,
            reason=reason,
            recorded_by=actor,
        )
        notice_chair(group=group, professional=professional, kind=GroupNotice.Kind.REMOVED)
        _decision_new_version(
            s, group, _("Member removed: %(name)s") % {"name": professional.user.get_full_name()}
        )
        s.payload = {
            "member": professional.pk,
            "on": str(removed_on),
            "reason": reason,
            "gaps": len(group_gaps(group)),
        }
    return change


def group_notice_seen(*, actor: User, procedure_id: int, notice_id: int) -> GroupNotice:
    """The chair notes a notice about the group: it leaves the inbox (the group's gaps, if
    any, stay there until the group is complete)."""
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="group_notice_seen",
        event="group.notice_seen",
    ) as s:
        notice = GroupNotice.objects.filter(
            pk=notice_id, group__procedure=s.procedure, seen_at__isnull=True
        ).first()
        if notice is None:
            raise refuse(_("This notice was already noted."))
        notice.seen_at = datetime.datetime.now(tz=datetime.UTC)
        notice.seen_by = actor
        notice.save(update_fields=["seen_at", "seen_by"])
        s.payload = {"notice": notice.pk, "member": notice.professional_id, "what": notice.kind}
    return notice


__all__ = [
    "group_member_add",
    "group_member_register",
    "group_member_remove",
    "group_notice_seen",
]
