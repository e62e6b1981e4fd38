"""API bearer tokens: shown once, stored as a SHA-256 hash, expiring and revocable."""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import Field
from django.db.models.expressions import Col
from django.utils import timezone

from .models import ApiToken, Membership, User

TOKEN_PREFIX = "prt_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(
    *, user: User, name: str, expires_in_days: int | None = 90
) -> tuple[ApiToken, str]:
    """A new token for ``user``; the raw token is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = (
        timezone.now() + datetime.timedelta(days=expires_in_days)
        if expires_in_days is not None
        else None
    )
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:12], key_hash=_hash(raw), expires_at=expires
    )
    return token, raw


def token_user(raw: str) -> User | None:
    """The active user a live token belongs to, or None.

    Checked against the database on every request (one indexed query, no cache), so a
    revoked or expired token, or a deactivated user, is refused at once in every process.
    """
    if not raw.startswith(TOKEN_PREFIX):
        return None
    found = _token_and_user(_hash(raw))
    if found is None:
        return None
    token, user, memberships = found
    token_id, revoked_at, expires_at, last_used_at, _user_id, _key_hash = token
    now = timezone.now()
    if revoked_at is not None:
        return None
    if expires_at is not None and expires_at <= now:
        return None
    if not user.is_active:
        return None
    if last_used_at is None or now - last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    if not user.is_superuser:  # a superuser's roles (every organisation) are left to access
        roles: dict[int, set[str]] = {}
        for organisation_id, role in memberships:
            roles.setdefault(organisation_id, set()).add(role)
        # ``access.roles_by_organisation`` keeps them on the user for the request. The two
        # must agree: see ``tests/api/test_auth.py``.
        user._putright_roles = roles  # type: ignore[attr-defined]
    return user


_TOKEN_FIELDS = ("id", "revoked_at", "expires_at", "last_used_at", "user", "key_hash")


def _token_and_user(
    key_hash: str,
) -> tuple[tuple[Any, ...], User, list[tuple[int, str]]] | None:
    """The token's id and dates, its user, and the user's memberships, in one query.

    Written out rather than built by the ORM: compiling the ``select_related`` query cost
    ten times more than running it, on every API request. The memberships come as one
    JSON aggregate (organisation, role), read now, so a changed role counts at once.
    """
    alias = router.db_for_read(ApiToken)
    connection = connections[alias]
    sql, converters, user_fields = _token_query(alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"key_hash": key_hash})  # named: see ``case_reads.read_case``
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (expression, convert) in zip(row[: len(converters)], converters, strict=True):
        for step in convert:
            value = step(value, expression, connection)
        values.append(value)
    token = tuple(values[: len(_TOKEN_FIELDS)])
    user = User.from_db(alias, user_fields, values[len(_TOKEN_FIELDS) :])
    memberships = [(int(o), str(r)) for o, r in json.loads(row[len(converters)] or "[]")]
    return token, user, memberships


Converters = list[tuple[Col, list[Callable[[Any, Any, Any], Any]]]]


@functools.cache
def _token_query(alias: str) -> tuple[str, Converters, list[str]]:
    """The query, each column's converters (as the ORM applies them) and the user's fields.

    Built once per database alias: the converters depend only on the backend and settings.
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    token_fields = [ApiToken._meta.get_field(name) for name in _TOKEN_FIELDS]
    user_fields = list(User._meta.concrete_fields)
    fields: list[Field[Any, Any]] = []
    for field in [*token_fields, *user_fields]:
        assert isinstance(field, Field)
        fields.append(field)
    columns = [f"{'t' if f.model is ApiToken else 'u'}.{quote(str(f.column))}" for f in fields]
    user_id, key_hash = (str(f.column) for f in fields if f.name in ("user", "key_hash"))
    member = {f.name: quote(str(f.column)) for f in Membership._meta.concrete_fields}
    user_pk = f"u.{quote(str(User._meta.pk.column))}"
    pair = f"m.{member['organisation']}, m.{member['role']}"
    source = f"FROM {quote(Membership._meta.db_table)} m WHERE m.{member['user']} = {user_pk}"
    if connection.vendor == "postgresql":
        pairs = f"COALESCE(json_agg(json_build_array({pair})), '[]'::json)::text"
    else:  # SQLite, the only other database PutRight runs on
        pairs = f"json_group_array(json_array({pair}))"
    memberships = f"(SELECT {pairs} {source})"
    sql = (
        f"SELECT {', '.join(columns)}, {memberships} FROM {quote(ApiToken._meta.db_table)} t "
        f"INNER JOIN {quote(User._meta.db_table)} u "
        f"ON {user_pk} = t.{quote(user_id)} "
        f"WHERE t.{quote(key_hash)} = %(key_hash)s"
    )
    converters: Converters = []
    for field in fields:
        expression = Col(field.model._meta.db_table, field)
        steps = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        converters.append((expression, steps))
    return sql, converters, [f.attname for f in user_fields]


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
