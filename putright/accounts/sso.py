"""Single sign-on settings: the provider, the client, and which roles each group gives.

Everything is read from the environment (``config/settings/base.py`` gathers it into
``PUTRIGHT_SSO``); this module checks it and explains what is wrong, naming the variable
or the file and the entry. The role mapping says, for each value of the identity
provider's ``groups`` (or ``roles``) claim, which roles it gives in which organisations::

    # PUTRIGHT_OIDC_ROLE_MAP_FILE=/etc/putright/roles.toml
    [groups]
    "3f1c0d2e-...-group-object-id" = ["harbourside:complaint_handler"]
    "Complaints.Manager" = ["harbourside:complaints_manager", "riverside:complaints_manager"]

or the same as JSON in ``PUTRIGHT_OIDC_ROLE_MAP``::

    {"groups": {"Complaints.Manager": ["harbourside:complaints_manager"]}}

In an organisation the mapping names, the provider decides a user's roles: at every
sign-in the roles the groups give are granted and those they no longer give are revoked.
Roles in other organisations are left to ``putright user`` and the admin.

This module is read by the settings, so it imports no model.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from putright.domain.policy import SystemRole

#: The roles the provider may give (an API client's role is never given by a group).
ROLES: tuple[str, ...] = get_args(SystemRole)

MAP_BOTH = "set PUTRIGHT_OIDC_ROLE_MAP or PUTRIGHT_OIDC_ROLE_MAP_FILE, not both"
MAP_NOT_JSON = "PUTRIGHT_OIDC_ROLE_MAP is not JSON: {error}"
MAP_FILE_MISSING = "PUTRIGHT_OIDC_ROLE_MAP_FILE {path}: there is no such file"
MAP_NOT_TOML = "PUTRIGHT_OIDC_ROLE_MAP_FILE {path}: not TOML: {error}"
MAP_NO_GROUPS = (
    "{where}: needs a table 'groups' mapping each group to a list of 'organisation:role'"
)
MAP_BAD_ENTRY = "{where}: groups.{group!r} must be a list of 'organisation:role' strings"
MAP_BAD_PAIR = "{where}: groups.{group!r}: {value!r} is not 'organisation:role'"
MAP_BAD_ROLE = "{where}: groups.{group!r}: unknown role {role!r}; roles are: {valid}"
MISSING = "single sign-on needs {variables}: set them, or unset PUTRIGHT_OIDC_CLIENT_ID"
NO_ENDPOINTS = (
    "single sign-on needs PUTRIGHT_OIDC_ISSUER (the provider's endpoints are read from its "
    "discovery document) or all of {variables}"
)
NO_WAY_IN = (
    "PUTRIGHT_LOCAL_PASSWORDS=0 turns passwords off, but single sign-on is not configured "
    "(PUTRIGHT_OIDC_CLIENT_ID): nobody could sign in"
)

ENDPOINTS = ("authorization", "token", "userinfo", "jwks")


class SsoConfigError(ValueError):
    """The single sign-on settings cannot be used; the message says which and why."""


@dataclass(frozen=True)
class RoleMap:
    """Which roles, in which organisations, each group of the provider gives."""

    groups: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def organisations(self) -> frozenset[str]:
        """The organisations whose roles the provider decides."""
        return frozenset(slug for pairs in self.groups.values() for slug, _ in pairs)

    def roles_for(self, values: Iterable[str]) -> set[tuple[str, str]]:
        """The (organisation, role) pairs the claim's values give."""
        found: set[tuple[str, str]] = set()
        for value in values:
            found.update(self.groups.get(value, ()))
        return found


def parse_role_map(raw: Any, *, where: str) -> RoleMap:
    """Check a role mapping read from JSON or TOML; errors name ``where`` and the entry."""
    if not isinstance(raw, dict) or not isinstance(raw.get("groups"), dict):
        raise SsoConfigError(MAP_NO_GROUPS.format(where=where))
    groups: dict[str, tuple[tuple[str, str], ...]] = {}
    for group, values in raw["groups"].items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise SsoConfigError(MAP_BAD_ENTRY.format(where=where, group=group))
        pairs: list[tuple[str, str]] = []
        for value in values:
            slug, _, role = value.partition(":")
            if not slug.strip() or not role.strip():
                raise SsoConfigError(MAP_BAD_PAIR.format(where=where, group=group, value=value))
            if role.strip() not in ROLES:
                raise SsoConfigError(
                    MAP_BAD_ROLE.format(
                        where=where, group=group, role=role.strip(), valid=", ".join(ROLES)
                    )
                )
            pairs.append((slug.strip(), role.strip()))
        groups[str(group)] = tuple(pairs)
    return RoleMap(groups=groups)


def load_role_map(*, json_text: str = "", file: str = "") -> RoleMap:
    """The mapping from ``PUTRIGHT_OIDC_ROLE_MAP`` (JSON) or ``..._FILE`` (TOML); empty if neither."""
    if json_text.strip() and file.strip():
        raise SsoConfigError(MAP_BOTH)
    if json_text.strip():
        try:
            raw = json.loads(json_text)
        except json.JSONDecodeError as error:
            raise SsoConfigError(MAP_NOT_JSON.format(error=error)) from None
        return parse_role_map(raw, where="PUTRIGHT_OIDC_ROLE_MAP")
    if file.strip():
        path = Path(file.strip())
        if not path.is_file():
            raise SsoConfigError(MAP_FILE_MISSING.format(path=path))
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise SsoConfigError(MAP_NOT_TOML.format(path=path, error=error)) from None
        return parse_role_map(raw, where=str(path))
    return RoleMap()


@dataclass(frozen=True)
class SsoSettings:
    """Single sign-on as configured: off when there is no client id."""

    client_id: str = ""
    client_secret: str = ""
    issuer: str = ""
    endpoints: Mapping[str, str] = field(default_factory=dict)
    scopes: str = "openid email profile"
    claim: str = "groups"
    username_claim: str = "preferred_username"
    provider_name: str = "your organisation's account"
    sign_algo: str = "RS256"
    role_map: RoleMap = field(default_factory=RoleMap)
    local_passwords: bool = True

    @property
    def enabled(self) -> bool:
        return bool(self.client_id)


def sso_settings_from(env: Mapping[str, str]) -> SsoSettings:
    """Read and check single sign-on from environment variables."""

    def get(name: str, default: str = "") -> str:
        return env.get(name, default).strip()

    local = get("PUTRIGHT_LOCAL_PASSWORDS", "1").lower() not in ("0", "false", "no", "off")
    client_id = get("PUTRIGHT_OIDC_CLIENT_ID")
    if not client_id:
        if not local:
            raise SsoConfigError(NO_WAY_IN)
        return SsoSettings(local_passwords=True)
    if not get("PUTRIGHT_OIDC_CLIENT_SECRET"):
        raise SsoConfigError(MISSING.format(variables="PUTRIGHT_OIDC_CLIENT_SECRET"))
    endpoints = {
        name: get(f"PUTRIGHT_OIDC_{name.upper()}_ENDPOINT")
        for name in ENDPOINTS
        if get(f"PUTRIGHT_OIDC_{name.upper()}_ENDPOINT")
    }
    issuer = get("PUTRIGHT_OIDC_ISSUER").rstrip("/")
    if not issuer and len(endpoints) < len(ENDPOINTS):
        names = ", ".join(f"PUTRIGHT_OIDC_{name.upper()}_ENDPOINT" for name in ENDPOINTS)
        raise SsoConfigError(NO_ENDPOINTS.format(variables=names))
    return SsoSettings(
        client_id=client_id,
        client_secret=get("PUTRIGHT_OIDC_CLIENT_SECRET"),
        issuer=issuer,
        endpoints=endpoints,
        scopes=get("PUTRIGHT_OIDC_SCOPES", "openid email profile"),
        claim=get("PUTRIGHT_OIDC_ROLES_CLAIM", "groups"),
        username_claim=get("PUTRIGHT_OIDC_USERNAME_CLAIM", "preferred_username"),
        provider_name=get("PUTRIGHT_OIDC_PROVIDER_NAME", "your organisation's account"),
        sign_algo=get("PUTRIGHT_OIDC_SIGN_ALGO", "RS256"),
        role_map=load_role_map(
            json_text=get("PUTRIGHT_OIDC_ROLE_MAP"), file=get("PUTRIGHT_OIDC_ROLE_MAP_FILE")
        ),
        local_passwords=local,
    )
