"""Fixtures: an organisation on Southern's procedure with one user per role, a case closed at
stage 2 and a clock at a fixed London time."""

from __future__ import annotations

import pytest

from putright.accounts.models import Role
from putright.cases.models import Case
from putright.cases.services import Actor, case_receive
from putright.organisations.services import organisation_create
from putright.people.models import Person
from tests.api.conftest import api_for, at, make_user

NOW = (2026, 3, 16, 10)  # a Monday
RECEIVED = (2026, 3, 2, 10)


@pytest.fixture
def clock(time_machine):
    def move(*args):
        time_machine.move_to(at(*args), tick=False)
        return at(*args)

    move(*NOW)
    return move


@pytest.fixture
def org(db):
    return organisation_create(
        slug="north-homes", name="North Homes", policy_pack="southern-housing-2020"
    )


@pytest.fixture
def other_org(db):
    return organisation_create(slug="south-homes", name="South Homes", policy_pack="hos-code-2024")


@pytest.fixture
def users(clock, org, other_org):
    made = {role.value: make_user(role.value, org, role.value) for role in Role}
    made["outsider"] = make_user("outsider", other_org, *Role.values)
    for user in made.values():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return made


@pytest.fixture
def customer(org):
    return Person.objects.create(
        organisation=org, name="Pat Resident", email="pat@example.org", postcode="NT1 1AA"
    )


@pytest.fixture
def case(clock, org, users, customer) -> Case:
    return case_receive(
        organisation=org,
        kind="complaint",
        channel="phone",
        received_at=at(*RECEIVED),
        summary="Damp in the bedroom for a year",
        actor=Actor(users[Role.COMPLAINT_HANDLER]),
        customer=customer,
    )


@pytest.fixture
def api(users):
    return {name: api_for(user) for name, user in users.items()}
