"""Every Ombudsman casework endpoint against every role and a user of another organisation.

The rules, restated: the casework of a case is reached through the case, so those who may not
see the case get 404 (whether or not the record exists), and a user of another organisation
sees nothing. Recording a contact, an enquiry with no case, sending evidence and telling the
Ombudsman are for caseworkers; triage is for managers, and under Southern's procedure (the
organisation's policy here) only for the Customer Relations Manager (4.10.5); an order's owner
completes it and raises its due date whatever their role, as caseworkers may.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from putright.accounts.access import ACTION_ROLES, OMBUDSMAN_ACTIONS
from putright.accounts.models import AccessLog, Role
from putright.actions.ombudsman import ENQUIRY_PATH
from putright.actions.ombudsman import OMBUDSMAN_ACTIONS as DECLARED
from putright.api.api import api
from putright.cases.models import Case
from putright.cases.services import Actor, case_receive
from putright.ombudsman import services
from putright.ombudsman.models import ContactKind
from putright.ombudsman.services import FindingIn, OrderIn
from tests.api.conftest import api_for, at

pytestmark = pytest.mark.django_db

HANDLER = Role.COMPLAINT_HANDLER.value
MANAGER = Role.MANAGER.value
SENIOR = Role.SENIOR_MANAGER.value
COMPLAINTS_MANAGER = Role.COMPLAINTS_MANAGER.value
DPO = Role.DATA_PROTECTION_OFFICER.value
ADMIN = Role.ADMINISTRATOR.value
CLIENT = Role.API_CLIENT.value
OUTSIDER = "outsider"
USERS = [role.value for role in Role] + [OUTSIDER]
TARGETS = ["ordinary", "restricted"]

READERS = {HANDLER, MANAGER, SENIOR, COMPLAINTS_MANAGER, ADMIN, DPO, CLIENT}
CASEWORKERS = {HANDLER, MANAGER, SENIOR, COMPLAINTS_MANAGER, CLIENT}
OWNER = COMPLAINTS_MANAGER  # owns the orders prepared: sees both cases
SECRETS = ["Pat Resident", "Ordinary: damp", "Restricted: a housing officer"]


def sees(user: str, target: str) -> bool:
    if user == OUTSIDER:
        return False
    return user == COMPLAINTS_MANAGER if target == "restricted" else user in READERS


def operations() -> list[tuple[str, str, str]]:
    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        path = path.removeprefix("/api/v1")
        if path.startswith(("/ombudsman/", "/cases/{reference}/ombudsman")):
            for method, operation in methods.items():
                found.append((operation["operationId"], method, path))
    return sorted(found)


@pytest.fixture
def world(clock, org, users, customer) -> dict[str, Case]:
    def receive(summary: str, **extra: Any) -> Case:
        return case_receive(
            organisation=org,
            kind="complaint",
            channel="phone",
            received_at=at(2026, 3, 2, 10),
            summary=summary,
            actor=Actor(users[HANDLER]),
            customer=customer,
            **extra,
        )

    return {
        "ordinary": receive("Ordinary: damp in the bedroom"),
        "restricted": receive("Restricted: a housing officer was rude", flags=["conduct"]),
    }


def _determination(case: Case, users, *, done: bool = False) -> Any:
    determination = services.determination_record(
        case=case,
        actor=Actor(users[COMPLAINTS_MANAGER]),
        determined_on=datetime.date(2026, 3, 12),
        findings=[FindingIn("Damp", "Damp and mould", "maladministration")],
        orders=[
            OrderIn(kind="order", text="Inspect", owner=OWNER, due_on=datetime.date(2026, 4, 10))
        ],
        appeal_by=datetime.date(2026, 4, 9),
    )
    if done:
        services.order_complete(
            order=determination.orders.get(), actor=Actor(users[OWNER]), evidence="Survey"
        )
    return determination


def _evidence_request(case: Case, users) -> Any:
    return services.contact_record(
        case=case,
        actor=Actor(users[COMPLAINTS_MANAGER]),
        kind=ContactKind.EVIDENCE_REQUEST,
        asked="Send the file",
        due_on=datetime.date(2026, 3, 30),
    )


DETERMINATION = {
    "kind": "determination",
    "determined_on": "2026-03-12",
    "findings": [{"point": "Damp", "category": "Damp and mould", "finding": "maladministration"}],
    "orders": [{"kind": "order", "text": "Apologise", "due_on": "2026-04-10"}],
}


def _actor(action: str, done: int = 201):
    def expect(user: str, target: str) -> int:
        if not sees(user, target):
            return 404
        return done if user in {r.value for r in ACTION_ROLES[action]} else 403

    return expect


def _triager(user: str, target: str) -> int:
    if not sees(user, target):
        return 404
    # Southern 4.10.5: the Customer Relations Manager triages; other managers are refused.
    return 201 if user == COMPLAINTS_MANAGER else 403


def _owner_or(action: str):
    def expect(user: str, target: str) -> int:
        if not sees(user, target):
            return 404
        return 201 if user == OWNER or user in {r.value for r in ACTION_ROLES[action]} else 403

    return expect


def _reader(user: str, target: str) -> int:
    return 200 if sees(user, target) else 404


def _enquirer(user: str, target: str) -> int:
    if user == OUTSIDER:
        return 404
    return 201 if user in CASEWORKERS else 403


REPORT_READERS = {Role.BOARD_MEMBER.value, MANAGER, SENIOR, COMPLAINTS_MANAGER, ADMIN, CLIENT}


def _report_reader(user: str, target: str) -> int:
    if user == OUTSIDER:
        return 404
    return 200 if user in REPORT_READERS else 403


def _log(user: str, target: str) -> int:
    return 404 if user == OUTSIDER else 200


#: operationId -> (about a case, what to prepare: the path's ids, a body, what each user gets)
EXPECTATIONS: dict[str, Any] = {
    "ombudsman_record": (True, _actor("ombudsman-record")),
    "ombudsman_enquiry": (False, _enquirer),
    "ombudsman_determinations": (False, _log),
    "ombudsman_report": (False, _report_reader),
    "ombudsman_determination": (True, _reader),
    "ombudsman_triage": (True, _triager),
    "ombudsman_evidence": (True, _actor("ombudsman-evidence")),
    "ombudsman_order_complete": (True, _owner_or("ombudsman-order-complete")),
    "ombudsman_order_tell": (True, _actor("ombudsman-order-tell")),
    "ombudsman_order_raise": (True, _owner_or("ombudsman-order-raise")),
}


def test_every_ombudsman_endpoint_and_action_is_in_this_matrix():
    assert {op for op, _, _ in operations()} == set(EXPECTATIONS)
    paths = {path for _, _, path in operations()}
    assert {a.path for a in DECLARED} | {ENQUIRY_PATH} <= paths
    assert {a.permission or a.name for a in DECLARED} | {"ombudsman-enquiry"} == set(
        OMBUDSMAN_ACTIONS
    )


def _call(operation_id: str, path: str, case: Case, users) -> tuple[str, dict[str, Any] | None]:
    real = path.replace("{reference}", case.reference)
    if operation_id == "ombudsman_record":
        return real, DETERMINATION
    if operation_id == "ombudsman_enquiry":
        return real, {
            "organisation": "north-homes",
            "customer": {"name": "Nia New"},
            "summary": "Roof leak",
            "asked": "Please raise a complaint",
        }
    if operation_id == "ombudsman_determinations":
        return real + "?organisation=north-homes", None
    if operation_id == "ombudsman_report":
        _determination(case, users)
        return real + "?organisation=north-homes&start=2026-01-01&end=2026-12-31", None
    if operation_id == "ombudsman_evidence":
        contact = _evidence_request(case, users)
        return real.replace("{contact_id}", str(contact.pk)), {"covering_letter": "The file."}
    determination = _determination(case, users, done=operation_id == "ombudsman_order_tell")
    real = real.replace("{determination_id}", str(determination.pk))
    real = real.replace("{order_id}", str(determination.orders.get().pk))
    bodies = {
        "ombudsman_determination": None,
        "ombudsman_triage": {"decision": "no_appeal", "reasons": "The findings stand."},
        "ombudsman_order_complete": {"evidence": "Survey report"},
        "ombudsman_order_tell": {},
        "ombudsman_order_raise": {"reason": "The surveyor is booked until May."},
    }
    return real, bodies[operation_id]


def _rows() -> list[Any]:
    rows = []
    for operation_id, method, path in operations():
        about_a_case = EXPECTATIONS.get(operation_id, (True, None))[0]
        for user in USERS:
            for target in TARGETS if about_a_case else ["-"]:
                rows.append(pytest.param(operation_id, method, path, user, target))
    return rows


@pytest.mark.parametrize(("operation_id", "method", "path", "user", "target"), _rows())
def test_matrix(world, users, operation_id, method, path, user, target):
    _about, expect = EXPECTATIONS[operation_id]
    expected = expect(user, target)
    case = world["ordinary" if target == "-" else target]
    real, body = _call(operation_id, path, case, users)
    logged_before = AccessLog.objects.filter(action="read restricted case").count()

    client = api_for(users[user])
    response = client.get(real) if method == "get" else client.post(real, body or {})

    assert response.status_code == expected, (user, target, response.content[:300])
    if expected == 404:
        assert response.json()["error"]["code"] == "not_found"
    if expected == 403:
        assert response.json()["error"]["code"] == "forbidden"
    if user == OUTSIDER or not sees(user, target if target != "-" else "ordinary"):
        for secret in SECRETS + (
            [world["ordinary"].reference]
            if user == Role.BOARD_MEMBER.value and operation_id == "ombudsman_report"
            else []
        ):
            assert secret not in response.content.decode()
    if operation_id == "ombudsman_determination" and target == "restricted" and expected == 200:
        assert AccessLog.objects.filter(action="read restricted case").count() == logged_before + 1


@pytest.mark.parametrize("user", USERS)
def test_the_log_lists_only_determinations_on_cases_the_user_sees(world, users, user):
    for case in world.values():
        _determination(case, users)
    response = api_for(users[user]).get("/ombudsman/determinations")
    assert response.status_code == 200
    listed = {d["case"] for d in response.json()["results"]}
    assert listed == {world[t].reference for t in TARGETS if sees(user, t)}


def test_a_determination_read_back_has_the_contract_shape(world, users):
    _determination(world["ordinary"], users)
    [shown] = (
        api_for(users[HANDLER])
        .get("/ombudsman/determinations?organisation=north-homes")
        .json()["results"]
    )
    assert shown["case"] == world["ordinary"].reference
    assert shown["received_on"] == "2026-03-16"
    assert shown["appeal_by"] == "2026-04-09"
    assert shown["findings"] == [
        {"number": 1, "point": "Damp", "category": "Damp and mould", "finding": "maladministration"}
    ]
    [order] = shown["orders"]
    assert (order["kind"], order["text"], order["owner"], order["due_on"], order["status"]) == (
        "order",
        "Inspect",
        OWNER,
        "2026-04-10",
        "open",
    )
    assert order["amount_pence"] is None
    assert order["completed_on"] is None


def test_bad_input_is_a_400_naming_the_field(world, users):
    client = api_for(users[HANDLER])
    reference = world["ordinary"].reference
    sent = client.post(
        f"/cases/{reference}/ombudsman",
        {
            **DETERMINATION,
            "orders": [{"kind": "order", "text": "Pay", "owner": "nobody", "due_on": "2026-04-10"}],
        },
    )
    assert sent.status_code == 400
    assert "orders[0].owner" in sent.json()["error"]["fields"]
    sent = client.post(f"/cases/{reference}/ombudsman", {"kind": "determination", "findings": []})
    assert sent.status_code == 400
    assert "determined_on" in sent.json()["error"]["fields"]
    sent = client.post(f"/cases/{reference}/ombudsman", {"kind": "evidence_request", "asked": ""})
    assert sent.status_code == 400
    assert sent.json()["error"]["fields"] == {"asked": "Say what the Ombudsman asked."}
    sent = client.post(
        f"/cases/{reference}/ombudsman",
        {"kind": "evidence_request", "asked": "File", "due_on": "2026-03-01"},
    )
    assert sent.status_code == 400
    assert "due_on" in sent.json()["error"]["fields"]
