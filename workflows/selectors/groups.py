"""The group's composition: is it complete, and what the chair must be told about it.

Art. 9a ust. 11 of the Act (Dz.U. 2024 poz. 1673): a diagnostic-support group includes a
social worker and a police officer; art. 9c ust. 3: every member signs a confidentiality
declaration. Checked when the group is appointed and again before every meeting of the
group (``workflows.flows.Step.needs_full_group``), because a member can leave, change
profession or lose their account between the two.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows.models import (
    DiagnosticGroup,
    GroupMember,
    GroupNotice,
    Profession,
    Professional,
    Stage,
)
from workflows.selectors.access import professional_for

# art. 9a ust. 11 of the Act: the professions every group includes.
REQUIRED_PROFESSIONS = {
    Profession.SOCIAL_WORKER: gettext_lazy("a social worker"),
    Profession.POLICE_OFFICER: gettext_lazy("a police officer"),
}


def _name(professional: Professional) -> str:
    return professional.user.get_full_name() or professional.user.get_username()


def composition_gaps(members: list[Professional]) -> list[str]:
    """What keeps ``members`` from being a lawful group, in the user's language: a missing
    required profession (art. 9a ust. 11), a member without a confidentiality declaration on
    record (art. 9c ust. 3), a member whose account is switched off. Empty when complete."""
    professions = {m.profession for m in members if m.user.is_active}
    gaps = [
        _("%(who)s is missing") % {"who": label}
        for code, label in REQUIRED_PROFESSIONS.items()
        if code not in professions
    ]
    for member in members:
        if not member.has_declaration:
            gaps.append(
                _("%(name)s has no confidentiality declaration on record") % {"name": _name(member)}
            )
        if not member.user.is_active:
            gaps.append(_("%(name)s is no longer active") % {"name": _name(member)})
    return gaps


def group_gaps(group: DiagnosticGroup) -> list[str]:
    """What keeps ``group`` from acting now (``composition_gaps`` of its current members).

    The members read are kept on ``group`` (``_members_memo``): a step that checked its group
    (``steps._check_group``, the procedure locked) asks who may be marked present from them.
    """
    members = [
        m.professional
        for m in group.memberships.select_related("professional__user").order_by("id")
    ]
    group._members_memo = members  # type: ignore[attr-defined]
    return composition_gaps(members)


@dataclass(frozen=True)
class IncompleteGroup:
    group: DiagnosticGroup
    gaps: list[str]


def _chaired_team_ids(user: User) -> list[int]:
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return []
    return professional.chaired_team_ids


def incomplete_groups_for(*, user: User) -> list[IncompleteGroup]:
    """The groups of open procedures of the teams ``user`` chairs that cannot meet now.

    A fixed number of queries whatever the number of groups (the inbox's budget)."""
    team_ids = _chaired_team_ids(user)
    if not team_ids:
        return []
    # The groups of the chaired teams' open cases whose members' counts show a gap, in one
    # aggregate over their memberships (a LEFT JOIN: a group without members counts zero);
    # ``composition_gaps`` then words the gaps of those few. Where the dashboard's
    # ``incomplete_group`` condition asked three correlated EXISTS of every open case of the
    # team (12 ms at 100,000 cases), this reads the team's open groups' members once.
    member = "memberships__professional"
    active = Q(**{f"{member}__user__is_active": True})
    counts = {
        f"n_{code}": Count("memberships", filter=active & Q(**{f"{member}__profession": code}))
        for code in REQUIRED_PROFESSIONS
    }
    unfit = Count(
        "memberships",
        filter=Q(**{f"{member}__confidentiality_declared_on__isnull": True})
        | Q(**{f"{member}__user__is_active": False}),
    )
    lacking = Q(unfit__gt=0)
    for name in counts:
        lacking |= Q(**{name: 0})
    candidates = (
        DiagnosticGroup.objects.filter(procedure__team_id__in=team_ids)
        .exclude(procedure__stage=Stage.CLOSED)
        .annotate(unfit=unfit, **counts)
        .filter(lacking)
        .values("pk")
    )
    groups = (
        DiagnosticGroup.objects.filter(pk__in=candidates)
        .select_related("procedure__household")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMember.objects.select_related("professional__user").order_by("id"),
            )
        )
        .order_by("procedure__number")
    )
    found = []
    for group in groups:
        gaps = composition_gaps([m.professional for m in group.memberships.all()])
        if gaps:
            found.append(IncompleteGroup(group=group, gaps=gaps))
    return found


def group_notices_for(*, user: User) -> list[GroupNotice]:
    """The notices about groups of the teams ``user`` chairs that the chair has not seen."""
    team_ids = _chaired_team_ids(user)
    if not team_ids:
        return []
    return list(
        GroupNotice.objects.filter(group__procedure__team_id__in=team_ids, seen_at__isnull=True)
        .select_related("group__procedure", "professional__user")
        .order_by("created_at", "id")
    )


def group_candidates(*, procedure) -> QuerySet[Professional]:
    """Whom the chair may put in the group: the team's members and the professionals
    registered in the team's municipality (a class teacher, a doctor, a family assistant
    who knows the family need not be team members [practice, domain note 4a])."""
    return (
        Professional.objects.filter(
            Q(municipality_id=procedure.team.municipality_id)
            | Q(team_memberships__team_id=procedure.team_id)
        )
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name")
    )
