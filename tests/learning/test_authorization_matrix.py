# ruff: noqa: F811 (the matrix fixtures are imported by name)
"""Every learning endpoint and staff page against every role and an outsider.

The rules, restated: those who read the organisation's cases or its reports (complaint
handlers, managers, senior managers, complaints managers, administrators, data protection
officers, API clients and the board member) read its action plan; investigating officers,
panel members and anyone elsewhere get 404. Raising an action and writing what changed for
residents is for caseworkers; noting progress, completing and reviewing effectiveness for
managers (and API clients), or the action's owner; approving the text for residents for
managers other than its writer. Lessons on a case are recorded by caseworkers and by the
investigating officer named on it, on a case they may see (404 otherwise).
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

import pytest

from putright.accounts.access import ACTION_ROLES, LEARNING_ACTIONS
from putright.accounts.models import Role
from putright.actions.learning import LEARNING_ACTIONS as DECLARED
from putright.cases.services import Actor
from putright.learning import services
from putright.learning.models import ImprovementAction

from ..api.conftest import (  # noqa: F401 (fixtures)
    api_for,
    cases,
    clock,
    customer,
    other_org,
    receive,
    users,
)
from ..api.test_authorization_matrix import (  # noqa: F401 (fixtures)
    CASEWORKERS,
    COMPLAINTS_MANAGER,
    HANDLER,
    MANAGERS,
    OFFICER,
    OUTSIDER,
    PANEL,
    USERS,
    org,
    sees,
    world,
)
from ..api.test_authorization_matrix import operations as all_operations

pytestmark = pytest.mark.django_db


@functools.cache
def operations() -> tuple[tuple[str, str, str], ...]:
    """The OpenAPI document's operations, read once (it is slow to build)."""
    return all_operations()


BOARD = Role.BOARD_MEMBER.value
CLIENT = Role.API_CLIENT.value
PLAN_READERS = {
    Role.COMPLAINT_HANDLER.value,
    Role.MANAGER.value,
    Role.SENIOR_MANAGER.value,
    Role.COMPLAINTS_MANAGER.value,
    Role.ADMINISTRATOR.value,
    Role.DATA_PROTECTION_OFFICER.value,
    CLIENT,
    BOARD,
}
DUE = "2026-04-30"

#: operationId -> (who may, where the action must be first, the body, the answer when allowed)
CALLS: dict[str, tuple[set[str], str, dict[str, Any], int]] = {
    "learning_actions_list": (PLAN_READERS, "open", {}, 200),
    "learning_actions_get": (PLAN_READERS, "open", {}, 200),
    "learning_actions_raise": (
        CASEWORKERS,
        "open",
        {
            "organisation": "north-homes",
            "source": "review",
            "source_reference": "Quarterly review Q1 2026",
            "text": "Check the diary before booking a repair.",
            "owner": "manager",
            "due_on": DUE,
        },
        201,
    ),
    "learning_progress": (MANAGERS | {CLIENT}, "open", {"text": "Half done."}, 200),
    "learning_complete": (MANAGERS | {CLIENT}, "open", {"note": "Done."}, 200),
    "learning_review": (
        MANAGERS | {CLIENT},
        "completed",
        {"effective": True, "note": "Fewer complaints of this cause."},
        200,
    ),
    "learning_public_text": (
        CASEWORKERS,
        "completed",
        {"public_text": "We now check the diary before we book a repair."},
        200,
    ),
    "learning_approve_public_text": (MANAGERS, "awaiting", {"approve": True}, 200),
}
PERMISSION = {
    "learning_actions_raise": "improvement-raise",
    "learning_progress": "improvement-progress",
    "learning_complete": "improvement-complete",
    "learning_review": "improvement-review",
    "learning_public_text": "improvement-write-public",
    "learning_approve_public_text": "improvement-approve-public",
}


def _prepared(users: dict, org, state: str) -> ImprovementAction:
    """An action owned by the manager (a plain manager, not the complaints manager)."""
    action = services.improvement_raise(
        organisation=org,
        actor=Actor(users[COMPLAINTS_MANAGER]),
        source="ombudsman",
        source_reference="HOS 202412345",
        text="Train repairs staff on damp and mould.",
        owner=Role.MANAGER.value,
        due_on=datetime.date(2026, 4, 30),
    )
    if state in ("completed", "awaiting"):
        action = services.improvement_complete(
            action=action, actor=Actor(users[COMPLAINTS_MANAGER]), note="Everyone trained."
        )
    if state == "awaiting":
        action = services.improvement_write_public(
            action=action,
            actor=Actor(users[HANDLER]),
            text="Our repairs staff are now trained to spot damp and mould.",
        )
    return action


def expected(operation_id: str, user: str) -> int:
    allowed, _state, _body, ok = CALLS[operation_id]
    if user == OUTSIDER or user not in PLAN_READERS:
        return 404
    return ok if user in allowed else 403


def test_every_learning_endpoint_is_in_this_matrix():
    paths = {path: op for op, _, path in operations()}
    assert {a.path for a in DECLARED} <= set(paths)
    learning = {op for op, _, path in operations() if path.startswith("/learning/")}
    assert learning == set(CALLS)
    assert set(PERMISSION.values()) == set(LEARNING_ACTIONS)
    for operation_id, permission in PERMISSION.items():
        assert CALLS[operation_id][0] == {
            u for u in USERS if u != OUTSIDER and set([u]) & ACTION_ROLES[permission]
        }, operation_id


@pytest.mark.parametrize("operation_id", sorted(CALLS))
@pytest.mark.parametrize("user", USERS)
def test_plan_matrix(world, users, org, operation_id, user):
    _allowed, state, body, _ok = CALLS[operation_id]
    action = _prepared(users, org, state)
    method, path = next((m, p) for op, m, p in operations() if op == operation_id)
    real = path.replace("{action_id}", str(action.pk))
    client = api_for(users[user])
    if method == "get":
        sent = client.get(real, {"organisation": "north-homes"})
    else:
        sent = client.post(real, body)

    assert sent.status_code == expected(operation_id, user), (user, sent.content[:300])
    if sent.status_code == 403:
        assert sent.json()["error"]["code"] == "forbidden"
    if sent.status_code == 404:
        assert "Train repairs staff" not in sent.content.decode()


@pytest.mark.parametrize("user", [u for u in USERS if u != OUTSIDER])
def test_an_owner_completes_their_own_action_whatever_their_role(world, users, org, user):
    """A reader who owns an action notes progress and completes it, whatever their role."""
    if user not in PLAN_READERS:
        return
    action = services.improvement_raise(
        organisation=org,
        actor=Actor(users[COMPLAINTS_MANAGER]),
        source="review",
        source_reference="Deep dive 2026",
        text="Publish repair times.",
        owner=user,
        due_on=datetime.date(2026, 4, 30),
    )
    client = api_for(users[user])
    assert (
        client.post(f"/learning/actions/{action.pk}/progress", {"text": "Half"}).status_code == 200
    )
    assert (
        client.post(f"/learning/actions/{action.pk}/complete", {"note": "Done"}).status_code == 200
    )


@pytest.mark.parametrize("target", ["ordinary", "restricted", "named"])
@pytest.mark.parametrize("user", USERS)
def test_lessons_matrix(world, users, user, target):
    case = world[target]
    sent = api_for(users[user]).post(
        f"/cases/{case.reference}/lessons",
        {"cause": "delay", "scope": "individual", "text": "Booked late."},
    )
    if not sees(user, target):
        want = 404
    elif user in CASEWORKERS or (user == OFFICER and target == "named"):
        want = 201
    else:
        want = 403
    assert sent.status_code == want, (user, target, sent.content[:300])


# -- the staff pages ------------------------------------------------------------------------


def _page_expectation(name: str, user: str) -> int:
    if user == OUTSIDER or user not in PLAN_READERS:
        return 404
    permission = {
        "improvement-raise": "improvement-raise",
        "improvement-progress": "improvement-progress",
        "improvement-complete": "improvement-complete",
        "improvement-review": "improvement-review",
        "improvement-write-public": "improvement-write-public",
        "improvement-approve-public": "improvement-approve-public",
    }.get(name)
    if permission is None:
        return 200
    return 200 if set([user]) & ACTION_ROLES[permission] else 403


PAGES = {
    "learning-plan": ("open", lambda a: "/learning/actions/?organisation=north-homes"),
    "learning-action": ("open", lambda a: f"/learning/actions/{a.pk}/"),
    "improvement-raise": ("open", lambda a: "/learning/actions/new/?organisation=north-homes"),
    "improvement-progress": ("open", lambda a: f"/learning/actions/{a.pk}/progress/"),
    "improvement-complete": ("open", lambda a: f"/learning/actions/{a.pk}/complete/"),
    "improvement-review": ("completed", lambda a: f"/learning/actions/{a.pk}/review/"),
    "improvement-write-public": ("completed", lambda a: f"/learning/actions/{a.pk}/public-text/"),
    "improvement-approve-public": (
        "awaiting",
        lambda a: f"/learning/actions/{a.pk}/approve-public-text/",
    ),
    "learning-quarterly": ("open", lambda a: "/learning/north-homes/quarterly-review/"),
    "learning-deep-dive": ("open", lambda a: "/learning/north-homes/deep-dive/"),
    "learning-scrutiny": ("open", lambda a: "/learning/north-homes/scrutiny-report/"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("user", USERS)
def test_staff_pages_matrix(world, users, org, client, name, user):
    state, url = PAGES[name]
    action = _prepared(users, org, state)
    client.force_login(users[user])
    answer = client.get(url(action))
    assert answer.status_code == _page_expectation(name, user), (name, user)
    if answer.status_code == 200 and name == "learning-action":
        assert "Train repairs staff" in answer.content.decode()


@pytest.mark.parametrize("target", ["ordinary", "named"])
@pytest.mark.parametrize("user", USERS)
def test_lessons_page_matrix(world, users, client, user, target):
    case = world[target]
    client.force_login(users[user])
    answer = client.get(f"/cases/{case.reference}/lessons/")
    if not sees(user, target):
        want = 404
    elif user in CASEWORKERS or (user == OFFICER and target == "named"):
        want = 200
    else:
        want = 403
    assert answer.status_code == want, (user, target)


def test_panel_and_officers_do_not_read_the_plan():
    assert PANEL not in PLAN_READERS
    assert OFFICER not in PLAN_READERS
