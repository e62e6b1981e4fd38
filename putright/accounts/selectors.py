"""Reading staff: who holds a role, who is in a team, who manages whom.

Packs name people by role ("a senior manager from another directorate") or by team
("the hazard's owner is the repairs team"); the services find them here. Only active
users are ever found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import get_args

from django.db.models import Q, QuerySet

from putright.domain.policy import Pack, SystemRole
from putright.organisations.models import Organisation

from .models import Membership, Team, TeamMembership, User


def _by_name(users: Iterable[User]) -> list[User]:
    return sorted(users, key=lambda u: (str(u).casefold(), u.username))


def team_members(*, organisation: Organisation, team: Team | str) -> list[User]:
    """The active users in a team (a Team or its slug) of the organisation, by name."""
    slug = team.slug if isinstance(team, Team) else team
    users = User.objects.filter(
        is_active=True,
        team_memberships__team__organisation=organisation,
        team_memberships__team__slug=slug,
    ).distinct()
    return _by_name(users)


def staff_with_roles(
    *,
    organisation: Organisation,
    roles: Iterable[str],
    exclude_directorate: str | None = None,
    exclude_users: Iterable[User] = (),
) -> list[User]:
    """The active users holding any of the roles in the organisation, by name.

    With ``exclude_directorate``, only those whose recorded directorate is another one
    (compared ignoring case and surrounding spaces): someone whose directorate is not
    recorded is not known to be from another directorate. A blank value excludes nobody.
    """
    users = User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__role__in=list(roles),
    )
    excluded = [user.pk for user in exclude_users]
    if excluded:
        users = users.exclude(pk__in=excluded)
    found = _by_name(users.distinct())
    directorate = (exclude_directorate or "").strip().casefold()
    if directorate:
        found = [
            user
            for user in found
            if user.directorate.strip() and user.directorate.strip().casefold() != directorate
        ]
    return found


def line_manager_of(user: User) -> User | None:
    """The user's line manager, or None when they have none or theirs is no longer active."""
    manager = user.line_manager
    if manager is None or not manager.is_active:
        return None
    return manager


@dataclass(frozen=True)
class StaffEntry:
    """A user with their roles and teams, each by organisation slug."""

    user: User
    roles: dict[str, list[str]]
    teams: dict[str, list[str]]


def staff_list(*, organisation: Organisation | None = None) -> list[StaffEntry]:
    """Every user, or those with a role or a team in one organisation, by username."""
    users = User.objects.select_related("line_manager").order_by("username")
    memberships = Membership.objects.all()
    team_memberships = TeamMembership.objects.all()
    if organisation is not None:
        users = users.filter(
            Q(memberships__organisation=organisation)
            | Q(team_memberships__team__organisation=organisation)
        ).distinct()
        memberships = memberships.filter(organisation=organisation)
        team_memberships = team_memberships.filter(team__organisation=organisation)
    return _entries(list(users), memberships, team_memberships)


def staff_entry(*, user: User) -> StaffEntry:
    """One user with their roles and teams in every organisation."""
    [entry] = _entries(
        [user],
        Membership.objects.filter(user=user),
        TeamMembership.objects.filter(user=user),
    )
    return entry


def _entries(
    users: list[User],
    memberships: QuerySet[Membership],
    team_memberships: QuerySet[TeamMembership],
) -> list[StaffEntry]:
    roles: dict[int, dict[str, list[str]]] = {}
    for user_id, slug, role in memberships.order_by("organisation__slug", "role").values_list(
        "user", "organisation__slug", "role"
    ):
        roles.setdefault(user_id, {}).setdefault(slug, []).append(role)
    teams: dict[int, dict[str, list[str]]] = {}
    for user_id, slug, team in team_memberships.order_by(
        "team__organisation__slug", "team__slug"
    ).values_list("user", "team__organisation__slug", "team__slug"):
        teams.setdefault(user_id, {}).setdefault(slug, []).append(team)
    return [
        StaffEntry(user=user, roles=roles.get(user.pk, {}), teams=teams.get(user.pk, {}))
        for user in users
    ]


#: Raised when a service asks for a role its organisation's pack does not name.
UNKNOWN_PACK_ROLE = "the policy {pack!r} names no role {role!r}; its roles are: {known}"


def _directorate(user: User) -> str:
    return user.directorate.strip().casefold()


#: The PutRight roles a pack role may act as.
SYSTEM_ROLES: frozenset[str] = frozenset(get_args(SystemRole))


def people_for_role(
    *,
    organisation: Organisation,
    pack: Pack,
    role_id: str,
    case_handlers: Iterable[User] = (),
) -> list[User]:
    """The active staff who may hold a pack role on a case, given who handled it, by name."""
    role = next((r for r in pack.roles if r.id == role_id), None)
    if role is None:
        known = ", ".join(r.id for r in pack.roles) or "none"
        raise ValueError(UNKNOWN_PACK_ROLE.format(pack=pack.id, role=role_id, known=known))
    if role.team is not None:
        users = User.objects.filter(
            is_active=True,
            team_memberships__team__organisation=organisation,
            team_memberships__team__slug=role.team,
        )
    elif role.acts_as or role.id in SYSTEM_ROLES:
        # A role named after a PutRight role (the Code's "complaints_manager") acts as it.
        users = User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role__in=role.acts_as or (role.id,),
        )
    else:
        return []
    found = list(users.distinct())
    handlers = list(case_handlers)
    if role.independence == "not_involved":
        involved = {user.pk for user in handlers}
        found = [user for user in found if user.pk not in involved]
    elif role.independence == "other_directorate":
        theirs = {_directorate(user) for user in handlers}
        found = [user for user in found if _directorate(user) and _directorate(user) not in theirs]
    return _by_name(found)
