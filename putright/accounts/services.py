"""Every change to a member of staff, each recorded in their history (``UserEvent``).

One function per change, used by ``putright user``, the Django admin and single sign-on
alike, so each change is checked and recorded the same way whichever way it is made. Each
is keyword-only, joins the caller's transaction and locks the user's row, so the history is
numbered without gaps or repeats. Errors are ``AccountError`` with a message a person can
act on, naming the field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from putright.organisations.models import Organisation

from .actors import Actor
from .models import (
    ApiToken,
    Membership,
    Role,
    Team,
    TeamMembership,
    User,
    UserEvent,
    UserEventKind,
)
from .tokens import token_revoke

USERNAME_TAKEN = "there is already a user {username!r}"
UNKNOWN_ROLE = "unknown role {role!r}; roles are: {valid}"
BAD_TEAM = "--team {slug!r} is not a slug: use lower-case letters, digits and hyphens"
NO_TEAM = "{organisation} has no team {slug!r}; its teams are: {valid}"
NOT_IN_TEAM = "{username} is not in the team {slug!r} of {organisation}"
OWN_LINE_MANAGER = "{username} cannot be their own line manager"
LINE_MANAGER_LOOP = "{manager} cannot manage {username}: {username} is already above them"
LINE_MANAGER_INACTIVE = "{manager} is deactivated and cannot be a line manager"
NOT_HELD = "{username} does not hold {role} at {organisation}"
PASSWORD_REFUSED = "the password is refused: {reasons}"

#: Who made a change when no member of staff did.
SINGLE_SIGN_ON = "single sign-on"
COMMAND = "putright user"


class AccountError(Exception):
    """A change to an account that cannot be made, with the field it is about."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _record(
    *,
    user: User,
    kind: UserEventKind,
    actor: Actor,
    organisation: Organisation | None = None,
    data: dict[str, Any] | None = None,
    occurred_at: datetime.datetime | None = None,
) -> UserEvent:
    """Append one fact to the user's history (the caller holds the user's row locked)."""
    last = UserEvent.objects.filter(user=user).aggregate(last=Max("sequence"))["last"] or 0
    return UserEvent.objects.create(
        user=user,
        sequence=last + 1,
        kind=kind,
        organisation=organisation,
        actor=actor.user,
        actor_label=actor.label,
        occurred_at=occurred_at or timezone.now(),
        data=data or {},
    )


def _lock(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def check_role(role: str) -> str:
    """The role's id, or an error naming the valid ones."""
    if role not in Role.values:
        message = UNKNOWN_ROLE.format(role=role, valid=", ".join(Role.values))
        raise AccountError(message, field="role")
    return role


def check_line_manager(*, manager: User, username: str, user: User | None = None) -> User:
    """A line manager must be active, someone else, and not already below the user."""
    if manager.username == username:
        raise AccountError(OWN_LINE_MANAGER.format(username=username), field="line_manager")
    if not manager.is_active:
        message = LINE_MANAGER_INACTIVE.format(manager=manager.username)
        raise AccountError(message, field="line_manager")
    above: User | None = manager
    seen: set[int] = set()
    while user is not None and above is not None and above.pk not in seen:
        if above.pk == user.pk:
            message = LINE_MANAGER_LOOP.format(manager=manager.username, username=username)
            raise AccountError(message, field="line_manager")
        seen.add(above.pk)
        above = above.line_manager
    return manager


def check_team_slugs(slugs: Iterable[str]) -> list[str]:
    """Team slugs, each checked, without repeats."""
    found = list(dict.fromkeys(slugs))
    for slug in found:
        try:
            validate_slug(slug)
        except ValidationError:
            raise AccountError(BAD_TEAM.format(slug=slug), field="team") from None
    return found


@transaction.atomic(durable=False)
def user_add(
    *,
    user: User,
    actor: Actor,
    organisation: Organisation | None = None,
    roles: Iterable[str] = (),
    teams: Iterable[str] = (),
    password: str | None = None,
    keep_password: bool = False,
    data: dict[str, Any] | None = None,
) -> list[Team]:
    """Save a new user (with a password, or none usable), their roles and teams; return
    the teams created on first use. ``keep_password`` keeps one the admin's form set."""
    if User.objects.filter(username=user.username).exists():
        raise AccountError(USERNAME_TAKEN.format(username=user.username), field="username")
    wanted = [check_role(role) for role in dict.fromkeys(roles)]
    slugs = check_team_slugs(teams)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            message = PASSWORD_REFUSED.format(reasons=_messages(error))
            raise AccountError(message, field="password") from None
        user.set_password(password)
    elif not keep_password:
        user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        raise AccountError(_messages(error)) from None
    user.save()
    _record(
        user=user,
        kind=UserEventKind.ADDED,
        actor=actor,
        data={
            "username": user.username,
            "directorate": user.directorate,
            "line_manager": user.line_manager.username if user.line_manager else None,
            **(data or {}),
        },
    )
    created: list[Team] = []
    if organisation is not None:
        for role in wanted:
            role_grant(user=user, organisation=organisation, role=role, actor=actor)
        created = team_join(user=user, organisation=organisation, slugs=slugs, actor=actor)
    return created


_UNCHANGED: Any = object()


@transaction.atomic(durable=False)
def user_set(
    *,
    user: User,
    actor: Actor,
    directorate: str | None = None,
    line_manager: User | None = _UNCHANGED,
    display_name: str | None = None,
    email: str | None = None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
) -> dict[str, list[Any]]:
    """Change a user's details; record what changed, from and to (nothing if nothing did)."""
    locked = _lock(user)
    changes: dict[str, list[Any]] = {}
    if directorate is not None and directorate.strip() != locked.directorate:
        changes["directorate"] = [locked.directorate, directorate.strip()]
        locked.directorate = directorate.strip()
    if display_name is not None and display_name.strip() != locked.display_name:
        changes["display_name"] = [locked.display_name, display_name.strip()]
        locked.display_name = display_name.strip()
    if email is not None:
        email = User.objects.normalize_email(email.strip())
        if email != locked.email:
            changes["email"] = [locked.email, email]
            locked.email = email
    if line_manager is not _UNCHANGED and (line_manager.pk if line_manager else None) != (
        locked.line_manager_id
    ):
        if line_manager is not None:
            check_line_manager(manager=line_manager, username=locked.username, user=locked)
        before = locked.line_manager.username if locked.line_manager else None
        changes["line_manager"] = [before, line_manager.username if line_manager else None]
        locked.line_manager = line_manager
    for field, wanted in (("is_staff", is_staff), ("is_superuser", is_superuser)):
        if wanted is not None and wanted != getattr(locked, field):
            changes[field] = [getattr(locked, field), wanted]
            setattr(locked, field, wanted)
    fields = ["directorate", "display_name", "email", "line_manager", "is_staff", "is_superuser"]
    if changes:
        locked.save(update_fields=fields)
        _record(user=locked, kind=UserEventKind.CHANGED, actor=actor, data={"changes": changes})
    for field in fields:
        setattr(user, field, getattr(locked, field))
    return changes


@transaction.atomic(durable=False)
def role_grant(
    *, user: User, organisation: Organisation, role: str, actor: Actor, reason: str = ""
) -> bool:
    """Give the user a role in the organisation; False (and nothing recorded) if held."""
    check_role(role)
    _lock(user)
    _, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if created:
        data = {"role": role, **({"reason": reason} if reason else {})}
        _record(
            user=user,
            kind=UserEventKind.ROLE_GRANTED,
            actor=actor,
            organisation=organisation,
            data=data,
        )
    return created


@transaction.atomic(durable=False)
def role_revoke(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    actor: Actor,
    reason: str = "",
    missing_ok: bool = False,
) -> bool:
    """Take a role in the organisation away from the user; an error if not held."""
    check_role(role)
    _lock(user)
    removed, _ = Membership.objects.filter(user=user, organisation=organisation, role=role).delete()
    if not removed:
        if missing_ok:
            return False
        names = {"username": user.username, "role": role, "organisation": organisation.slug}
        raise AccountError(NOT_HELD.format(**names), field="role")
    data = {"role": role, **({"reason": reason} if reason else {})}
    _record(
        user=user,
        kind=UserEventKind.ROLE_REVOKED,
        actor=actor,
        organisation=organisation,
        data=data,
    )
    return True


@transaction.atomic(durable=False)
def team_join(
    *, user: User, organisation: Organisation, slugs: Iterable[str], actor: Actor
) -> list[Team]:
    """Put the user in the organisation's teams (made on first use); return those made."""
    created: list[Team] = []
    _lock(user)
    for slug in check_team_slugs(slugs):
        team, made = Team.objects.get_or_create(
            organisation=organisation,
            slug=slug,
            defaults={"name": slug.replace("-", " ").replace("_", " ").title()},
        )
        if made:
            created.append(team)
        _, joined = TeamMembership.objects.get_or_create(user=user, team=team)
        if joined:
            _record(
                user=user,
                kind=UserEventKind.TEAM_JOINED,
                actor=actor,
                organisation=organisation,
                data={"team": slug},
            )
    return created


@transaction.atomic(durable=False)
def team_leave(
    *, user: User, organisation: Organisation, slugs: Iterable[str], actor: Actor
) -> None:
    """Take the user out of the organisation's teams; an error for one they are not in."""
    _lock(user)
    for slug in dict.fromkeys(slugs):
        team = Team.objects.filter(organisation=organisation, slug=slug).first()
        if team is None:
            existing = sorted(
                Team.objects.filter(organisation=organisation).values_list("slug", flat=True)
            )
            message = NO_TEAM.format(
                organisation=organisation.slug, slug=slug, valid=", ".join(existing) or "(none)"
            )
            raise AccountError(message, field="team")
        removed, _ = TeamMembership.objects.filter(user=user, team=team).delete()
        if not removed:
            message = NOT_IN_TEAM.format(
                username=user.username, slug=slug, organisation=organisation.slug
            )
            raise AccountError(message, field="team")
        _record(
            user=user,
            kind=UserEventKind.TEAM_LEFT,
            actor=actor,
            organisation=organisation,
            data={"team": slug},
        )


@transaction.atomic(durable=False)
def user_deactivate(*, user: User, actor: Actor, reason: str = "") -> tuple[bool, int]:
    """Stop the user signing in and revoke their API tokens; return (was active, tokens)."""
    locked = _lock(user)
    was_active = locked.is_active
    tokens = list(ApiToken.objects.filter(user=locked, revoked_at__isnull=True))
    for token in tokens:
        token_revoke(token=token)
    if was_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        data: dict[str, Any] = {"tokens_revoked": len(tokens)}
        if reason:
            data["reason"] = reason
        _record(user=locked, kind=UserEventKind.DEACTIVATED, actor=actor, data=data)
    user.is_active = False
    return was_active, len(tokens)


@transaction.atomic(durable=False)
def user_reactivate(*, user: User, actor: Actor) -> bool:
    """Let a deactivated user sign in again; False if they were active."""
    locked = _lock(user)
    if locked.is_active:
        return False
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    _record(user=locked, kind=UserEventKind.REACTIVATED, actor=actor)
    user.is_active = True
    return True


def user_record(
    *,
    user: User,
    kind: UserEventKind,
    actor: Actor,
    organisation: Organisation | None = None,
    data: dict[str, Any] | None = None,
) -> UserEvent:
    """Record a fact about the user that another service made (a sign-in, a handover)."""
    with transaction.atomic(durable=False):
        _lock(user)
        return _record(user=user, kind=kind, actor=actor, organisation=organisation, data=data)


@transaction.atomic(durable=False)
def roles_sync(
    *,
    user: User,
    wanted: Iterable[tuple[str, str]],
    organisations: Iterable[str],
    actor: Actor,
    reason: str,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Make the user's roles in ``organisations`` (slugs) exactly ``wanted``; roles elsewhere
    are left alone. Return what was granted and revoked, each recorded with the reason."""
    managed = {o.slug: o for o in Organisation.objects.filter(slug__in=set(organisations))}
    wanted_here = {(slug, role) for slug, role in wanted if slug in managed}
    held = set(
        Membership.objects.filter(user=user, organisation__slug__in=managed).values_list(
            "organisation__slug", "role"
        )
    )
    granted = sorted(wanted_here - held)
    revoked = sorted(held - wanted_here)
    for slug, role in revoked:
        role_revoke(user=user, organisation=managed[slug], role=role, actor=actor, reason=reason)
    for slug, role in granted:
        role_grant(user=user, organisation=managed[slug], role=role, actor=actor, reason=reason)
    return granted, revoked
