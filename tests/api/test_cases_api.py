"""The case endpoints: the contract other tools rely on, every action, errors and listing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from putright.accounts.models import AccessLog, Membership, Role
from putright.api.api import api
from putright.cases.models import Attachment, Case, CaseLink, Event
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_assign,
    case_close,
    case_escalate,
    case_make_formal,
    case_receive,
    case_request_investigation,
    case_respond,
)
from putright.organisations.services import organisation_create
from putright.people.models import Person

from .conftest import api_for, at, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FUTURE = "2026-03-16T10:05:00+00:00"  # five minutes after NOW
FUTURE_MESSAGE = "That time is in the future. Give when it actually happened."


def action_paths() -> list[str]:
    """Every POST /cases/{reference}/{action} in the OpenAPI document."""
    prefix = "/api/v1/cases/{reference}/"
    return sorted(
        path.removeprefix(prefix)
        for path, operations in api.get_openapi_schema()["paths"].items()
        if path.startswith(prefix)
        and "post" in operations
        # Remedies and awards, the Ombudsman casework, hazards, lessons and legal holds have
        # their own tests (test_remedies_api, tests/ombudsman, tests/hazards, tests/learning,
        # tests/privacy).
        and not {
            "remedies",
            "ombudsman",
            "hazards",
            "learning",
            "petitions",
            "meetings",
            "privacy",
        }
        & set(operations["post"].get("tags", []))
    )


def error_of(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    return body["error"]


def kinds(case_json: dict[str, Any]) -> list[str]:
    return [e["kind"] for e in case_json["events"]]


def deadline(case_json: dict[str, Any], stage: str, step: str) -> dict[str, Any]:
    return next(d for d in case_json["deadlines"] if d["stage"] == stage and d["step"] == step)


@pytest.fixture
def handler_api(apis):
    return apis[Role.COMPLAINT_HANDLER]


@pytest.fixture
def manager_api(apis):
    return apis[Role.MANAGER]


@pytest.fixture
def actor(users):
    return Actor(users[Role.COMPLAINT_HANDLER])


# -- recording a case: the minimal contract ----------------------------------------------

NEW_CASE = {
    "organisation": "north-homes",
    "kind": "complaint",
    "channel": "email",
    "received_at": "2026-03-16T09:00:00+00:00",
    "summary": "Water coming through the kitchen ceiling",
    "desired_outcome": "Fix the leak and repaint",
    "customer": {
        "name": "Sam Tenant",
        "email": "sam@example.org",
        "phone": "07700 900456",
        "address": "2 Oak Road, Northtown",
        "preferred_contact": "phone",
    },
}


def test_create_returns_201_with_the_minimal_contract(handler_api, org):
    response = handler_api.post("/cases", NEW_CASE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == "NH-2026-00001"
    assert body["kind"] == "complaint"
    assert body["stage"] == "stage1"
    assert body["status"] == "open"
    assert [
        {key: d[key] for key in ("stage", "step", "due", "state")} for d in body["deadlines"]
    ] == [
        {"stage": "stage1", "step": "acknowledge", "due": "2026-03-23", "state": "pending"},
        {"stage": "stage1", "step": "respond", "due": "2026-04-08", "state": "pending"},
    ]
    for item in body["deadlines"]:
        assert {"stage", "step", "due", "state", "explanation"} <= set(item)
    assert deadline(body, "stage1", "acknowledge")["explanation"].startswith(
        "Acknowledge, define and log the complaint: within 5 working days of receipt (Code 6.2)."
    )
    assert "bank holiday: Good Friday" in deadline(body, "stage1", "respond")["explanation"]
    # What was sent is what was stored.
    case = Case.objects.get(reference="NH-2026-00001")
    assert case.organisation == org
    assert case.channel == "email"
    assert case.summary == NEW_CASE["summary"]
    assert case.desired_outcome == "Fix the leak and repaint"
    assert case.customer is not None
    assert (case.customer.name, case.customer.email, case.customer.phone) == (
        "Sam Tenant",
        "sam@example.org",
        "07700 900456",
    )
    assert case.customer.address == "2 Oak Road, Northtown"
    assert case.customer.preferred_contact == "phone"
    assert body["customer"]["email"] == "sam@example.org"


def test_create_with_only_the_required_fields(handler_api):
    body = {key: NEW_CASE[key] for key in ("organisation", "kind", "channel", "received_at")}
    body |= {"summary": "No call back", "customer": {"name": "Lee"}}
    response = handler_api.post("/cases", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["desired_outcome"] == ""
    assert created["customer"]["name"] == "Lee"
    # No e-mail address and no phone number: by letter (the people service's one rule).
    assert Person.objects.get(name="Lee").preferred_contact == "letter"


def test_create_a_time_without_a_zone_is_london_time(handler_api):
    response = handler_api.post("/cases", NEW_CASE | {"received_at": "2026-03-13T17:30:00"})
    assert response.status_code == 201
    body = response.json()
    assert body["received_at"] == "2026-03-13T17:30:00Z"
    assert body["deemed_received_on"] == "2026-03-16"  # after the 17:00 cut-off on a Friday


def test_a_service_request_is_recorded_and_redirected(handler_api):
    response = handler_api.post("/cases", NEW_CASE | {"kind": "service_request"})
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["status"], body["closure_reason"]) == (
        "service_request",
        "closed",
        "redirected",
    )
    assert body["deadlines"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"received_at": FUTURE}, "received_at"),
        ({"received_at": "1970-01-01T10:00:00+00:00"}, "received_at"),
        ({"received_at": "0001-01-01T00:00:00+00:00"}, "received_at"),
        ({"received_at": "last Tuesday"}, "received_at"),
        ({"kind": "grumble"}, "kind"),
        ({"channel": "pigeon"}, "channel"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 301}, "summary"),
        ({"summary": 42}, "summary"),
        ({"summary": "a\u0000b"}, "summary"),
        ({"customer": "Pat"}, "customer"),
        ({"customer": {"name": "Pat", "email": "not-an-address"}}, "customer.email"),
        ({"customer": {"name": "Pat", "preferred_contact": "carrier pigeon"}}, None),
        ({"customer": None}, "customer"),
        ({"flags": ["famous"]}, None),
        ({"service_area": "Space travel"}, "service_area"),
        ({"customer_id": 999999}, "customer_id"),
        ({"customer_id": 99999999999999999999999}, "customer_id"),
        ({"matter_occurred_on": "soon"}, "matter_occurred_on"),
    ],
)
def test_create_bad_input_is_400_naming_the_field(handler_api, change, field):
    response = handler_api.post("/cases", NEW_CASE | change)
    error = error_of(response, 400, "invalid")
    if field is not None:
        assert any(k == field or k.startswith(f"{field}.") for k in error["fields"]), error
    else:
        assert error["fields"], error
    assert not Case.objects.exists()


def test_create_future_time_message(handler_api):
    error = error_of(handler_api.post("/cases", NEW_CASE | {"received_at": FUTURE}), 400, "invalid")
    assert error == {
        "code": "invalid",
        "message": FUTURE_MESSAGE,
        "fields": {"received_at": FUTURE_MESSAGE},
    }


def test_create_missing_fields_are_each_named(handler_api):
    error = error_of(handler_api.post("/cases", {}), 400, "invalid")
    assert set(error["fields"]) == {"organisation", "kind", "channel", "received_at", "summary"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"organisation": ', "application/json"),
        ("[]", "application/json"),
        ('"a string"', "application/json"),
        ("null", "application/json"),
        (b'{"summary": "\xff\xfe"}', "application/json"),
    ],
)
def test_create_malformed_body_is_400(handler_api, body, content_type):
    response = handler_api.post("/cases", body, content_type=content_type)
    error_of(response, 400, "invalid")


def test_create_kind_the_policy_does_not_handle_is_422_naming_the_rule(handler_api):
    error = error_of(
        handler_api.post("/cases", NEW_CASE | {"kind": "compliment"}), 422, "policy_rule"
    )
    assert error["message"] == (
        "This organisation's policy (hos-code-2024) does not handle compliment cases."
        " (policy rule: kinds)"
    )
    assert set(error["fields"]) == {"kind"}


def test_create_for_an_organisation_you_do_not_work_for_is_404(handler_api, other_org):
    error = error_of(
        handler_api.post("/cases", NEW_CASE | {"organisation": "south-homes"}), 404, "not_found"
    )
    assert error["message"] == "You do not work for south-homes."
    error_of(handler_api.post("/cases", NEW_CASE | {"organisation": "nowhere"}), 404, "not_found")
    assert not Case.objects.exists()


def test_create_a_conduct_case_the_recorder_may_not_then_read(handler_api, apis):
    """Recording a complaint about staff is 201; reading it back is for the complaints manager."""
    response = handler_api.post("/cases", NEW_CASE | {"flags": ["conduct"]})
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    assert response.json()["conduct"] is True
    error_of(handler_api.get(f"/cases/{reference}"), 404, "not_found")
    assert apis[Role.COMPLAINTS_MANAGER].get(f"/cases/{reference}").status_code == 200


# -- one case ----------------------------------------------------------------------------


def test_get_one_case_with_deadlines_explanations_and_chronology(handler_api, cases, actor):
    case = cases["ordinary"]
    case = case_acknowledge(case=case, actor=actor, occurred_at=at(2026, 3, 4, 11), method="email")
    handler_api.post(f"/cases/{case.reference}/note", {"text": "Called the contractor"})
    response = handler_api.get(f"/cases/{case.reference}")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == case.reference
    assert body["version"] == 3
    assert kinds(body) == ["received", "acknowledged", "note"]
    assert [e["sequence"] for e in body["events"]] == [1, 2, 3]
    assert body["events"][1]["occurred_at"] == "2026-03-04T11:00:00Z"
    assert body["events"][1]["actor"] == "Complaint Handler"
    assert body["events"][1]["data"] == {"method": "email"}
    assert body["events"][2]["data"] == {"text": "Called the contractor"}
    acknowledge = deadline(body, "stage1", "acknowledge")
    assert acknowledge["due"] == "2026-03-09"
    assert acknowledge["state"] == "met"
    assert acknowledge["completed_on"] == "2026-03-04"
    respond = deadline(body, "stage1", "respond")
    assert respond["due"] == "2026-03-18"  # 10 working days from 4 March
    assert respond["state"] == "pending"
    assert respond["projected"] is False
    assert "within 10 working days of the acknowledgement (Code 6.3)" in respond["explanation"]
    assert respond["source"] == "Code 6.3"
    assert body["customer"]["email"] == "pat@example.org"
    assert body["customer"]["redacted"] is False


def test_get_unknown_case_is_404(handler_api, db):
    error = error_of(handler_api.get("/cases/NH-2026-99999"), 404, "not_found")
    assert error["message"] == "There is no case NH-2026-99999 that you can see."


# -- every action ------------------------------------------------------------------------

Prepare = Callable[[dict[str, Case], Actor], None]
Check = Callable[[dict[str, Any], dict[str, Case]], None]


def _respond(cases: dict[str, Case], actor: Actor) -> None:
    case_respond(
        case=cases["ordinary"], actor=actor, outcome="not_upheld", text="We visited twice."
    )


def _investigate(cases: dict[str, Case], actor: Actor) -> None:
    case_request_investigation(case=cases["ordinary"], actor=actor, team="Repairs")


def _close(cases: dict[str, Case], actor: Actor) -> None:
    case_close(case=cases["ordinary"], actor=actor, reason="resolved")


def _nothing(cases: dict[str, Case], actor: Actor) -> None:
    return None


def _milestone(cases: dict[str, Case], actor: Actor) -> None:
    """At a stage 2 route with a milestone the handler marks as done (a call made)."""
    Case.objects.filter(pk=cases["ordinary"].pk).update(
        policy_pack="southern-housing-2020", stage="stage2", route="senior_manager_review"
    )


def _last_event(body: dict[str, Any]) -> dict[str, Any]:
    return body["events"][-1]


def _check_classify(body, cases):
    assert (body["kind"], body["status"], body["closure_reason"]) == (
        "service_request",
        "closed",
        "redirected",
    )
    assert kinds(body)[-2:] == ["classified", "closed"]


def _check_eligible(body, cases):
    assert (body["eligibility"], body["status"]) == ("accepted", "open")
    assert _last_event(body)["kind"] == "eligibility_decided"


def _check_acknowledge(body, cases):
    assert deadline(body, "stage1", "acknowledge")["completed_on"] == "2026-03-16"
    assert deadline(body, "stage1", "acknowledge")["state"] == "missed"  # due 9 March
    assert deadline(body, "stage1", "respond")["due"] == "2026-03-30"
    assert _last_event(body)["data"] == {"method": "letter"}


def _check_assign(body, cases):
    assert body["handler"] == "Complaint Handler"
    assert Case.objects.get(reference=body["reference"]).handler.username == "complaint_handler"


def _check_request_investigation(body, cases):
    assert body["investigating_team"] == "Repairs"
    assert body["investigator"] == "Investigating Officer"
    assert _last_event(body)["kind"] == "investigation_requested"


def _check_record_investigation(body, cases):
    assert _last_event(body)["kind"] == "investigator_replied"
    assert _last_event(body)["data"] == {"summary": "Contractor missed two visits"}


def _check_chase(body, cases):
    assert _last_event(body)["kind"] == "chased"
    assert _last_event(body)["data"]["note"] == "Chased the repairs team"


def _check_extend(body, cases):
    assert deadline(body, "stage1", "respond")["due"] == "2026-03-30"  # was 23 March
    data = _last_event(body)["data"]
    assert (data["previous_due"], data["new_due"], data["working_days"], data["reason"]) == (
        "2026-03-23",
        "2026-03-30",
        5,
        "complexity",
    )


def _check_respond(body, cases):
    assert body["status"] == "awaiting_escalation"
    assert _last_event(body)["data"]["outcome"] == "partly_upheld"
    assert body["issues"] == [
        {
            "number": 1,
            "description": "Boiler not repaired",
            "stage": "stage1",
            "outcome": "upheld",
            "reasons": "Two missed visits",
            # An issue naming no point of the definition adds one; it has no other parts.
            "point": 1,
            "finding": "",
            "remedy": "",
            "actions": [],
        }
    ]
    assert deadline(body, "stage1", "respond")["completed_on"] == "2026-03-16"


def _check_escalate(body, cases):
    assert (body["stage"], body["status"]) == ("stage2", "open")
    assert _last_event(body)["data"]["reasons"] == "Still no heating"
    assert deadline(body, "stage2", "acknowledge")["due"] == "2026-03-23"


def _check_refuse(body, cases):
    assert (body["status"], body["closure_reason"]) == ("closed", "refused")
    assert _last_event(body)["kind"] == "closed"
    assert kinds(body)[-2] == "escalation_refused"


def _check_close(body, cases):
    assert (body["status"], body["closure_reason"]) == ("closed", "resolved")
    assert body["closed_at"] == "2026-03-16T10:00:00Z"


def _check_reopen(body, cases):
    assert (body["status"], body["closure_reason"], body["closed_at"]) == ("open", "", None)
    assert _last_event(body)["data"] == {"reason": "New evidence"}


def _check_withdraw(body, cases):
    assert (body["status"], body["closure_reason"]) == ("closed", "withdrawn")


def _check_link(body, cases):
    assert body["links"] == [
        {"kind": "related", "reference": cases["named"].reference, "direction": "to"}
    ]
    assert CaseLink.objects.filter(from_case=cases["ordinary"], to_case=cases["named"]).exists()


def _check_flag(body, cases):
    assert "safeguarding" in body["flags"]
    assert _last_event(body)["kind"] == "flag_raised"
    assert _last_event(body)["data"]["reason"] == "Told by phone"


def _check_note(body, cases):
    assert _last_event(body)["data"] == {"text": "Called the contractor"}


def _check_contact(body, cases):
    assert _last_event(body)["kind"] == "contacted"
    assert _last_event(body)["data"] == {"summary": "Phoned Pat", "direction": "outbound"}


def _check_step_done(body, cases):
    assert _last_event(body)["kind"] == "step_done"
    assert _last_event(body)["data"] == {"step": "senior_manager_call"}


HAPPY: dict[str, tuple[Prepare, dict[str, Any], Check]] = {
    "classify": (_nothing, {"kind": "service_request"}, _check_classify),
    "decide-eligibility": (_nothing, {"accepted": True, "reason": "In time"}, _check_eligible),
    "acknowledge": (_nothing, {"method": "letter"}, _check_acknowledge),
    "assign": (_nothing, {"handler": "complaint_handler"}, _check_assign),
    "request-investigation": (
        _nothing,
        {"team": "Repairs", "investigator": "investigating_officer"},
        _check_request_investigation,
    ),
    "record-investigation": (
        _investigate,
        {"summary": "Contractor missed two visits"},
        _check_record_investigation,
    ),
    "chase": (_nothing, {"note": "Chased the repairs team"}, _check_chase),
    "extend": (_nothing, {"working_days": 5, "reason": "complexity"}, _check_extend),
    "respond": (
        _nothing,
        {
            "outcome": "partly_upheld",
            "text": "We are sorry the boiler was not repaired.",
            "issues": [
                {
                    "description": "Boiler not repaired",
                    "outcome": "upheld",
                    "reasons": "Two missed visits",
                }
            ],
        },
        _check_respond,
    ),
    "escalate": (_respond, {"reasons": "Still no heating"}, _check_escalate),
    "refuse-escalation": (
        _respond,
        {"ground": "exclusion", "explanation": "A claim has been filed at court."},
        _check_refuse,
    ),
    "close": (_nothing, {"reason": "resolved", "note": "Fixed"}, _check_close),
    "reopen": (_close, {"reason": "New evidence"}, _check_reopen),
    "withdraw": (_nothing, {"note": "Customer withdrew"}, _check_withdraw),
    "link": (_nothing, {"kind": "related"}, _check_link),  # other: the named case
    "note": (_nothing, {"text": "Called the contractor"}, _check_note),
    "flag": (
        _nothing,
        {"flag": "safeguarding", "raised": True, "reason": "Told by phone"},
        _check_flag,
    ),
    "contact": (_nothing, {"summary": "Phoned Pat", "direction": "outbound"}, _check_contact),
    "mark-step-done": (_milestone, {"step": "senior_manager_call"}, _check_step_done),
}
# Tested on their own below: split answers with the new cases, attach takes a file,
# make-formal needs an informal stage (another policy), add-member needs a manager.
SEPARATE = {"split", "attach", "make-formal", "add-member", "choose-route"}


def test_a_route_is_chosen_after_a_resident_escalates_without_one(db, clock):
    """A resident escalating in the portal names no route; staff choose one the policy allows."""
    southern = organisation_create(
        slug="southern", name="Southern", policy_pack="southern-housing-2020"
    )
    handler = make_user("southern_handler", southern, Role.COMPLAINT_HANDLER)
    case = case_receive(
        organisation=southern,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 2, 10),
        summary="The repair never happened",
        service_area="Repairs and Maintenance",
        category="Delay",
        customer=Person.objects.create(organisation=southern, name="Pat Resident"),
        actor=Actor(handler),
    )
    case = case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Sorry.")
    case = case_escalate(case=case, actor=Actor.system("portal"), reasons="Still broken")
    assert (case.stage, case.route) == ("stage2", "")
    client = api_for(handler)

    refused = client.post(
        f"/cases/{case.reference}/choose-route", {"route": "complaint_review_panel"}
    )
    assert refused.status_code == 422
    assert "only for cases whose earlier outcome was" in refused.json()["error"]["message"]

    chosen = client.post(
        f"/cases/{case.reference}/choose-route", {"route": "senior_manager_review"}
    )
    assert chosen.status_code == 200, chosen.content
    body = chosen.json()
    assert body["route"] == "senior_manager_review"
    assert body["events"][-1]["kind"] == "route_chosen"
    steps = {d["step"] for d in body["deadlines"] if d["stage"] == "stage2"}
    assert "senior_manager_call" in steps


def test_a_manager_names_a_panel_member_who_then_sees_the_case(apis, cases):
    reference = cases["ordinary"].reference
    panel = apis[Role.PANEL_MEMBER]
    assert panel.get(f"/cases/{reference}").status_code == 404

    response = apis[Role.COMPLAINTS_MANAGER].post(
        f"/cases/{reference}/add-member", {"username": "panel_member", "role": "panel_member"}
    )

    assert response.status_code == 200
    assert response.json()["events"][-1]["kind"] == "member_added"
    seen = panel.get(f"/cases/{reference}")
    assert seen.status_code == 200
    assert seen.json()["customer"]["redacted"] is True
    again = apis[Role.COMPLAINTS_MANAGER].post(
        f"/cases/{reference}/add-member", {"username": "panel_member", "role": "panel_member"}
    )
    assert again.status_code == 409


def test_every_action_endpoint_has_a_happy_path():
    assert set(action_paths()) == set(HAPPY) | SEPARATE


def _body(action: str, cases: dict[str, Case]) -> dict[str, Any]:
    body = dict(HAPPY[action][1])
    if action == "link":
        body["other"] = cases["named"].reference
    return body


# Refusing an escalation is a manager's decision.
MANAGERS_ONLY = {"refuse-escalation"}


@pytest.mark.parametrize("action", sorted(HAPPY))
def test_action_happy_path(apis, cases, actor, action):
    prepare, _, check = HAPPY[action]
    prepare(cases, actor)
    case = Case.objects.get(pk=cases["ordinary"].pk)
    handler_api = apis[Role.MANAGER if action in MANAGERS_ONLY else Role.COMPLAINT_HANDLER]
    response = handler_api.post(
        f"/cases/{case.reference}/{action}", _body(action, cases) | {"version": case.version}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reference"] == case.reference
    assert body["version"] == case.version + 1
    check(body, cases)
    assert handler_api.get(f"/cases/{case.reference}").json() == body


@pytest.mark.parametrize("action", sorted(HAPPY))
def test_action_in_the_future_is_400_and_changes_nothing(apis, cases, actor, action):
    prepare, _, _ = HAPPY[action]
    prepare(cases, actor)
    handler_api = apis[Role.MANAGER if action in MANAGERS_ONLY else Role.COMPLAINT_HANDLER]
    case = Case.objects.get(pk=cases["ordinary"].pk)
    events = Event.objects.filter(case=case).count()
    response = handler_api.post(
        f"/cases/{case.reference}/{action}", _body(action, cases) | {"occurred_at": FUTURE}
    )
    error = error_of(response, 400, "invalid")
    assert error["fields"] == {"occurred_at": FUTURE_MESSAGE}
    assert Case.objects.get(pk=case.pk).version == case.version
    assert Event.objects.filter(case=case).count() == events


def test_occurred_at_in_the_past_is_when_it_happened(handler_api, cases):
    reference = cases["ordinary"].reference
    response = handler_api.post(
        f"/cases/{reference}/acknowledge", {"occurred_at": "2026-03-05T12:00:00+00:00"}
    )
    assert response.status_code == 200
    acknowledge = deadline(response.json(), "stage1", "acknowledge")
    assert (acknowledge["completed_on"], acknowledge["state"]) == ("2026-03-05", "met")
    error = error_of(
        handler_api.post(f"/cases/{reference}/note", {"text": "x", "occurred_at": "2026-03-01"}),
        400,
        "invalid",
    )
    assert error["fields"] == {
        "occurred_at": "That is before the case was received (Mon 2 Mar 2026)."
    }


def test_split_creates_linked_cases(handler_api, cases):
    case = cases["ordinary"]
    response = handler_api.post(
        f"/cases/{case.reference}/split", {"summaries": ["Boiler", "Rude operative"]}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == ["NH-2026-00004", "NH-2026-00005"]
    assert body["case"]["version"] == 2
    assert kinds(body["case"])[-1] == "split"
    assert body["case"]["links"] == [
        {"kind": "split_from", "reference": "NH-2026-00004", "direction": "from"},
        {"kind": "split_from", "reference": "NH-2026-00005", "direction": "from"},
    ]
    child = handler_api.get("/cases/NH-2026-00005").json()
    assert child["summary"] == "Rude operative"
    assert child["links"] == [
        {"kind": "split_from", "reference": case.reference, "direction": "to"}
    ]
    assert error_of(
        handler_api.post(
            f"/cases/{case.reference}/split", {"summaries": ["x"], "occurred_at": FUTURE}
        ),
        400,
        "invalid",
    )["fields"] == {"occurred_at": FUTURE_MESSAGE}
    error_of(handler_api.post(f"/cases/{case.reference}/split", {"summaries": []}), 400, "invalid")
    error_of(
        handler_api.post(f"/cases/{case.reference}/split", {"summaries": ["x" * 301]}),
        400,
        "invalid",
    )


@pytest.fixture
def informal(clock, users):
    """A case at an informal stage (Feedback with Investigation) of another organisation."""
    east = organisation_create(
        slug="east-homes", name="East Homes", policy_pack="feedback-policy-2021"
    )
    for role in (Role.COMPLAINT_HANDLER, Role.MANAGER):
        Membership.objects.create(user=users[role], organisation=east, role=role)
    customer = Person.objects.create(organisation=east, name="Eve East", email="eve@example.org")
    return case_receive(
        organisation=east,
        kind="dissatisfaction",
        channel="phone",
        received_at=at(2026, 3, 2),
        summary="Bins not collected",
        actor=Actor(users[Role.COMPLAINT_HANDLER]),
        customer=customer,
    )


def test_make_formal(handler_api, informal):
    assert informal.stage == "feedback_investigation"
    error = error_of(
        handler_api.post(f"/cases/{informal.reference}/make-formal", {"occurred_at": FUTURE}),
        400,
        "invalid",
    )
    assert error["fields"] == {"occurred_at": FUTURE_MESSAGE}
    response = handler_api.post(f"/cases/{informal.reference}/make-formal", {"reason": "Asked"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stage"], body["kind"], body["status"]) == ("stage1", "complaint", "open")
    assert kinds(body)[-1] == "made_formal"
    assert deadline(body, "stage1", "respond")["due"] == "2026-03-26"  # 8 working days
    # A formal complaint cannot be made formal again.
    error = error_of(
        handler_api.post(f"/cases/{informal.reference}/make-formal", {}), 409, "wrong_state"
    )
    assert error["message"] == "The case is already a formal complaint."


# -- attachments -------------------------------------------------------------------------


def test_attach_a_pdf(handler_api, cases):
    case = cases["ordinary"]
    response = handler_api.upload(
        f"/cases/{case.reference}/attach",
        {
            "file": SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
            "version": "1",
            "occurred_at": "2026-03-10T09:00:00+00:00",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert kinds(body)[-1] == "attachment"
    assert body["events"][-1]["data"]["name"] == "letter.pdf"
    assert body["events"][-1]["occurred_at"] == "2026-03-10T09:00:00Z"
    attachment = Attachment.objects.get(case=case)
    assert (attachment.content_type, attachment.size) == ("application/pdf", len(PDF))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"file": ("page.html", b"<html></html>", "text/html")}, "file"),
        ({"file": ("run.exe", b"MZ\x90\x00", "application/x-msdownload")}, "file"),
        ({"file": ("fake.pdf", b"not a pdf at all", "application/pdf")}, "file"),
        ({}, "file"),
        ({"file": ("a.pdf", PDF, "application/pdf"), "version": "two"}, "version"),
        ({"file": ("a.pdf", PDF, "application/pdf"), "version": "0"}, "version"),
        ({"file": ("a.pdf", PDF, "application/pdf"), "occurred_at": FUTURE}, "occurred_at"),
        ({"file": ("a.pdf", PDF, "application/pdf"), "occurred_at": "soon"}, "occurred_at"),
    ],
)
def test_attach_bad_input_is_400(handler_api, cases, data, field):
    case = cases["ordinary"]
    form: dict[str, Any] = {}
    for key, value in data.items():
        form[key] = (
            SimpleUploadedFile(value[0], value[1], content_type=value[2])
            if key == "file"
            else value
        )
    error = error_of(handler_api.upload(f"/cases/{case.reference}/attach", form), 400, "invalid")
    assert field in error["fields"], error
    assert not Attachment.objects.exists()


def test_attach_with_a_stale_version_is_409(handler_api, cases):
    case = cases["ordinary"]
    handler_api.post(f"/cases/{case.reference}/note", {"text": "first"})
    response = handler_api.upload(
        f"/cases/{case.reference}/attach",
        {"file": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"), "version": "1"},
    )
    error_of(response, 409, "conflict")


# -- conflicts and the policy's rules ----------------------------------------------------


def test_stale_version_is_409_and_saves_nothing(handler_api, manager_api, cases):
    reference = cases["ordinary"].reference
    assert (
        handler_api.post(f"/cases/{reference}/note", {"text": "mine", "version": 1}).status_code
        == 200
    )
    error = error_of(
        manager_api.post(f"/cases/{reference}/close", {"reason": "resolved", "version": 1}),
        409,
        "conflict",
    )
    assert "it is now at version 2; you were working on version 1" in error["message"]
    assert handler_api.get(f"/cases/{reference}").json()["status"] == "open"


def test_an_action_that_does_not_fit_the_case_is_409(handler_api, cases):
    reference = cases["ordinary"].reference
    assert handler_api.post(f"/cases/{reference}/acknowledge", {}).status_code == 200
    error = error_of(handler_api.post(f"/cases/{reference}/acknowledge", {}), 409, "wrong_state")
    assert error["message"] == "This stage was already acknowledged on Mon 16 Mar 2026."
    error_of(handler_api.post(f"/cases/{reference}/escalate", {}), 409, "wrong_state")
    error_of(handler_api.post(f"/cases/{reference}/reopen", {"reason": "x"}), 409, "wrong_state")
    error_of(handler_api.post(f"/cases/{reference}/record-investigation", {}), 409, "wrong_state")


def test_extension_beyond_the_cap_is_422_naming_the_rule(handler_api, cases):
    reference = cases["ordinary"].reference
    error = error_of(
        handler_api.post(
            f"/cases/{reference}/extend", {"working_days": 11, "reason": "complexity"}
        ),
        422,
        "policy_rule",
    )
    assert "(policy rule: extension.max_days, Code 6.4-6.5)" in error["message"]
    assert set(error["fields"]) == {"working_days"}
    # Within the cap, then past it in total.
    ok = handler_api.post(
        f"/cases/{reference}/extend", {"working_days": 6, "reason": "third_party"}
    )
    assert ok.status_code == 200
    error = error_of(
        handler_api.post(f"/cases/{reference}/extend", {"working_days": 5, "reason": "complexity"}),
        422,
        "policy_rule",
    )
    assert "extension.max_days" in error["message"]


def test_an_extension_unexplained_to_the_resident_is_400(handler_api, cases):
    # The Code lists no reasons; they must be clearly explained to the resident (6.4).
    error = error_of(
        handler_api.post(f"/cases/{cases['ordinary'].reference}/extend", {"working_days": 2}),
        400,
        "invalid",
    )
    assert "Explain in your own words why more time is needed" in error["message"]
    assert set(error["fields"]) == {"explanation"}


def test_refusing_escalation_on_a_ground_the_policy_does_not_give_is_422(manager_api, cases, actor):
    handler_api = manager_api
    _respond(cases, actor)
    reference = cases["ordinary"].reference
    error = error_of(
        handler_api.post(
            f"/cases/{reference}/refuse-escalation",
            {"ground": "too_late", "explanation": "You took too long."},
        ),
        422,
        "policy_rule",
    )
    assert error["message"] == (
        "'too_late' is not a ground this policy gives for refusing escalation (it gives: "
        "exclusion). (policy rule: escalation.refusal_grounds, Code 6.10-6.13)"
    )
    assert handler_api.get(f"/cases/{reference}").json()["status"] == "awaiting_escalation"


def test_the_same_handler_at_stage_2_is_422(handler_api, cases, actor, users):
    case = case_assign(case=cases["ordinary"], actor=actor, handler=users[Role.COMPLAINT_HANDLER])
    case_respond(case=case, actor=actor, outcome="not_upheld", text="No fault found.")
    case_escalate(case=case, actor=actor, reasons="Disagree")
    error = error_of(
        handler_api.post(f"/cases/{case.reference}/assign", {"handler": "complaint_handler"}),
        422,
        "policy_rule",
    )
    assert "policy rule: escalation.different_handler" in error["message"]


@pytest.fixture
def late(informal, users, clock):
    """A Stage 1 complaint answered on 3 March whose 10-working-day window shut on 17 March."""
    actor = Actor(users[Role.COMPLAINT_HANDLER])
    case = case_make_formal(case=informal, actor=actor, occurred_at=at(2026, 3, 2, 11))
    case = case_respond(
        case=case, actor=actor, outcome="not_upheld", text="Collected.", occurred_at=at(2026, 3, 3)
    )
    clock(2026, 3, 25, 10)
    return case


def test_a_late_escalation_is_422_naming_the_rule(late, users):
    handler = api_for(users[Role.COMPLAINT_HANDLER])
    error = error_of(
        handler.post(f"/cases/{late.reference}/escalate", {"reasons": "Still not collected"}),
        422,
        "policy_rule",
    )
    assert error["message"] == (
        "The window to escalate closed on Tue 17 Mar 2026. A manager may accept the request late: "
        "record that decision with its reason. (policy rule: escalation.window_days, 4)"
    )
    assert error["fields"] == {"accept_late": "A manager's decision is needed."}
    # Only a manager may accept it late.
    error_of(
        handler.post(f"/cases/{late.reference}/escalate", {"accept_late": True}), 403, "forbidden"
    )
    manager = api_for(users[Role.MANAGER])
    response = manager.post(
        f"/cases/{late.reference}/escalate",
        {"accept_late": True, "late_reason": "In hospital", "reasons": "Still not collected"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "stage2"
    assert response.json()["events"][-1]["data"]["late"] is True


# -- bad input to actions ----------------------------------------------------------------


VALID: dict[str, dict[str, Any]] = {
    **{action: body for action, (_, body, _) in HAPPY.items()},
    "link": {"other": "NH-2026-00003"},
    "split": {"summaries": ["One", "Two"]},
    "make-formal": {},
    "attach": {},
    "add-member": {"username": "panel_member", "role": "panel_member"},
    "choose-route": {"route": "senior_manager_review"},
}


@pytest.mark.parametrize("action", action_paths())
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"text": ', None),
        ("[1, 2]", None),
        ('"text"', None),
        ("3", None),
        ("null", None),
        ({"version": "two"}, "version"),
        ({"version": 0}, "version"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at"),
    ],
)
def test_action_bad_input_is_400_never_5xx(apis, cases, action, body, field):
    reference = cases["ordinary"].reference
    handler_api = apis[Role.MANAGER]
    if action == "attach":
        response = handler_api.client.post(
            f"/api/v1/cases/{reference}/attach",
            body if isinstance(body, str) else "",
            content_type="application/json",
            **handler_api.headers(),
        )
        error_of(response, 400, "invalid")
        return
    if isinstance(body, dict):  # only the field under test is wrong
        body = VALID[action] | body
    response = handler_api.post(f"/cases/{reference}/{action}", body)
    error = error_of(response, 400, "invalid")
    if field:
        assert set(error["fields"]) == {field}, error
    assert Case.objects.get(pk=cases["ordinary"].pk).version == 1


@pytest.mark.parametrize(
    ("action", "body", "fields"),
    [
        ("respond", {}, {"outcome", "text"}),
        ("respond", {"outcome": "great", "text": "x"}, {"outcome"}),
        ("respond", {"outcome": "upheld", "text": ""}, {"text"}),
        (
            "respond",
            {"outcome": "upheld", "text": "x", "issues": [{"outcome": "upheld"}]},
            {"issues.0.description"},
        ),
        ("extend", {}, {"working_days"}),
        ("extend", {"working_days": "ten", "reason": "complexity"}, {"working_days"}),
        ("extend", {"working_days": 0, "reason": "complexity"}, {"working_days"}),
        ("escalate", {"reasons": ["not", "text"]}, {"reasons"}),
        ("escalate", {"route": 7}, {"route"}),
        ("close", {"reason": "bored"}, {"reason"}),
        ("reopen", {}, {"reason"}),
        ("link", {"other": "NH-2026-99999"}, {"other"}),
        ("link", {"other": "NH-2026-00002", "kind": "cousin"}, {"kind"}),
        ("assign", {}, {"handler"}),
        ("assign", {"handler": "nobody"}, {"handler"}),
        ("assign", {"handler": "outsider"}, {"handler"}),
        ("note", {"text": ""}, {"text"}),
        ("note", {"text": "a\u0000b"}, {"text"}),
        ("request-investigation", {}, {"team"}),
        ("decide-eligibility", {"accepted": False}, {"exclusion"}),
        (
            "decide-eligibility",
            {"accepted": False, "exclusion": "whim", "reason": "x"},
            {"exclusion"},
        ),
        ("mark-step-done", {"step": "dance"}, {"step"}),
        ("contact", {"summary": "x", "direction": "sideways"}, {"direction"}),
        ("split", {"summaries": [""]}, {"summaries"}),
        ("classify", {}, {"kind"}),
    ],
)
def test_action_missing_or_wrong_fields_are_400(handler_api, cases, action, body, fields):
    reference = cases["ordinary"].reference
    error = error_of(handler_api.post(f"/cases/{reference}/{action}", body), 400, "invalid")
    assert set(error["fields"]) == fields


def test_linking_to_a_restricted_case_you_cannot_see_is_400_as_if_absent(handler_api, cases):
    error = error_of(
        handler_api.post(
            f"/cases/{cases['ordinary'].reference}/link", {"other": cases["restricted"].reference}
        ),
        400,
        "invalid",
    )
    assert error["message"] == f"There is no case {cases['restricted'].reference} that you can see."
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/cases/%00",
        "/cases?q=%00",
        "/cases?handler=%00",
        "/cases?organisation=%00",
        "/cases?cursor=%00",
        "/cases?due_before=tomorrow",
        "/cases?overdue=perhaps",
        "/cases?due=soon",
        "/cases?due=",
        "/cases?flags=nope",
        "/cases?flags=%00",
        "/cases?flags=safeguarding&flags=",
        "/cases?limit=lots",
        "/cases?limit=99999999999999999999999",
        "/people?q=%00",
        "/people/%00",
        "/organisations/%00",
        "/policies/%00",
        "/policies/%00/check",
    ],
)
def test_bad_reads_are_400_never_5xx(handler_api, cases, path):
    response = handler_api.client.get(f"/api/v1{path}", **handler_api.headers())
    error_of(response, 400, "invalid")


def test_huge_ids_are_404_never_5xx(handler_api, cases):
    for person_id in ("99999999999999999999999", "9223372036854775808", "-1"):
        error_of(handler_api.get(f"/people/{person_id}"), 404, "not_found")
    error_of(handler_api.get("/cases/" + "X" * 5000), 404, "not_found")


# -- listing -----------------------------------------------------------------------------


@pytest.fixture
def listed(receive, users, org, other_org, actor):
    """Five cases seen by one handler working for both organisations."""
    multi = make_user("multi", org, Role.COMPLAINT_HANDLER)
    Membership.objects.create(user=multi, organisation=other_org, role=Role.COMPLAINT_HANDLER)
    robin = Person.objects.create(organisation=org, name="Robin Damp", email="robin@example.org")
    quinn = Person.objects.create(organisation=other_org, name="Quinn Other")
    c1 = receive(summary="Boiler broken since January", service_area="Repairs")
    c1 = case_assign(case=c1, actor=actor, handler=users[Role.COMPLAINT_HANDLER])
    c2 = receive(kind="service_request", summary="Please fix my gate", received_at=at(2026, 3, 3))
    c3 = receive(summary="Noise from next door", received_at=at(2026, 3, 4))
    c3 = case_acknowledge(case=c3, actor=actor, occurred_at=at(2026, 3, 4, 12))
    c3 = case_respond(
        case=c3, actor=actor, outcome="not_upheld", text="x", occurred_at=at(2026, 3, 5)
    )
    c3 = case_escalate(case=c3, actor=actor, reasons="Still noisy")
    c4 = receive(
        organisation=other_org, person=quinn, summary="Lift broken", received_at=at(2026, 3, 5)
    )
    c5 = receive(
        person=robin,
        summary="Mould in the bathroom",
        service_area="Damp and mould",
        received_at=at(2026, 3, 16, 9),
    )
    return api_for(multi), {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5}


def _listed(client, params: dict[str, Any]) -> list[str]:
    response = client.get("/cases", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next_cursor"] is None
    return [c["reference"] for c in body["results"]]


def test_list_everything_newest_first(listed):
    client, made = listed
    names = {c.reference: name for name, c in made.items()}
    assert [names[r] for r in _listed(client, {})] == ["c5", "c4", "c3", "c2", "c1"]
    first = client.get("/cases").json()["results"][0]
    assert set(first) == {
        "reference",
        "organisation",
        "kind",
        "channel",
        "stage",
        "route",
        "status",
        "received_at",
        "summary",
        "service_area",
        "category",
        "handler",
        "next_due_on",
        "next_due_step",
        "conduct",
        "version",
    }
    assert (first["next_due_on"], first["next_due_step"]) == ("2026-03-23", "stage1:acknowledge")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"organisation": "south-homes"}, {"c4"}),
        ({"organisation": "north-homes"}, {"c1", "c2", "c3", "c5"}),
        ({"kind": "service_request"}, {"c2"}),
        ({"kind": "complaint"}, {"c1", "c3", "c4", "c5"}),
        ({"stage": "stage2"}, {"c3"}),
        ({"stage": "stage1"}, {"c1", "c4", "c5"}),
        ({"status": "closed"}, {"c2"}),
        ({"status": "open"}, {"c1", "c3", "c4", "c5"}),
        ({"handler": "complaint_handler"}, {"c1"}),
        ({"handler": "nobody"}, set()),
        ({"service_area": "Damp and mould"}, {"c5"}),
        ({"due_before": "2026-03-11"}, {"c1"}),
        ({"due_before": "2026-03-13"}, {"c1", "c4"}),
        ({"due_before": "2026-03-24"}, {"c1", "c3", "c4", "c5"}),
        ({"overdue": "true"}, {"c1", "c4"}),
        ({"overdue": "false"}, {"c2", "c3", "c5"}),
        ({"q": "robin"}, {"c5"}),
        ({"q": "BOILER"}, {"c1"}),
        ({"q": "quinn"}, {"c4"}),
        ({"q": "nothing like this"}, set()),
        ({"due": "overdue"}, {"c1", "c4"}),
        ({"due": "today"}, set()),
        ({"due": "week"}, {"c3", "c5"}),
        ({"due": "fortnight"}, {"c3", "c5"}),
        ({"q": "nt11aa"}, {"c1", "c2", "c3"}),  # the customer's postcode, without its space
        ({"q": "NT1 1AA", "status": "open"}, {"c1", "c3"}),
        ({"organisation": "north-homes", "overdue": "true"}, {"c1"}),
        ({"kind": "complaint", "status": "open", "stage": "stage1", "q": "lift"}, {"c4"}),
    ],
)
def test_list_filters_narrow(listed, params, expected):
    client, made = listed
    by_reference = {c.reference: name for name, c in made.items()}
    assert {by_reference[r] for r in _listed(client, params)} == expected


def test_list_by_flags_has_every_flag_given(receive, handler_api):
    receive(summary="plain")
    receive(summary="safe", flags=["safeguarding"])
    receive(summary="both", flags=["safeguarding", "vulnerability"])

    def summaries(params: dict[str, Any]) -> set[str]:
        response = handler_api.get("/cases", params)
        assert response.status_code == 200, response.content
        return {c["summary"] for c in response.json()["results"]}

    assert summaries({}) == {"plain", "safe", "both"}
    assert summaries({"flags": "safeguarding"}) == {"safe", "both"}
    assert summaries({"flags": ["safeguarding", "vulnerability"]}) == {"both"}
    assert summaries({"flags": "health_and_safety"}) == set()


def test_list_an_unknown_flag_or_due_window_is_400_naming_it(handler_api, cases):
    error = error_of(handler_api.get("/cases", {"flags": ["safeguarding", "x"]}), 400, "invalid")
    assert set(error["fields"]) == {"flags"}
    assert "safeguarding" in error["fields"]["flags"]
    error = error_of(handler_api.get("/cases", {"due": "soon"}), 400, "invalid")
    assert set(error["fields"]) == {"due"}


def test_list_finds_a_postcode_only_for_those_who_may_see_contact_details(apis, cases):
    def found(role: str, q: str) -> set[str]:
        response = apis[role].get("/cases", {"q": q})
        assert response.status_code == 200, response.content
        return {c["reference"] for c in response.json()["results"]}

    everyone = {cases["ordinary"].reference, cases["named"].reference}
    assert found(Role.COMPLAINT_HANDLER, "nt11aa") == everyone  # not the restricted case
    assert found(Role.INVESTIGATING_OFFICER, "NT1 1AA") == {cases["named"].reference}
    # The panel member sees the case put to them, not its customer's postcode.
    assert found(Role.PANEL_MEMBER, "NT1 1AA") == set()
    assert found(Role.PANEL_MEMBER, "damp") == {cases["named"].reference}


def test_list_filter_by_reference(listed):
    client, made = listed
    assert _listed(client, {"q": made["c3"].reference}) == [made["c3"].reference]
    assert _listed(client, {"q": made["c3"].reference.lower()}) == [made["c3"].reference]


def test_list_only_the_users_organisations(listed, handler_api):
    _client, made = listed
    seen = _listed(handler_api, {})
    assert made["c4"].reference not in seen
    assert _listed(handler_api, {"organisation": "south-homes"}) == []


def test_cursor_pagination_walks_every_case_once_in_a_stable_order(receive, handler_api):
    # Three cases at the same moment: the tie is broken the same way on every page.
    same = at(2026, 3, 9, 12)
    made = [
        receive(summary=f"case {n}", received_at=moment)
        for n, moment in enumerate(
            [at(2026, 3, 2), same, same, same, at(2026, 3, 12), at(2026, 3, 3)]
        )
    ]
    expected = [
        c.reference for c in sorted(made, key=lambda c: (c.received_at, c.pk), reverse=True)
    ]
    seen: list[str] = []
    pages = 0
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        response = handler_api.get("/cases", params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["results"]) <= 2
        seen += [c["reference"] for c in body["results"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert pages < 10
    assert seen == expected
    assert len(set(seen)) == 6
    assert pages == 3
    # The same walk again gives the same pages.
    again = handler_api.get("/cases", {"limit": 2}).json()
    assert [c["reference"] for c in again["results"]] == expected[:2]


def test_cursor_pagination_with_filters(receive, handler_api):
    for n in range(5):
        receive(summary=f"leak {n}", received_at=at(2026, 3, 2 + n))
    receive(summary="noise", received_at=at(2026, 3, 9))
    first = handler_api.get("/cases", {"limit": 2, "q": "leak"}).json()
    second = handler_api.get(
        "/cases", {"limit": 2, "q": "leak", "cursor": first["next_cursor"]}
    ).json()
    third = handler_api.get(
        "/cases", {"limit": 2, "q": "leak", "cursor": second["next_cursor"]}
    ).json()
    summaries = [c["summary"] for page in (first, second, third) for c in page["results"]]
    assert summaries == ["leak 4", "leak 3", "leak 2", "leak 1", "leak 0"]
    assert third["next_cursor"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!!",
        "MjAyNi0wMy0wMlQxMDowMDowMHwx",  # a time without a zone
        "bm90IGEgZGF0ZXwx",  # "not a date|1"
        "MjAyNi0wMy0wMlQxMDowMDowMCswMDowMHx4",  # a date, then not a number
        "\u00e9t\u00e9",
    ],
)
def test_a_garbage_cursor_is_400(handler_api, cases, cursor):
    error = error_of(handler_api.get("/cases", {"cursor": cursor}), 400, "invalid")
    assert set(error["fields"]) == {"cursor"}


@pytest.mark.parametrize("limit", [0, -1, 201])
def test_limit_out_of_range_is_400(handler_api, cases, limit):
    error = error_of(handler_api.get("/cases", {"limit": limit}), 400, "invalid")
    assert set(error["fields"]) == {"limit"}


def test_attach_a_file_whose_name_says_nothing_useful_is_stored_as_what_it_is(handler_api, cases):
    sent = "a." + "x" * 200
    response = handler_api.upload(
        f"/cases/{cases['ordinary'].reference}/attach",
        {"file": SimpleUploadedFile(sent, PDF, content_type="application/pdf")},
    )
    assert response.status_code == 200, response.content
    attachment = Attachment.objects.get()
    assert attachment.name == sent[:200]  # shown as it was sent
    assert attachment.file.name.endswith(".pdf")  # stored as the PDF it is


# -- people ------------------------------------------------------------------------------


def test_people_create_and_read(handler_api, org):
    response = handler_api.post(
        "/people",
        {"organisation": "north-homes", "name": "Nia New", "email": "nia@example.org"},
    )
    assert response.status_code == 201, response.content
    person = response.json()
    assert (person["name"], person["email"], person["organisation"]) == (
        "Nia New",
        "nia@example.org",
        "north-homes",
    )
    assert handler_api.get(f"/people/{person['id']}").json() == {**person, "restrictions": []}
    assert [p["name"] for p in handler_api.get("/people", {"q": "nia"}).json()] == ["Nia New"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Nia", "email": "not-an-address"}, "email"),
        ({"name": ""}, "name"),
        ({"name": "Nia\u0000"}, "name"),
        ({"name": "Nia", "postcode": "X" * 11}, "postcode"),
        ({"name": "Nia", "tenure": "squatter"}, "tenure"),
        ({}, "name"),
    ],
)
def test_people_create_bad_input_is_400(handler_api, org, body, field):
    error = error_of(
        handler_api.post("/people", {"organisation": "north-homes"} | body), 400, "invalid"
    )
    assert set(error["fields"]) == {field}
    assert not Person.objects.exists()
