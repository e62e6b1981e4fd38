# ruff: noqa: F811 (the matrix fixtures are imported by name)
"""Every action on a case's hazards against every role and an outsider, on a case the reader
may see and on one only those named on it see.

The rules, restated: only those who see the case reach its hazards (others, and anyone
elsewhere, get 404, the hazard's words never shown); raising, confirming, recording the
investigation, the safety work and the further works are for caseworkers and the officer
investigating the case (named on it); dismissing a hazard, writing the summary to the tenant
and resolving it are for caseworkers only; everyone else who sees the case gets 403.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from putright.accounts.access import ACTION_ROLES, HAZARD_ACTIONS
from putright.actions.hazards import HAZARD_ACTIONS as DECLARED
from putright.cases.services import Actor
from putright.hazards import services
from putright.hazards.models import Hazard
from tests.api.conftest import api_for
from tests.api.test_authorization_matrix import (  # noqa: F401 (fixtures)
    CASEWORKERS,
    OFFICER,
    OUTSIDER,
    USERS,
    operations,
    org,
    sees,
    world,
)

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")

#: operationId -> (its access action, the state to prepare, the body, the answer when allowed)
CALLS: dict[str, tuple[str, str, dict[str, Any], int]] = {
    "case_hazard_raise": (
        "hazard-raise",
        "none",
        {"kind": "structural", "severity": "significant", "description": "Loose banister"},
        201,
    ),
    "case_hazard_confirm": ("hazard-confirm", "suspected", {}, 200),
    "case_hazard_dismiss": ("hazard-dismiss", "suspected", {"reason": "No hazard found"}, 200),
    "case_hazard_investigated": (
        "hazard-investigated",
        "suspected",
        {"findings": "Mould on the north wall"},
        200,
    ),
    "case_hazard_summary_sent": (
        "hazard-summary-sent",
        "investigated",
        {"found": "Mould on the north wall", "will_do": "Treat it and fit a fan"},
        200,
    ),
    "case_hazard_made_safe": ("hazard-made-safe", "confirmed", {"note": "Treated"}, 200),
    "case_hazard_works_started": ("hazard-works-started", "investigated", {}, 200),
    "case_hazard_resolved": ("hazard-resolved", "made_safe", {}, 200),
}
WITH_OFFICER = {
    a
    for a, roles in ACTION_ROLES.items()
    if a in HAZARD_ACTIONS and "investigating_officer" in roles
}


def prepare(case: Any, state: str) -> Hazard | None:
    if state == "none":
        return None
    hazard = services.hazard_raise(
        case=case, kind="damp_mould", severity="significant", description="Mould", actor=SYSTEM
    )
    if state in ("confirmed", "made_safe"):
        hazard = services.hazard_confirm(hazard=hazard, actor=SYSTEM)
    if state == "investigated":
        hazard = services.hazard_investigated(hazard=hazard, findings="Mould", actor=SYSTEM)
    if state == "made_safe":
        hazard = services.hazard_made_safe(hazard=hazard, actor=SYSTEM)
    return hazard


def expected(operation_id: str, user: str, target: str) -> int:
    action, _state, _body, allowed = CALLS[operation_id]
    if not sees(user, target):
        return 404
    if user in CASEWORKERS:
        return allowed
    if user == OFFICER and target == "named" and action in WITH_OFFICER:
        return allowed
    return 403


def test_every_hazard_action_is_declared_at_an_endpoint_and_in_this_matrix():
    paths = {path: op for op, _, path in operations()}
    assert {a.path for a in DECLARED} <= set(paths)
    assert {CALLS[paths[a.path]][0] for a in DECLARED} == set(HAZARD_ACTIONS)
    assert set(CALLS) == {
        op for op, _, path in operations() if path.startswith("/cases/{reference}/hazards")
    }


@pytest.mark.parametrize("target", ["ordinary", "named"])
@pytest.mark.parametrize("operation_id", sorted(CALLS))
@pytest.mark.parametrize("user", USERS)
def test_hazard_matrix(world, users, operation_id, user, target):
    case = world[target]
    _action, state, body, _ = CALLS[operation_id]
    hazard = prepare(case, state)
    path = next(p for op, _, p in operations() if op == operation_id)
    real = path.replace("{reference}", case.reference)
    if hazard is not None:
        real = real.replace("{hazard_id}", str(hazard.pk))

    sent = api_for(users[user]).post(real, body)

    assert sent.status_code == expected(operation_id, user, target), (user, sent.content[:300])
    if sent.status_code == 403:
        assert sent.json()["error"]["code"] == "forbidden"
    if sent.status_code == 404:
        assert "Mould" not in sent.content.decode()
        assert "banister" not in sent.content.decode()


@pytest.mark.parametrize("user", USERS)
def test_reading_a_case_shows_its_hazards_only_to_those_who_see_it(world, users, user):
    case = world["ordinary"]
    prepare(case, "suspected")
    read = api_for(users[user]).get(f"/cases/{case.reference}")
    assert read.status_code == (200 if sees(user, "ordinary") else 404)
    if read.status_code == 200:
        assert [h["kind"] for h in read.json()["hazards"]] == ["damp_mould"]


def test_a_restricted_cases_hazards_are_not_found_by_those_who_may_not_read_it(world, users):
    case = world["restricted"]
    hazard = prepare(case, "suspected")
    for user in ("complaint_handler", "manager", "investigating_officer", OUTSIDER):
        sent = api_for(users[user]).post(f"/cases/{case.reference}/hazards/{hazard.pk}/confirm", {})
        assert sent.status_code == 404, user
    allowed = api_for(users["complaints_manager"]).post(
        f"/cases/{case.reference}/hazards/{hazard.pk}/confirm", {}
    )
    assert allowed.status_code == 200


def test_every_hazard_action_has_a_staff_page():
    for action in DECLARED:
        kwargs: dict[str, Any] = {"reference": "NH-2026-00001"}
        if "hazard_id" in action.staff_path:
            kwargs["hazard_id"] = 7
        assert reverse(f"staff:{action.name}", kwargs=kwargs) == "/" + action.staff_path.replace(
            "<str:reference>", "NH-2026-00001"
        ).replace("<int:hazard_id>", "7")
