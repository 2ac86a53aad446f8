"""Who may read what: the professional, the auditor, the access to one procedure."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404

from forms.models import NKA
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
    teams, groups = _teams_and_groups(professional)
    if not teams and not groups:
        return Procedure.objects.none()
    # Literal id lists, read in ONE query: ``team_id IN (…) OR id IN (…)`` is two index scans
    # whatever the number of procedures, where an OR of correlated EXISTS was evaluated for
    # every procedure of every team (docs/benchmarks.md).
    condition = Q()
    if teams:
        condition |= Q(team_id__in=teams)
    if groups:
        condition |= Q(pk__in=groups)
    return Procedure.objects.filter(condition)


def _teams_and_groups(professional: Professional) -> tuple[list[int], list[int]]:
    """The professional's teams, and the procedures of their groups outside those teams
    (a team's own procedures are already visible through the team: the list stays short)."""
    held = memberships(professional)
    return sorted(held.team_roles), held.groups_outside_teams()


@dataclass(frozen=True)
class GroupCase:
    """One group the professional sits in, by its case."""

    procedure_id: int
    process_id: int | None
    team_id: int
    closed: bool


@dataclass(frozen=True)
class Memberships:
    """What a professional belongs to: their teams with their role, and their groups' cases.

    Read in ONE query per request (``memberships``) for every page part that asks: who may
    read what (``visible_procedures``), the cases they act in (``acting_cases``), the inbox's
    group tasks (``open_tasks_for``) and the chaired teams (``Professional.chaired_team_ids``,
    which the audit's actor description reads on every page)."""

    team_roles: dict[int, str]
    groups: tuple[GroupCase, ...]

    def chaired(self) -> list[int]:
        return sorted(t for t, role in self.team_roles.items() if role == TeamMember.Role.CHAIR)

    def groups_outside_teams(self) -> list[int]:
        return sorted({g.procedure_id for g in self.groups if g.team_id not in self.team_roles})

    def open_group_cases(self) -> frozenset[int]:
        return frozenset(g.procedure_id for g in self.groups if not g.closed)

    def group_processes(self) -> list[int]:
        return sorted({g.process_id for g in self.groups if g.process_id is not None})


def memberships(professional: Professional) -> Memberships:
    """The professional's teams and groups (``Memberships``): one query, kept on the
    professional for the rest of the request (the user and this record are loaded afresh for
    each request); it also answers ``professional.chaired_team_ids``."""
    cached = professional.__dict__.get("_memberships")
    if cached is not None:
        return cached
    no_int = Value(None, output_field=BigIntegerField())
    team_rows = TeamMember.objects.filter(professional=professional).values_list(
        Value(0), "team_id", "role", no_int, "team_id", Value(False)
    )
    group_rows = GroupMember.objects.filter(professional=professional).values_list(
        Value(1),
        "group__procedure_id",
        Value(""),
        "group__procedure__process_id",
        "group__procedure__team_id",
        ExpressionWrapper(Q(group__procedure__stage="closed"), output_field=BooleanField()),
    )
    team_roles: dict[int, str] = {}
    groups: list[GroupCase] = []
    for kind, ref, role, process_id, team_id, closed in team_rows.union(group_rows, all=True):
        if kind:
            groups.append(GroupCase(ref, process_id, team_id, closed))
        else:
            team_roles[ref] = role
    result = Memberships(team_roles=team_roles, groups=tuple(groups))
    professional.__dict__["_memberships"] = result
    # ``chaired_team_ids`` is a cached property: answered from here, not by its own query.
    professional.__dict__["chaired_team_ids"] = result.chaired()
    return result


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
    # One query for the three questions (every step and every case page asks them).
    role, group_member, initiator = (
        Professional.objects.filter(pk=professional.pk)
        .values_list(*_questions(user, professional, procedure.pk, procedure.team_id).values())
        .get()
    )
    return _access(role, group_member, initiator)


def _questions(user: User, professional: Professional, procedure_id, team_id) -> dict:
    """The three questions of ``procedure_access`` (the team role, the group membership, a
    card filed) about the procedure ``procedure_id`` of ``team_id`` (values or ``OuterRef``)."""
    return {
        "access_role": Subquery(
            TeamMember.objects.filter(team_id=team_id, professional=professional)
            .order_by("pk")
            .values("role")[:1]
        ),
        "access_group": Exists(
            GroupMember.objects.filter(group__procedure=procedure_id, professional=professional)
        ),
        "access_initiator": Exists(NKA.objects.filter(procedure=procedure_id, initiator=user)),
    }


def _access(role: str | None, group_member: bool, initiator: bool) -> Access:
    return Access(
        # The initiator alone does not read the case: their own cards are read through
        # ``card_open``, which never names the case (number, household, other data).
        read=role is not None or group_member,
        chair=role == TeamMember.Role.CHAIR,
        team_member=role is not None,
        group_member=group_member,
        initiator=initiator,
    )


def access_questions(user: User) -> dict | None:
    """``procedure_access``'s questions about ``user`` as annotations of a procedure query
    (the step's lock asks them with the row: ``access_answered``); ``None`` when the answer
    needs no such question or another one (no professional, no declaration, an auditor)."""
    if not user.is_authenticated or auditor_scope_for(user) is not None:
        return None
    professional = professional_for(user)
    if professional is None or not professional.has_declaration:
        return None
    return _questions(user, professional, OuterRef("pk"), OuterRef("team_id"))


def access_answered(procedure: Procedure) -> Access:
    """The access of the user whose ``access_questions`` annotated ``procedure``."""
    return _access(
        procedure.access_role,  # type: ignore[attr-defined]
        procedure.access_group,  # type: ignore[attr-defined]
        procedure.access_initiator,  # type: ignore[attr-defined]
    )


def access_of(user: User, procedure: Procedure) -> Access:
    """``user``'s access to ``procedure``: from its annotations where its query asked
    ``access_questions`` (the step's lock, the case page's read), else ``procedure_access``."""
    if hasattr(procedure, "access_role"):
        return access_answered(procedure)
    return procedure_access(user, procedure)


def procedure_get(*, user: User, pk: int) -> tuple[Procedure, Access]:
    """The procedure ``pk`` with the user's access; ``Http404`` when not visible.

    A professional's access questions (and whether they chair any team, which the audit's
    actor description asks) are annotations of the procedure's own query: one query where
    three were (the procedure, ``procedure_access``, ``chaired_team_ids``)."""
    questions = access_questions(user)
    procedures = Procedure.objects.select_related(
        "team__municipality", "household__municipality", "group", "risk_status"
    )
    if questions is not None:
        professional = professional_for(user)
        procedures = procedures.annotate(
            **questions,
            access_chairs=Exists(
                TeamMember.objects.filter(professional=professional, role=TeamMember.Role.CHAIR)
            ),
        )
    procedure = procedures.filter(pk=pk).first()
    if procedure is None:
        raise Http404
    access = access_of(user, procedure)
    if questions is not None:
        professional.__dict__.setdefault("chairs_a_team", procedure.access_chairs)  # type: ignore[attr-defined]
    if not access.read:
        raise Http404
    return procedure, access


@dataclass(frozen=True)
class ActingCases:
    """The open cases a professional acts in (``acting_cases``), as conditions on a model
    that names its case through ``prefix`` (``procedure__`` for a deadline, ``""`` for the
    case itself): the groups' cases as a short id list, the chaired teams' cases by team
    (``procedure_team_open``), no join through the memberships, so no DISTINCT."""

    member: frozenset[int]  # the open cases whose group includes the professional
    chaired_teams: tuple[int, ...]  # the teams the professional chairs

    def _chaired(self, prefix: str, **more) -> Q:
        if not self.chaired_teams:
            return Q(pk__in=[])
        return Q(**{f"{prefix}team_id__in": self.chaired_teams, **more}) & ~Q(
            **{f"{prefix}stage": "closed"}
        )

    def chaired(self, prefix: str = "procedure__") -> Q:
        """The open cases of the teams the professional chairs."""
        return self._chaired(prefix)

    def member_or_chaired(self, prefix: str = "procedure__") -> Q:
        """The open cases of their groups, and those of the teams they chair."""
        return Q(**{f"{prefix}pk__in": self.member}) | self._chaired(prefix)

    def member_or_chaired_without_group(self, prefix: str = "procedure__") -> Q:
        """The open cases of their groups, and those of the teams they chair that have no
        group yet (the chair acts until the group is appointed)."""
        return Q(**{f"{prefix}pk__in": self.member}) | self._chaired(
            prefix, **{f"{prefix}group__isnull": True}
        )


def acting_cases(professional: Professional) -> ActingCases:
    """The open cases ``professional`` acts in, from their ``memberships`` (one query), kept
    on the professional for the rest of the request; the inbox's sections each joined through
    the memberships with DISTINCT (issue 16). The caller checks the confidentiality
    declaration."""
    cached = getattr(professional, "_acting_cases", None)
    if cached is not None:
        return cached
    held = memberships(professional)  # also answers ``chaired_team_ids``
    result = ActingCases(
        member=held.open_group_cases(), chaired_teams=tuple(professional.chaired_team_ids)
    )
    professional._acting_cases = result  # type: ignore[attr-defined]
    return result
