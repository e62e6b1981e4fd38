# ruff: noqa: F811 (the matrix fixtures are imported by name)
"""GET /reports/restrictions against every role and an outsider: counts, never a person.

The rule, restated: those who read the organisation's reports (the board member, managers,
senior managers, the complaints manager, administrators and API clients) get the counts;
other roles of the organisation get 403 with the rule; anyone elsewhere gets 404. The counts
never name the person behind them, whoever reads them.
"""

from __future__ import annotations

import pytest

from putright.cases.services import Actor
from putright.people import restrictions as services

from .conftest import api_for
from .test_authorization_matrix import (  # noqa: F401 (fixtures)
    ADMIN,
    BOARD,
    CLIENT,
    COMPLAINTS_MANAGER,
    MANAGER,
    OUTSIDER,
    SENIOR,
    USERS,
    operations,
    org,
    world,
)

pytestmark = pytest.mark.django_db

RESTRICTION = {
    "categories": ["unreasonable_demands"],
    "measures": ["writing_only"],
    "channels": ["letter"],
    "behaviour": "Daily calls.",
    "reasons": "Considered by the managers.",
}
READERS = {BOARD, MANAGER, SENIOR, COMPLAINTS_MANAGER, ADMIN, CLIENT}
QUERY = "?organisation=north-homes&start=2026-01-01&end=2026-03-31"


def expected(user: str) -> int:
    if user == OUTSIDER:
        return 404
    return 200 if user in READERS else 403


def test_the_endpoint_is_in_the_api():
    assert ("reports_restrictions", "get", "/reports/restrictions") in operations()


@pytest.mark.parametrize("user", USERS)
def test_restriction_counts_matrix(world, users, user):
    person = world["ordinary"].customer
    services.restriction_impose(
        person=person, actor=Actor(users[COMPLAINTS_MANAGER]), **RESTRICTION
    )

    response = api_for(users[user]).get("/reports/restrictions" + QUERY)

    assert response.status_code == expected(user), (user, response.content[:300])
    text = response.content.decode()
    assert person.name not in text
    assert "Daily calls" not in text
    if response.status_code == 200:
        assert response.json()["restrictions"] == 1
    elif response.status_code == 403:
        assert response.json()["error"]["code"] == "forbidden"
        assert "does not allow" in response.json()["error"]["message"]
    else:
        assert response.json()["error"]["code"] == "not_found"
