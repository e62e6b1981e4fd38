"""Reports open on a period that holds the organisation's complaints, and say which and why.

Today is 1 June 2026 (the reports' clock): the last complete financial year is 1 April 2025
to 31 March 2026, this one began on 1 April 2026.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from putright.accounts.models import Membership, Role, User

from ..staff.html import parse
from .conftest import d


@pytest.fixture
def manager(code_org) -> Client:
    user = User.objects.create_user("period-default-manager")
    Membership.objects.create(user=user, organisation=code_org, role=Role.COMPLAINTS_MANAGER)
    client = Client()
    client.force_login(user)
    return client


def form_period(client: Client) -> tuple[str, str, str]:
    page = parse(client.get("/reports/").content)
    return (
        page.find("input", id="start").attrs["value"],
        page.find("input", id="end").attrs["value"],
        page.find(id="period-reason").text,
    )


def received(html: str) -> str:
    """The count of stage 1 complaints received, from the chart's summary."""
    found = re.search(r"([\d,]+) stage 1 and [\d,]+ stage 2 complaints were received", html)
    assert found, "no summary of complaints received on the page"
    return found.group(1)


def test_the_last_complete_year_when_it_holds_complaints(manager, year):
    start, end, reason = form_period(manager)
    assert (start, end) == ("2025-04-01", "2026-03-31")
    assert reason.startswith("The last complete financial year (1 April 2025 to 31 March 2026)")
    page = manager.get("/reports/performance/").content.decode()
    assert "1 April 2025 to 31 March 2026" in page
    assert received(page) == "17"


def test_this_year_to_date_when_only_it_holds_complaints(manager, build):
    # A landlord that began using PutRight this spring: nothing in the last complete year.
    build.case(d(2026, 4, 14))
    build.case(d(2026, 5, 6))
    start, end, reason = form_period(manager)
    assert (start, end) == ("2026-04-01", "2026-06-01")
    assert reason.startswith("This financial year to date is shown")
    page = manager.get("/reports/performance/").content.decode()
    assert "the last complete year (1 April 2025 to 31 March 2026) holds no complaints" in page
    assert received(page) == "2"
    # A period asked for is the period shown, without a reason.
    asked = manager.get(
        "/reports/performance/", {"start": "2025-04-01", "end": "2026-03-31"}
    ).content.decode()
    assert received(asked) == "0"
    assert 'id="period-reason"' not in asked


def test_the_year_of_the_latest_complaint_when_there_is_none_since(manager, build):
    build.case(d(2023, 11, 2))
    start, end, reason = form_period(manager)
    assert (start, end) == ("2023-04-01", "2024-03-31")
    assert "latest complaint received (2 November 2023)" in reason
    assert received(manager.get("/reports/performance/").content.decode()) == "1"


def test_the_last_complete_year_when_there_is_no_complaint_at_all(manager, code_org):
    start, end, reason = form_period(manager)
    assert (start, end) == ("2025-04-01", "2026-03-31")
    assert "no complaint has been recorded yet" in reason
