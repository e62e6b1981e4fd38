"""The hazards of a case through the API: in the case answer (read in the same one query),
raised by hand, and each step recorded, with errors a person can act on."""

from __future__ import annotations

import pytest

from putright.accounts.models import Role
from putright.hazards.models import Hazard
from tests.api.conftest import at

pytestmark = pytest.mark.django_db

HANDLER = Role.COMPLAINT_HANDLER


@pytest.fixture
def mouldy(receive):
    return receive(summary="Black mould on the bedroom ceiling, my baby keeps coughing")


def test_the_case_answer_carries_its_hazards_with_triggers_and_explained_deadlines(apis, mouldy):
    answer = apis[HANDLER].get(f"/cases/{mouldy.reference}").json()
    [hazard] = answer["hazards"]
    assert hazard["kind"] == "damp_mould"
    assert hazard["severity"] == "significant"
    assert hazard["status"] == "suspected"
    assert "mould" in hazard["triggers"]
    assert "Children or a baby in the home" in hazard["signs"]
    [investigate] = hazard["deadlines"]
    assert investigate["step"] == "investigate"
    # Received Mon 2 March 2026 at 10:00: 10 working days is Mon 16 March.
    assert investigate["due"] == "2026-03-16"
    assert investigate["state"] == "open"
    assert "skip weekends and bank holidays only" in investigate["explanation"]


def test_reading_a_case_with_hazards_stays_one_query(apis, mouldy, django_assert_num_queries):
    apis[HANDLER].get(f"/cases/{mouldy.reference}")
    with django_assert_num_queries(2):
        read = apis[HANDLER].get(f"/cases/{mouldy.reference}")
    assert read.json()["hazards"][0]["kind"] == "damp_mould"


def test_the_answer_read_in_one_query_equals_the_one_read_through_the_orm(apis, users, mouldy):
    from putright.api.cases.answers import CaseOut, case_detail, render

    api_answer = apis[HANDLER].get(f"/cases/{mouldy.reference}").content
    mouldy.refresh_from_db()
    fresh = render(None, CaseOut, case_detail(mouldy, users[HANDLER]))  # type: ignore[arg-type]
    assert api_answer == fresh


def test_an_emergency_deadline_is_a_time(apis, receive):
    case = receive(summary="There is a strong smell of gas in the kitchen")
    [hazard] = apis[HANDLER].get(f"/cases/{case.reference}").json()["hazards"]
    assert hazard["severity"] == "emergency"
    assert [d["due"] for d in hazard["deadlines"]] == ["2026-03-03T10:00:00Z"] * 2


def test_raise_then_walk_the_journey_through_the_api(apis, receive):
    case = receive(summary="The contractor left rubbish behind")
    client = apis[HANDLER]
    raised = client.post(
        f"/cases/{case.reference}/hazards",
        {"kind": "structural", "severity": "significant", "description": "Loose banister"},
    )
    assert raised.status_code == 201, raised.content
    hazard = raised.json()
    base = f"/cases/{case.reference}/hazards/{hazard['id']}"
    steps = [
        ("confirm", {"version": hazard["version"]}),
        ("investigated", {"findings": "The banister is loose at the top."}),
        ("summary-sent", {"found": "A loose banister.", "will_do": "Refix it this week."}),
        ("made-safe", {"note": "Refixed."}),
        ("works-started", {}),
        ("resolved", {}),
    ]
    for step, body in steps:
        sent = client.post(f"{base}/{step}", body)
        assert sent.status_code == 200, (step, sent.content)
    assert sent.json()["status"] == "resolved"
    assert Hazard.objects.get(pk=hazard["id"]).letters.count() == 1


def test_bad_input_and_steps_out_of_order_are_4xx_with_a_message(apis, mouldy, clock):
    client = apis[HANDLER]
    hazard = mouldy.hazards.get()
    base = f"/cases/{mouldy.reference}/hazards/{hazard.pk}"

    empty = client.post(f"{base}/dismiss", {"reason": ""})
    assert empty.status_code == 400
    assert "reason" in empty.json()["error"]["fields"]

    early = client.post(f"{base}/made-safe", {})
    assert early.status_code == 409
    assert (
        early.json()["error"]["message"]
        == "Confirm the hazard first: only a confirmed hazard is made safe."
    )

    future = client.post(f"{base}/confirm", {"occurred_at": "2030-01-01T10:00:00Z"})
    assert future.status_code == 400
    assert "occurred_at" in future.json()["error"]["fields"]

    stale = client.post(f"{base}/confirm", {"version": 99})
    assert stale.status_code == 409

    missing = client.post(f"/cases/{mouldy.reference}/hazards/999999/confirm", {})
    assert missing.status_code == 404

    kind = client.post(
        f"/cases/{mouldy.reference}/hazards", {"kind": "ghosts", "severity": "significant"}
    )
    assert kind.status_code == 400
    assert "kind" in kind.json()["error"]["fields"]


def test_a_hazard_of_another_case_is_not_found(apis, receive, mouldy):
    other = receive(summary="Damp in the kitchen")
    hazard = mouldy.hazards.get()
    sent = apis[HANDLER].post(f"/cases/{other.reference}/hazards/{hazard.pk}/confirm", {})
    assert sent.status_code == 404


def test_clocks_count_from_receipt_with_no_cut_off(apis, receive):
    case = receive(summary="Mould everywhere", received_at=at(2026, 3, 6, 18))
    [hazard] = apis[HANDLER].get(f"/cases/{case.reference}").json()["hazards"]
    # Received Friday 6 March at 18:00, after any cut-off: still counted from Friday.
    assert hazard["deadlines"][0]["start"] == "2026-03-06"
    assert hazard["deadlines"][0]["due"] == "2026-03-20"


@pytest.mark.parametrize(
    "step", ["confirm", "dismiss", "investigated", "summary-sent", "made-safe", "resolved"]
)
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"reason": ', None),
        ("[1, 2]", None),
        ("null", None),
        ({"version": "two"}, "version"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at"),
    ],
)
def test_bad_input_to_a_step_is_400_never_5xx(apis, mouldy, step, body, field):
    hazard = mouldy.hazards.get()
    client = apis[HANDLER]
    path = f"/api/v1/cases/{mouldy.reference}/hazards/{hazard.pk}/{step}"
    if isinstance(body, str):
        sent = client.client.post(path, body, content_type="application/json", **client.headers())
    else:
        sent = client.post(path.removeprefix("/api/v1"), body)
    assert sent.status_code == 400, sent.content
    error = sent.json()["error"]
    assert error["code"] == "invalid"
    if field:
        assert field in error["fields"]
