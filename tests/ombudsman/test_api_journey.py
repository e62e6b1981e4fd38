"""Through the API: a determination with three findings and two orders, one order completed
with evidence by its owner and the Ombudsman told; the log reads it back."""

from __future__ import annotations

import pytest

from putright.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_a_determination_is_recorded_and_an_order_done_and_told_through_the_api(case, api):
    handler, owner = api[Role.COMPLAINT_HANDLER], api[Role.MANAGER]
    sent = handler.post(
        f"/cases/{case.reference}/ombudsman",
        {
            "kind": "determination",
            "determined_on": "2026-03-12",
            "appeal_by": "2026-04-09",
            "ombudsman_reference": "202512345",
            "findings": [
                {
                    "point": "Damp",
                    "category": "Damp and mould",
                    "finding": "severe_maladministration",
                },
                {"point": "Repairs", "category": "Repairs", "finding": "maladministration"},
                {
                    "point": "Handling",
                    "category": "Complaint handling",
                    "finding": "service_failure",
                },
            ],
            "orders": [
                {
                    "kind": "order",
                    "text": "Pay £750",
                    "owner": "manager",
                    "within_days": 20,
                    "counts": "working",
                    "amount_pence": 75000,
                },
                {
                    "kind": "order",
                    "text": "Inspect for damp",
                    "owner": "manager",
                    "due_on": "2026-04-10",
                },
            ],
        },
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["message"] == "Determination recorded with 3 findings and 2 orders."
    [listed] = handler.get("/ombudsman/determinations?organisation=north-homes").json()["results"]
    money, inspect = listed["orders"]
    assert (money["due_on"], money["amount_pence"], money["status"]) == (
        "2026-04-13",
        75000,
        "open",
    )
    assert money["award_id"] is not None

    # The owner completes the inspection; completing the money order waits for its payment.
    waits = owner.post(f"/ombudsman/orders/{money['id']}/complete", {"evidence": "Paid"})
    assert waits.status_code == 409
    assert "record its payment" in waits.json()["error"]["message"]
    empty = owner.post(f"/ombudsman/orders/{inspect['id']}/complete", {"evidence": ""})
    assert empty.status_code == 400
    assert "evidence" in empty.json()["error"]["fields"]
    done = owner.post(
        f"/ombudsman/orders/{inspect['id']}/complete", {"evidence": "Survey report 16 March"}
    )
    assert done.status_code == 201, done.content
    told = handler.post(f"/ombudsman/orders/{inspect['id']}/tell", {"told_on": "2026-03-16"})
    assert told.status_code == 201, told.content
    again = handler.post(f"/ombudsman/orders/{inspect['id']}/tell", {})
    assert again.status_code == 409

    [listed] = handler.get("/ombudsman/determinations").json()["results"]
    inspect = listed["orders"][1]
    assert (inspect["status"], inspect["completed_on"], inspect["ombudsman_told_on"]) == (
        "told",
        "2026-03-16",
        "2026-03-16",
    )
    assert inspect["evidence"] == "Survey report 16 March"
