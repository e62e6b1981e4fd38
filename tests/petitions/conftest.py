"""Fixtures: an organisation on Southern's procedure (petitions, 4.11) with one user per role,
a petition received on Monday 2 March 2026 at 10:00 from its lead petitioner, and 29 more
signatories as written on it (some lines incomplete)."""

from __future__ import annotations

import pytest

from putright.accounts.models import Role
from putright.cases.models import Case
from putright.cases.services import Actor, case_receive
from putright.organisations.services import organisation_create
from putright.people.models import Person
from tests.api.conftest import api_for, at, make_user

RECEIVED = (2026, 3, 2, 10)  # a Monday


@pytest.fixture
def clock(time_machine):
    def move(*args):
        time_machine.move_to(at(*args), tick=False)
        return at(*args)

    move(*RECEIVED)
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
    made["second_manager"] = make_user("second_manager", org, Role.MANAGER)
    made["stage2_handler"] = make_user("stage2_handler", org, Role.COMPLAINT_HANDLER)
    return made


@pytest.fixture
def api(users):
    return {name: api_for(user) for name, user in users.items()}


@pytest.fixture
def existing_customer(org):
    """A tenant already on record, who also signs the petition."""
    return Person.objects.create(
        organisation=org,
        name="Sam Existing",
        email="sam@example.org",
        address="2 Oak Road",
        postcode="NT1 1AB",
    )


@pytest.fixture
def petition_case(clock, org, users) -> Case:
    lead = Person.objects.create(
        organisation=org,
        name="Lee Lead",
        email="lee@example.org",
        address="1 Oak Road",
        postcode="NT1 1AA",
    )
    return case_receive(
        organisation=org,
        kind="petition",
        channel="letter",
        received_at=at(*RECEIVED),
        summary="Residents of Oak Road petition about the broken communal lift",
        actor=Actor(users["complaint_handler"]),
        customer=lead,
    )


def signatories(existing_customer) -> list[dict]:
    """29 lines besides the lead: line 2 is an existing customer; every fifth has no
    postcode; every seventh no signature; 3 prefer letters, 4 the phone."""
    lines = [
        {
            "name": existing_customer.name,
            "address": existing_customer.address,
            "postcode": "nt11ab",
            "signature_seen": True,
        }
    ]
    for n in range(3, 31):
        line = {
            "name": f"Resident {n}",
            "address": f"{n} Oak Road",
            "postcode": "" if n % 5 == 0 else f"NT1 {n % 9}ZZ",
            "signature_seen": n % 7 != 0,
        }
        if n in (3, 4, 6):
            line["preferred_contact"] = "letter"
        elif n in (8, 9, 11, 12):
            line.update(
                phone=f"0770090{n:04d}", preferred_contact="phone", email=f"r{n}@example.org"
            )
        else:
            line["email"] = f"r{n}@example.org"
        lines.append(line)
    return lines
