"""The demo a newcomer meets: no debug pages, the product's own error pages, styled pages with
debug off, the address it really serves, and a user with an e-mail for every role."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.views.defaults import server_error

from putright.accounts.models import Membership, Role, User
from putright.organisations.models import Organisation
from putright.policies.registry import get_pack
from putright.system.demo import demo_config, load_demo

ROOT = Path(__file__).resolve().parents[2]
PUTRIGHT = Path(sys.executable).with_name("putright")


def demo_setting(name: str, **env: str) -> str:
    """A setting as the demo settings read it from this environment."""
    environment = {k: v for k, v in os.environ.items() if k != "PUTRIGHT_DEBUG"}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings.demo")
    code = f"import django; from django.conf import settings; print(settings.{name})"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_the_demo_shows_no_debug_pages_unless_asked(tmp_path):
    data = str(tmp_path)
    assert demo_setting("DEBUG", PUTRIGHT_DATA_DIR=data) == "False"
    assert demo_setting("DEBUG", PUTRIGHT_DATA_DIR=data, PUTRIGHT_DEBUG="1") == "True"
    backend = demo_setting("EMAIL_BACKEND", PUTRIGHT_DATA_DIR=data)
    assert backend == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.django_db
def test_an_address_with_nothing_behind_it_gets_the_products_own_page(client):
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert "govuk-frontend.min.css" in page
    assert "Make a complaint" in page or "Go to the start" in page


@pytest.mark.django_db
def test_a_board_member_opening_a_case_gets_a_page_not_found_in_plain_words(client):
    board = User.objects.create_user("board", display_name="Bea Osei")
    client.force_login(board)
    page = client.get("/cases/MBH-2026-00001/").content.decode()
    assert "Page not found" in page
    assert "your role may not let you open it" in page
    assert "Sign out Bea Osei" in page  # the staff pages' menu, not a bare page


def test_a_failure_gets_a_styled_page_that_stands_alone():
    answer = server_error(RequestFactory().get("/"))
    assert answer.status_code == 500
    page = answer.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "govuk-frontend.min.css" in page


def test_make_run_serves_and_prints_the_port_it_is_given():
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8101", "HOST=127.0.0.1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "demo --url http://127.0.0.1:8101" in dry
    assert "serve --host 127.0.0.1 --port 8101" in dry
    assert "8000" not in dry


@pytest.mark.django_db
def test_the_demo_prints_where_to_sign_in_and_who_can(settings):
    out = StringIO()
    call_command("demo", "--url", "http://127.0.0.1:8101", stdout=out)
    printed = out.getvalue()
    assert "http://127.0.0.1:8101/sign-in/" in printed
    assert "8000" not in printed
    for username, role in (
        ("panel", "Panel member"),
        ("senior", "Senior manager"),
        ("investigator", "Investigating officer"),
        ("dpo", "Data protection officer"),
    ):
        assert re.search(rf"^\s+{username}\s+.+, {role}", printed, re.MULTILINE), printed


@pytest.mark.django_db
def test_every_role_the_demo_packs_use_has_a_user_with_an_e_mail():
    load_demo()
    for spec in demo_config()["organisations"]:
        organisation = Organisation.objects.get(slug=spec["slug"])
        pack = get_pack(spec["policy"])
        used = {role for pack_role in pack.roles for role in pack_role.acts_as}
        used |= {
            Role.PANEL_MEMBER,
            Role.SENIOR_MANAGER,
            Role.INVESTIGATING_OFFICER,
            Role.DATA_PROTECTION_OFFICER,
        }
        for role in used:
            holders = User.objects.filter(
                memberships__organisation=organisation, memberships__role=role
            )
            assert holders.exists(), f"no {role} at {organisation}"
            assert all(user.email for user in holders), f"a {role} without an e-mail"
        assert organisation.contact_phone
        assert organisation.contact_address


@pytest.mark.django_db
def test_a_demo_loaded_before_gains_the_users_and_contact_details_added_since():
    load_demo()
    Membership.objects.filter(user__username="dpo").delete()
    User.objects.filter(username="dpo").delete()
    Organisation.objects.update(contact_phone="", contact_address="")
    User.objects.update(email="")
    report = load_demo()
    assert report.already_loaded
    assert not report.organisations
    dpo = User.objects.get(username="dpo")
    assert dpo.email
    assert dpo.memberships.count() == len(demo_config()["organisations"])
    assert not User.objects.filter(email="").exists()
    assert not Organisation.objects.filter(contact_phone="").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_putright_serve_styles_its_pages_with_debug_off(tmp_path):
    """WhiteNoise lists the static files when the app starts: they are gathered before."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "PUTRIGHT_DEBUG"}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.demo", PUTRIGHT_DATA_DIR=str(tmp_path)
    )
    server = subprocess.Popen(
        [str(PUTRIGHT), "serve", "--port", str(port), "--no-worker"],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/static/system/js-enabled.js", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.2)
        css = urllib.request.urlopen(f"{base}/static/vendor/govuk/govuk-frontend.min.css")
        assert css.status == 200
        assert b".govuk-button" in css.read()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/no-such-page/")
        assert missing.value.code == 404
        assert b"Page not found" in missing.value.read()
    finally:
        server.terminate()
        printed, _ = server.communicate(timeout=20)
    assert f"Serving PutRight on http://127.0.0.1:{port}/" in printed
    assert "No directory at" not in printed


def test_the_demo_data_names_no_role_putright_does_not_know():
    config = tomllib.loads((ROOT / "putright" / "system" / "demo.toml").read_text())
    known = {role.value for role in Role}
    for user in config["users"]:
        assert user["email"]
        assert set(user["roles"]) <= known


@pytest.mark.django_db
def test_a_request_for_another_host_gets_the_products_own_page(client):
    answer = client.get("/", HTTP_HOST="elsewhere.example")
    assert answer.status_code == 400
    assert "Sorry, there is a problem with this request" in answer.content.decode()


@pytest.mark.django_db
def test_a_refusal_no_page_explains_gets_the_products_own_page():
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    answer = permission_denied(request, PermissionDenied())
    assert answer.status_code == 403
    page = answer.content.decode()
    assert "You cannot do this" in page
    assert "govuk-frontend.min.css" in page
