"""Staff pages answer input they cannot use with an error beside the field, never a 500."""

from __future__ import annotations

import pytest

from putright.cases.models import Case

from .conftest import contact_form
from .html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday(clock):
    clock(2026, 3, 9, 12)


def _error_beside(page, field_id: str) -> str:
    group = parse(page.content).find(id=field_id).closest(cls="govuk-form-group")
    assert "govuk-form-group--error" in group.classes
    return group.find(cls="govuk-error-message").text


def test_queue_search_text_over_200_characters_is_an_error_beside_the_field(staff_client):
    page = staff_client.get("/cases/", {"text": "a" * 60_000})
    assert page.status_code == 200
    assert "at most 200 characters" in _error_beside(page, "id_text")


def test_queue_search_text_of_200_characters_is_searched(staff_client):
    page = staff_client.get("/cases/", {"text": "a" * 200})
    assert page.status_code == 200
    assert "0 cases" in page.text
    assert "govuk-error-message" not in page.text


@pytest.mark.parametrize("action", ["check", "record"])
def test_a_contact_received_before_the_calendar_is_an_error_beside_the_time(
    staff_client, caseworker, code_org, action
):
    page = staff_client.post(
        "/record/", {**contact_form(received_at="1900-01-01 10:00"), action: "1"}
    )
    assert page.status_code == 400
    error = _error_beside(page, "id_received_at")
    assert "Give a time the working-day calendar covers" in error
    assert "1900-01-01 is outside the calendar (1995-2075)" in error
    assert not Case.objects.exists()
