"""Fixtures for the data protection interfaces (named ``dp_*``, apart from the services' own): an organisation with one user per role, an
outsider with every role elsewhere, and Pat with three closed cases in January 2026."""

from __future__ import annotations

import pytest

from putright.accounts.models import Role
from putright.cases.services import Actor, case_add_note, case_close, case_receive
from putright.organisations.services import organisation_create
from putright.people.models import Person
from tests.api.conftest import api_for, at, make_user

NOW = (2026, 3, 2, 10)  # a Monday


@pytest.fixture
def dp_clock(time_machine):
    def move(*args):
        time_machine.move_to(at(*args), tick=False)
        return at(*args)

    move(*NOW)
    return move


@pytest.fixture
def dp_org(db):
    return organisation_create(slug="north-homes", name="North Homes", policy_pack="hos-code-2024")


@pytest.fixture
def dp_other_org(db):
    return organisation_create(slug="south-homes", name="South Homes", policy_pack="hos-code-2024")


@pytest.fixture
def dp_users(dp_clock, dp_org, dp_other_org):
    made = {role.value: make_user(role.value, dp_org, role.value) for role in Role}
    made["outsider"] = make_user("outsider", dp_other_org, *Role.values)
    return made


@pytest.fixture
def dp_apis(dp_users):
    return {name: api_for(user) for name, user in dp_users.items()}


@pytest.fixture
def dp_officer(dp_users):
    return dp_users[Role.DATA_PROTECTION_OFFICER]


def three_cases(org, handler, clock, *, close=True):
    """Pat's three complaints in January 2026, noted and (by default) closed."""
    pat = Person.objects.create(
        organisation=org,
        name="Pat Example",
        email="pat@example.org",
        phone="07700 900123",
        address="1 Long Road",
        postcode="NT1 1AA",
        tenure="tenant",
    )
    cases = []
    for day in (5, 6, 7):
        clock(2026, 1, day, 12)
        case = case_receive(
            organisation=org,
            kind="complaint",
            channel="web_form",
            received_at=at(2026, 1, day, 10),
            summary=f"Pat's boiler broke again, visit {day}",
            details="My neighbour Sam Other saw the engineer leave.",
            actor=Actor(handler),
            customer=pat,
        )
        case = case_add_note(case=case, actor=Actor(handler), text="Pat rang about the boiler.")
        if close:
            case = case_close(case=case, actor=Actor(handler), reason="resolved")
        cases.append(case)
    clock(*NOW)
    return pat, cases


@pytest.fixture
def dp_pat(dp_org, dp_users, dp_clock):
    return three_cases(dp_org, dp_users[Role.COMPLAINT_HANDLER], dp_clock)
