"""Who may read what: the professional, the auditor, the access to one procedure."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from workflows.models import (
    AuditorScope,
    GroupMember,
    Procedure,
    Professional,
    TeamMember,
)


def professional_for(user: User) -> Professional | None:
    if not user.is_authenticated:
        return None
    try:
        return user.professional
    except Professional.DoesNotExist:
        return None


def auditor_scope_for(user: User) -> AuditorScope | None:
    if not user.is_authenticated:
        return None
    try:
        return user.auditor_scope
    except AuditorScope.DoesNotExist:
        return None


def team_chair_user(*, team_id: int):
    member = (
        TeamMember.objects.select_related("professional__user")
        .filter(team_id=team_id, role=TeamMember.Role.CHAIR)
        .first()
    )
    return member.professional.user if member else None


def visible_procedures(user: User) -> QuerySet[Procedure]:
    """Procedures ``user`` may read: their team's, their group's, or an auditor's scope.

    A professional without a confidentiality declaration on record sees nothing. An
    initiator who is neither on the team nor in the group sees no procedure: only their
    own cards (``cards_of``), whatever case a card opened, joined or was routed to.
    """
    if not user.is_authenticated:
        return Procedure.objects.none()
    scope = auditor_scope_for(user)
    if scope is not None:
        if scope.municipality_id:
            return Procedure.objects.filter(team__municipality_id=scope.municipality_id)
        if scope.county:
            return Procedure.objects.filter(team__municipality__county=scope.county)
        return Procedure.objects.all()
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return Procedure.objects.none()
    return Procedure.objects.filter(
        Q(Exists(TeamMember.objects.filter(team=OuterRef("team"), professional=professional)))
        | Q(
            Exists(
                GroupMember.objects.filter(
                    group__procedure=OuterRef("pk"), professional=professional
                )
            )
        )
    )


@dataclass(frozen=True)
class Access:
    """What one user may do with one procedure."""

    read: bool = False
    chair: bool = False
    team_member: bool = False
    group_member: bool = False
    initiator: bool = False
    auditor: bool = False

    @property
    def full_read(self) -> bool:
        """Sees the whole case (not only the NK-A they filled)."""
        return self.chair or self.team_member or self.group_member or self.auditor


def procedure_access(user: User, procedure: Procedure) -> Access:
    if not user.is_authenticated:
        return Access()
    if auditor_scope_for(user) is not None:
        visible = visible_procedures(user).filter(pk=procedure.pk).exists()
        return Access(read=visible, auditor=visible)
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return Access()
    membership = TeamMember.objects.filter(
        team_id=procedure.team_id, professional=professional
    ).first()
    group_member = GroupMember.objects.filter(
        group__procedure=procedure, professional=professional
    ).exists()
    initiator = procedure.nka_forms.filter(initiator=user).exists()
    chair = membership is not None and membership.role == TeamMember.Role.CHAIR
    return Access(
        # The initiator alone does not read the case: their own cards are read through
        # ``card_open``, which never names the case (number, household, other data).
        read=bool(membership or group_member),
        chair=chair,
        team_member=membership is not None,
        group_member=group_member,
        initiator=initiator,
    )


def procedure_get(*, user: User, pk: int) -> tuple[Procedure, Access]:
    """The procedure ``pk`` with the user's access; ``Http404`` when not visible."""
    procedure = (
        Procedure.objects.select_related("team__municipality", "household", "group")
        .filter(pk=pk)
        .first()
    )
    if procedure is None:
        raise Http404
    access = procedure_access(user, procedure)
    if not access.read:
        raise Http404
    return procedure, access
