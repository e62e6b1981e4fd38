"""Through the API: a petition of 30 signatories (10 lines incomplete) is recorded, its lead
contacted and everyone acknowledged within the policy's days, answered, escalated through a
nominated representative and decided at stage 2, every deadline matching a hand count.

Southern 4.11.2, petition received Monday 2 March 2026 at 10:00 (deemed that day, day 0):
- identify the lead petitioner within 1 working day: Tuesday 3 March;
- acknowledge to all signatories within 2 working days: Wednesday 4 March;
- respond within 10 working days (stage 1's timescale): 3, 4, 5, 6, 9, 10, 11, 12, 13, 16
  March, so Monday 16 March.
Escalated on Tuesday 17 March (day 0 of stage 2), Southern 4.7 (Senior Manager Review):
- acknowledge within 1 working day: Wednesday 18 March;
- respond within 20 working days: 18, 19, 20, 23, 24, 25, 26, 27, 30, 31 March, 1, 2 April
  (3 April Good Friday and 6 April Easter Monday skipped), 7, 8, 9, 10, 13, 14, 15, 16 April:
  Thursday 16 April.
"""

from __future__ import annotations

import pytest

from putright.cases.models import Event
from putright.people.models import Person
from tests.api.conftest import api_for

from .conftest import signatories

pytestmark = pytest.mark.django_db


def _due(case: dict, stage: str, step: str) -> tuple[str, str]:
    found = [d for d in case["deadlines"] if d["stage"] == stage and d["step"] == step]
    assert found, (stage, step, case["deadlines"])
    return found[0]["due"], found[0]["state"]


def test_a_petition_of_thirty_is_acknowledged_answered_and_decided_at_stage_2(
    petition_case, api, users, clock, org, existing_customer
):
    ref = petition_case.reference
    handler, manager = api["complaint_handler"], api["manager"]
    people_before = Person.objects.filter(organisation=org).count()

    recorded = handler.post(
        f"/cases/{ref}/petition", {"signatories": signatories(existing_customer)}
    )
    assert recorded.status_code == 201, recorded.content
    petition = recorded.json()["petition"]
    assert petition["people_represented"] == 30
    assert petition["incomplete"] == 10
    # The existing customer is matched, not duplicated: 28 new people.
    assert Person.objects.filter(organisation=org).count() == people_before + 28
    assert petition["signatories"][1]["person_id"] == existing_customer.pk
    fifth = petition["signatories"][4]
    assert fifth["missing"] == ["postcode"]
    assert petition["signatories"][6]["missing"] == ["signature"]

    case = handler.get(f"/cases/{ref}").json()
    assert _due(case, "petition", "identify_lead_petitioner") == ("2026-03-03", "pending")
    assert _due(case, "petition", "acknowledge") == ("2026-03-04", "pending")
    assert _due(case, "petition", "respond") == ("2026-03-16", "pending")

    clock(2026, 3, 3, 9)
    cleared = handler.post(f"/cases/{ref}/petition/clear", {"note": "One issue: the lift."})
    assert cleared.status_code == 201, cleared.content
    contacted = handler.post(f"/cases/{ref}/petition/lead-contacted", {"how": "phone call"})
    assert contacted.status_code == 201, contacted.content
    case = handler.get(f"/cases/{ref}").json()
    assert _due(case, "petition", "identify_lead_petitioner") == ("2026-03-03", "met")

    clock(2026, 3, 4, 11)
    acknowledged = handler.post(f"/cases/{ref}/petition/acknowledge", {})
    assert acknowledged.status_code == 201, acknowledged.content
    [batch] = acknowledged.json()["petition"]["batches"]
    assert len(batch["letters"]) == 30
    by = {letter["signatory"]: letter for letter in batch["letters"]}
    assert {by[n]["channel"] for n in (3, 4, 6)} == {"post"}
    assert by[8]["channel"] == "email"
    assert by[8]["call"] is True
    assert by[13]["channel"] == "email"
    assert by[13]["call"] is False
    case = handler.get(f"/cases/{ref}").json()
    assert _due(case, "petition", "acknowledge") == ("2026-03-04", "met")
    # One event for the batch, listing all 30.
    # One event for the batch, listing all 30 and how each went.
    batches = [
        e.data["petition"]
        for e in Event.objects.filter(case=petition_case, kind="note")
        if e.data["petition"]["action"] == "batch_acknowledgement"
    ]
    assert len(batches) == 1
    assert len(batches[0]["letters"]) == 30
    again = handler.post(f"/cases/{ref}/petition/acknowledge", {})
    assert again.status_code == 409

    clock(2026, 3, 10, 10)
    updated = handler.post(
        f"/cases/{ref}/petition/update", {"text": "An engineer visits on 12 March."}
    )
    assert updated.status_code == 201, updated.content
    update = updated.json()["petition"]["batches"][1]
    assert {
        letter["channel"] for letter in update["letters"] if letter["signatory"] in (8, 9, 11, 12)
    } == {"phone"}

    clock(2026, 3, 13, 15)
    answered = handler.post(
        f"/cases/{ref}/petition/respond",
        {"outcome": "partly_upheld", "text": "The lift was out for too long; it is now fixed."},
    )
    assert answered.status_code == 201, answered.content
    assert len(answered.json()["petition"]["batches"][2]["letters"]) == 30
    case = handler.get(f"/cases/{ref}").json()
    assert _due(case, "petition", "respond") == ("2026-03-16", "met")

    clock(2026, 3, 16, 10)
    unhappy = handler.post(
        f"/cases/{ref}/petition/unhappy", {"numbers": [2, 3, 9], "reason": "It broke again."}
    )
    assert unhappy.status_code == 201, unhappy.content

    clock(2026, 3, 17, 10)
    # A handler may not decide; the representative must agree; the Stage 1 handler may not
    # take stage 2.
    refused = handler.post(
        f"/cases/{ref}/petition/decide",
        {"decision": "stage2", "reasons": "Review", "representative": 3},
    )
    assert refused.status_code == 403
    not_agreed = manager.post(
        f"/cases/{ref}/petition/decide",
        {
            "decision": "stage2",
            "reasons": "A senior manager should review the lift contract.",
            "representative": 3,
            "handler": "stage2_handler",
            "route": "senior_manager_review",
        },
    )
    assert not_agreed.status_code == 422, not_agreed.content
    not_unhappy = manager.post(
        f"/cases/{ref}/petition/decide",
        {
            "decision": "stage2",
            "reasons": "Review",
            "representative": 4,
            "representative_agreed": True,
            "handler": "stage2_handler",
            "route": "senior_manager_review",
        },
    )
    assert not_unhappy.status_code == 400
    assert "representative" in not_unhappy.json()["error"]["fields"]
    decided = manager.post(
        f"/cases/{ref}/petition/decide",
        {
            "decision": "stage2",
            "reasons": "A senior manager should review the lift contract.",
            "representative": 3,
            "representative_agreed": True,
            "handler": "stage2_handler",
            "route": "senior_manager_review",
        },
    )
    assert decided.status_code == 201, decided.content
    petition = decided.json()["petition"]
    assert petition["stage"] == "stage2"
    told = petition["batches"][3]
    assert told["kind"] == "escalation"
    assert sorted(letter["signatory"] for letter in told["letters"]) == [2, 3, 9]
    assert [s["number"] for s in petition["signatories"] if s["representative"]] == [3]
    case = handler.get(f"/cases/{ref}").json()
    assert case["stage"] == "stage2"
    assert _due(case, "stage2", "acknowledge") == ("2026-03-18", "pending")
    assert _due(case, "stage2", "respond") == ("2026-04-16", "pending")

    clock(2026, 3, 18, 9)
    acknowledged = api["stage2_handler"].post(f"/cases/{ref}/acknowledge", {})
    assert acknowledged.status_code in (200, 201), acknowledged.content
    assert _due(acknowledged.json(), "stage2", "acknowledge") == ("2026-03-18", "met")

    clock(2026, 4, 14, 10)
    stage2 = api_for(users["stage2_handler"])  # a token of today's (tokens last 30 days)
    handler = api_for(users["complaint_handler"])
    final = stage2.post(
        f"/cases/{ref}/petition/respond",
        {"outcome": "upheld", "text": "The lift contract is changed; each household gets £50."},
    )
    assert final.status_code == 201, final.content
    [to_representative] = final.json()["petition"]["batches"][4]["letters"]
    assert to_representative["signatory"] == 3
    assert to_representative["channel"] == "post"
    case = handler.get(f"/cases/{ref}").json()
    assert _due(case, "stage2", "respond") == ("2026-04-16", "met")
