"""Putting things right over the API: remedies, actions and compensation awards.

Each test runs on the policy pack whose rules it exercises (``@on(PACK)``):

- south-liverpool-homes-2021 (the default here): impact bands, and authority limits by stage
  (complaint manager up to £500 at stage 1; at stage 2 the review panel up to £5,000 with
  EMT approval, above that the Board); arrears may be offset; paid without acceptance;
- southern-housing-2020: paid only once the customer accepts; a refusal opens the
  compensation review route;
- rooftop-2023: Right to Repair payments (£10 plus £2 a day, at most £50), offers in full
  and final settlement, paid after acceptance, arrears offset.

Who may call what is in test_authorization_matrix; here, what each call does.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from putright.accounts.models import Role
from putright.cases.models import Case, CaseMember
from putright.cases.services import Actor, case_escalate, case_respond
from putright.organisations.services import organisation_create
from putright.remedies.models import Award, AwardStatus, Remedy, RemedyAction

from .conftest import Api, api_for, make_user

SLH = "south-liverpool-homes-2021"
SOUTHERN = "southern-housing-2020"
ROOFTOP = "rooftop-2023"

HANDLER = Role.COMPLAINT_HANDLER.value
OFFICER = Role.INVESTIGATING_OFFICER.value
MANAGER = Role.MANAGER.value
SENIOR = Role.SENIOR_MANAGER.value
COMPLAINTS_MANAGER = Role.COMPLAINTS_MANAGER.value
PANEL = Role.PANEL_MEMBER.value
BOARD = Role.BOARD_MEMBER.value
DPO = Role.DATA_PROTECTION_OFFICER.value

SLH_SOURCE = "4.1.6, 4.1.9, Appendix A"
SOUTHERN_SOURCE = "4.2.1; 4.4.3; 4.6; 4.6.5; 4.8.5"


def on(pack: str) -> pytest.MarkDecorator:
    """Run the test with the organisation (and so its cases) on this pack."""
    return pytest.mark.parametrize("org", [pack], indirect=True)


@pytest.fixture
def org(request, db):
    return organisation_create(
        slug="north-homes",
        name="North Homes",
        policy_pack=getattr(request, "param", SLH),
        homes=1200,
    )


def error_of(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def case_json(client: Api, case: Case) -> dict[str, Any]:
    response = client.get(f"/cases/{case.reference}")
    assert response.status_code == 200, response.content
    return response.json()


def last_event(client: Api, case: Case) -> dict[str, Any]:
    return case_json(client, case)["events"][-1]


def at_stage2(case: Case, users: dict[str, Any]) -> Case:
    """Responded at stage 1, escalated to the review panel, with the panel member named."""
    actor = Actor(users[HANDLER])
    case = case_respond(case=case, actor=actor, outcome="upheld", text="We are sorry.")
    case = case_escalate(case=case, actor=actor, reasons="The damp is still there")
    assert case.stage == "stage2"
    CaseMember.objects.create(case=case, user=users[PANEL], role="panel_member")
    return case


def distress(pence: int, band: str) -> dict[str, Any]:
    return {
        "kind": "time_trouble_distress",
        "band": band,
        "amount_pence": pence,
        "description": "Months of damp in the bedroom",
    }


def loss(pence: int) -> dict[str, Any]:
    return {
        "kind": "financial_loss",
        "amount_pence": pence,
        "description": "Ruined furniture",
        "evidence": "Receipts for the sofa and the bed",
    }


def goodwill(pence: int) -> dict[str, Any]:
    return {"kind": "goodwill", "amount_pence": pence, "description": "For the missed visits"}


def propose(client: Api, case: Case, *components: dict[str, Any]):
    return client.post(
        f"/cases/{case.reference}/awards",
        {"components": list(components), "reasoning": "Why: the impact and what it cost"},
    )


def proposed(client: Api, case: Case, *components: dict[str, Any]) -> dict[str, Any]:
    response = propose(client, case, *components)
    assert response.status_code == 201, response.content
    return response.json()


def step(client: Api, case: Case, award: dict[str, Any], action: str, body: Any = None):
    return client.post(f"/cases/{case.reference}/awards/{award['id']}/{action}", body)


def ok(response) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return response.json()


# -- remedies ----------------------------------------------------------------------------


def test_a_remedy_for_an_issue_of_the_response(apis, receive):
    case = receive()
    handler = apis[HANDLER]
    responded = handler.post(
        f"/cases/{case.reference}/respond",
        {
            "outcome": "partly_upheld",
            "text": "We missed the repair; the call was polite.",
            "issues": [
                {"description": "The repair was missed", "outcome": "upheld"},
                {"description": "The call was rude", "outcome": "not_upheld"},
            ],
        },
    )
    version = ok(responded)["version"]

    response = handler.post(
        f"/cases/{case.reference}/remedies",
        {"kind": "apology", "description": "We apologise for the missed repair.", "issue": 1},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "kind": "apology",
        "description": "We apologise for the missed repair.",
        "issue": 1,
        "case_version": version + 1,
    }
    remedy = Remedy.objects.get(pk=body["id"])
    assert remedy.case_id == case.pk
    assert remedy.issue is not None
    assert remedy.issue.description == "The repair was missed"
    detail = case_json(handler, case)
    assert detail["version"] == version + 1
    event = detail["events"][-1]
    assert event["kind"] == "remedy_recorded"
    assert event["actor"] == "Complaint Handler"
    assert event["data"] == {
        "remedy_id": remedy.pk,
        "remedy": "apology",
        "issue": 1,
        "text": "We apologise for the missed repair.",
    }

    # A remedy for the whole case, not one issue.
    whole = handler.post(
        f"/cases/{case.reference}/remedies",
        {"kind": "changed_policy", "description": "Repairs now confirm every visit by text."},
    )
    assert whole.status_code == 201, whole.content
    assert whole.json()["issue"] is None
    assert Remedy.objects.get(pk=whole.json()["id"]).issue is None

    # An issue the case does not have.
    missing = handler.post(
        f"/cases/{case.reference}/remedies",
        {"kind": "apology", "description": "Sorry", "issue": 3},
    )
    error = error_of(missing, 400, "invalid")
    assert error["fields"] == {"issue": "Not found."}
    assert Remedy.objects.filter(case=case).count() == 2


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"kind", "description"}),
        ({"kind": "sorry", "description": "x"}, {"kind"}),
        ({"kind": "apology", "description": ""}, {"description"}),
        ({"kind": "apology", "description": "   "}, {"description"}),
        ({"kind": "apology", "description": "x" * 5001}, {"description"}),
        ({"kind": "apology", "description": "Sorry\x00"}, {"description"}),
        ({"kind": "apology", "description": "x", "issue": 0}, {"issue"}),
        ({"kind": "apology", "description": "x", "issue": "first"}, {"issue"}),
        ({"kind": "apology", "description": "x", "issue": 10**30}, {"issue"}),
        ({"kind": ["apology"], "description": "x"}, {"kind"}),
    ],
)
def test_bad_remedies_are_400_naming_the_field(apis, receive, body, fields):
    case = receive()
    error = error_of(apis[HANDLER].post(f"/cases/{case.reference}/remedies", body), 400, "invalid")
    assert set(error["fields"]) == fields
    assert not Remedy.objects.exists()
    assert Case.objects.get(pk=case.pk).version == case.version


# -- actions -----------------------------------------------------------------------------


def test_an_action_with_an_owner_and_due_date_completed_with_evidence(apis, receive, clock):
    case = receive()
    handler = apis[HANDLER]
    remedy = handler.post(
        f"/cases/{case.reference}/remedies",
        {"kind": "action", "description": "We will replace the boiler."},
    ).json()

    created = handler.post(
        f"/cases/{case.reference}/remedy-actions",
        {
            "description": "Replace the boiler",
            "owner": MANAGER,
            "due_on": "2026-03-30",
            "remedy": remedy["id"],
        },
    )

    assert created.status_code == 201, created.content
    action = created.json()
    assert action == {
        "id": action["id"],
        "description": "Replace the boiler",
        "owner": MANAGER,
        "due_on": "2026-03-30",
        "completed_on": None,
        "evidence": "",
        "case_version": case_json(handler, case)["version"],
    }
    stored = RemedyAction.objects.get(pk=action["id"])
    assert (stored.case_id, stored.remedy_id, stored.owner.username) == (
        case.pk,
        remedy["id"],
        MANAGER,
    )
    event = last_event(handler, case)
    assert event["kind"] == "action_added"
    assert event["data"]["due_on"] == "2026-03-30"
    assert event["data"]["owner_id"] == stored.owner_id

    # The owner completes it, before the due date, saying what shows it was done.
    clock(2026, 3, 27, 15)
    path = f"/cases/{case.reference}/remedy-actions/{action['id']}/complete"
    done = ok(apis[MANAGER].post(path, {"evidence": "Job sheet 4471: boiler replaced"}))
    assert done == {
        **action,
        "case_version": action["case_version"] + 1,
        "completed_on": "2026-03-27",
        "evidence": "Job sheet 4471: boiler replaced",
    }
    event = last_event(handler, case)
    assert event["kind"] == "action_completed"
    assert event["actor"] == "Manager"
    assert event["data"] == {
        "action_id": action["id"],
        "evidence": "Job sheet 4471: boiler replaced",
        "late": False,
    }

    # Once only.
    again = error_of(apis[MANAGER].post(path, {"evidence": "Again"}), 409, "wrong_state")
    assert again["message"] == "This action was completed on Fri 27 Mar 2026."
    assert RemedyAction.objects.get(pk=action["id"]).evidence == "Job sheet 4471: boiler replaced"


def test_an_action_completed_after_its_due_date_is_late(apis, receive, clock):
    case = receive()
    action = apis[HANDLER].post(
        f"/cases/{case.reference}/remedy-actions",
        {"description": "Call back about the repair", "owner": MANAGER, "due_on": "2026-03-16"},
    )
    assert action.status_code == 201, action.content
    clock(2026, 4, 1, 9)
    # Not the owner, but a caseworker: may complete it too.
    done = apis[HANDLER].post(
        f"/cases/{case.reference}/remedy-actions/{action.json()['id']}/complete",
        {"evidence": "Phoned on 1 April"},
    )
    assert ok(done)["completed_on"] == "2026-04-01"
    assert last_event(apis[HANDLER], case)["data"]["late"] is True


def test_the_owner_completes_their_action_whatever_their_role(apis, receive):
    """The data protection officer may not record remedies but may finish their own action."""
    case = receive()
    handler = apis[HANDLER]
    theirs = handler.post(
        f"/cases/{case.reference}/remedy-actions",
        {"description": "Correct the customer record", "owner": DPO, "due_on": "2026-03-20"},
    ).json()
    someone_elses = handler.post(
        f"/cases/{case.reference}/remedy-actions",
        {"description": "Replace the boiler", "owner": MANAGER, "due_on": "2026-03-20"},
    ).json()
    dpo = apis[DPO]
    base = f"/cases/{case.reference}/remedy-actions"

    done = dpo.post(f"{base}/{theirs['id']}/complete", {"evidence": "Record amended"})
    assert ok(done)["evidence"] == "Record amended"
    refused = dpo.post(f"{base}/{someone_elses['id']}/complete", {"evidence": "Done"})
    assert "does not allow" in error_of(refused, 403, "forbidden")["message"]
    # Recording remedies is still not for them.
    remedy = dpo.post(f"/cases/{case.reference}/remedies", {"kind": "apology", "description": "x"})
    error_of(remedy, 403, "forbidden")
    assert RemedyAction.objects.get(pk=someone_elses["id"]).completed_on is None


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"owner": None}, {"owner"}),
        ({"owner": "nobody"}, {"owner"}),
        ({"owner": "outsider"}, {"owner"}),  # works for another organisation
        ({"owner": "gone"}, {"owner"}),  # no longer active
        ({"owner": BOARD}, {"owner"}),  # sees no case
        ({"owner": OFFICER}, {"owner"}),  # not named on this case
        ({"due_on": "2026-03-15"}, {"due_on"}),  # yesterday
        ({"due_on": "2026-02-30"}, {"due_on"}),
        ({"due_on": "soon"}, {"due_on"}),
        ({"due_on": None}, {"due_on"}),
        ({"description": ""}, {"description"}),
        ({"description": "   "}, {"description"}),
        ({"description": "Fix\x00it"}, {"description"}),
        ({"remedy": 0}, {"remedy"}),
        ({"remedy": 424242}, {"remedy"}),
        ({"remedy": 10**30}, {"remedy"}),
        ({"remedy": "first"}, {"remedy"}),
    ],
)
def test_bad_actions_are_400_naming_the_field(apis, receive, org, change, fields):
    make_user("gone", org, MANAGER, active=False)
    case = receive()
    body = {"description": "Replace the boiler", "owner": MANAGER, "due_on": "2026-03-30"}
    body = {k: v for k, v in (body | change).items() if v is not None}
    response = apis[HANDLER].post(f"/cases/{case.reference}/remedy-actions", body)
    error = error_of(response, 400, "invalid")
    assert set(error["fields"]) == fields, error
    assert not RemedyAction.objects.exists()
    assert Case.objects.get(pk=case.pk).version == case.version


def test_actions_and_remedies_belong_to_their_case(apis, receive):
    handler = apis[HANDLER]
    first, second = receive(), receive(summary="Another complaint")
    remedy = handler.post(
        f"/cases/{first.reference}/remedies", {"kind": "action", "description": "Fix it"}
    ).json()
    action = handler.post(
        f"/cases/{first.reference}/remedy-actions",
        {"description": "Fix it", "owner": MANAGER, "due_on": "2026-03-30"},
    ).json()
    # Another case's remedy cannot carry this case's action...
    wrong = handler.post(
        f"/cases/{second.reference}/remedy-actions",
        {"description": "Fix it", "owner": MANAGER, "due_on": "2026-03-30", "remedy": remedy["id"]},
    )
    assert error_of(wrong, 400, "invalid")["fields"] == {"remedy": "Not found."}
    # ...nor an action be completed through another case.
    path = f"/cases/{second.reference}/remedy-actions/{action['id']}/complete"
    error_of(handler.post(path, {"evidence": "Done"}), 404, "not_found")
    assert RemedyAction.objects.get(pk=action["id"]).completed_on is None


@pytest.mark.parametrize(
    ("body", "fields"),
    [({}, {"evidence"}), ({"evidence": ""}, {"evidence"}), ({"evidence": " \n "}, {"evidence"})],
)
def test_completing_needs_evidence(apis, receive, body, fields):
    case = receive()
    action = (
        apis[HANDLER]
        .post(
            f"/cases/{case.reference}/remedy-actions",
            {"description": "Fix it", "owner": MANAGER, "due_on": "2026-03-30"},
        )
        .json()
    )
    response = apis[MANAGER].post(
        f"/cases/{case.reference}/remedy-actions/{action['id']}/complete", body
    )
    assert set(error_of(response, 400, "invalid")["fields"]) == fields
    assert RemedyAction.objects.get(pk=action["id"]).completed_on is None


# -- the suggestion ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "band", "range_", "reasons"),
    [
        ({}, "low", "up to £20", ["a single failure with a limited impact"]),
        ({"occasions": 2}, "medium", "£20 to £100", ["the failure happened on 2 occasions"]),
        (
            {"occasions": 3, "months_affected": 6, "missed_deadlines": 1},
            "high",  # the top band: the facts cannot move it further
            "over £100",
            [
                "the failure happened on 3 occasions",
                "the customer was affected for 6 months",
                "we missed 1 complaint-handling deadline",
            ],
        ),
    ],
)
def test_the_suggestion_follows_the_packs_bands_and_the_facts(
    apis, receive, params, band, range_, reasons
):
    case = receive()
    response = apis[HANDLER].get(f"/cases/{case.reference}/awards/suggestion", params)
    body = ok(response)
    assert body["band"] == band
    assert body["range"] == range_
    assert body["reasons"] == reasons
    assert body["label"].startswith({"low": "Low", "medium": "Medium", "high": "High"}[band])


def test_a_vulnerable_customer_moves_the_suggestion_up(apis, receive):
    case = receive(flags=["vulnerability"])
    body = ok(apis[HANDLER].get(f"/cases/{case.reference}/awards/suggestion"))
    assert (body["band"], body["low_pence"], body["high_pence"]) == ("medium", 2000, 10000)
    assert body["reasons"] == ["the customer is vulnerable, so the impact is greater"]


@on(ROOFTOP)
def test_no_band_without_bands(apis, receive):
    case = receive()
    body = ok(apis[HANDLER].get(f"/cases/{case.reference}/awards/suggestion"))
    assert (body["band"], body["range"], body["rule"]) == (None, None, None)
    assert body["ombudsman"] is None  # March 2026: before the Ombudsman's 2026 guidance


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"occasions": "many"}, {"occasions"}),
        ({"occasions": -1}, {"occasions"}),
        ({"occasions": 10**30}, {"occasions"}),
        ({"months_affected": -1}, {"months_affected"}),
        ({"months_affected": 1201}, {"months_affected"}),
        ({"missed_deadlines": 1001}, {"missed_deadlines"}),
        ({"missed_deadlines": 2.5}, {"missed_deadlines"}),
        ({"occasions": 0, "months_affected": 99999, "missed_deadlines": -4}, None),
    ],
)
def test_bad_facts_for_the_suggestion_are_400_naming_them(apis, receive, params, fields):
    case = receive()
    response = apis[HANDLER].get(f"/cases/{case.reference}/awards/suggestion", params)
    error = error_of(response, 400, "invalid")
    assert set(error["fields"]) == (fields or {"months_affected", "missed_deadlines"})


# -- authority: South Liverpool Homes ----------------------------------------------------


def test_a_panel_award_above_its_authority_waits_for_the_emt(apis, users, receive):
    case = at_stage2(receive(), users)
    panel = apis[PANEL]

    award = proposed(panel, case, distress(30000, "high"))

    assert award == {
        "id": award["id"],
        "case_version": case_json(panel, case)["version"],
        "suggestion": award["suggestion"],
        "guidance": None,  # March 2026: before the Ombudsman's 2026 guidance
        "below_guidance_reason": "",
        "status": "pending_approval",
        "stage": "stage2",
        "total_pence": 30000,
        "total": "£300",
        "reasoning": "Why: the impact and what it cost",
        "approval_by": "emt",
        "full_and_final": False,
        "method": "",
        "arrears_offset_pence": 0,
        "paid_pence": 0,
        "components": [
            {
                "kind": "time_trouble_distress",
                "amount_pence": 30000,
                "band": "high",
                "description": "Months of damp in the bedroom",
                "days_late": None,
            }
        ],
    }
    event = last_event(panel, case)
    assert event["kind"] == "award_proposed"
    assert event["data"]["needs_approval_by"] == "emt"
    assert event["data"]["total"] == "£300"

    # Not offered, nor paid, before it is approved.
    not_yet = error_of(step(apis[HANDLER], case, award, "offer"), 409, "wrong_state")
    assert not_yet["message"] == "This award has not been approved, so it cannot be offered."
    error_of(
        step(apis[HANDLER], case, award, "pay", {"method": "bank_transfer"}), 409, "wrong_state"
    )

    # Managers and the panel may decide on awards, but this one is for the EMT.
    for role in (MANAGER, COMPLAINTS_MANAGER, PANEL):
        refused = error_of(
            step(apis[role], case, award, "decide", {"approve": True}), 422, "policy_rule"
        )
        assert refused["message"] == (
            "Only the Executive Management Team (EMT) may approve this award. "
            f"(policy rule: compensation.authority.approval_by, {SLH_SOURCE})"
        )
    assert Award.objects.get(pk=award["id"]).status == AwardStatus.PENDING_APPROVAL

    # A senior manager sits on the EMT.
    approved = ok(step(apis[SENIOR], case, award, "decide", {"approve": True, "note": "EMT: yes"}))
    assert approved["status"] == "approved"
    event = last_event(panel, case)
    assert (event["kind"], event["actor"]) == ("award_approved", "Senior Manager")
    assert event["data"]["text"] == "EMT: yes"
    stored = Award.objects.get(pk=award["id"])
    assert stored.decided_by is not None
    assert stored.decided_by.username == SENIOR

    # Decided once.
    twice = error_of(
        step(apis[SENIOR], case, award, "decide", {"approve": False}), 409, "wrong_state"
    )
    assert twice["message"] == "This award is not waiting for approval (approved)."
    # And now it may be offered, by a caseworker: the panel does not contact the customer.
    error_of(step(panel, case, award, "offer"), 403, "forbidden")
    assert ok(step(apis[HANDLER], case, award, "offer"))["status"] == "offered"
    listed = ok(panel.get(f"/cases/{case.reference}/awards"))
    assert [(a["id"], a["status"]) for a in listed] == [(award["id"], "offered")]


def test_a_senior_manager_awards_within_the_emts_authority_at_once(apis, users, receive):
    case = at_stage2(receive(), users)
    award = proposed(apis[SENIOR], case, loss(250000))
    assert (award["status"], award["approval_by"]) == ("approved", "")
    assert last_event(apis[SENIOR], case)["data"]["needs_approval_by"] == ""


def test_an_award_above_5000_needs_the_board(apis, users, receive):
    case = at_stage2(receive(), users)
    award = proposed(apis[PANEL], case, loss(600000))
    assert (award["status"], award["approval_by"], award["total"]) == (
        "pending_approval",
        "board",
        "£6,000",
    )
    # The EMT may not approve it: only the Board.
    senior = error_of(
        step(apis[SENIOR], case, award, "decide", {"approve": True}), 422, "policy_rule"
    )
    assert senior["message"].startswith("Only the SLH Board may approve this award.")
    assert apis[SENIOR].get("/awards/awaiting-approval").json() == []
    # The board member sees it waiting, with what the decision needs and no case.
    board = apis[BOARD]
    (waiting,) = board.get("/awards/awaiting-approval").json()
    assert waiting["award"]["id"] == award["id"]
    assert waiting["award"]["total"] == "£6,000"
    assert waiting["award"]["components"][0]["kind"] == "financial_loss"
    assert waiting["award"]["reasoning"] == "Why: the impact and what it cost"
    assert waiting["award"]["suggestion"]["range"]
    assert (waiting["reference"], waiting["stage"], waiting["case_visible"]) == (
        case.reference,
        "stage2",
        False,
    )
    assert waiting["rule"].startswith("At Stage 2 - Review by the Complaints Review Panel, ")
    assert "above £5,000" in waiting["rule"]
    assert "with the approval of the SLH Board (policy 4.1.9)." in waiting["rule"]
    for secret in ("Pat Resident", "pat@example.org", "Ash Grove", "The repair never happened"):
        assert secret not in json.dumps(waiting)
    # The board member approves it; a caseworker may then offer it. The case stays closed to them.
    approved = ok(step(board, case, award, "decide", {"approve": True, "note": "Agreed"}))
    assert approved["status"] == "approved"
    assert board.get(f"/cases/{case.reference}").status_code == 404
    assert last_event(apis[PANEL], case)["kind"] == "award_approved"
    assert ok(step(apis[HANDLER], case, award, "offer"))["status"] == "offered"


@pytest.mark.parametrize(
    ("role", "pence", "status", "approval_by"),
    [
        (COMPLAINTS_MANAGER, 50000, "approved", ""),  # up to £500 at stage 1
        (HANDLER, 40000, "pending_approval", "complaint_manager"),
    ],
)
def test_authority_at_stage_1(apis, receive, role, pence, status, approval_by):
    case = receive()
    band = "high" if pence > 10000 else "low" if pence <= 2000 else "medium"
    component = distress(pence, band) if pence <= 50000 else loss(pence)
    award = proposed(apis[role], case, component)
    assert (award["stage"], award["status"], award["approval_by"]) == (
        "stage1",
        status,
        approval_by,
    )
    if status == "pending_approval":
        decided = ok(step(apis[COMPLAINTS_MANAGER], case, award, "decide", {"approve": True}))
        assert decided["status"] == "approved"


def test_nobody_may_award_over_500_at_stage_1(apis, receive):
    case = receive()
    error = error_of(propose(apis[COMPLAINTS_MANAGER], case, loss(50001)), 422, "policy_rule")
    assert error["message"] == (
        "£500.01 is more than the policy lets anyone award at this stage. "
        f"(policy rule: compensation.authority, {SLH_SOURCE})"
    )
    assert not Award.objects.exists()


def test_an_amount_outside_its_band_is_422_naming_the_band(apis, receive):
    case = receive()
    error = error_of(
        propose(apis[COMPLAINTS_MANAGER], case, distress(5000, "low")), 422, "policy_rule"
    )
    assert error["message"] == (
        "£50 is outside the Low level: gesture of good will, up to £20 band (up to £20). "
        "(policy rule: compensation.bands, Appendix A)"
    )
    assert error["fields"] == {"components.0.amount_pence": "Outside the band."}


def test_a_refused_approval_is_never_offered_or_paid(apis, receive):
    case = receive()
    award = proposed(apis[HANDLER], case, goodwill(2500))
    assert award["status"] == "pending_approval"
    refused = ok(step(apis[COMPLAINTS_MANAGER], case, award, "decide", {"approve": False}))
    assert refused["status"] == "rejected"
    assert last_event(apis[HANDLER], case)["kind"] == "award_rejected"
    message = "Approval for this award was refused: it cannot be offered or paid."
    assert (
        error_of(step(apis[HANDLER], case, award, "offer"), 409, "wrong_state")["message"]
        == message
    )
    paid = step(apis[HANDLER], case, award, "pay", {"method": "bank_transfer"})
    assert error_of(paid, 409, "wrong_state")["message"] == message


# -- offer, answer and payment -----------------------------------------------------------


def test_offer_answer_and_pay_with_arrears_offset(apis, receive):
    case = receive()
    handler = apis[HANDLER]
    award = proposed(apis[COMPLAINTS_MANAGER], case, distress(30000, "high"))

    offered = ok(step(handler, case, award, "offer"))
    assert offered["status"] == "offered"
    event = last_event(handler, case)
    assert (event["kind"], event["data"]["full_and_final"]) == ("award_offered", False)
    accepted = ok(step(handler, case, award, "answer", {"accepted": True, "note": "By phone"}))
    assert accepted["status"] == "accepted"
    assert last_event(handler, case)["kind"] == "award_accepted"

    paid = ok(
        step(handler, case, award, "pay", {"method": "rent_credit", "arrears_offset_pence": 12000})
    )

    assert (paid["status"], paid["method"]) == ("paid", "rent_credit")
    assert (paid["arrears_offset_pence"], paid["paid_pence"], paid["total_pence"]) == (
        12000,
        18000,
        30000,
    )
    event = last_event(handler, case)
    assert event["kind"] == "award_paid"
    assert event["data"] == {
        "award_id": award["id"],
        "method": "rent_credit",
        "paid": "£180",
        "arrears_offset": "£120",
        "tell_customer_of_offset": True,
        "acceptance": "accepted",
    }

    # Paid once.
    again = step(handler, case, award, "pay", {"method": "bank_transfer"})
    assert (
        error_of(again, 409, "wrong_state")["message"]
        == "This award was already paid on Mon 16 Mar 2026."
    )
    stored = Award.objects.get(pk=award["id"])
    assert (stored.method, stored.paid_pence) == ("rent_credit", 18000)
    # Nor answered or offered again.
    error_of(step(handler, case, award, "answer", {"accepted": False}), 409, "wrong_state")
    error_of(step(handler, case, award, "offer"), 409, "wrong_state")


def test_the_offset_cannot_exceed_the_award_and_the_method_is_the_policys(apis, receive):
    case = receive()
    handler = apis[HANDLER]
    award = proposed(apis[COMPLAINTS_MANAGER], case, goodwill(1000))
    ok(step(handler, case, award, "offer"))

    too_much = step(
        handler, case, award, "pay", {"method": "rent_credit", "arrears_offset_pence": 1001}
    )
    assert error_of(too_much, 400, "invalid")["fields"] == {"arrears_offset_pence": "Out of range."}
    cheque = error_of(step(handler, case, award, "pay", {"method": "cheque"}), 422, "policy_rule")
    assert cheque["message"].startswith(
        "The policy does not pay by cheque; it pays by bank transfer, voucher, rent credit, non cash."
    )
    assert "compensation.methods" in cheque["message"]
    assert set(cheque["fields"]) == {"method"}
    assert Award.objects.get(pk=award["id"]).status == AwardStatus.OFFERED
    # Without acceptance the policy pays all the same; the whole award may go to arrears.
    paid = ok(
        step(handler, case, award, "pay", {"method": "rent_credit", "arrears_offset_pence": 1000})
    )
    assert (paid["paid_pence"], paid["arrears_offset_pence"]) == (0, 1000)
    assert last_event(handler, case)["data"]["acceptance"] == "not_needed"


@on(SOUTHERN)
def test_southern_pays_only_after_acceptance(apis, receive):
    case = receive()
    handler = apis[HANDLER]
    award = proposed(handler, case, goodwill(5000))
    assert award["status"] == "approved"  # no authority limits in this policy
    expected = (
        "The policy pays compensation only once the customer has accepted the offer "
        f"({SOUTHERN_SOURCE}): record the customer's answer first. "
        f"(policy rule: compensation.payment_after_acceptance, {SOUTHERN_SOURCE})"
    )
    pay = {"method": "bank_transfer"}

    early = error_of(step(handler, case, award, "pay", pay), 409, "wrong_state")
    assert early["message"] == (
        "The award has not been offered to the customer yet. Offer it first: the customer "
        "hears of an award before it is paid."
    )
    ok(step(handler, case, award, "offer"))
    offered = error_of(step(handler, case, award, "pay", pay), 422, "policy_rule")
    assert offered["message"] == expected
    assert Award.objects.get(pk=award["id"]).status == AwardStatus.OFFERED

    ok(step(handler, case, award, "answer", {"accepted": True}))
    offset = step(handler, case, award, "pay", pay | {"arrears_offset_pence": 100})
    assert "compensation.arrears_offset" in error_of(offset, 422, "policy_rule")["message"]
    paid = ok(step(handler, case, award, "pay", pay))
    assert (paid["status"], paid["paid_pence"]) == ("paid", 5000)


@on(SOUTHERN)
def test_southern_refusal_opens_the_compensation_review(apis, receive):
    case = receive()
    handler = apis[HANDLER]
    award = proposed(handler, case, goodwill(5000))
    ok(step(handler, case, award, "offer"))

    refused = ok(step(handler, case, award, "answer", {"accepted": False, "note": "Too little"}))

    assert refused["status"] == "refused"
    event = last_event(handler, case)
    assert event["kind"] == "award_refused"
    assert event["data"] == {
        "award_id": award["id"],
        "text": "Too little",
        "opens_route": "compensation_review",
    }
    paid = step(handler, case, award, "pay", {"method": "bank_transfer"})
    message = error_of(paid, 409, "wrong_state")["message"]
    assert message == "The customer refused this offer: it cannot be paid."


def test_a_refusal_opens_nothing_where_the_policy_names_no_route(apis, receive):
    case = receive()
    award = proposed(apis[COMPLAINTS_MANAGER], case, goodwill(1000))
    ok(step(apis[HANDLER], case, award, "offer"))
    ok(step(apis[HANDLER], case, award, "answer", {"accepted": False}))
    assert last_event(apis[HANDLER], case)["data"]["opens_route"] is None


# -- Right to Repair: Rooftop ------------------------------------------------------------


@on(ROOFTOP)
@pytest.mark.parametrize(
    ("days_late", "pence", "total"),
    [(0, 1000, "£10"), (10, 3000, "£30"), (20, 5000, "£50"), (21, 5000, "£50"), (365, 5000, "£50")],
)
def test_right_to_repair_payments(apis, receive, days_late, pence, total):
    case = receive()
    handler = apis[HANDLER]
    statutory = {
        "kind": "statutory",
        "days_late": days_late,
        "amount_pence": 1,  # the Regulations set the amount, not the caller
        "description": "Right to Repair: blocked drain",
    }
    award = proposed(handler, case, statutory)
    assert (award["total_pence"], award["total"]) == (pence, total)
    assert award["components"][0]["amount_pence"] == pence
    assert award["components"][0]["days_late"] == days_late
    assert award["full_and_final"] is True
    assert award["status"] == "approved"
    ok(step(handler, case, award, "offer"))
    assert last_event(handler, case)["data"]["full_and_final"] is True


@on(ROOFTOP)
def test_right_to_repair_with_other_parts_paid_after_acceptance_with_offset(apis, receive):
    case = receive()
    handler = apis[HANDLER]
    statutory = {"kind": "statutory", "days_late": 5, "description": "Late repair"}
    award = proposed(handler, case, statutory, goodwill(2500))
    assert award["total_pence"] == 2000 + 2500
    ok(step(handler, case, award, "offer"))
    early = step(handler, case, award, "pay", {"method": "bank_transfer"})
    assert "payment_after_acceptance" in error_of(early, 422, "policy_rule")["message"]
    ok(step(handler, case, award, "answer", {"accepted": True}))
    paid = ok(
        step(handler, case, award, "pay", {"method": "bank_transfer", "arrears_offset_pence": 500})
    )
    assert (paid["paid_pence"], paid["arrears_offset_pence"]) == (4000, 500)


@on(ROOFTOP)
def test_right_to_repair_needs_the_days_late(apis, receive):
    case = receive()
    response = propose(apis[HANDLER], case, {"kind": "statutory", "description": "Late"})
    assert error_of(response, 400, "invalid")["fields"] == {"components.0.days_late": "Required."}


def test_right_to_repair_where_the_policy_has_none(apis, receive):
    case = receive()
    response = propose(apis[COMPLAINTS_MANAGER], case, {"kind": "statutory", "days_late": 3})
    assert "compensation.right_to_repair" in error_of(response, 422, "policy_rule")["message"]


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("components", "fields"),
    [
        ([], {"components"}),
        ([goodwill(100)] * 21, {"components"}),
        ("goodwill", {"components"}),
        ([{"kind": "bribe", "amount_pence": 100}], {"components.0.kind"}),
        ([{"amount_pence": 100}], {"components.0.kind"}),
        ([goodwill(-1)], {"components.0.amount_pence"}),
        ([goodwill(0)], {"components.0.amount_pence"}),
        ([goodwill(10**30)], {"components.0.amount_pence"}),
        ([{"kind": "goodwill", "amount_pence": "ten"}], {"components.0.amount_pence"}),
        ([goodwill(100), {**loss(100), "evidence": ""}], {"components.1.evidence"}),
        ([{**distress(1000, "low"), "band": ""}], {"components.0.band"}),
        ([{**distress(1000, "low"), "band": "extreme"}], {"components.0.band"}),
        ([{"kind": "statutory", "days_late": -1}], {"components.0.days_late"}),
        ([{**goodwill(100), "description": "x\x00"}], {"components.0.description"}),
        ([{**goodwill(100), "description": "x" * 501}], {"components.0.description"}),
    ],
)
def test_bad_awards_are_400_naming_the_field(apis, receive, components, fields):
    case = receive()
    response = apis[COMPLAINTS_MANAGER].post(
        f"/cases/{case.reference}/awards", {"components": components, "reasoning": "Because"}
    )
    error = error_of(response, 400, "invalid")
    assert set(error["fields"]) == fields, error
    assert not Award.objects.exists()
    assert Case.objects.get(pk=case.pk).version == case.version


@pytest.mark.parametrize("reasoning", [None, "", "   ", "x" * 20001, 7])
def test_an_award_needs_its_reasoning(apis, receive, reasoning):
    case = receive()
    body: dict[str, Any] = {"components": [goodwill(100)]}
    if reasoning is not None:
        body["reasoning"] = reasoning
    response = apis[COMPLAINTS_MANAGER].post(f"/cases/{case.reference}/awards", body)
    assert error_of(response, 400, "invalid")["fields"].keys() == {"reasoning"}
    assert not Award.objects.exists()


NOT_OBJECTS = ['{"text": ', "[1, 2]", '"text"', "3", "null", "", "\x00"]

# Each endpoint with a body: what it needs, and a valid body.
WITH_BODIES = {
    "remedies": {"kind": "apology", "description": "Sorry"},
    "remedy-actions": {"description": "Fix it", "owner": MANAGER, "due_on": "2026-03-30"},
    "remedy-actions/{action_id}/complete": {"evidence": "Done"},
    "awards": {"components": [goodwill(100)], "reasoning": "Because"},
    "awards/{award_id}/decide": {"approve": True},
    "awards/{award_id}/answer": {"accepted": True},
    "awards/{award_id}/pay": {"method": "bank_transfer"},
}
WRONG_FIELDS = {
    "remedies": [({"issue": "one"}, "issue"), ({"kind": 3}, "kind")],
    "remedy-actions": [({"due_on": 20260330}, "due_on"), ({"owner": ""}, "owner")],
    "remedy-actions/{action_id}/complete": [({"evidence": ["x"]}, "evidence")],
    "awards": [({"reasoning": {"a": 1}}, "reasoning"), ({"components": None}, "components")],
    "awards/{award_id}/decide": [({"approve": "perhaps"}, "approve"), ({"note": 5}, "note")],
    "awards/{award_id}/answer": [({"accepted": None}, "accepted"), ({"note": "x" * 5001}, "note")],
    "awards/{award_id}/pay": [
        ({"method": "bitcoin"}, "method"),
        ({"arrears_offset_pence": -1}, "arrears_offset_pence"),
        ({"arrears_offset_pence": 10**30}, "arrears_offset_pence"),
    ],
}


@pytest.fixture
def ready(apis, receive) -> tuple[Case, dict[str, str]]:
    """An ordinary case with an open action and an award waiting for the complaint manager."""
    case = receive()
    action = apis[HANDLER].post(
        f"/cases/{case.reference}/remedy-actions",
        {"description": "Fix it", "owner": MANAGER, "due_on": "2026-03-30"},
    )
    award = proposed(apis[HANDLER], case, goodwill(2500))
    return Case.objects.get(pk=case.pk), {
        "{action_id}": str(action.json()["id"]),
        "{award_id}": str(award["id"]),
    }


def _path(case: Case, endpoint: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        endpoint = endpoint.replace(name, value)
    return f"/cases/{case.reference}/{endpoint}"


def _unchanged(case: Case) -> None:
    assert Case.objects.get(pk=case.pk).version == case.version
    assert not Remedy.objects.exists()
    assert RemedyAction.objects.filter(completed_on__isnull=False).count() == 0
    assert list(Award.objects.values_list("status", flat=True)) == ["pending_approval"]


@pytest.mark.parametrize("endpoint", sorted(WITH_BODIES))
@pytest.mark.parametrize("raw", NOT_OBJECTS)
def test_a_body_that_is_not_a_json_object_is_400(apis, ready, endpoint, raw):
    case, ids = ready
    client = apis[COMPLAINTS_MANAGER]
    response = client.client.post(
        f"/api/v1{_path(case, endpoint, ids)}",
        raw,
        content_type="application/json",
        **client.headers(),
    )
    error_of(response, 400, "invalid")
    _unchanged(case)


@pytest.mark.parametrize(
    ("endpoint", "change", "field"),
    [(e, change, field) for e, wrong in WRONG_FIELDS.items() for change, field in wrong],
)
def test_a_wrong_field_is_400_naming_it(apis, ready, endpoint, change, field):
    case, ids = ready
    body = WITH_BODIES[endpoint] | change
    body = {k: v for k, v in body.items() if v is not None}
    response = apis[COMPLAINTS_MANAGER].post(_path(case, endpoint, ids), body)
    assert set(error_of(response, 400, "invalid")["fields"]) == {field}
    _unchanged(case)


@pytest.mark.parametrize("endpoint", sorted(WITH_BODIES))
def test_a_missing_body_is_400(apis, ready, endpoint):
    case, ids = ready
    response = apis[COMPLAINTS_MANAGER].post(_path(case, endpoint, ids), {})
    assert set(error_of(response, 400, "invalid")["fields"]) == set(WITH_BODIES[endpoint])
    _unchanged(case)


@pytest.mark.parametrize("award_id", ["0", "-1", "99999", str(2**63), "9" * 30, "abc", "1.5"])
@pytest.mark.parametrize("action", ["decide", "offer", "answer", "pay"])
def test_an_award_id_that_is_not_the_cases_is_404_or_400_never_5xx(apis, ready, award_id, action):
    case, _ids = ready
    body = {"decide": {"approve": True}, "answer": {"accepted": True}, "pay": {"method": "voucher"}}
    response = apis[COMPLAINTS_MANAGER].post(
        f"/cases/{case.reference}/awards/{award_id}/{action}", body.get(action)
    )
    assert response.status_code in (400, 404), response.content
    error_of(
        response, response.status_code, "invalid" if response.status_code == 400 else "not_found"
    )
    _unchanged(case)


@pytest.mark.parametrize("action_id", ["0", "99999", str(2**63), "9" * 30, "abc"])
def test_an_action_id_that_is_not_the_cases_is_404_or_400_never_5xx(apis, ready, action_id):
    case, _ids = ready
    response = apis[COMPLAINTS_MANAGER].post(
        f"/cases/{case.reference}/remedy-actions/{action_id}/complete", {"evidence": "Done"}
    )
    assert response.status_code in (400, 404), response.content
    _unchanged(case)


def test_awards_of_another_case_are_not_found(apis, receive):
    first, second = receive(), receive(summary="Another complaint")
    award = proposed(apis[COMPLAINTS_MANAGER], first, goodwill(1000))
    manager = apis[COMPLAINTS_MANAGER]
    for action, body in (
        ("offer", None),
        ("decide", {"approve": True}),
        ("pay", {"method": "voucher"}),
    ):
        error_of(step(manager, second, award, action, body), 404, "not_found")
    assert ok(manager.get(f"/cases/{second.reference}/awards")) == []
    assert [a["id"] for a in ok(manager.get(f"/cases/{first.reference}/awards"))] == [award["id"]]
    assert Award.objects.get(pk=award["id"]).status == AwardStatus.APPROVED


def test_the_awards_list_in_order_with_each_part(apis, receive):
    case = receive()
    manager = apis[COMPLAINTS_MANAGER]
    first = proposed(manager, case, goodwill(1000), loss(2500))
    second = proposed(apis[HANDLER], case, goodwill(500))
    listed = ok(manager.get(f"/cases/{case.reference}/awards"))
    assert [(a["id"], a["status"], a["total"]) for a in listed] == [
        (first["id"], "approved", "£35"),
        (second["id"], "pending_approval", "£5"),
    ]
    assert [c["kind"] for c in listed[0]["components"]] == ["goodwill", "financial_loss"]
    # The evidence of a loss is kept, not sent back in the list.
    assert "evidence" not in json.dumps(listed[0]["components"])
    assert (
        api_for(make_user("reader", case.organisation, DPO))
        .get(f"/cases/{case.reference}/awards")
        .json()
        == listed
    )


# -- version and occurred_at: every change to a remedy, an action or an award ------------------

ACTION_DUE = "2026-03-30"


def _open_action(client: Api, case: Case) -> dict[str, Any]:
    response = client.post(
        f"/cases/{case.reference}/remedy-actions",
        {"description": "Replace the boiler", "owner": COMPLAINTS_MANAGER, "due_on": ACTION_DUE},
    )
    assert response.status_code == 201, response.content
    return response.json()


def _scenario(name: str, apis: dict[str, Api], users, receive) -> tuple[Case, Api, str, dict]:
    """A case ready for the change ``name``, who makes it, where, and a valid body."""
    case = receive()
    manager = apis[COMPLAINTS_MANAGER]
    base = f"/cases/{case.reference}"
    if name == "remedy":
        return case, manager, f"{base}/remedies", {"kind": "apology", "description": "Sorry"}
    if name == "action":
        body = {"description": "Fix it", "owner": COMPLAINTS_MANAGER, "due_on": ACTION_DUE}
        return case, manager, f"{base}/remedy-actions", body
    if name == "complete":
        action = _open_action(manager, case)
        return case, manager, f"{base}/remedy-actions/{action['id']}/complete", {"evidence": "Job"}
    if name == "propose":
        body = {"components": [distress(5000, "medium")], "reasoning": "Two missed visits"}
        return case, manager, f"{base}/awards", body
    if name == "decide":
        case = at_stage2(case, users)
        award = proposed(apis[PANEL], case, distress(30000, "high"))
        path = f"{base}/awards/{award['id']}/decide"
        return case, apis[SENIOR], path, {"approve": True, "note": "Agreed"}
    award = proposed(manager, case, distress(5000, "medium"))
    path = f"{base}/awards/{award['id']}"
    if name == "offer":
        return case, manager, f"{path}/offer", {}
    ok(step(manager, case, award, "offer"))
    if name == "answer":
        return case, manager, f"{path}/answer", {"accepted": True}
    ok(step(manager, case, award, "answer", {"accepted": True}))
    return case, manager, f"{path}/pay", {"method": "bank_transfer"}


CHANGES = ["remedy", "action", "complete", "propose", "decide", "offer", "answer", "pay"]


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_made_on_a_stale_version_is_refused_and_saves_nothing(
    apis, users, receive, change
):
    case, client, path, body = _scenario(change, apis, users, receive)
    seen = case_json(client, case)["version"]
    events_before = len(case_json(client, case)["events"])
    # Someone else changes the case meanwhile.
    client.post(f"/cases/{case.reference}/note", {"text": "Spoke to the customer"})

    error = error_of(client.post(path, {**body, "version": seen}), 409, "conflict")

    assert error["message"].startswith("Someone else changed this case")
    assert f"you were working on version {seen}" in error["message"]
    assert len(case_json(client, case)["events"]) == events_before + 1  # just the note


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_made_on_the_current_version_moves_the_version_on(apis, users, receive, change):
    case, client, path, body = _scenario(change, apis, users, receive)
    seen = case_json(client, case)["version"]

    response = client.post(path, {**body, "version": seen})

    assert response.status_code in (200, 201), response.content
    assert response.json()["case_version"] == seen + 1
    assert case_json(client, case)["version"] == seen + 1


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_dated_in_the_future_is_400_naming_occurred_at(apis, users, receive, change):
    _case, client, path, body = _scenario(change, apis, users, receive)

    response = client.post(path, {**body, "occurred_at": "2026-03-17T10:00:00+00:00"})

    error = error_of(response, 400, "invalid")
    assert error["fields"] == {
        "occurred_at": "That time is in the future. Give when it actually happened."
    }


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_dated_before_receipt_is_400(apis, users, receive, change):
    _case, client, path, body = _scenario(change, apis, users, receive)

    response = client.post(path, {**body, "occurred_at": "2026-03-01T10:00:00+00:00"})

    error = error_of(response, 400, "invalid")
    assert error["fields"] == {
        "occurred_at": "That is before the case was received (Mon 2 Mar 2026)."
    }


@pytest.mark.parametrize("change", CHANGES)
def test_a_bad_version_or_time_is_400(apis, users, receive, change):
    _case, client, path, body = _scenario(change, apis, users, receive)

    assert set(error_of(client.post(path, {**body, "version": 0}), 400, "invalid")["fields"]) == {
        "version"
    }
    response = client.post(path, {**body, "occurred_at": "yesterday"})
    assert set(error_of(response, 400, "invalid")["fields"]) == {"occurred_at"}


def test_when_each_step_happened_is_recorded_on_its_event_and_the_award(apis, users, receive):
    case = receive()
    client = apis[COMPLAINTS_MANAGER]
    base = f"/cases/{case.reference}"
    remedy = client.post(
        f"{base}/remedies",
        {"kind": "apology", "description": "Sorry", "occurred_at": "2026-03-05T11:00:00+00:00"},
    )
    assert remedy.status_code == 201, remedy.content
    action = client.post(
        f"{base}/remedy-actions",
        {
            "description": "Replace the boiler",
            "owner": COMPLAINTS_MANAGER,
            "due_on": "2026-03-09",
            "occurred_at": "2026-03-05T11:30:00+00:00",
        },
    )
    assert action.status_code == 201, action.content  # due after the day it was agreed
    done = ok(
        client.post(
            f"{base}/remedy-actions/{action.json()['id']}/complete",
            {"evidence": "Job sheet 12", "occurred_at": "2026-03-10T16:00:00+00:00"},
        )
    )
    assert done["completed_on"] == "2026-03-10"
    award = client.post(
        f"{base}/awards",
        {
            "components": [distress(5000, "medium")],
            "reasoning": "Two missed visits",
            "occurred_at": "2026-03-11T09:00:00+00:00",
        },
    ).json()
    ok(step(client, case, award, "offer", {"occurred_at": "2026-03-11T10:00:00+00:00"}))
    ok(
        step(
            client,
            case,
            award,
            "answer",
            {"accepted": True, "occurred_at": "2026-03-12T15:00:00+00:00"},
        )
    )
    ok(
        step(
            client,
            case,
            award,
            "pay",
            {"method": "bank_transfer", "occurred_at": "2026-03-13T12:00:00+00:00"},
        )
    )

    events = {e["kind"]: e for e in case_json(client, case)["events"]}
    expected = {
        "remedy_recorded": "2026-03-05T11:00:00Z",
        "action_added": "2026-03-05T11:30:00Z",
        "action_completed": "2026-03-10T16:00:00Z",
        "award_proposed": "2026-03-11T09:00:00Z",
        "award_offered": "2026-03-11T10:00:00Z",
        "award_accepted": "2026-03-12T15:00:00Z",
        "award_paid": "2026-03-13T12:00:00Z",
    }
    for kind, when in expected.items():
        assert events[kind]["occurred_at"].replace("+00:00", "Z") == when, kind
        assert events[kind]["recorded_at"] != events[kind]["occurred_at"], kind
    saved = Award.objects.get(pk=award["id"])
    assert saved.answered_at == datetime.datetime(2026, 3, 12, 15, tzinfo=datetime.UTC)
    assert saved.paid_at == datetime.datetime(2026, 3, 13, 12, tzinfo=datetime.UTC)
    assert Remedy.objects.get().created_at.isoformat() == "2026-03-05T11:00:00+00:00"
    assert RemedyAction.objects.get().completed_on.isoformat() == "2026-03-10"


def test_a_step_cannot_be_dated_before_the_step_it_follows(apis, users, receive):
    case = receive()
    client = apis[COMPLAINTS_MANAGER]
    award = proposed(client, case, distress(5000, "medium"))  # today, 16 March
    response = step(client, case, award, "offer", {"occurred_at": "2026-03-10T10:00:00+00:00"})
    error = error_of(response, 400, "invalid")
    assert error["fields"] == {
        "occurred_at": "That is before the award was approved (Mon 16 Mar 2026)."
    }


def test_an_action_agreed_in_the_past_may_fall_due_before_today_but_not_before_that_day(
    apis, receive
):
    case = receive()
    client = apis[COMPLAINTS_MANAGER]
    body = {
        "description": "Replace the boiler",
        "owner": COMPLAINTS_MANAGER,
        "occurred_at": "2026-03-05T11:00:00+00:00",
    }
    path = f"/cases/{case.reference}/remedy-actions"
    assert client.post(path, {**body, "due_on": "2026-03-06"}).status_code == 201
    error = error_of(client.post(path, {**body, "due_on": "2026-03-04"}), 400, "invalid")
    assert error["message"] == "The due date is before the day the action was agreed."
    assert error["fields"] == {"due_on": "Give a date from that day."}


def test_an_offer_may_still_be_made_without_a_body(apis, receive):
    case = receive()
    client = apis[COMPLAINTS_MANAGER]
    award = proposed(client, case, distress(5000, "medium"))
    response = client.client.post(
        f"/api/v1/cases/{case.reference}/awards/{award['id']}/offer",
        "",
        content_type="application/json",
        **client.headers(),
    )
    assert ok(response)["status"] == "offered"


def test_the_calculators_range_is_kept_with_the_award_from_the_facts_given(apis, receive):
    case = receive()
    response = apis[COMPLAINTS_MANAGER].post(
        f"/cases/{case.reference}/awards",
        {
            "components": [distress(9000, "medium")],
            "reasoning": "Three missed visits over six months",
            "occasions": 3,
            "months_affected": 6,
        },
    )
    assert response.status_code == 201, response.content
    suggestion = response.json()["suggestion"]
    assert suggestion["band"] == "high"
    assert suggestion["facts"] == {"occasions": 3, "months_affected": 6, "missed_deadlines": 1}
    assert "the failure happened on 3 occasions" in suggestion["reasons"]
    assert Award.objects.get().suggestion["range"] == suggestion["range"]
    bad = apis[COMPLAINTS_MANAGER].post(
        f"/cases/{case.reference}/awards",
        {"components": [distress(9000, "medium")], "reasoning": "x", "occasions": 0},
    )
    assert set(error_of(bad, 400, "invalid")["fields"]) == {"occasions"}


# -- the Ombudsman's figure beside the landlord's band -----------------------------------
# The Housing Ombudsman's Guidance on remedies, for compensation it orders from 1 April 2026
# (pack hos-remedies-2026): £15 a day for a complete loss of heating, £15 for each missed
# appointment. 6 days without heating and one missed appointment: 6 x £15 + £15 = £105.

GUIDANCE_RULE = "hos-remedies-2026: fixed_sums"


def in_november(users) -> dict[str, Api]:
    """Tokens made on 20 November 2026 (those made in March have expired by then)."""
    return {role: api_for(users[role]) for role in (HANDLER, COMPLAINTS_MANAGER)}


def with_losses(apis, case: Case) -> Case:
    handler = apis[HANDLER]
    heating = handler.post(
        f"/cases/{case.reference}/losses",
        {"kind": "heating_complete", "started_on": "2026-11-01", "ended_on": "2026-11-06"},
    )
    assert heating.status_code == 201, heating.content
    assert heating.json()["per"] == "day"
    missed = handler.post(
        f"/cases/{case.reference}/losses",
        {"kind": "missed_appointment", "started_on": "2026-11-03", "description": "No show"},
    )
    assert missed.status_code == 201, missed.content
    return case


def test_the_suggestion_gives_both_figures_and_the_rule_behind_each(users, receive, clock):
    case = receive()
    clock(2026, 11, 20, 10)
    apis = in_november(users)
    with_losses(apis, case)
    body = ok(apis[HANDLER].get(f"/cases/{case.reference}/awards/suggestion"))

    assert body["range"] == "up to £20"
    assert body["rule"] == {
        "pack": SLH,
        "rule": "compensation.bands",
        "source": body["rule"]["source"],
    }
    figure = body["ombudsman"]
    assert (figure["total_pence"], figure["total"]) == (10500, "£105")
    assert figure["pack"] == "hos-remedies-2026"
    assert figure["rule"] == GUIDANCE_RULE
    assert figure["source"].startswith("Housing Ombudsman Service, Guidance on remedies")
    assert [
        (x["rule"], x["count"], x["rate_pence"], x["amount_pence"]) for x in figure["lines"]
    ] == [
        ("heating_complete", 6, 1500, 9000),
        ("missed_appointment", 1, 1500, 1500),
    ]
    assert all("1 April 2026" in x["source"] for x in figure["lines"])


def test_losses_are_listed_with_their_dates(users, receive, clock):
    case = receive()
    clock(2026, 11, 20, 10)
    apis = in_november(users)
    with_losses(apis, case)
    body = ok(apis[HANDLER].get(f"/cases/{case.reference}/losses"))
    assert [(x["kind"], x["started_on"], x["ended_on"]) for x in body] == [
        ("heating_complete", "2026-11-01", "2026-11-06"),
        ("missed_appointment", "2026-11-03", None),
    ]


def test_an_award_below_the_figure_is_422_naming_the_rule_and_the_override_is_recorded(
    users, receive, clock
):
    case = receive()
    clock(2026, 11, 20, 10)
    apis = in_november(users)
    with_losses(apis, case)
    manager = apis[COMPLAINTS_MANAGER]

    error = error_of(propose(manager, case, distress(5000, "medium")), 422, "policy_rule")
    assert error["message"].startswith("£50 is below the Ombudsman's figure of £105")
    assert GUIDANCE_RULE in error["message"]
    assert set(error["fields"]) == {"below_guidance_reason"}
    assert not Award.objects.exists()

    response = manager.post(
        f"/cases/{case.reference}/awards",
        {
            "components": [distress(5000, "medium")],
            "reasoning": "Why: the impact and what it cost",
            "below_guidance_reason": "Heating restored by a temporary heater on day 2.",
        },
    )
    assert response.status_code == 201, response.content
    award = response.json()
    assert award["below_guidance_reason"] == "Heating restored by a temporary heater on day 2."
    assert award["guidance"]["total_pence"] == 10500
    event = last_event(manager, case)
    assert event["data"]["below_guidance"] is True


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"kind": "boiler", "started_on": "2026-11-01"}, {"kind"}),
        ({"kind": "heating_complete", "started_on": "2026-11-21"}, {"started_on"}),
        (
            {"kind": "heating_complete", "started_on": "2026-11-06", "ended_on": "2026-11-01"},
            {"ended_on"},
        ),
        ({"kind": "heating_complete", "started_on": "yesterday"}, {"started_on"}),
        ({"kind": "heating_complete"}, {"started_on"}),
    ],
)
def test_bad_losses_are_400_naming_the_field(users, receive, clock, body, fields):
    case = receive()
    clock(2026, 11, 20, 10)
    response = in_november(users)[HANDLER].post(f"/cases/{case.reference}/losses", body)
    assert set(error_of(response, 400, "invalid")["fields"]) == fields


def test_a_loss_is_withdrawn_with_a_reason_and_stays_listed(users, receive, clock):
    case = receive()
    clock(2026, 11, 20, 10)
    apis = in_november(users)
    with_losses(apis, case)
    handler = apis[HANDLER]
    heating = ok(handler.get(f"/cases/{case.reference}/losses"))[0]

    error = error_of(
        handler.post(f"/cases/{case.reference}/losses/{heating['id']}/withdraw", {"reason": ""}),
        400,
        "invalid",
    )
    assert set(error["fields"]) == {"reason"}
    done = ok(
        handler.post(
            f"/cases/{case.reference}/losses/{heating['id']}/withdraw", {"reason": "Wrong case"}
        )
    )
    assert (done["withdrawn"], done["withdrawn_reason"]) == (True, "Wrong case")
    again = handler.post(
        f"/cases/{case.reference}/losses/{heating['id']}/withdraw", {"reason": "Again"}
    )
    assert error_of(again, 409, "wrong_state")
    missing = handler.post(f"/cases/{case.reference}/losses/99999/withdraw", {"reason": "x"})
    assert error_of(missing, 404, "not_found")
    listed = ok(handler.get(f"/cases/{case.reference}/losses"))
    assert [x["withdrawn"] for x in listed] == [True, False]
    figure = ok(handler.get(f"/cases/{case.reference}/awards/suggestion"))["ombudsman"]
    assert figure["total_pence"] == 1500  # the missed appointment only
