# ruff: noqa: F811 (the matrix fixtures are imported by name)
"""Every action on a person (unacceptable behaviour) against every role and an outsider.

The rules, restated: those who may read the organisation's customers reach a person (others,
and anyone elsewhere, get 404); recording behaviour, explaining the concern, a police
referral, a warning and recording an appeal are for caseworkers; imposing, reviewing and
lifting a restriction and deciding an appeal are for managers, and where the pack names a
role only those holding it (the matrix organisation's policy names no decider: its managers
decide, and it gives no appeal, so an appeal is 422 with the rule).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from putright.accounts.access import ACTION_ROLES, PERSON_ACTIONS
from putright.actions.people import PERSON_ACTIONS as DECLARED
from putright.cases.services import Actor
from putright.people import restrictions as services
from putright.people.models import ContactRestriction, Person

from .conftest import api_for
from .test_authorization_matrix import (  # noqa: F401 (fixtures)
    CASEWORKERS,
    COMPLAINTS_MANAGER,
    MANAGERS,
    OUTSIDER,
    READERS,
    USERS,
    operations,
    org,
    world,
)

pytestmark = pytest.mark.django_db

BEHAVIOUR = {"categories": ["unreasonable_demands"], "description": "Daily calls."}
RESTRICTION = {
    "categories": ["unreasonable_demands"],
    "measures": ["writing_only"],
    "channels": ["letter"],
    "behaviour": "Daily calls.",
    "reasons": "Considered by the managers.",
}

#: operationId -> (its access action, the body, the answer when allowed)
CALLS: dict[str, tuple[str, dict[str, Any], int]] = {
    "people_behaviour": ("behaviour-record", {**BEHAVIOUR, "occurred_on": "2026-03-13"}, 201),
    "people_concern": ("concern-explain", {"summary": "Explained on the phone."}, 201),
    "people_police": ("police-refer", {"referred_on": "2026-03-13", "reference": "CAD 1"}, 201),
    "people_restrict": (
        "restriction-warn",
        {
            "kind": "warning",
            "categories": ["unreasonable_demands"],
            "behaviour": "Daily calls.",
            "change_by": "2026-04-30",
        },
        201,
    ),
    "people_restriction_review": (
        "restriction-review",
        {"outcome": "keep", "explanation": "The calls go on."},
        201,
    ),
    "people_restriction_appeal": (
        "restriction-appeal",
        {"grounds": "Unfair", "decider": "manager"},
        422,
    ),
    "people_restriction_decide_appeal": (
        "restriction-decide-appeal",
        {"upheld": True, "explanation": "x"},
        409,
    ),
    "people_restriction_lift": ("restriction-lift", {"reason": "Better now."}, 201),
    # The restriction prepared is not one carried over from free text: nothing to finish.
    "people_restriction_finish": (
        "restriction-review",
        {"categories": ["unreasonable_demands"], "measures": ["not_investigating"]},
        409,
    ),
}


def expected(operation_id: str, user: str) -> int:
    action, _body, allowed = CALLS[operation_id]
    if user == OUTSIDER or user not in READERS:
        return 404
    roles = CASEWORKERS if ACTION_ROLES[action] == ACTION_ROLES["behaviour-record"] else MANAGERS
    return allowed if user in roles else 403


def test_every_person_action_is_declared_at_an_endpoint_and_in_this_matrix():
    paths = {path: op for op, _, path in operations()}
    assert {a.path for a in DECLARED} <= set(paths)
    covered = {CALLS[paths[a.path]][0] for a in DECLARED}
    assert covered | {"restriction-impose"} == set(PERSON_ACTIONS)
    # A data protection request on a person has its own matrix (tests/privacy).
    assert set(CALLS) == {
        op
        for op, _, path in operations()
        if path.startswith("/people/{person_id}/") and not path.endswith("/data-requests")
    }


def test_imposing_is_for_managers_only(world, users):
    person = world["ordinary"].customer
    for user in USERS:
        sent = api_for(users[user]).post(
            f"/people/{person.pk}/restrictions", {"kind": "restriction", **RESTRICTION}
        )
        want = (
            404 if user == OUTSIDER or user not in READERS else (201 if user in MANAGERS else 403)
        )
        assert sent.status_code == want, (user, sent.content[:200])


@pytest.mark.parametrize("operation_id", sorted(CALLS))
@pytest.mark.parametrize("user", USERS)
def test_person_matrix(world, users, operation_id, user):
    person: Person = world["ordinary"].customer
    restriction = services.restriction_impose(
        person=person, actor=Actor(users[COMPLAINTS_MANAGER]), **RESTRICTION
    )
    path = next(p for op, _, p in operations() if op == operation_id)
    real = path.replace("{person_id}", str(person.pk)).replace(
        "{restriction_id}", str(restriction.pk)
    )
    _action, body, _ = CALLS[operation_id]

    sent = api_for(users[user]).post(real, body)

    assert sent.status_code == expected(operation_id, user), (user, sent.content[:300])
    error = sent.json().get("error") if sent.status_code >= 400 else None
    if sent.status_code == 403:
        assert error["code"] == "forbidden"
    if sent.status_code == 404:
        assert "Daily calls" not in sent.content.decode()


@pytest.mark.parametrize("user", USERS)
def test_reading_a_person_lists_their_restrictions_only_for_readers(world, users, user):
    person = world["ordinary"].customer
    services.restriction_impose(
        person=person, actor=Actor(users[COMPLAINTS_MANAGER]), **RESTRICTION
    )
    read = api_for(users[user]).get(f"/people/{person.pk}")
    assert read.status_code == (200 if user in READERS else 404)
    if read.status_code == 200:
        [shown] = read.json()["restrictions"]
        assert shown["kind"] == "restriction"
        assert shown["review_on"] == "2026-06-15"
        assert shown["status"] == "in_force"
        assert shown["measures"] == ["writing_only"]
        [review] = shown["deadlines"]
        assert review["step"] == "review"
        assert "91 calendar days" in review["explanation"]


def test_every_person_action_has_a_staff_page():
    for action in DECLARED:
        kwargs = {"person_id": 1}
        if "restriction_id" in action.staff_path:
            kwargs["restriction_id"] = 1
        assert reverse(f"staff:{action.name}", kwargs=kwargs) == "/" + action.staff_path.replace(
            "<int:person_id>", "1"
        ).replace("<int:restriction_id>", "1")


def test_a_restriction_of_another_person_is_not_found(world, users):
    person = world["ordinary"].customer
    other = Person.objects.create(organisation=person.organisation, name="Other")
    restriction = services.restriction_impose(
        person=other, actor=Actor(users[COMPLAINTS_MANAGER]), **RESTRICTION
    )
    sent = api_for(users[COMPLAINTS_MANAGER]).post(
        f"/people/{person.pk}/restrictions/{restriction.pk}/lift", {"reason": "x"}
    )
    assert sent.status_code == 404
    assert ContactRestriction.objects.get(pk=restriction.pk).lifted_reason == ""
