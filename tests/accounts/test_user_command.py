"""``putright user``, as an operator runs it: staff, their roles, directorate, manager and teams."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from putright.accounts.models import ApiToken, Membership, Role, Team, User
from putright.accounts.selectors import line_manager_of, staff_with_roles, team_members
from putright.accounts.tokens import token_create, token_user

PUTRIGHT = str(Path(sys.executable).parent / "putright")
ROOT = Path(__file__).resolve().parents[2]
SOUTHERN = "southern-housing-2020"
ROOFTOP = "rooftop-2023"

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert raised.value.returncode == 2
    return str(raised.value)


@pytest.fixture
def southern(organisation_on):
    return organisation_on(SOUTHERN)


@pytest.fixture
def rooftop(organisation_on):
    return organisation_on(ROOFTOP)


@pytest.fixture
def boss(southern):
    run("add", "boss", "--name", "Bea Boss", "--organisation", SOUTHERN, "--role", "manager")
    return User.objects.get(username="boss")


def test_add_makes_an_active_member_of_staff_who_signs_in_once_a_password_is_set(southern, boss):
    said = run(
        "add",
        "rkhan",
        "--name",
        "Rosa Khan",
        "--email",
        "rosa@example.org",
        "--organisation",
        SOUTHERN,
        "--role",
        "senior_manager",
        "--directorate",
        "Property Services",
        "--line-manager",
        "boss",
        "--team",
        "repairs",
    )

    rosa = User.objects.get(username="rkhan")
    assert rosa.is_active
    assert not rosa.has_usable_password()
    assert rosa.display_name == "Rosa Khan"
    assert rosa.email == "rosa@example.org"
    assert line_manager_of(rosa) == boss
    assert staff_with_roles(organisation=southern, roles=[Role.SENIOR_MANAGER]) == [rosa]
    assert team_members(organisation=southern, team="repairs") == [rosa]
    assert "Created the team 'Repairs' (repairs)" in said
    assert "Added rkhan (Rosa Khan)" in said
    assert "directorate: Property Services" in said


def test_a_team_named_twice_is_created_once(southern, boss):
    run("add", "ann", "--name", "Ann", "--organisation", SOUTHERN, "--team", "repairs")
    said = run("set", "boss", "--organisation", SOUTHERN, "--team", "repairs")

    assert "Created the team" not in said
    assert Team.objects.filter(organisation=southern).count() == 1
    assert [u.username for u in team_members(organisation=southern, team="repairs")] == [
        "ann",
        "boss",
    ]


def test_add_takes_a_password_from_the_environment_only(southern, monkeypatch):
    monkeypatch.setenv("NEW_STAFF_PASSWORD", "correct-horse-battery-staple")

    run("add", "ann", "--name", "Ann Smith", "--password-from-env", "NEW_STAFF_PASSWORD")

    assert User.objects.get(username="ann").check_password("correct-horse-battery-staple")


def test_a_missing_or_weak_password_is_refused_and_no_user_is_made(southern, monkeypatch):
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    monkeypatch.setenv("WEAK", "password")

    assert "NOT_SET_ANYWHERE is not set" in refused(
        "add", "ann", "--name", "Ann", "--password-from-env", "NOT_SET_ANYWHERE"
    )
    assert "the password is refused" in refused(
        "add", "ann", "--name", "Ann", "--password-from-env", "WEAK"
    )
    assert not User.objects.filter(username="ann").exists()


def test_a_username_is_used_once(boss):
    assert refused("add", "boss", "--name", "Another") == "there is already a user 'boss'"


def test_a_bad_role_is_refused_naming_the_roles(southern, boss):
    message = refused("grant", "boss", "--organisation", SOUTHERN, "--role", "wizard")

    assert message.startswith("unknown role 'wizard'; roles are: complaint_handler, ")
    assert "senior_manager" in message
    assert "wizard" not in [m.role for m in Membership.objects.filter(user=boss)]
    assert "unknown role 'boss'" in refused(
        "add", "ann", "--name", "Ann", "--organisation", SOUTHERN, "--role", "boss"
    )


def test_an_unknown_organisation_or_user_is_refused_naming_those_there_are(southern, boss):
    assert refused("grant", "boss", "--organisation", "nowhere", "--role", "manager") == (
        f"there is no organisation 'nowhere'; organisations are: {SOUTHERN}"
    )
    assert refused("grant", "nobody", "--organisation", SOUTHERN, "--role", "manager") == (
        "there is no user 'nobody'; users are: boss"
    )


def test_roles_and_teams_need_an_organisation(southern):
    assert "--role needs --organisation" in refused(
        "add", "ann", "--name", "A", "--role", "manager"
    )
    assert "--team needs --organisation" in refused("add", "ann", "--name", "A", "--team", "x")
    assert "not a slug" in refused(
        "add", "ann", "--name", "A", "--organisation", SOUTHERN, "--team", "Repairs Team"
    )


def test_nobody_is_their_own_line_manager(boss):
    assert refused("add", "ann", "--name", "Ann", "--line-manager", "ann") == (
        "ann cannot be their own line manager"
    )
    assert refused("set", "boss", "--line-manager", "boss") == (
        "boss cannot be their own line manager"
    )
    assert not User.objects.filter(username="ann").exists()


def test_a_line_manager_cannot_be_someone_who_reports_to_them(boss):
    run("add", "mid", "--name", "Mid", "--line-manager", "boss")
    run("add", "junior", "--name", "Junior", "--line-manager", "mid")

    assert refused("set", "boss", "--line-manager", "junior") == (
        "junior cannot manage boss: boss is already above them"
    )
    boss.refresh_from_db()
    assert boss.line_manager is None


def test_set_changes_directorate_line_manager_and_teams(southern, boss):
    run("add", "ann", "--name", "Ann", "--organisation", SOUTHERN, "--team", "repairs")

    run(
        "set",
        "ann",
        "--directorate",
        "Housing Management",
        "--line-manager",
        "boss",
        "--organisation",
        SOUTHERN,
        "--team",
        "governance",
        "--remove-team",
        "repairs",
    )

    ann = User.objects.get(username="ann")
    assert ann.directorate == "Housing Management"
    assert line_manager_of(ann) == boss
    assert team_members(organisation=southern, team="repairs") == []
    assert team_members(organisation=southern, team="governance") == [ann]

    run("set", "ann", "--no-line-manager", "--directorate", "")

    ann.refresh_from_db()
    assert ann.line_manager is None
    assert ann.directorate == ""


def test_set_is_one_transaction(southern, boss):
    message = refused(
        "set",
        "boss",
        "--directorate",
        "Governance",
        "--organisation",
        SOUTHERN,
        "--team",
        "governance",
        "--remove-team",
        "lettings",
    )

    assert message == f"{SOUTHERN} has no team 'lettings'; its teams are: governance"
    boss.refresh_from_db()
    assert boss.directorate == ""
    assert not Team.objects.exists()


def test_set_refuses_nothing_to_change_and_a_team_they_are_not_in(southern, boss):
    assert refused("set", "boss").startswith("nothing to change")
    Team.objects.create(organisation=southern, slug="repairs", name="Repairs")
    assert refused("set", "boss", "--organisation", SOUTHERN, "--remove-team", "repairs") == (
        f"boss is not in the team 'repairs' of {SOUTHERN}"
    )


def test_grant_and_revoke_a_role(southern, rooftop, boss):
    said = run("grant", "boss", "--organisation", ROOFTOP, "--role", "complaints_manager")

    assert said.startswith(f"Granted complaints_manager at {ROOFTOP}")
    assert staff_with_roles(organisation=rooftop, roles=[Role.COMPLAINTS_MANAGER]) == [boss]
    assert "already holds" in run(
        "grant", "boss", "--organisation", ROOFTOP, "--role", "complaints_manager"
    )

    run("revoke", "boss", "--organisation", ROOFTOP, "--role", "complaints_manager")

    assert staff_with_roles(organisation=rooftop, roles=[Role.COMPLAINTS_MANAGER]) == []
    assert refused("revoke", "boss", "--organisation", ROOFTOP, "--role", "manager") == (
        f"boss does not hold manager at {ROOFTOP}"
    )


def test_list_json_gives_roles_directorate_line_manager_and_teams(southern, rooftop, boss):
    run(
        "add",
        "rkhan",
        "--name",
        "Rosa Khan",
        "--organisation",
        SOUTHERN,
        "--role",
        "senior_manager",
        "--role",
        "complaints_manager",
        "--directorate",
        "Property Services",
        "--line-manager",
        "boss",
        "--team",
        "repairs",
    )
    run("grant", "rkhan", "--organisation", ROOFTOP, "--role", "panel_member")
    run("add", "other", "--name", "Only at Rooftop", "--organisation", ROOFTOP, "--role", "manager")

    listed = json.loads(run("list", "--json"))
    only_southern = json.loads(run("list", "--organisation", SOUTHERN, "--json"))

    assert [row["username"] for row in listed] == ["boss", "other", "rkhan"]
    assert listed[2] == {
        "username": "rkhan",
        "name": "Rosa Khan",
        "active": True,
        "roles": {
            ROOFTOP: ["panel_member"],
            SOUTHERN: ["complaints_manager", "senior_manager"],
        },
        "directorate": "Property Services",
        "line_manager": "boss",
        "teams": {SOUTHERN: ["repairs"]},
    }
    assert [row["username"] for row in only_southern] == ["boss", "rkhan"]
    assert only_southern[1]["roles"] == {SOUTHERN: ["complaints_manager", "senior_manager"]}


def test_list_as_a_table(southern, boss):
    run("set", "boss", "--directorate", "Property Services")

    table = run("list")

    assert "boss" in table
    assert "Bea Boss" in table
    assert "Property Services" in table
    assert f"{SOUTHERN}: manager" in table


def test_deactivate_stops_sign_in_and_revokes_api_tokens(southern, boss):
    run("add", "ann", "--name", "Ann", "--line-manager", "boss")
    _, raw = token_create(user=boss, name="integration")
    assert token_user(raw) == boss

    said = run("deactivate", "boss")

    boss.refresh_from_db()
    assert not boss.is_active
    assert token_user(raw) is None
    assert not ApiToken.objects.filter(user=boss, revoked_at__isnull=True).exists()
    assert "revoked 1 API token(s)" in said
    assert "They line-manage ann" in said
    assert line_manager_of(User.objects.get(username="ann")) is None
    assert staff_with_roles(organisation=southern, roles=[Role.MANAGER]) == []
    assert refused("set", "ann", "--line-manager", "boss") == (
        "boss is deactivated and cannot be a line manager"
    )


def test_on_the_command_line_a_bad_role_is_one_line_and_exit_status_2(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "PUTRIGHT_DATA_DIR": str(tmp_path),
        # the test settings install an app from the tests package
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }

    result = subprocess.run(
        [PUTRIGHT, "user", "grant", "rkhan", "--organisation", "harbourside", "--role", "wizard"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 2
    assert "unknown role 'wizard'; roles are: complaint_handler" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_help_ends_with_an_example():
    result = subprocess.run(
        [PUTRIGHT, "user", "--help"], capture_output=True, text=True, timeout=120, check=True
    )

    assert "example:\n  putright user add rkhan" in result.stdout
