"""Every change to a member of staff is a fact in their history, whichever way it is made."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from putright.accounts.actors import Actor
from putright.accounts.history import describe_event, user_history
from putright.accounts.models import User, UserEvent, UserEventKind
from putright.accounts.services import (
    AccountError,
    role_grant,
    role_revoke,
    user_set,
)

SOUTHERN = "southern-housing-2020"

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def southern(organisation_on):
    return organisation_on(SOUTHERN)


def kinds(user: User) -> list[str]:
    return [event.kind for event in user_history(user=user)]


def test_every_command_change_is_recorded_in_order_with_what_changed(southern):
    run("add", "boss", "--name", "Bea Boss")
    run("add", "rkhan", "--name", "Rosa Khan", "--organisation", southern.slug, "--role", "manager")
    run("grant", "rkhan", "--organisation", southern.slug, "--role", "complaints_manager")
    run("revoke", "rkhan", "--organisation", southern.slug, "--role", "manager")
    run("set", "rkhan", "--line-manager", "boss", "--directorate", "Housing")
    run("set", "rkhan", "--organisation", southern.slug, "--team", "repairs")
    run("deactivate", "rkhan")
    rosa = User.objects.get(username="rkhan")
    assert kinds(rosa) == [
        "added",
        "role_granted",
        "role_granted",
        "role_revoked",
        "changed",
        "team_joined",
        "deactivated",
    ]
    events = list(user_history(user=rosa))
    assert [e.sequence for e in events] == list(range(1, 8))
    assert events[1].organisation == southern
    assert events[4].data["changes"] == {
        "directorate": ["", "Housing"],
        "line_manager": [None, "boss"],
    }
    assert all(e.actor_label == "putright user" for e in events)
    assert describe_event(events[3]) == f"Revoked Manager at {southern.name}"
    assert describe_event(events[4]) == "Directorate set to Housing; line manager set to boss"


def test_a_grant_already_held_and_a_set_that_changes_nothing_record_nothing(southern):
    run("add", "rkhan", "--name", "Rosa Khan", "--organisation", southern.slug, "--role", "manager")
    run("grant", "rkhan", "--organisation", southern.slug, "--role", "manager")
    run("set", "rkhan", "--directorate", "")
    assert kinds(User.objects.get(username="rkhan")) == ["added", "role_granted"]


def test_history_is_append_only():
    user = User.objects.create_user("x")
    event = UserEvent.objects.create(
        user=user, sequence=1, kind=UserEventKind.ADDED, occurred_at="2026-01-01T00:00Z"
    )
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        UserEvent.objects.filter(user=user).delete()
    with pytest.raises(TypeError):
        UserEvent.objects.filter(user=user).update(kind="changed")


def test_a_refused_revoke_records_nothing_and_names_the_role(southern):
    user = User.objects.create_user("x")
    with pytest.raises(AccountError) as refused:
        role_revoke(user=user, organisation=southern, role="manager", actor=Actor.system("t"))
    assert refused.value.message == f"x does not hold manager at {southern.slug}"
    assert kinds(user) == []


def test_a_change_rolled_back_leaves_no_fact_behind(southern):
    from django.db import transaction

    user = User.objects.create_user("x")

    def crash() -> None:
        with transaction.atomic():
            role_grant(user=user, organisation=southern, role="manager", actor=Actor(user))
            raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        crash()
    assert kinds(user) == []
    assert not user.memberships.exists()


def test_a_line_manager_below_the_user_is_refused_by_the_service():
    boss = User.objects.create_user("boss")
    worker = User.objects.create_user("worker", line_manager=boss)
    with pytest.raises(AccountError) as refused:
        user_set(user=boss, line_manager=worker, actor=Actor.system("t"))
    assert refused.value.field == "line_manager"
    assert "already above them" in refused.value.message


def test_putright_user_history_lists_the_facts_and_refuses_an_unknown_user(southern):
    run("add", "rkhan", "--name", "Rosa Khan", "--organisation", southern.slug, "--role", "manager")
    rows = json.loads(run("history", "rkhan", "--json"))
    assert [row["kind"] for row in rows] == ["added", "role_granted"]
    assert rows[1]["organisation"] == southern.slug
    assert rows[1]["by"] == "putright user"
    text = run("history", "rkhan")
    assert "Granted Manager at" in text
    with pytest.raises(CommandError) as refused:
        run("history", "nobody")
    assert "there is no user 'nobody'" in str(refused.value)
