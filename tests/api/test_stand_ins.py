"""Input the API should refuse, each a 400 naming the field (never read as something else):
a number as a time, true as a number, a date no complaint can have, a step that is not a
milestone; and a JSON body sent as another type, 415."""

from __future__ import annotations

import json

import pytest

from .test_cases_api import NEW_CASE


def refused(response, field: str) -> str:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    return error["fields"][field]


def test_a_number_is_not_a_time_of_receipt(handler_api):
    message = refused(
        handler_api.post("/cases", NEW_CASE | {"received_at": 1773651600}), "received_at"
    )
    assert "as text" in message


def test_true_is_not_a_number_of_working_days(handler_api, cases):
    reference = cases["ordinary"].reference
    body = {"working_days": True, "explanation": "Waiting for a survey."}
    message = refused(handler_api.post(f"/cases/{reference}/extend", body), "working_days")
    assert message == "Give a whole number, not true or false."


@pytest.mark.parametrize("day", ["0001-01-01", "2099-01-01"])
def test_a_matter_cannot_have_happened_in_year_1_or_after_the_complaint(handler_api, day):
    refused(
        handler_api.post("/cases", NEW_CASE | {"matter_occurred_on": day}), "matter_occurred_on"
    )


def test_marking_done_a_step_that_is_not_a_milestone_is_400(handler_api, cases):
    reference = cases["ordinary"].reference
    before = handler_api.get(f"/cases/{reference}").json()
    message = refused(
        handler_api.post(f"/cases/{reference}/mark-step-done", {"step": "respond"}), "step"
    )
    assert message in {"None to mark."} or message.startswith("Choose one of:")
    after = handler_api.get(f"/cases/{reference}").json()
    assert len(after["events"]) == len(before["events"])


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_json_body_sent_as_another_type_is_415(handler_api, content_type):
    response = handler_api.post("/cases", json.dumps(NEW_CASE), content_type=content_type)
    assert response.status_code == 415, response.content
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "application/json" in error["message"]


def test_a_remedy_action_due_in_the_year_9999_is_400(handler_api, cases):
    reference = cases["ordinary"].reference
    body = {"description": "Replace the boiler", "owner": "manager", "due_on": "9999-12-31"}
    message = refused(handler_api.post(f"/cases/{reference}/remedy-actions", body), "due_on")
    assert message.startswith("Give a date between 1900 and 2199")
