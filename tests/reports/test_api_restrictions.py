"""GET /api/v1/reports/restrictions: unacceptable behaviour in counts, for report readers only."""

from __future__ import annotations

import datetime

import pytest

from putright.accounts.models import Role
from putright.people.models import ContactRestriction, Person, RestrictionLevel

from .test_api import client_for, member

pytestmark = pytest.mark.urls("tests.reports.api_urls")

PARAMS = {"organisation": "code-homes", "start": "2025-04-01", "end": "2026-03-31"}


@pytest.fixture
def restricted(code_org):
    person = Person.objects.create(organisation=code_org, name="Robin Restricted")
    for categories, measures, starts_on in (
        (["unreasonable_demands", "aggressive_or_abusive"], ["writing_only"], (2025, 9, 1)),
        (["unreasonable_demands"], ["single_point_of_contact"], (2026, 1, 5)),
        (["aggressive_or_abusive"], ["writing_only"], (2024, 1, 5)),  # before the period
    ):
        ContactRestriction.objects.create(
            person=person,
            level=RestrictionLevel.RESTRICTION,
            behaviour="Daily calls.",
            starts_on=datetime.date(*starts_on),
            review_on=datetime.date(*starts_on) + datetime.timedelta(days=90),
            categories=categories,
            measures=measures,
        )
    ContactRestriction.objects.create(
        person=person,
        level=RestrictionLevel.WARNING,
        behaviour="Shouting.",
        starts_on=datetime.date(2025, 7, 1),
        review_on=datetime.date(2025, 8, 1),
    )
    return person


def test_a_board_member_reads_the_counts_and_no_person(code_org, restricted):
    client = client_for(member("board", code_org, Role.BOARD_MEMBER))
    response = client.get("/api/v1/reports/restrictions", PARAMS)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["report"] == "restrictions"
    assert body["period"] == {"start": "2025-04-01", "end": "2026-03-31"}
    assert (body["warnings"], body["restrictions"]) == (1, 2)
    assert {row["id"]: row["count"] for row in body["by_category"]} == {
        "aggressive_or_abusive": 1,
        "unreasonable_demands": 2,
    }
    assert {row["id"]: row["count"] for row in body["by_measure"]} == {
        "single_point_of_contact": 1,
        "writing_only": 1,
    }
    assert all(row["label"] for row in body["by_measure"])
    assert body["in_force_at_end"] == 3
    assert "Robin" not in response.content.decode()


def test_only_report_readers_of_the_organisation(code_org, restricted):
    handler = client_for(member("handler", code_org, Role.COMPLAINT_HANDLER))
    refused = handler.get("/api/v1/reports/restrictions", PARAMS)
    assert refused.status_code == 403
    assert "does not allow reading the reports" in refused.json()["error"]["message"]
    manager = client_for(member("cm", code_org, Role.COMPLAINTS_MANAGER))
    other = manager.get("/api/v1/reports/restrictions", {**PARAMS, "organisation": "elsewhere"})
    assert other.status_code == 404
    backwards = manager.get("/api/v1/reports/restrictions", {**PARAMS, "end": "2025-01-01"})
    assert backwards.status_code in (400, 422)


def test_the_schema_documents_it():
    from putright.api.api import api

    operation = api.get_openapi_schema()["paths"]["/api/v1/reports/restrictions"]["get"]
    assert operation["operationId"] == "reports_restrictions"
    assert "Counts only" in operation["description"]
    assert {200, 403, 404} <= set(operation["responses"])
    schema = operation["responses"][200]["content"]["application/json"]["schema"]["$ref"]
    assert schema.endswith("/RestrictionReportOut")
