"""Every report page refuses a period no report can cover with a 400 that says why."""

from __future__ import annotations

import pytest
from django.test import Client

from putright.accounts.models import Membership, Role, User

from ..staff.html import parse

PAGES = [
    "/reports/tsm/",
    "/reports/equality/",
    "/reports/documents/self-assessment/",
    "/reports/documents/annual/",
    "/reports/documents/board-pack/",
    "/reports/documents/self-assessment.pdf",
    "/reports/documents/annual.pdf",
    "/reports/documents/board-pack.pdf",
]


@pytest.fixture
def manager(code_org) -> Client:
    user = User.objects.create_user("period-manager")
    Membership.objects.create(user=user, organisation=code_org, role=Role.COMPLAINTS_MANAGER)
    client = Client()
    client.force_login(user)
    return client


def errors_on(response, status: int = 400) -> dict[str, str]:
    """The messages beside the start and end fields of the page asking for a period."""
    assert response.status_code == status, response.content[:500]
    tree = parse(response.content)
    out = {}
    for field in ("start", "end"):
        group = tree.find("input", id=field).closest(cls="govuk-form-group")
        if "govuk-form-group--error" in group.classes:
            out[field] = group.find(cls="govuk-error-message").text.removeprefix("Error: ")
    return out


@pytest.mark.parametrize("path", PAGES)
def test_a_period_longer_than_eleven_years_is_400(manager, path):
    response = manager.get(
        path, {"organisation": "code-homes", "start": "0001-01-01", "end": "9999-12-31"}
    )
    assert errors_on(response) == {"end": "A report covers at most eleven years."}


@pytest.mark.parametrize("path", PAGES)
def test_a_period_outside_the_calendar_is_400(manager, path):
    response = manager.get(
        path, {"organisation": "code-homes", "start": "1990-01-01", "end": "1990-12-31"}
    )
    assert errors_on(response) == {"start": "Dates must be between 1995 and 2075."}


@pytest.mark.parametrize("path", PAGES)
def test_the_last_year_the_calendar_covers_is_reported(manager, path):
    response = manager.get(
        path, {"organisation": "code-homes", "start": "2075-01-01", "end": "2075-12-31"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path", ["/reports/documents/board-pack/", "/reports/documents/board-pack.pdf"]
)
def test_a_board_pack_whose_previous_period_is_outside_the_calendar_is_400(manager, path):
    response = manager.get(
        path, {"organisation": "code-homes", "start": "1995-01-01", "end": "1995-03-31"}
    )
    assert errors_on(response) == {
        "start": "Dates must be between 1995 and 2075. The board pack compares the period "
        "with the one before it (1 October 1994 to 31 December 1994), so start later."
    }


def test_other_documents_of_the_first_quarter_the_calendar_covers_are_reported(manager):
    for path in ("/reports/documents/annual/", "/reports/equality/"):
        response = manager.get(
            path, {"organisation": "code-homes", "start": "1995-01-01", "end": "1995-03-31"}
        )
        assert response.status_code == 200, path
