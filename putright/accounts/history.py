"""Reading a member of staff's history, and saying each fact in words."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Role, User, UserEvent, UserEventKind


def user_history(*, user: User) -> QuerySet[UserEvent]:
    """Everything recorded about the user's account, oldest first."""
    return UserEvent.objects.filter(user=user).select_related("actor", "organisation")


def _role(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def _change(field: str, values: list[object]) -> str:
    before, after = values
    if isinstance(after, bool):
        words = {"is_staff": "may use the admin", "is_superuser": "superuser"}
        return f"{words.get(field, field)}: {'yes' if after else 'no'}"
    names = {"display_name": "name", "line_manager": "line manager"}
    name = names.get(field, field)
    if not after:
        return f"{name} cleared (was {before})"
    if not before:
        return f"{name} set to {after}"
    return f"{name} changed from {before} to {after}"


def describe_event(event: UserEvent) -> str:
    """One line in plain words: what happened, where."""
    data = event.data or {}
    where = f" at {event.organisation.name}" if event.organisation else ""
    reason = f" ({data['reason']})" if data.get("reason") else ""
    kind = event.kind
    if kind == UserEventKind.ADDED:
        how = " by single sign-on" if data.get("source") == "sso" else ""
        return f"Account added{how}"
    if kind == UserEventKind.CHANGED:
        changes = data.get("changes", {})
        said = "; ".join(_change(field, values) for field, values in changes.items())
        return said[:1].upper() + said[1:]
    if kind == UserEventKind.ROLE_GRANTED:
        return f"Granted {_role(data.get('role', ''))}{where}{reason}"
    if kind == UserEventKind.ROLE_REVOKED:
        return f"Revoked {_role(data.get('role', ''))}{where}{reason}"
    if kind == UserEventKind.TEAM_JOINED:
        return f"Joined the team {data.get('team', '')}{where}"
    if kind == UserEventKind.TEAM_LEFT:
        return f"Left the team {data.get('team', '')}{where}"
    if kind == UserEventKind.DEACTIVATED:
        tokens = data.get("tokens_revoked", 0)
        return f"Deactivated; {tokens} API token(s) revoked{reason}"
    if kind == UserEventKind.SIGNED_IN_SSO:
        changed = [
            f"{verb} {', '.join(data[key])}"
            for key, verb in (("granted", "granted"), ("revoked", "revoked"))
            if data.get(key)
        ]
        said = "; ".join(changed) or "name or e-mail address updated"
        return f"Signed in with single sign-on: {said}"
    if kind == UserEventKind.HANDED_OVER:
        count = data.get("count", 0)
        return f"{count} open item(s) handed to {data.get('to', '')}{where}"
    return str(UserEventKind(kind).label) if kind in UserEventKind.values else kind
