"""The learning API's shapes and refusals, and the review pages and their PDFs."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from putright.accounts.tokens import token_create
from putright.cases.services import Actor
from putright.learning import services
from putright.learning.services import ActionToRaise

from .conftest import answered, at, complaint

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, client, user):
        _token, raw = token_create(user=user, name="tests", expires_in_days=30)
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {}, **self.headers)

    def post(self, path, body):
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", **self.headers
        )


@pytest.fixture
def roof(now, landlord, people):
    organisation = landlord("rooftop-2023")
    return organisation, people(organisation)


def test_a_lesson_over_the_api_raises_its_actions_and_lists_them(client, roof):
    organisation, staff = roof
    case = answered(
        complaint(organisation, staff["handler"], received_at=at(2026, 3, 2)),
        staff["handler"],
        "upheld",
    )
    api = Api(client, staff["handler"])
    sent = api.post(
        f"/cases/{case.reference}/lessons",
        {
            "issue": 1,
            "cause": "missed_appointment",
            "scope": "systemic",
            "text": "Visits booked without checking the diary.",
            "actions": [
                {
                    "text": "Check the diary before booking.",
                    "owner": "manager",
                    "due_on": "2026-04-30",
                }
            ],
        },
    )
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert body["issue"] == 1
    assert body["cause"] == "missed_appointment"
    [action] = body["actions"]
    assert action["source"] == "case"
    assert action["case"] == case.reference
    assert action["owner"] == "manager"
    assert action["status"] == "open"
    assert action["effective"] is None

    listed = api.get("/learning/actions", {"organisation": organisation.slug})
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [action["id"]]
    one = api.get(f"/learning/actions/{action['id']}").json()
    assert one["deadlines"][0]["label"] == "Complete the improvement action"
    assert one["deadlines"][0]["due"] == "2026-04-30"
    assert "explanation" in one["deadlines"][0]
    assert one["history"][0]["kind"] == "raised"
    assert (
        api.get(
            "/learning/actions", {"organisation": organisation.slug, "status": "completed"}
        ).json()
        == []
    )


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"due_on": "2026-01-01"}, "due_on", 400),
        ({"due_on": "2199-12-31"}, "due_on", 400),
        ({"owner": "nobody"}, "owner", 400),
        ({"source": "rumour"}, "source", 400),
        ({"due_on": 20260430}, "due_on", 400),
        ({"source": "case", "case": "NO-SUCH"}, "case", 400),
        ({"cause": "bad_luck"}, "cause", 400),
        ({"text": ""}, "text", 400),
    ],
)
def test_raising_bad_input_is_a_4xx_naming_the_field(client, roof, body, field, status):
    organisation, staff = roof
    given = {
        "organisation": organisation.slug,
        "source": "review",
        "source_reference": "Q1 review",
        "text": "Publish repair times.",
        "owner": "manager",
        "due_on": "2026-04-30",
        **body,
    }
    sent = Api(client, staff["handler"]).post("/learning/actions", given)
    assert sent.status_code == status, sent.content
    assert field in sent.json()["error"]["fields"]


def test_unknown_organisations_and_actions_are_404(client, roof):
    organisation, staff = roof
    api = Api(client, staff["handler"])
    assert api.get("/learning/actions", {"organisation": "nowhere"}).status_code == 404
    assert api.get("/learning/actions/999").status_code == 404
    assert api.post("/learning/actions/999/complete", {"note": "x"}).status_code == 404
    assert (
        api.get("/learning/actions", {"organisation": organisation.slug, "status": "x"}).status_code
        == 400
    )


def test_completing_twice_and_reviewing_too_early_are_409(client, roof):
    organisation, staff = roof
    action = services.improvement_raise(
        organisation=organisation,
        actor=Actor(staff["manager"]),
        source="review",
        source_reference="Q1 review",
        text="Publish repair times.",
        owner="manager",
        due_on=datetime.date(2026, 4, 30),
    )
    api = Api(client, staff["manager"])
    early = api.post(f"/learning/actions/{action.pk}/review", {"effective": True, "note": "x"})
    assert early.status_code == 409
    assert early.json()["error"]["message"].startswith("The action is not completed yet")
    assert api.post(f"/learning/actions/{action.pk}/complete", {"note": "Done"}).status_code == 200
    again = api.post(f"/learning/actions/{action.pk}/complete", {"note": "Done"})
    assert again.status_code == 409
    stale = api.post(
        f"/learning/actions/{action.pk}/review", {"effective": True, "note": "x", "version": 1}
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"


def test_the_reviews_are_pages_and_pdfs(client, roof):
    organisation, staff = roof
    case = answered(
        complaint(
            organisation, staff["handler"], received_at=at(2026, 1, 12), service_area="Repairs"
        ),
        staff["handler"],
        "upheld",
    )
    services.lesson_record(
        case=case,
        actor=Actor(staff["handler"]),
        issue=1,
        cause="missed_appointment",
        scope="systemic",
        text="Visits booked without checking the diary.",
        actions=[ActionToRaise("Check the diary first.", "manager", datetime.date(2026, 4, 30))],
    )
    client.force_login(staff["manager"])
    page = client.get(f"/learning/{organisation.slug}/quarterly-review/?year=2026&quarter=1")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Quarterly lessons review: January to March 2026 (Q1 2026)" in text
    assert "Visits booked without checking the diary." in text
    assert "Actions raised (1)" in text
    pdf = client.get(
        f"/learning/{organisation.slug}/quarterly-review/?year=2026&quarter=1&format=pdf"
    )
    assert pdf["Content-Type"] == "application/pdf"
    words = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "Visits booked without checking the diary." in words
    assert "Check the diary first." in words

    dive = client.get(f"/learning/{organisation.slug}/deep-dive/?year=2026&area=Repairs")
    assert dive.status_code == 200
    assert "1 complaint about Repairs" in dive.content.decode()
    assert "Check the diary first." in dive.content.decode()
    scrutiny = client.get(f"/learning/{organisation.slug}/scrutiny-report/?year=2026&month=3")
    assert scrutiny.status_code == 200
    assert "Scrutiny report: March 2026" in scrutiny.content.decode()

    for bad in ("?year=2026&quarter=5", "?year=abc"):
        refused = client.get(f"/learning/{organisation.slug}/quarterly-review/{bad}")
        assert refused.status_code == 400
        assert "Choose a period" in refused.content.decode()
    assert client.get(f"/learning/{organisation.slug}/deep-dive/?area=Gardens").status_code == 400


def test_the_public_page_lists_only_approved_texts(client, roof):
    organisation, staff = roof
    action = services.improvement_raise(
        organisation=organisation,
        actor=Actor(staff["manager"]),
        source="review",
        source_reference="Q1 review",
        text="Publish repair times.",
        owner="manager",
        due_on=datetime.date(2026, 4, 30),
        service_area="Repairs",
        cause="delay",
    )
    services.improvement_complete(action=action, actor=Actor(staff["manager"]), note="Done.")
    services.improvement_write_public(
        action=action, actor=Actor(staff["handler"]), text="We now publish how long repairs take."
    )
    page = client.get(f"/resident/{organisation.slug}/what-we-changed/")
    assert "We now publish how long repairs take." not in page.content.decode()
    assert "We have not published any changes here yet." in page.content.decode()
    services.improvement_approve_public(action=action, actor=Actor(staff["manager"]), approve=True)
    page = client.get(f"/resident/{organisation.slug}/what-we-changed/").content.decode()
    assert "We now publish how long repairs take." in page
    assert "Repairs: delay" in page
    assert client.get("/resident/nowhere/what-we-changed/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"text": ', None),
        ("[1, 2]", None),
        ("null", None),
        ({"version": "two"}, "version"),
        ({"version": 0}, "version"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at"),
        ({"occurred_at": "2026-03-16T10:05:00+00:00"}, "occurred_at"),
        ({"issue": 9}, "issue"),
        ({"issue": True}, "issue"),
        (
            {"actions": [{"text": "x", "owner": "manager", "due_on": "yesterday"}]},
            "actions.0.due_on",
        ),
    ],
)
def test_lessons_bad_input_is_400_never_5xx(client, roof, body, field):
    organisation, staff = roof
    case = complaint(organisation, staff["handler"], received_at=at(2026, 3, 2))
    valid = {"cause": "delay", "scope": "individual", "text": "Booked late."}
    api = Api(client, staff["manager"])
    if isinstance(body, dict):
        sent = api.post(f"/cases/{case.reference}/lessons", valid | body)
    else:
        sent = client.post(
            f"/api/v1/cases/{case.reference}/lessons",
            body,
            content_type="application/json",
            **api.headers,
        )
    assert sent.status_code == 400, sent.content
    error = sent.json()["error"]
    assert error["code"] == "invalid"
    if field:
        assert set(error["fields"]) == {field}, error
    case.refresh_from_db()
    assert case.version == 1
