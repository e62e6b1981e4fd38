"""Every endpoint against every role and a user of another organisation: nothing leaks.

The expectations below restate the rules of ``putright.accounts.access`` (its docstring)
in the words of the issue, independently of the code:

- complaint handlers, managers, senior managers, complaints managers, administrators, data
  protection officers and API clients see their organisation's cases;
- investigating officers and panel members see only the cases they are named on; panel
  members without the customer's contact details;
- the board member sees no case and no customer; where the pack makes the board approve the
  largest awards, the board member lists and decides the awards waiting for the board, and
  sees the award, never the case;
- a conduct case is seen by the complaints manager and the people named on it, and each
  read is recorded;
- acting on a case you may see but not change is 403; a case you may not see is 404;
- a user of another organisation sees nothing of this one.

The endpoints come from the OpenAPI document, so a new endpoint without an expectation here
fails ``test_every_endpoint_has_an_expectation`` and its own matrix rows.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from putright.accounts.access import (
    ACTION_ROLES,
    HAZARD_ACTIONS,
    LEARNING_ACTIONS,
    MEETING_ACTIONS,
    OMBUDSMAN_ACTIONS,
    PERSON_ACTIONS,
    PETITION_ACTIONS,
    PRIVACY_ACTIONS,
)
from putright.accounts.models import AccessLog, Role, User
from putright.actions.cases import CASE_ACTIONS
from putright.actions.remedies import REMEDY_ACTIONS
from putright.api.api import api
from putright.cases.models import Case, CaseMember, EventKind
from putright.cases.services import (
    Actor,
    case_classify,
    case_close,
    case_link,
    case_record_contact,
    case_record_event,
    case_request_investigation,
    case_respond,
)
from putright.organisations.services import organisation_create
from putright.people.models import Person
from putright.remedies.models import Award, AwardStatus
from putright.remedies.services import (
    ComponentIn,
    action_add,
    award_answer,
    award_offer,
    award_propose,
    loss_record,
)

from .conftest import NOW, api_for, at, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

HANDLER = Role.COMPLAINT_HANDLER.value
OFFICER = Role.INVESTIGATING_OFFICER.value
MANAGER = Role.MANAGER.value
SENIOR = Role.SENIOR_MANAGER.value
COMPLAINTS_MANAGER = Role.COMPLAINTS_MANAGER.value
PANEL = Role.PANEL_MEMBER.value
BOARD = Role.BOARD_MEMBER.value
DPO = Role.DATA_PROTECTION_OFFICER.value
ADMIN = Role.ADMINISTRATOR.value
CLIENT = Role.API_CLIENT.value
OUTSIDER = "outsider"  # every role, in another organisation

USERS = [role.value for role in Role] + [OUTSIDER]
TARGETS = ["ordinary", "restricted", "named"]

# Who sees the organisation's (unrestricted) cases and its customers.
READERS = {HANDLER, MANAGER, SENIOR, COMPLAINTS_MANAGER, ADMIN, DPO, CLIENT}
# Who is named on each case.
NAMED = {"ordinary": set(), "restricted": set(), "named": {OFFICER, PANEL}}
# Who records and works cases.
CASEWORKERS = {HANDLER, MANAGER, SENIOR, COMPLAINTS_MANAGER, CLIENT}
MANAGERS = {MANAGER, SENIOR, COMPLAINTS_MANAGER}
# What is in the other organisation's responses must never be any of these.
SECRETS = [
    "Pat Resident",
    "pat@example.org",
    "07700 900123",
    "Ash Grove",
    "Ordinary: the boiler",
    "Restricted: a housing officer",
    "Named: damp in the bedroom",
]
CONTACT_DETAILS = ["pat@example.org", "07700 900123", "Ash Grove", "NT1 1AA"]


def sees(user: str, target: str) -> bool:
    if user == OUTSIDER:
        return False
    if target == "restricted":
        return user == COMPLAINTS_MANAGER or user in NAMED[target]
    return user in READERS or user in NAMED[target]


def may(action: str, user: str) -> bool:
    if action in {"refuse-escalation", "add-member"}:
        return user in MANAGERS
    if action in {"record-investigation", "note", "attach"}:
        return user in CASEWORKERS | {OFFICER}
    # A panel member proposes and decides on compensation on the cases put to the panel (they
    # see no other); offering it to the customer, recording their answer, paying and
    # recording remedies is for caseworkers, who may see the customer.
    if action == "award-propose":
        return user in CASEWORKERS | {PANEL}
    if action == "award-decide":
        return user in MANAGERS | {PANEL}
    return user in CASEWORKERS


# -- the world ---------------------------------------------------------------------------


@pytest.fixture
def org(db):
    """The organisation under test: on a pack with an informal stage (for make-formal)."""
    return organisation_create(slug="north-homes", name="North Homes", policy_pack="rooftop-2023")


@pytest.fixture
def world(clock, users, cases, org, other_org):
    Person.objects.create(organisation=other_org, name="Quinn Other", email="quinn@example.org")
    return cases


@dataclass
class Call:
    """One request: what to prepare on the target case, then what to send."""

    method: str
    path: str
    body: Any = None
    multipart: bool = False


Prepare = Callable[[Case, Actor], Case]


def _same(case: Case, actor: Actor) -> Case:
    return case


def _milestone(case: Case, actor: Actor) -> Case:
    """At a stage 2 route whose steps include a milestone the handler marks as done."""
    Case.objects.filter(pk=case.pk).update(
        policy_pack=ROUTES_PACK, stage="stage2", route="senior_manager_review"
    )
    return Case.objects.get(pk=case.pk)


def _investigate(case: Case, actor: Actor) -> Case:
    return case_request_investigation(case=case, actor=actor, team="Repairs")


def _respond(case: Case, actor: Actor) -> Case:
    return case_respond(case=case, actor=actor, outcome="not_upheld", text="We visited.")


def _close(case: Case, actor: Actor) -> Case:
    return case_close(case=case, actor=actor, reason="resolved")


def _informal(case: Case, actor: Actor) -> Case:
    return case_classify(case=case, actor=actor, kind="dissatisfaction")


def _awaiting_route(case: Case, actor: Actor) -> Case:
    """At a stage 2 with routes to choose from, none chosen (a resident escalated online)."""
    Case.objects.filter(pk=case.pk).update(policy_pack=ROUTES_PACK, stage="stage2", route="")
    return Case.objects.get(pk=case.pk)


# Each action: how to put the case in a state where it is allowed, and a valid body.
ACTIONS: dict[str, tuple[Prepare, dict[str, Any]]] = {
    "classify": (_same, {"kind": "service_request"}),
    "decide-eligibility": (_same, {"accepted": True, "reason": "In time"}),
    "acknowledge": (_same, {"method": "email"}),
    "assign": (_same, {"handler": HANDLER}),
    "request-investigation": (_same, {"team": "Repairs"}),
    "record-investigation": (_investigate, {"summary": "Two missed visits"}),
    "chase": (_same, {"note": "Chased"}),
    "extend": (_same, {"working_days": 2, "reason": "actions_remaining", "customer_agreed": True}),
    "respond": (_same, {"outcome": "upheld", "text": "Sorry"}),
    "escalate": (_respond, {"reasons": "Not happy"}),
    "refuse-escalation": (_respond, {"ground": "exclusion", "explanation": "Excluded"}),
    "make-formal": (_informal, {"reason": "The customer asked"}),
    "close": (_same, {"reason": "resolved"}),
    "reopen": (_close, {"reason": "New evidence"}),
    "withdraw": (_same, {"note": "Withdrawn"}),
    "split": (_same, {"summaries": ["One", "Two"]}),
    "link": (_same, {}),  # other: filled in below
    "note": (_same, {"text": "A note"}),
    "flag": (_same, {"flag": "safeguarding", "raised": True, "reason": "Told by phone"}),
    "contact": (_same, {"summary": "Phoned", "direction": "outbound"}),
    "mark-step-done": (_milestone, {"step": "senior_manager_call"}),
    "attach": (_same, {}),
    "add-member": (_same, {"username": DPO, "role": "panel_member"}),
    "choose-route": (_awaiting_route, {"route": "senior_manager_review"}),
}
# A pack whose stage 2 has routes, for choose-route.
ROUTES_PACK = "southern-housing-2020"


# -- remedies, actions and awards: the thing each operation works on, prepared per row ------

ACTION_DUE = "2026-03-30"  # a fortnight after NOW


def action_owner(target: str) -> str:
    """Who owns the prepared action: someone who sees the case. On the named case it is the
    investigating officer, who may complete their own action though not record remedies."""
    return OFFICER if target == "named" else COMPLAINTS_MANAGER


# Only south-liverpool-homes-2021 says which PutRight roles hold its approving roles, so the
# award waiting for a decision is on a case pinned to that pack and waits for a pack role
# the caller holds: whether the caller reaches the decision is then access.py's alone. The
# authority rules themselves are tested in test_remedies_api.
SLH = "south-liverpool-homes-2021"
APPROVER = {
    MANAGER: "service_manager",
    SENIOR: "emt",
    COMPLAINTS_MANAGER: "complaint_manager",
    PANEL: "complaints_review_panel",
    BOARD: "board",
}
REASONING = "For the missed appointments"

PrepareIds = Callable[[Case, Actor, str, str], dict[str, str]]


def _nothing(case: Case, actor: Actor, user: str, target: str) -> dict[str, str]:
    return {}


def _approved_award(case: Case, actor: Actor) -> Award:
    """On the matrix's pack (no authority limits) an award is approved when proposed."""
    return award_propose(
        case=case,
        actor=actor,
        components=[ComponentIn(kind="goodwill", amount_pence=5000)],
        reasoning=REASONING,
    )


def _approved(case: Case, actor: Actor, user: str, target: str) -> dict[str, str]:
    return {"award_id": str(_approved_award(case, actor).pk)}


def _offered(case: Case, actor: Actor, user: str, target: str) -> dict[str, str]:
    award = award_offer(award=_approved_award(case, actor), actor=actor)
    return {"award_id": str(award.pk)}


def _accepted(case: Case, actor: Actor, user: str, target: str) -> dict[str, str]:
    award = award_offer(award=_approved_award(case, actor), actor=actor)
    award = award_answer(award=award, actor=actor, accepted=True)
    return {"award_id": str(award.pk)}


def _waiting(case: Case, actor: Actor, user: str, target: str) -> dict[str, str]:
    Case.objects.filter(pk=case.pk).update(policy_pack=SLH)
    award = Award.objects.create(
        case=case,
        stage="stage2",
        status=AwardStatus.PENDING_APPROVAL,
        total_pence=50000,
        reasoning=REASONING,
        approval_by=APPROVER.get(user, "emt"),
        # Proposed by someone else: nobody decides an award they proposed.
        proposed_by=User.objects.get_or_create(username="award-proposer")[0],
        proposed_at=timezone.now(),
    )
    return {"award_id": str(award.pk)}


def _open_action(case: Case, actor: Actor, user: str, target: str) -> dict[str, str]:
    action = action_add(
        case=case,
        actor=actor,
        description="Replace the boiler",
        owner=User.objects.get(username=action_owner(target)),
        due_on=datetime.date.fromisoformat(ACTION_DUE),
    )
    return {"action_id": str(action.pk)}


def _a_loss(case: Case, actor: Actor, user: str, target: str) -> dict[str, str]:
    loss = loss_record(
        case=case, actor=actor, kind="heating_complete", started_on=datetime.date(2026, 3, 2)
    )
    return {"loss_id": str(loss.pk)}


AWARD = {"components": [{"kind": "goodwill", "amount_pence": 5000}], "reasoning": REASONING}

# operationId -> how to prepare what the path names (ids to fill in), and a valid body.
REMEDY_CALLS: dict[str, tuple[PrepareIds, dict[str, Any] | None]] = {
    "remedies_create": (_nothing, {"kind": "apology", "description": "We are sorry"}),
    "remedy_actions_create": (
        _nothing,
        {"description": "Replace the boiler", "owner": "", "due_on": ACTION_DUE},
    ),
    "remedy_actions_complete": (_open_action, {"evidence": "Job sheet 1234"}),
    "losses_list": (_nothing, None),
    "losses_create": (_nothing, {"kind": "heating_complete", "started_on": "2026-03-02"}),
    "losses_withdraw": (_a_loss, {"reason": "Recorded on the wrong case"}),
    "awards_list": (_approved, None),
    "awards_suggest": (_nothing, None),
    "awards_create": (_nothing, AWARD),
    "awards_decide": (_waiting, {"approve": True, "note": "Agreed"}),
    "awards_offer": (_approved, {}),
    "awards_answer": (_offered, {"accepted": True}),
    "awards_pay": (_accepted, {"method": "bank_transfer"}),
}

Expect = Callable[[str, str], int]


def _everyone(user: str, target: str) -> int:
    return 200


def _own_organisation(user: str, target: str) -> int:
    return 404 if user == OUTSIDER else 200


def _case_reader(user: str, target: str) -> int:
    return 200 if sees(user, target) else 404


def _person_reader(user: str, target: str) -> int:
    return 200 if user in READERS else 404


# Reports: the board member and managers read them, never personal data; others are refused.
REPORT_READERS = {BOARD, MANAGER, SENIOR, COMPLAINTS_MANAGER, ADMIN, CLIENT}


def _report_reader(user: str, target: str) -> int:
    if user == OUTSIDER:
        return 404
    return 200 if user in REPORT_READERS else 403


def _recorder(user: str, target: str) -> int:
    if user == OUTSIDER:
        return 404
    return 201 if user in CASEWORKERS else 403


def _actor(action: str, done: int = 200) -> Expect:
    def expect(user: str, target: str) -> int:
        if not sees(user, target):
            return 404
        return done if may(action, user) else 403

    return expect


def _decider(user: str, target: str) -> int:
    """Deciding an award: through the case for those who work it; the board member decides an
    award waiting for the board without seeing the case, unless the case is about staff or
    board conduct: restricted, its awards are not reached without it."""
    if user == BOARD:
        return 404 if target == "restricted" else 200
    return _actor("award-decide")(user, target)


def _completer(user: str, target: str) -> int:
    """The action's owner may complete it whatever their role; others need the remedy role."""
    if not sees(user, target):
        return 404
    return 200 if may("remedy", user) or user == action_owner(target) else 403


# operationId -> (whether it is about one case, what each user gets)
EXPECTATIONS: dict[str, tuple[bool, Expect]] = {
    "organisations_list": (False, _everyone),
    "organisations_get": (False, _own_organisation),
    "policies_list": (False, _everyone),
    "policies_get": (False, _everyone),
    "policies_check": (False, _everyone),
    "people_list": (False, _everyone),
    "people_get": (False, _person_reader),
    "people_create": (False, _recorder),
    "cases_list": (False, _everyone),
    "cases_create": (False, _recorder),
    "reports_tsm": (False, _report_reader),
    "reports_performance": (False, _report_reader),
    "reports_restrictions": (False, _report_reader),
    "reports_hazards": (False, _report_reader),
    "cases_get": (True, _case_reader),
    **{f"case_{action.replace('-', '_')}": (True, _actor(action)) for action in ACTIONS},
    "remedies_create": (True, _actor("remedy", 201)),
    "remedy_actions_create": (True, _actor("remedy", 201)),
    "remedy_actions_complete": (True, _completer),
    "losses_list": (True, _case_reader),
    "losses_create": (True, _actor("remedy", 201)),
    "losses_withdraw": (True, _actor("remedy")),
    "awards_list": (True, _case_reader),
    "awards_suggest": (True, _case_reader),
    "awards_create": (True, _actor("award-propose", 201)),
    "awards_decide": (True, _decider),
    "awards_awaiting_approval": (False, _everyone),
    "awards_offer": (True, _actor("award-offer")),
    "awards_answer": (True, _actor("award-offer")),
    "awards_pay": (True, _actor("award-pay")),
}

# Access actions whose endpoint is named for what it makes or does, not for the action.
ENDPOINT_FOR_ACTION = {
    "remedy": "remedies",
    "award-propose": "awards",
    "award-offer": "offer",
    "award-decide": "decide",
    "award-pay": "pay",
}


@functools.cache
def operations() -> tuple[tuple[str, str, str], ...]:
    """(operationId, method, path) for every operation in the OpenAPI document, read once: the
    document takes most of a second to build, and the matrices here and in the other folders
    ask for it while collecting and in every row."""
    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            found.append((operation["operationId"], method, path.removeprefix("/api/v1")))
    return tuple(sorted(found))


@functools.cache
def person_operations() -> frozenset[str]:
    """Actions on a person, and the Ombudsman casework: their own matrices,
    ``test_authorization_matrix_people.py`` and ``tests/ombudsman/test_authorization_matrix.py``."""
    return frozenset(
        {
            op
            for op, _, path in operations()
            if path.startswith(
                (
                    "/people/{person_id}/",
                    "/ombudsman/",
                    "/cases/{reference}/ombudsman",
                    "/cases/{reference}/hazards",  # tests/hazards/test_authorization_matrix.py
                    "/learning/",  # tests/learning/test_authorization_matrix.py
                    "/quality/",  # tests/quality/test_api_matrix.py
                    "/cases/{reference}/lessons",
                    "/mail/",  # tests/mailbox/test_authorization_matrix.py
                    "/cases/{reference}/petition",  # tests/petitions/test_authorization_matrix.py
                    "/cases/{reference}/meetings",  # tests/meetings/test_authorization_matrix.py
                    "/cases/{reference}/review",
                    "/privacy/",  # tests/privacy/test_authorization_matrix.py
                    "/cases/{reference}/legal-hold",
                )
            )
        }
    )


def test_every_endpoint_has_an_expectation():
    assert {op for op, _, _ in operations()} - person_operations() == set(EXPECTATIONS)


def test_every_case_action_in_access_rules_is_an_endpoint():
    """Every action the access rules know is reachable through the API."""
    endpoints = {path.rsplit("/", 1)[-1] for _, _, path in operations() if "{reference}/" in path}
    renamed = {a for a, endpoint in ENDPOINT_FOR_ACTION.items() if endpoint in endpoints}
    # "receive" is POST /cases; a late escalation is accepted by escalate with accept_late.
    # Actions on a person are checked by the people matrix.
    assert (
        set(ACTION_ROLES)
        - endpoints
        - renamed
        - PERSON_ACTIONS
        - OMBUDSMAN_ACTIONS
        - HAZARD_ACTIONS
        - LEARNING_ACTIONS
        - PETITION_ACTIONS
        - MEETING_ACTIONS
        # Data protection requests and legal holds (tests/privacy).
        - PRIVACY_ACTIONS
        - {"receive", "accept-late-escalation"}
        # E-mail in (tests/mailbox/test_authorization_matrix.py); webhooks are not about a case.
        - {"mail-new-case", "mail-add-to-case", "mail-not-complaint", "webhooks-manage"}
        == set()
    )


def _rows() -> list[Any]:
    rows = []
    for operation_id, method, path in operations():
        if operation_id in person_operations():
            continue
        about_a_case = EXPECTATIONS.get(operation_id, (True, None))[0]
        for user in USERS:
            for target in TARGETS if about_a_case else ["-"]:
                rows.append(pytest.param(operation_id, method, path, user, target))
    return rows


def _call(
    operation_id: str,
    method: str,
    path: str,
    target: str,
    world: dict[str, Case],
    actor: Actor,
    user: str,
) -> Call:
    """The request for this row, with the target case prepared for the action."""
    customer = world["ordinary"].customer
    assert customer is not None
    if operation_id in REMEDY_CALLS:
        prepare_ids, valid = REMEDY_CALLS[operation_id]
        case = world[target]
        real = path.replace("{reference}", case.reference)
        for name, value in prepare_ids(case, actor, user, target).items():
            real = real.replace(f"{{{name}}}", value)
        assert "{" not in real, real
        body = dict(valid) if valid is not None else None
        if body is not None and "owner" in body:
            body["owner"] = action_owner(target)
        return Call(method, real, body)
    if path.startswith("/cases/{reference}"):
        case = world[target]
        action = path.removeprefix("/cases/{reference}").lstrip("/")
        body: dict[str, Any] = {}
        if action:
            prepare, body = ACTIONS[action]
            case = prepare(case, actor)
            body = dict(body)
            if action == "link":
                body["other"] = world["named" if target == "ordinary" else "ordinary"].reference
        real = path.replace("{reference}", case.reference)
        if action == "attach":
            return Call("post", real, {"file": ("letter.pdf", PDF)}, multipart=True)
        return Call(method, real, body if method == "post" else None)
    filled = (
        path.replace("{slug}", "north-homes")
        .replace("{pack_id}", "rooftop-2023")
        .replace("{person_id}", str(customer.pk))
    )
    bodies: dict[str, Any] = {
        "people_create": {"organisation": "north-homes", "name": "Nia New", "email": "n@ex.org"},
        "cases_create": {
            "organisation": "north-homes",
            "kind": "complaint",
            "channel": "email",
            "received_at": "2026-03-16T09:00:00+00:00",
            "summary": "A new complaint",
            "customer": {"name": "Nia New"},
        },
    }
    if operation_id in (
        "reports_tsm",
        "reports_performance",
        "reports_restrictions",
        "reports_hazards",
    ):
        filled += "?organisation=north-homes&start=2026-01-01&end=2026-03-31"
    return Call(method, filled, bodies.get(operation_id))


def _send(client, call: Call):
    if call.multipart:
        name, content = call.body["file"]
        return client.upload(
            call.path,
            {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        )
    if call.method == "get":
        return client.get(call.path)
    return client.post(call.path, call.body or {})


@pytest.mark.parametrize(("operation_id", "method", "path", "user", "target"), _rows())
def test_matrix(world, users, operation_id, method, path, user, target):
    assert operation_id in EXPECTATIONS, f"no expectation for {method.upper()} {path}"
    _about_a_case, expect = EXPECTATIONS[operation_id]
    expected = expect(user, target)
    worker = Actor(users[COMPLAINTS_MANAGER])
    call = _call(operation_id, method, path, target, world, worker, user)
    logged_before = AccessLog.objects.filter(action="read restricted case").count()

    response = _send(api_for(users[user]), call)

    assert response.status_code == expected, (user, target, response.content[:300])
    body = response.json()
    text = response.content.decode()
    if expected == 404:
        assert body["error"]["code"] == "not_found"
    elif expected == 403:
        assert body["error"]["code"] == "forbidden"
        assert "does not allow" in body["error"]["message"]
    # The other organisation's user and the board member never see a case or a customer.
    if user in (OUTSIDER, BOARD):
        for secret in SECRETS:
            assert secret not in text, (user, secret)
    # A panel member sees no contact details.
    if user == PANEL:
        for secret in CONTACT_DETAILS:
            assert secret not in text, secret
    # Reading the restricted case is recorded (who, when, what); not seeing it is not.
    logged = AccessLog.objects.filter(action="read restricted case")
    if target == "restricted" and expected in (200, 201, 403):
        entry = logged.get()
        assert entry.user == users[user]
        assert entry.case_reference == world["restricted"].reference
        assert entry.at == at(*NOW)
    else:
        assert logged.count() == logged_before == 0


# -- what each role's lists and case views contain ----------------------------------------


@pytest.mark.parametrize("user", USERS)
def test_case_list_holds_exactly_the_cases_the_user_may_open(world, users, user):
    client = api_for(users[user])
    response = client.get("/cases")
    assert response.status_code == 200
    listed = {c["reference"] for c in response.json()["results"]}
    expected = {world[t].reference for t in TARGETS if sees(user, t)}
    assert listed == expected
    for reference in listed:
        assert client.get(f"/cases/{reference}").status_code == 200
    # No filter reveals more.
    for params in (
        {"organisation": "north-homes"},
        {"q": "Restricted"},
        {"q": world["restricted"].reference},
        {"status": "open"},
        {"overdue": "true"},
    ):
        found = {c["reference"] for c in client.get("/cases", params).json()["results"]}
        assert found <= expected, params


@pytest.mark.parametrize("user", USERS)
def test_organisations_list_is_the_users_own(world, users, user):
    slugs = [o["slug"] for o in api_for(users[user]).get("/organisations").json()]
    assert slugs == (["south-homes"] if user == OUTSIDER else ["north-homes"])


@pytest.mark.parametrize("user", USERS)
def test_people_list_only_for_those_who_may_read_customers(world, users, user):
    response = api_for(users[user]).get("/people")
    assert response.status_code == 200
    names = [p["name"] for p in response.json()]
    if user == OUTSIDER:
        assert names == ["Quinn Other"]
    elif user in READERS:
        assert names == ["Pat Resident"]
        assert response.json()[0]["email"] == "pat@example.org"
    else:  # investigating officer, panel member, board member
        assert names == []
    searched = AccessLog.objects.filter(action="searched customer records", user=users[user])
    assert searched.count() == (1 if names else 0)


@pytest.mark.parametrize("user", USERS)
def test_reading_a_customers_record_is_recorded(world, users, user):
    person = Person.objects.get(name="Quinn Other" if user == OUTSIDER else "Pat Resident")
    response = api_for(users[user]).get(f"/people/{person.pk}")
    read = AccessLog.objects.filter(action="read customer record", user=users[user])
    if user in READERS or user == OUTSIDER:
        assert response.status_code == 200
        assert response.json()["email"] == person.email
        assert [entry.detail for entry in read] == [f"{person.name} (person {person.pk})"]
    else:
        assert response.status_code == 404
        assert not read.exists()


def test_panel_member_sees_the_named_case_without_contact_details(world, users):
    client = api_for(users[PANEL])
    body = client.get(f"/cases/{world['named'].reference}").json()
    customer = body["customer"]
    assert customer["redacted"] is True
    assert customer["name"] == "Pat Resident"
    for field in ("email", "phone", "address", "postcode", "accessibility_needs"):
        assert not customer.get(field), field
    assert body["summary"] == "Named: damp in the bedroom"
    assert client.get(f"/cases/{world['ordinary'].reference}").status_code == 404
    assert client.get(f"/people/{customer['id']}").status_code == 404


def test_panel_member_does_not_see_contact_events(world, users):
    case = case_record_contact(
        case=world["named"],
        actor=Actor(users[HANDLER]),
        summary="Rang Pat on 07700 900123",
        direction="outbound",
    )
    panel = api_for(users[PANEL]).get(f"/cases/{case.reference}").json()
    assert panel["events"][-1]["kind"] == "contacted"
    assert panel["events"][-1]["data"] == {}
    officer = api_for(users[OFFICER]).get(f"/cases/{case.reference}").json()
    assert officer["events"][-1]["data"]["summary"] == "Rang Pat on 07700 900123"
    assert officer["customer"]["email"] == "pat@example.org"


def test_panel_member_does_not_see_arrears_set_against_compensation(world, users):
    case = case_record_event(
        case=world["named"],
        actor=Actor(users[COMPLAINTS_MANAGER]),
        kind=EventKind.AWARD_PAID,
        data={"award_id": 1, "method": "rent_account", "paid": "50.00", "arrears_offset": "25.00"},
    )
    panel = api_for(users[PANEL]).get(f"/cases/{case.reference}").json()
    assert panel["events"][-1]["data"] == {"award_id": 1, "method": "rent_account", "paid": "50.00"}
    manager = api_for(users[COMPLAINTS_MANAGER]).get(f"/cases/{case.reference}").json()
    assert manager["events"][-1]["data"]["arrears_offset"] == "25.00"


def test_a_link_never_shows_a_case_the_reader_may_not_see(world, users):
    ordinary, restricted = world["ordinary"], world["restricted"]
    case_link(
        case=ordinary, actor=Actor(users[COMPLAINTS_MANAGER]), other=restricted, kind="related"
    )
    path = f"/cases/{ordinary.reference}"
    handler = api_for(users[HANDLER])
    for _ in range(2):  # the answer as made, then as kept in the cache
        assert handler.get(path).json()["links"] == []
        assert api_for(users[COMPLAINTS_MANAGER]).get(path).json()["links"] == [
            {"kind": "related", "reference": restricted.reference, "direction": "to"}
        ]
    # Nor in the answer to an action on the case.
    noted = handler.post(f"{path}/note", {"text": "Called the contractor"})
    assert noted.status_code == 200, noted.content
    assert noted.json()["links"] == []


def test_a_handler_named_on_a_restricted_case_sees_it_and_is_recorded(world, users, org):
    named_handler = make_user("named_handler", org, HANDLER)
    CaseMember.objects.create(case=world["restricted"], user=named_handler, role="witness")
    reference = world["restricted"].reference
    client = api_for(named_handler)
    assert client.get(f"/cases/{reference}").status_code == 200
    listed = {c["reference"] for c in client.get("/cases").json()["results"]}
    assert reference in listed
    entry = AccessLog.objects.get(case_reference=reference)
    assert (entry.user, entry.action, entry.at) == (
        named_handler,
        "read restricted case",
        at(*NOW),
    )
    # A handler who is not named: not there at all, and nothing recorded.
    other = api_for(users[HANDLER])
    assert other.get(f"/cases/{reference}").status_code == 404
    assert reference not in {c["reference"] for c in other.get("/cases").json()["results"]}
    assert AccessLog.objects.filter(user=users[HANDLER]).count() == 0


def test_each_read_of_a_restricted_case_is_recorded(world, users, clock):
    client = api_for(users[COMPLAINTS_MANAGER])
    reference = world["restricted"].reference
    client.get(f"/cases/{reference}")
    clock(2026, 3, 16, 11)
    client.get(f"/cases/{reference}")
    client.post(f"/cases/{reference}/note", {"text": "Spoke to HR"})
    entries = list(
        AccessLog.objects.filter(case_reference=reference)
        .order_by("at", "pk")
        .values_list("user__username", "action", "at")
    )
    assert entries == [
        (COMPLAINTS_MANAGER, "read restricted case", at(2026, 3, 16, 10)),
        (COMPLAINTS_MANAGER, "read restricted case", at(2026, 3, 16, 11)),
        (COMPLAINTS_MANAGER, "read restricted case", at(2026, 3, 16, 11)),
    ]
    # Reading ordinary cases is not recorded.
    client.get(f"/cases/{world['ordinary'].reference}")
    assert AccessLog.objects.count() == 3


def test_outsider_cannot_reach_this_organisation_by_any_route(world, users):
    client = api_for(users[OUTSIDER])
    for target in TARGETS:
        reference = world[target].reference
        assert client.get("/cases", {"q": reference}).json()["results"] == []
    # Nor link a case of its own to one of ours.
    response = client.post(
        "/cases",
        {
            "organisation": "south-homes",
            "kind": "complaint",
            "channel": "email",
            "received_at": "2026-03-16T09:00:00+00:00",
            "summary": "South complaint",
            "customer": {"name": "Quinn Other"},
        },
    )
    assert response.status_code == 201
    south = response.json()["reference"]
    linked = client.post(f"/cases/{south}/link", {"other": world["ordinary"].reference})
    assert linked.status_code == 400
    assert linked.json()["error"]["fields"] == {"other": "Not found."}
    # Nor assign our staff to its case.
    assigned = client.post(f"/cases/{south}/assign", {"handler": HANDLER})
    assert assigned.status_code == 400
    assert assigned.json()["error"]["fields"] == {"handler": "Unknown user."}
    # Nor record a case against our customer.
    customer = world["ordinary"].customer
    assert customer is not None
    response = client.post(
        "/cases",
        {
            "organisation": "south-homes",
            "kind": "complaint",
            "channel": "email",
            "received_at": "2026-03-16T09:00:00+00:00",
            "summary": "Borrowed customer",
            "customer_id": customer.pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"customer_id": "Not found."}


def test_a_superuser_is_an_administrator_everywhere(world, db):
    root = User.objects.create_superuser("root", password="x")
    client = api_for(root)
    assert {o["slug"] for o in client.get("/organisations").json()} == {
        "north-homes",
        "south-homes",
    }
    assert client.get(f"/cases/{world['ordinary'].reference}").status_code == 200
    assert client.get(f"/cases/{world['restricted'].reference}").status_code == 404
    assert (
        client.post(f"/cases/{world['ordinary'].reference}/note", {"text": "x"}).status_code == 403
    )


def test_membership_removed_means_access_removed(world, users):
    client = api_for(users[HANDLER])
    reference = world["ordinary"].reference
    assert client.get(f"/cases/{reference}").status_code == 200
    users[HANDLER].memberships.all().delete()
    assert client.get(f"/cases/{reference}").status_code == 404
    assert client.get("/cases").json()["results"] == []
    assert client.get("/organisations").json() == []


def test_awards_and_actions_are_reached_only_through_their_own_case(world, users):
    """An award or action of this organisation is not found through any other case."""
    worker = Actor(users[COMPLAINTS_MANAGER])
    award = _approved_award(world["ordinary"], worker)
    action = action_add(
        case=world["ordinary"],
        actor=worker,
        description="Replace the boiler",
        owner=users[MANAGER],
        due_on=datetime.date.fromisoformat(ACTION_DUE),
    )
    attempts = [
        (f"awards/{award.pk}/decide", {"approve": True}),
        (f"awards/{award.pk}/offer", {}),
        (f"awards/{award.pk}/answer", {"accepted": True}),
        (f"awards/{award.pk}/pay", {"method": "bank_transfer"}),
        (f"remedy-actions/{action.pk}/complete", {"evidence": "Done"}),
    ]
    # The other organisation's user, who holds every role there, through a case of its own.
    outsider = api_for(users[OUTSIDER])
    south = outsider.post(
        "/cases",
        {
            "organisation": "south-homes",
            "kind": "complaint",
            "channel": "email",
            "received_at": "2026-03-16T09:00:00+00:00",
            "summary": "South complaint",
            "customer": {"name": "Quinn Other"},
        },
    ).json()["reference"]
    for path, body in attempts:
        response = outsider.post(f"/cases/{south}/{path}", body)
        assert response.status_code == 404, (path, response.content)
        for secret in [*SECRETS, REASONING, "Replace the boiler"]:
            assert secret not in response.content.decode(), (path, secret)
    assert outsider.get(f"/cases/{south}/awards").json() == []
    # Nor may it give our staff an action on its case.
    owned = outsider.post(
        f"/cases/{south}/remedy-actions",
        {"description": "Do this", "owner": MANAGER, "due_on": ACTION_DUE},
    )
    assert owned.status_code == 400
    assert owned.json()["error"]["fields"] == {"owner": "Unknown user."}
    # Within this organisation, through another of its cases: not found either.
    manager = api_for(users[COMPLAINTS_MANAGER])
    for path, body in attempts:
        response = manager.post(f"/cases/{world['named'].reference}/{path}", body)
        assert response.status_code == 404, (path, response.content)
    award.refresh_from_db()
    action.refresh_from_db()
    assert award.status == AwardStatus.APPROVED
    assert action.completed_on is None


# -- awards awaiting approval: each approver sees exactly what they may decide -----------------


def _waiting_for_every_role(world: dict[str, Case], users: dict[str, User]) -> list[Award]:
    """On every case, one award waiting for each approving role of the pack."""
    made = []
    for target in TARGETS:
        for user in APPROVER:
            ids = _waiting(world[target], Actor(users[COMPLAINTS_MANAGER]), user, target)
            made.append(Award.objects.get(pk=ids["award_id"]))
    return made


def may_decide(user: str, target: str, approval_by: str) -> bool:
    if user == OUTSIDER or APPROVER.get(user) != approval_by:
        return False
    if user == BOARD:
        return target != "restricted"
    return sees(user, target) and may("award-decide", user)


@pytest.mark.parametrize("user", USERS)
def test_awards_awaiting_approval_are_exactly_those_the_user_may_decide(world, users, user):
    awards = _waiting_for_every_role(world, users)
    target_of = {world[t].reference: t for t in TARGETS}

    response = api_for(users[user]).get("/awards/awaiting-approval")

    assert response.status_code == 200
    listed = {(item["reference"], item["award"]["approval_by"]) for item in response.json()}
    expected = {
        (a.case.reference, a.approval_by)
        for a in awards
        if may_decide(user, target_of[a.case.reference], a.approval_by)
    }
    assert listed == expected
    text = response.content.decode()
    if user in (OUTSIDER, BOARD):
        for secret in SECRETS:
            assert secret not in text, (user, secret)
    for item in response.json():
        assert item["case_visible"] == sees(user, target_of[item["reference"]])
        assert item["award"]["reasoning"] == REASONING
        assert item["organisation"] == "north-homes"
        assert item["rule"]


def test_the_board_member_decides_an_award_without_ever_reaching_the_case(world, users):
    board = api_for(users[BOARD])
    case = world["ordinary"]
    ids = _waiting(case, Actor(users[COMPLAINTS_MANAGER]), BOARD, "ordinary")
    listed = board.get("/awards/awaiting-approval").json()
    assert [item["award"]["id"] for item in listed] == [int(ids["award_id"])]
    assert listed[0]["case_visible"] is False
    assert listed[0]["approval_title"] == "SLH Board"

    decided = board.post(
        f"/cases/{case.reference}/awards/{ids['award_id']}/decide",
        {
            "approve": False,
            "note": "Too much for the failure",
            "version": listed[0]["case_version"],
        },
    )

    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["status"] == "rejected"
    assert set(body) >= {"id", "status", "total", "reasoning", "components"}
    assert not {"customer", "events", "summary"} & set(body)
    # The refusal is an event in the case's chronology, by the board member.
    event = case.events.order_by("-sequence").first()
    assert event is not None
    assert (event.kind, event.actor, event.data["text"]) == (
        "award_rejected",
        users[BOARD],
        "Too much for the failure",
    )
    # Still no case, no awards list of the case, and nothing left to decide.
    assert board.get(f"/cases/{case.reference}").status_code == 404
    assert board.get(f"/cases/{case.reference}/awards").status_code == 404
    assert board.get("/awards/awaiting-approval").json() == []
    again = board.post(
        f"/cases/{case.reference}/awards/{ids['award_id']}/decide", {"approve": True}
    )
    assert again.status_code == 409
    # A refused award is never offered or paid.
    manager = api_for(users[COMPLAINTS_MANAGER])
    for step, body in (("offer", {}), ("pay", {"method": "bank_transfer"})):
        refused = manager.post(f"/cases/{case.reference}/awards/{ids['award_id']}/{step}", body)
        assert refused.status_code == 409, refused.content


def test_the_board_member_reaches_no_award_waiting_for_someone_else(world, users):
    board = api_for(users[BOARD])
    case = world["ordinary"]
    emt = _waiting(case, Actor(users[COMPLAINTS_MANAGER]), SENIOR, "ordinary")["award_id"]
    response = board.post(f"/cases/{case.reference}/awards/{emt}/decide", {"approve": True})
    assert response.status_code == 404
    assert REASONING not in response.content.decode()
    # Nor one waiting for the board through another case's reference.
    mine = _waiting(case, Actor(users[COMPLAINTS_MANAGER]), BOARD, "ordinary")["award_id"]
    other = world["named"].reference
    assert board.post(f"/cases/{other}/awards/{mine}/decide", {"approve": True}).status_code == 404
    assert Award.objects.get(pk=emt).status == AwardStatus.PENDING_APPROVAL


def test_a_board_member_of_another_organisation_sees_and_decides_nothing(world, users, other_org):
    stranger = make_user("other_board", other_org, BOARD)
    case = world["ordinary"]
    award = _waiting(case, Actor(users[COMPLAINTS_MANAGER]), BOARD, "ordinary")["award_id"]
    client = api_for(stranger)
    assert client.get("/awards/awaiting-approval").json() == []
    response = client.post(f"/cases/{case.reference}/awards/{award}/decide", {"approve": True})
    assert response.status_code == 404
    assert Award.objects.get(pk=award).status == AwardStatus.PENDING_APPROVAL


def test_a_handler_cannot_approve_an_award_above_their_limit(world, users):
    case = world["ordinary"]
    award = _waiting(case, Actor(users[COMPLAINTS_MANAGER]), HANDLER, "ordinary")["award_id"]
    client = api_for(users[HANDLER])
    assert client.get("/awards/awaiting-approval").json() == []
    response = client.post(f"/cases/{case.reference}/awards/{award}/decide", {"approve": True})
    assert response.status_code == 403
    assert Award.objects.get(pk=award).status == AwardStatus.PENDING_APPROVAL


# -- the staff pages: every declared case action, every role, the same answers -------------


def test_every_declared_case_action_is_in_the_matrix():
    """A new action in the catalogue must say here how to take it: its page and its endpoint."""
    assert {action.name for action in CASE_ACTIONS} == set(ACTIONS) == set(STAFF_FORMS)


# Each action's form, as a person fills it in (the same choices the API body makes), and what
# to prepare when the page offers other choices than the API takes.
STAFF_FORMS: dict[str, dict[str, Any]] = {
    "classify": {"kind": "service_request"},
    "decide-eligibility": {"accepted": "yes", "reason": "In time"},
    "acknowledge": {"method": "email"},
    "assign": {"handler": HANDLER},
    "request-investigation": {"team": "Repairs"},
    "record-investigation": {"summary": "Two missed visits"},
    "chase": {"note": "Chased"},
    "extend": {"working_days": "2", "reason": "actions_remaining", "customer_agreed": "yes"},
    "respond": {"outcome": "upheld", "text": "Sorry", "points": "0"},
    "escalate": {"reasons": "Not happy"},
    "refuse-escalation": {"ground": "exclusion", "explanation": "Excluded"},
    "make-formal": {"reason": "The customer asked"},
    "close": {"reason": "resolved"},
    "reopen": {"reason": "New evidence"},
    "withdraw": {"note": "Withdrawn"},
    "split": {"summaries": "One\nTwo"},
    "link": {"kind": "related"},
    "note": {"text": "A note"},
    "flag": {"flag": "safeguarding", "raised": "true", "reason": "Told by phone"},
    "contact": {"summary": "Phoned", "direction": "outbound"},
    "mark-step-done": {"step": "senior_manager_call"},
    "attach": {},
    "add-member": {"username": DPO, "role": "panel_member"},
    "choose-route": {"route": "senior_manager_review"},
}
STAFF_PREPARE: dict[str, Prepare] = {"mark-step-done": _milestone}


def _staff_rows() -> list[Any]:
    return [
        pytest.param(action.name, user, target)
        for action in CASE_ACTIONS
        for user in USERS
        for target in TARGETS
    ]


@pytest.mark.parametrize(("action", "user", "target"), _staff_rows())
def test_staff_page_matrix(world, users, client, action, user, target):
    """The page of each action answers as its endpoint does: 404 for a case the user may not
    see, 403 for an action their role may not take, and otherwise the action is taken."""
    expected = _actor(action)(user, target)
    worker = Actor(users[COMPLAINTS_MANAGER])
    prepare = STAFF_PREPARE.get(action, ACTIONS[action][0])
    case = prepare(world[target], worker)
    case.refresh_from_db()
    client.force_login(users[user])
    url = f"/cases/{case.reference}/{action}/"

    shown = client.get(url)
    assert shown.status_code == (200 if expected == 200 else expected), (user, shown.status_code)

    form: dict[str, Any] = {**STAFF_FORMS[action], "version": str(case.version)}
    if action == "link":
        form["other"] = world["named" if target == "ordinary" else "ordinary"].reference
    if action == "attach":
        form["file"] = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    sent = client.post(url, form)
    if expected == 200:
        assert sent.status_code == 302, (user, sent.content.decode()[-1500:])
        assert sent["Location"] == f"/cases/{case.reference}/"
        assert Case.objects.get(pk=case.pk).version > case.version
    else:
        assert sent.status_code == expected
        assert Case.objects.get(pk=case.pk).version == case.version


# -- the staff pages of remedies and awards: declared once, at their API paths ---------------

#: Each declared nested action: its API operation, and its form as a person fills it in.
NESTED_STAFF: dict[str, tuple[str, dict[str, Any]]] = {
    "remedy-record": ("remedies_create", {"kind": "apology", "description": "We are sorry"}),
    "remedy-action-add": (
        "remedy_actions_create",
        {"description": "Replace the boiler", "owner": "", "due_on": ACTION_DUE},
    ),
    "remedy-action-complete": ("remedy_actions_complete", {"evidence": "Job sheet 1234"}),
    "loss-record": ("losses_create", {"kind": "heating_complete", "started_on": "2026-03-02"}),
    "loss-withdraw": ("losses_withdraw", {"reason": "Recorded on the wrong case"}),
    "award-propose": (
        "awards_create",
        {
            "rows": "1",
            "occasions": "1",
            "months_affected": "0",
            "reasoning": REASONING,
            "components-0-kind": "goodwill",
            "components-0-amount": "50.00",
        },
    ),
    "award-decide": ("awards_decide", {"approve": "yes", "note": "Agreed"}),
    "award-offer": ("awards_offer", {}),
    "award-answer": ("awards_answer", {"accepted": "yes"}),
    "award-pay": ("awards_pay", {"method": "bank_transfer"}),
}


def test_every_nested_action_is_declared_at_its_api_path_and_in_the_matrix():
    paths = {path for _, _, path in operations()}
    assert set(NESTED_STAFF) == {a.name for a in REMEDY_ACTIONS}
    for action in REMEDY_ACTIONS:
        assert action.path in paths, action.name
        assert reverse_path(action) == "/" + action.staff_path.replace(
            "<str:reference>", "R"
        ).replace("<int:award_id>", "1").replace("<int:action_id>", "1").replace(
            "<int:loss_id>", "1"
        )


def reverse_path(action: Any) -> str:
    kwargs: dict[str, Any] = {"reference": "R"}
    if "award_id" in action.staff_path:
        kwargs["award_id"] = 1
    if "action_id" in action.staff_path:
        kwargs["action_id"] = 1
    if "loss_id" in action.staff_path:
        kwargs["loss_id"] = 1
    return reverse(f"staff:{action.name}", kwargs=kwargs)


def _nested_rows() -> list[Any]:
    return [
        pytest.param(name, user, target)
        for name in NESTED_STAFF
        for user in USERS
        for target in TARGETS
    ]


@pytest.mark.parametrize(("name", "user", "target"), _nested_rows())
def test_staff_nested_action_matrix(world, users, client, name, user, target):
    """Each remedy and award page answers as its endpoint does; deciding an award through the
    case is for those who work it (the board member decides from their approvals list)."""
    operation_id, form = NESTED_STAFF[name]
    expected = EXPECTATIONS[operation_id][1](user, target)
    if name == "award-decide" and user == BOARD:
        expected = 404  # the case page is closed to the board; its approvals page is not
    expected = 302 if expected in (200, 201) else expected
    worker = Actor(users[COMPLAINTS_MANAGER])
    case = world[target]
    prepare_ids = REMEDY_CALLS[operation_id][0]
    ids = {k: int(v) for k, v in prepare_ids(case, worker, user, target).items()}
    case = Case.objects.get(pk=case.pk)
    url = reverse(f"staff:{name}", kwargs={"reference": case.reference, **ids})
    body = {**form, "version": str(case.version)}
    if "owner" in body:
        body["owner"] = action_owner(target)
    client.force_login(users[user])

    shown = client.get(url)
    assert shown.status_code == (200 if expected == 302 else expected), user

    sent = client.post(url, body)
    assert sent.status_code == expected, (user, sent.content.decode()[-800:])
    changed = Case.objects.get(pk=case.pk).version > case.version
    assert changed is (expected == 302)
