"""Fixtures for learning from complaints: landlords on the policies that say how they learn,
staff with roles, and complaints answered point by point, built through the services."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from putright.accounts.models import Membership, Role, User
from putright.cases.services import (
    Actor,
    IssueOutcome,
    case_acknowledge,
    case_receive,
    case_respond,
)
from putright.organisations.services import organisation_create
from putright.people.models import Person

LONDON = ZoneInfo("Europe/London")


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def staff(username: str, organisation, *roles: str) -> User:
    user = User.objects.filter(username=username).first() or User.objects.create_user(
        username, display_name=username.replace("_", " ").title(), email=f"{username}@example.org"
    )
    for role in roles:
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def now(time_machine):
    """It is Monday 16 March 2026, 10:00 in London; ``now(...)`` moves the clock."""

    def move(*args):
        time_machine.move_to(at(*args), tick=False)
        return at(*args)

    move(2026, 3, 16)
    return move


@pytest.fixture
def landlord(db):
    """An organisation on a pack: ``landlord("rooftop-2023")``."""
    made: dict[str, object] = {}

    def make(pack: str):
        if pack not in made:
            made[pack] = organisation_create(
                slug=pack[:40], name=f"Homes on {pack}", policy_pack=pack
            )
        return made[pack]

    return make


@pytest.fixture
def people(landlord):
    """Staff of an organisation: handler, manager (complaints manager), officer."""

    def make(organisation):
        return {
            "handler": staff("handler", organisation, Role.COMPLAINT_HANDLER),
            "manager": staff("manager", organisation, Role.COMPLAINTS_MANAGER),
            "officer": staff("officer", organisation, Role.INVESTIGATING_OFFICER),
            "teamleader": staff("teamleader", organisation, Role.MANAGER),
        }

    return make


def complaint(
    organisation,
    handler: User,
    *,
    received_at: datetime.datetime,
    summary: str = "The repair of my boiler never happened",
    details: str = "",
    customer: Person | None = None,
    service_area: str = "",
    kind: str = "complaint",
):
    customer = customer or Person.objects.create(
        organisation=organisation,
        name="Pat Resident",
        email="pat@example.org",
        address="4 Ash Grove",
        postcode="NT1 1AA",
    )
    return case_receive(
        organisation=organisation,
        kind=kind,
        channel="phone",
        received_at=received_at,
        summary=summary,
        details=details,
        actor=Actor(handler),
        customer=customer,
        service_area=service_area,
    )


def answered(case, handler: User, *outcomes: str):
    """The case acknowledged and answered, one issue per outcome."""
    actor = Actor(handler)
    case = case_acknowledge(case=case, actor=actor, method="email")
    issues = [
        IssueOutcome(f"Point {n}", outcome, "Because.") for n, outcome in enumerate(outcomes, 1)
    ]
    return case_respond(
        case=case, actor=actor, outcome=outcomes[0], text="Our answer.", issues=issues
    )
