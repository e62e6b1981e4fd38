"""Signing in through an OpenID Connect provider run inside the tests, roles from its groups."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory, override_settings

from putright.accounts.actors import Actor
from putright.accounts.history import user_history
from putright.accounts.models import Membership, Role, SignOnIdentity, User
from putright.accounts.oidc import DEACTIVATED, NO_ROLE, UNREACHABLE, forget_discovery
from putright.accounts.services import user_deactivate
from putright.accounts.sso import (
    RoleMap,
    SsoConfigError,
    SsoSettings,
    load_role_map,
    parse_role_map,
    sso_settings_from,
)

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, RunningProvider

pytestmark = pytest.mark.django_db

SOUTHERN = "southern-housing-2020"
ROOFTOP = "rooftop-2023"


@pytest.fixture
def provider(monkeypatch) -> Iterator[Provider]:
    # PutRight reaches the provider on this machine directly, whatever proxy is configured.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with RunningProvider() as running:
        yield running


@pytest.fixture
def orgs(organisation_on):
    return organisation_on(SOUTHERN), organisation_on(ROOFTOP)


def settings_for(provider: Provider, **extra: object) -> SsoSettings:
    southern = SOUTHERN.replace("_", "-")
    values: dict[str, object] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "issuer": provider.url,
        "provider_name": "Microsoft",
        "role_map": RoleMap(
            groups={
                "complaints-team": ((southern, "complaint_handler"),),
                "complaints-managers": ((southern, "complaints_manager"),),
            }
        ),
    }
    values.update(extra)
    return SsoSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def sso(provider, orgs) -> Iterator[Provider]:
    forget_discovery()
    with override_settings(PUTRIGHT_SSO=settings_for(provider)):
        yield provider
    forget_discovery()


def sign_in(client: Client):
    """Through the sign-in page's button, the provider, and back to PutRight."""
    start = client.get("/sign-in/provider/")
    assert start.status_code == 302, start
    at_provider = urlparse(start["Location"])
    asked = parse_qs(at_provider.query)
    assert asked["client_id"] == [CLIENT_ID]
    assert asked["code_challenge_method"] == ["S256"]
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlparse(answer.headers["Location"])
    assert back.path == "/sign-in/provider/callback/"
    return client.get(f"{back.path}?{back.query}")


def roles_of(user: User) -> set[tuple[str, str]]:
    return set(Membership.objects.filter(user=user).values_list("organisation__slug", "role"))


def test_a_member_of_staff_signs_in_first_time_with_roles_from_their_groups(sso, orgs):
    southern, _ = orgs
    sso.user = {
        "sub": "entra-object-id-1",
        "preferred_username": "rosa.khan@harbourside.example",
        "email": "rosa.khan@harbourside.example",
        "name": "Rosa Khan",
        "groups": ["complaints-team", "an-unrelated-group"],
    }
    client = Client()
    answer = sign_in(client)
    assert answer.status_code == 302
    assert answer["Location"] == "/work/"
    rosa = User.objects.get(username="rosa.khan@harbourside.example")
    assert (rosa.display_name, rosa.email, rosa.has_usable_password()) == (
        "Rosa Khan",
        "rosa.khan@harbourside.example",
        False,
    )
    assert roles_of(rosa) == {(southern.slug, "complaint_handler")}
    assert client.get("/work/").status_code == 200
    kinds = [(e.kind, e.actor_label) for e in user_history(user=rosa)]
    assert kinds == [
        ("added", "single sign-on"),
        ("role_granted", "single sign-on"),
        ("signed_in_sso", "single sign-on"),
    ]
    granted = list(user_history(user=rosa))[1]
    assert granted.data == {
        "role": "complaint_handler",
        "reason": "from the identity provider's groups",
    }
    assert list(user_history(user=rosa))[2].data["groups"] == ["complaints-team"]
    assert SignOnIdentity.objects.get(user=rosa).subject == "entra-object-id-1"


def test_a_second_sign_in_with_changed_groups_changes_the_roles_and_leaves_others_alone(sso, orgs):
    southern, rooftop = orgs
    sso.user = {
        "sub": "s-2",
        "preferred_username": "sam",
        "email": "sam@example.org",
        "groups": ["complaints-team"],
    }
    sign_in(Client())
    sam = User.objects.get(username="sam")
    # A role in an organisation the mapping does not name is PutRight's own to manage.
    Membership.objects.create(user=sam, organisation=rooftop, role=Role.MANAGER)
    sso.user = {**sso.user, "groups": ["complaints-managers"], "email": "sam.new@example.org"}
    answer = sign_in(Client())
    assert answer.status_code == 302
    assert answer["Location"] == "/work/"
    sam.refresh_from_db()
    assert roles_of(sam) == {(southern.slug, "complaints_manager"), (rooftop.slug, "manager")}
    assert sam.email == "sam.new@example.org"
    facts = [(e.kind, e.data.get("role")) for e in user_history(user=sam)]
    assert facts[-4:] == [
        ("changed", None),
        ("role_revoked", "complaint_handler"),
        ("role_granted", "complaints_manager"),
        ("signed_in_sso", None),
    ]
    # Signing in again with the same groups changes and records nothing.
    before = len(facts)
    sign_in(Client())
    assert len(list(user_history(user=sam))) == before
    assert User.objects.filter(email__startswith="sam").count() == 1


def test_a_deactivated_member_of_staff_is_refused_and_told_why(sso):
    sso.user = {"sub": "s-3", "preferred_username": "dee", "groups": ["complaints-team"]}
    sign_in(Client())
    dee = User.objects.get(username="dee")
    user_deactivate(user=dee, actor=Actor.system("test"))
    client = Client()
    answer = sign_in(client)
    assert answer["Location"] == "/sign-in/"
    page = client.get("/sign-in/").content.decode()
    assert DEACTIVATED in page
    assert client.get("/work/").status_code == 302  # not signed in


def test_groups_that_give_no_role_create_no_account(sso):
    sso.user = {"sub": "s-4", "preferred_username": "nobody", "groups": ["canteen"]}
    client = Client()
    answer = sign_in(client)
    assert answer["Location"] == "/sign-in/"
    assert NO_ROLE in client.get("/sign-in/").content.decode()
    assert not User.objects.filter(username="nobody").exists()


def test_losing_every_group_revokes_the_roles_and_refuses_the_sign_in(sso, orgs):
    sso.user = {"sub": "s-5", "preferred_username": "lee", "groups": ["complaints-team"]}
    sign_in(Client())
    sso.user = {**sso.user, "groups": []}
    answer = sign_in(Client())
    assert answer["Location"] == "/sign-in/"
    lee = User.objects.get(username="lee")
    assert roles_of(lee) == set()
    assert [e.kind for e in user_history(user=lee)][-2:] == ["role_revoked", "signed_in_sso"]


def test_an_existing_account_with_the_same_email_is_linked_not_duplicated(sso, orgs):
    old = User.objects.create_user("rkhan", email="Rosa@Example.org", password="a-long-password-1")
    sso.user = {
        "sub": "s-6",
        "preferred_username": "rosa@example.org",
        "email": "rosa@example.org",
        "groups": ["complaints-team"],
    }
    sign_in(Client())
    assert SignOnIdentity.objects.get(subject="s-6").user == old
    assert User.objects.count() == 1


def test_an_id_token_issued_to_another_client_is_refused(sso):
    sso.audience = "someone-else"
    sso.user = {"sub": "s-7", "preferred_username": "eve", "groups": ["complaints-team"]}
    client = Client()
    answer = sign_in(client)
    assert answer["Location"] == "/sign-in/"
    assert not User.objects.filter(username="eve").exists()
    assert "did not work" in client.get("/sign-in/").content.decode()


def test_an_unreachable_provider_is_said_on_the_sign_in_page(orgs):
    forget_discovery()
    config = SsoSettings(client_id="x", client_secret="y", issuer="http://127.0.0.1:9")
    with override_settings(PUTRIGHT_SSO=config):
        client = Client()
        start = client.get("/sign-in/provider/")
        assert start["Location"] == "/sign-in/"
        assert UNREACHABLE in client.get("/sign-in/").content.decode()


def test_with_local_passwords_off_only_single_sign_on_is_offered_and_passwords_refused(sso):
    User.objects.create_user("local", password="a-long-password-1")
    off = settings_for(sso, local_passwords=False)
    with override_settings(PUTRIGHT_SSO=off):
        client = Client()
        page = client.get("/sign-in/").content.decode()
        assert "Sign in with Microsoft" in page
        assert 'name="password"' not in page
        refused = client.post("/sign-in/", {"username": "local", "password": "a-long-password-1"})
        assert refused.status_code == 400
        assert "passwords are not used here" in refused.content.decode()
        assert client.get("/work/").status_code == 302
        admin_login = client.get("/admin/login/?next=/admin/")
        assert admin_login.status_code == 302
        assert admin_login["Location"].startswith("/sign-in/?next=/admin/")
        request = RequestFactory().post("/admin/login/")
        assert authenticate(request, username="local", password="a-long-password-1") is None
    # With passwords on, the page offers both.
    page = Client().get("/sign-in/").content.decode()
    assert "Sign in with Microsoft" in page
    assert 'name="password"' in page


# -- the settings, checked with errors that name the variable or file and the entry ----


def test_the_role_map_is_read_from_json_or_toml(tmp_path):
    from_json = load_role_map(json_text='{"groups": {"g1": ["harbourside:manager"]}}')
    assert from_json.roles_for(["g1", "g2"]) == {("harbourside", "manager")}
    file = tmp_path / "roles.toml"
    file.write_text('[groups]\n"App.Manager" = ["a:manager", "b:complaints_manager"]\n')
    from_toml = load_role_map(file=str(file))
    assert from_toml.organisations == {"a", "b"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "PUTRIGHT_OIDC_ROLE_MAP: needs a table 'groups'"),
        ({"groups": {"g": "a:manager"}}, "groups.'g' must be a list of 'organisation:role'"),
        ({"groups": {"g": ["manager"]}}, "groups.'g': 'manager' is not 'organisation:role'"),
        (
            {"groups": {"g": ["a:boss"]}},
            "groups.'g': unknown role 'boss'; roles are: complaint_handler",
        ),
        ({"groups": {"g": ["a:api_client"]}}, "unknown role 'api_client'"),
    ],
)
def test_a_bad_role_map_is_refused_naming_the_entry(raw, message):
    with pytest.raises(SsoConfigError) as refused:
        parse_role_map(raw, where="PUTRIGHT_OIDC_ROLE_MAP")
    assert message in str(refused.value)


def test_bad_settings_name_the_variable(tmp_path):
    with pytest.raises(SsoConfigError, match="PUTRIGHT_OIDC_ROLE_MAP is not JSON"):
        load_role_map(json_text="{nope")
    with pytest.raises(SsoConfigError, match="no such file"):
        load_role_map(file=str(tmp_path / "missing.toml"))
    with pytest.raises(SsoConfigError, match="not both"):
        load_role_map(json_text="{}", file="x")
    with pytest.raises(SsoConfigError, match="PUTRIGHT_OIDC_CLIENT_SECRET"):
        sso_settings_from({"PUTRIGHT_OIDC_CLIENT_ID": "x"})
    with pytest.raises(SsoConfigError, match="PUTRIGHT_OIDC_ISSUER"):
        sso_settings_from({"PUTRIGHT_OIDC_CLIENT_ID": "x", "PUTRIGHT_OIDC_CLIENT_SECRET": "y"})
    with pytest.raises(SsoConfigError, match="nobody could sign in"):
        sso_settings_from({"PUTRIGHT_LOCAL_PASSWORDS": "0"})
    config = sso_settings_from(
        {
            "PUTRIGHT_OIDC_CLIENT_ID": "x",
            "PUTRIGHT_OIDC_CLIENT_SECRET": "y",
            "PUTRIGHT_OIDC_ISSUER": "https://login.microsoftonline.com/tenant/v2.0/",
            "PUTRIGHT_OIDC_ROLES_CLAIM": "roles",
            "PUTRIGHT_LOCAL_PASSWORDS": "0",
        }
    )
    assert (config.enabled, config.issuer, config.claim, config.local_passwords) == (
        True,
        "https://login.microsoftonline.com/tenant/v2.0",
        "roles",
        False,
    )


def test_roles_can_come_from_the_app_roles_claim_instead_of_groups(provider, orgs):
    southern, _ = orgs
    forget_discovery()
    config = settings_for(
        provider,
        claim="roles",
        role_map=RoleMap(groups={"Complaints.Manager": ((southern.slug, "complaints_manager"),)}),
    )
    provider.user = {
        "sub": "s-8",
        "preferred_username": "app-roles",
        "roles": ["Complaints.Manager"],
        "groups": ["complaints-team"],
    }
    with override_settings(PUTRIGHT_SSO=config):
        answer = sign_in(Client())
    forget_discovery()
    assert answer["Location"] == "/work/"
    assert roles_of(User.objects.get(username="app-roles")) == {
        (southern.slug, "complaints_manager")
    }


def test_an_unverified_email_address_is_not_linked_to_an_existing_account(sso, orgs):
    old = User.objects.create_user("rkhan", email="rosa@example.org")
    sso.user = {
        "sub": "s-9",
        "preferred_username": "rosa-impostor",
        "email": "rosa@example.org",
        "email_verified": False,
        "groups": ["complaints-team"],
    }
    sign_in(Client())
    assert SignOnIdentity.objects.get(subject="s-9").user.username == "rosa-impostor"
    assert not SignOnIdentity.objects.filter(user=old).exists()


def test_a_bad_sign_in_setting_stops_putright_with_a_message_not_a_traceback(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PUTRIGHT_OIDC_CLIENT_ID": "x",
        "PUTRIGHT_OIDC_CLIENT_SECRET": "y",
        "PUTRIGHT_OIDC_ISSUER": "https://login.example",
        "PUTRIGHT_OIDC_ROLE_MAP_FILE": str(tmp_path / "missing.toml"),
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "putright"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "putright: the configuration is not usable: PUTRIGHT_OIDC_ROLE_MAP_FILE "
        f"{tmp_path / 'missing.toml'}: there is no such file\n"
    )


def test_the_history_says_in_words_what_a_sign_in_changed(sso, orgs):
    from putright.accounts.history import describe_event

    southern, _ = orgs
    sso.user = {"sub": "s-10", "preferred_username": "kim", "groups": ["complaints-team"]}
    sign_in(Client())
    sso.user = {**sso.user, "groups": ["complaints-managers"]}
    sign_in(Client())
    last = list(user_history(user=User.objects.get(username="kim")))[-1]
    assert describe_event(last) == (
        f"Signed in with single sign-on: granted {southern.slug}:complaints_manager; "
        f"revoked {southern.slug}:complaint_handler"
    )
