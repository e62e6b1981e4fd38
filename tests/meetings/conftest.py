"""Fixtures: an organisation on Southern's procedure with one user per role, a complaint
answered at stage 1 and escalated on Tuesday 10 March 2026 to a stage 2 route, and a clock.

Stage 2 counts from the request to escalate, Tue 10 March 2026 (day 0). Its working days, by
hand (no bank holiday until Good Friday 3 April and Easter Monday 6 April 2026):
 1 Wed 11, 2 Thu 12, 3 Fri 13, 4 Mon 16, 5 Tue 17, 6 Wed 18, 7 Thu 19, 8 Fri 20, 9 Mon 23,
10 Tue 24, 11 Wed 25, 12 Thu 26, 13 Fri 27, 14 Mon 30, 15 Tue 31 March, 16 Wed 1 April,
17 Thu 2 April, (Fri 3 and Mon 6 April skipped), 18 Tue 7, 19 Wed 8, 20 Thu 9 April.
"""

from __future__ import annotations

import datetime

import pytest

from putright.accounts.models import Role
from putright.cases.models import Case
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_escalate,
    case_receive,
    case_respond,
)
from putright.organisations.services import organisation_create
from putright.people.models import Person
from tests.api.conftest import api_for, at, make_user

RECEIVED = (2026, 3, 2, 10)  # a Monday
ESCALATED = (2026, 3, 10, 10)  # a Tuesday: stage 2's day 0
DAY = {
    n: datetime.date(2026, 3, d)
    for n, d in enumerate([10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27, 30, 31])
}
DAY[16] = datetime.date(2026, 4, 1)
DAY[17] = datetime.date(2026, 4, 2)
DAY[20] = datetime.date(2026, 4, 9)


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
    made["resident"] = make_user("resident", org, Role.PANEL_MEMBER.value)
    made["bst"] = make_user("bst", org, Role.COMPLAINT_HANDLER.value)
    for user in made.values():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return made


@pytest.fixture
def customer(org):
    return Person.objects.create(
        organisation=org,
        name="Pat Resident",
        email="pat@example.org",
        phone="07700 900123",
        address="1 High Street\nNorthtown",
        postcode="NT1 1AA",
    )


@pytest.fixture
def escalated(clock, org, users, customer):
    """A complaint answered ``outcome`` at stage 1, escalated on 10 March to ``route``."""

    def make(route: str, outcome: str = "not_upheld", about: tuple[str, ...] = ()) -> Case:
        clock(*RECEIVED)
        handler = Actor(users[Role.COMPLAINT_HANDLER])
        case = case_receive(
            organisation=org,
            kind="complaint",
            channel="phone",
            received_at=at(*RECEIVED),
            summary="Damp in the bedroom for a year",
            desired_outcome="Fix the damp and repaint",
            actor=handler,
            customer=customer,
        )
        case = case_acknowledge(case=case, actor=handler)
        clock(2026, 3, 6, 10)
        case = case_respond(
            case=case, actor=handler, outcome=outcome, text="We found the gutter blocked."
        )
        clock(*ESCALATED)
        case = case_escalate(
            case=case,
            actor=handler,
            route=route,
            reasons="The damp is back and nobody came.",
            about=about,
        )
        return case

    return make


@pytest.fixture
def api(users):
    return {name: api_for(user, days=None) for name, user in users.items()}
