"""Bearer tokens: who is let in, and what ``putright token`` prints and stores."""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from putright.accounts.access import roles_by_organisation
from putright.accounts.models import ApiToken, Membership, Role, User
from putright.accounts.tokens import token_create, token_revoke, token_user

from .conftest import Api, api_for, at, make_user

UNAUTHENTICATED = {
    "error": {
        "code": "unauthenticated",
        "message": "Give a valid, unexpired bearer token: Authorization: Bearer prt_...",
        "fields": {},
    }
}
# One endpoint of each kind: reference data, a list, one case, an action.
PROTECTED = [
    ("get", "/organisations"),
    ("get", "/policies"),
    ("get", "/cases"),
    ("get", "/cases/NH-2026-00001"),
    ("post", "/cases/NH-2026-00001/note"),
    ("post", "/cases"),
]


def assert_unauthenticated(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == UNAUTHENTICATED


def call(client: Api, method: str, path: str):
    return client.get(path) if method == "get" else client.post(path, {"text": "hello"})


@pytest.fixture
def handler(clock, org):
    return make_user("hana", org, Role.COMPLAINT_HANDLER)


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_no_token_is_401_with_the_error_shape(db, method, path):
    assert_unauthenticated(call(Api(None), method, path))


@pytest.mark.parametrize(
    "authorization",
    [
        "prt_abc",  # no scheme
        "Basic aGFuYTpzZWNyZXQ=",
        "Bearer",
        "Bearer ",
        "Token prt_abc",
        "Bearer not-a-putright-token",
        "Bearer prt_" + "A" * 43,  # well formed, never issued
        "Bearer prt_\u00e9\u00e8",
    ],
)
def test_malformed_or_unknown_token_is_401(handler, authorization):
    response = Api(None).client.get("/api/v1/organisations", HTTP_AUTHORIZATION=authorization)
    assert_unauthenticated(response)


def test_a_live_token_lets_its_user_in(handler, org):
    response = api_for(handler).get("/organisations")
    assert response.status_code == 200
    assert [o["slug"] for o in response.json()] == [org.slug]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_an_expired_token_is_401(handler, clock, method, path):
    client = api_for(handler, days=1)
    assert client.get("/organisations").status_code == 200
    clock(2026, 3, 17, 10)  # exactly a day later: expired
    assert_unauthenticated(call(client, method, path))


def test_a_revoked_token_is_401(handler):
    token, raw = token_create(user=handler, name="integration")
    client = Api(raw)
    assert client.get("/organisations").status_code == 200
    token_revoke(token=token)
    assert_unauthenticated(client.get("/organisations"))
    assert_unauthenticated(client.post("/cases/NH-2026-00001/note", {"text": "x"}))


def test_an_inactive_user_is_401_even_with_a_live_token(clock, org):
    user = make_user("gone", org, Role.COMPLAINT_HANDLER)
    client = api_for(user)
    assert client.get("/organisations").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_unauthenticated(client.get("/organisations"))


def test_token_of_one_user_is_not_another(clock, org):
    first = make_user("first", org, Role.COMPLAINT_HANDLER)
    second = make_user("second", org, Role.BOARD_MEMBER)
    _token, raw = token_create(user=second, name="board")
    assert token_user(raw) == second
    assert token_user(raw) != first


def test_the_token_user_has_the_roles_the_access_functions_would_read(clock, org, other_org):
    several = make_user("several", org, Role.COMPLAINT_HANDLER, Role.PANEL_MEMBER)
    Membership.objects.create(user=several, organisation=other_org, role=Role.BOARD_MEMBER)
    none = make_user("none", org)
    admin = make_user("admin", org)
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    for user in (several, none, admin):
        _token, raw = token_create(user=user, name="roles")
        loaded = token_user(raw)
        assert loaded is not None
        assert roles_by_organisation(loaded) == roles_by_organisation(User.objects.get(pk=user.pk))
    assert roles_by_organisation(several) == {
        org.pk: {Role.COMPLAINT_HANDLER, Role.PANEL_MEMBER},
        other_org.pk: {Role.BOARD_MEMBER},
    }


def test_the_token_user_is_read_with_aware_times(clock, org):
    user = make_user("timely", org, Role.COMPLAINT_HANDLER)
    user.last_login = at(2026, 3, 10, 9)
    user.save(update_fields=["last_login"])
    _token, raw = token_create(user=user, name="times")
    loaded = token_user(raw)
    assert loaded is not None
    assert loaded.last_login == at(2026, 3, 10, 9)
    assert loaded.date_joined == User.objects.get(pk=user.pk).date_joined
    assert loaded.date_joined.tzinfo is not None


def test_tokens_are_stored_hashed(handler):
    token, raw = token_create(user=handler, name="integration", expires_in_days=5)
    assert raw.startswith("prt_")
    assert len(raw) > 40
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:12]
    assert token.expires_at == datetime.datetime(2026, 3, 21, 10, tzinfo=datetime.UTC)
    _assert_raw_token_not_stored(raw)


def _assert_raw_token_not_stored(raw: str) -> None:
    """No column of any ApiToken row holds the raw token (or its secret part)."""
    secret = raw[len("prt_") :]
    for row in ApiToken.objects.values():
        for value in row.values():
            text = str(value)
            assert raw not in text
            assert secret not in text
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        for row in cursor.fetchall():
            assert not any(secret in str(v) for v in row)


def _create_token(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_token_create_command_prints_a_working_token_once(handler):
    out, err = _create_token("create", "hana", "--name", "contact centre", "--expires", "7")
    raw = out.strip()
    assert out.count("prt_") == 1  # printed once, and only the token on stdout
    assert raw.startswith("prt_")
    assert "contact centre" in err
    assert "hana" in err
    assert "expires 2026-03-23" in err
    assert raw not in err
    token = ApiToken.objects.get()
    assert token.name == "contact centre"
    assert token.user == handler
    assert token.expires_at == datetime.datetime(2026, 3, 23, 10, tzinfo=datetime.UTC)
    _assert_raw_token_not_stored(raw)

    client = Api(raw)
    response = client.get("/organisations")
    assert response.status_code == 200

    listing, _ = _create_token("list", "hana")
    assert raw not in listing
    assert token.prefix in listing
    assert "active" in listing

    revoked, _ = _create_token("revoke", token.prefix)
    assert revoked.strip() == f"Revoked {token.prefix}."
    assert_unauthenticated(client.get("/organisations"))
    listing, _ = _create_token("list", "hana")
    assert "revoked" in listing


def test_token_create_command_expires_after_the_days_given(handler, clock):
    out, _ = _create_token("create", "hana", "--expires", "2")
    client = Api(out.strip())
    clock(2026, 3, 18, 9, 59)
    assert client.get("/organisations").status_code == 200
    clock(2026, 3, 18, 10, 0)
    assert_unauthenticated(client.get("/organisations"))


def test_token_create_command_zero_days_never_expires(handler):
    out, err = _create_token("create", "hana", "--expires", "0")
    assert "never expires" in err
    assert ApiToken.objects.get().expires_at is None
    assert Api(out.strip()).get("/organisations").status_code == 200


def test_token_create_for_an_unknown_user_fails_without_a_token(handler):
    with pytest.raises(CommandError, match="no user 'nobody'"):
        _create_token("create", "nobody")
    assert not ApiToken.objects.exists()


def test_putright_token_create_on_the_command_line(tmp_path: Path):
    """The installed ``putright`` script against a fresh SQLite database."""
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "PUTRIGHT_DATA_DIR": str(tmp_path),
    }

    def putright(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(bin_dir / "putright"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert putright("migrate", "--no-input", "-v", "0").returncode == 0
    made = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import django; django.setup();"
            "from putright.accounts.models import User;"
            "User.objects.create_user('cli-user')",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    created = putright("token", "create", "cli-user", "--expires", "3")
    assert created.returncode == 0, created.stderr
    raw = created.stdout.strip()
    assert raw.startswith("prt_")
    assert created.stdout.count("prt_") == 1
    assert "Shown once" in created.stderr
    database = (tmp_path / "cli.sqlite3").read_bytes()
    assert raw.encode() not in database
    assert hashlib.sha256(raw.encode()).hexdigest().encode() in database


def test_an_unknown_api_path_answers_in_the_error_shape(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
