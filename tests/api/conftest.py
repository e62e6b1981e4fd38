"""Fixtures for API tests: an organisation with one user per role, tokens, cases and a clock."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from putright.accounts.models import Membership, Role, User
from putright.accounts.tokens import token_create
from putright.cases.models import Case, CaseMember
from putright.cases.services import Actor, case_assign, case_receive
from putright.organisations.services import organisation_create
from putright.people.models import Person

LONDON = ZoneInfo("Europe/London")
NOW = (2026, 3, 16, 10)  # a Monday; cases arrive a fortnight earlier
RECEIVED = (2026, 3, 2, 10)


def at(year, month, day, hour=10, minute=0):
    """An aware London time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


class Api:
    """A JSON client for /api/v1 that sends one bearer token."""

    def __init__(self, raw: str | None, user: User | None = None) -> None:
        self.client = Client()
        self.raw = raw
        self.user = user

    def headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.raw}"} if self.raw else {}

    def get(self, path: str, params: dict[str, Any] | None = None):
        return self.client.get(f"/api/v1{path}", params or {}, **self.headers())

    def post(self, path: str, body: Any = None, *, content_type: str = "application/json"):
        return self.client.post(
            f"/api/v1{path}",
            {} if body is None else body,
            content_type=content_type,
            **self.headers(),
        )

    def upload(self, path: str, data: dict[str, Any]):
        """A multipart POST (files and form fields)."""
        return self.client.post(f"/api/v1{path}", data, **self.headers())


@pytest.fixture
def clock(time_machine):
    """Move 'now' to a London time: ``clock(2026, 3, 2, 9)``. Starts at NOW."""

    def move(*args):
        time_machine.move_to(at(*args), tick=False)
        return at(*args)

    move(*NOW)
    return move


@pytest.fixture
def org(db):
    return organisation_create(
        slug="north-homes", name="North Homes", policy_pack="hos-code-2024", homes=1200
    )


@pytest.fixture
def other_org(db):
    return organisation_create(slug="south-homes", name="South Homes", policy_pack="hos-code-2024")


def make_user(username: str, organisation, *roles: str, active: bool = True) -> User:
    user = User.objects.create_user(username, display_name=username.replace("_", " ").title())
    if not active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def api_for(user: User, *, days: int | None = 30) -> Api:
    _token, raw = token_create(user=user, name="tests", expires_in_days=days)
    return Api(raw, user)


@pytest.fixture
def users(clock, org, other_org) -> dict[str, User]:
    """One user per role in ``org`` (named by the role) and ``outsider``: every role elsewhere."""
    made = {role.value: make_user(role.value, org, role.value) for role in Role}
    made["outsider"] = make_user("outsider", other_org, *Role.values)
    return made


@pytest.fixture
def apis(users) -> dict[str, Api]:
    return {name: api_for(user) for name, user in users.items()}


@pytest.fixture
def handler_api(apis) -> Api:
    return apis[Role.COMPLAINT_HANDLER]


@pytest.fixture
def customer(org) -> Person:
    return Person.objects.create(
        organisation=org,
        name="Pat Resident",
        email="pat@example.org",
        phone="07700 900123",
        address="1 Ash Grove, Northtown",
        postcode="NT1 1AA",
    )


@pytest.fixture
def receive(clock, org, users, customer):
    """Record a case in ``org`` (as the complaint handler) on 2 March 2026 by default."""

    def make(*, received_at=None, organisation=None, person=None, **extra) -> Case:
        return case_receive(
            organisation=organisation or org,
            kind=extra.pop("kind", "complaint"),
            channel=extra.pop("channel", "phone"),
            received_at=received_at or at(*RECEIVED),
            summary=extra.pop("summary", "The repair never happened and nobody called me back"),
            actor=Actor(users[Role.COMPLAINT_HANDLER]),
            customer=person or customer,
            **extra,
        )

    return make


@pytest.fixture
def cases(receive, users, org) -> dict[str, Case]:
    """An ordinary case, a restricted (conduct) case and one naming the panel member and
    the investigating officer."""
    ordinary = receive(summary="Ordinary: the boiler was not repaired")
    restricted = receive(summary="Restricted: a housing officer was rude", flags=["conduct"])
    named = receive(summary="Named: damp in the bedroom")
    named = case_assign(
        case=named,
        actor=Actor(users[Role.COMPLAINTS_MANAGER]),
        investigator=users[Role.INVESTIGATING_OFFICER],
        occurred_at=at(2026, 3, 3),
    )
    CaseMember.objects.create(case=named, user=users[Role.PANEL_MEMBER], role="panel_member")
    return {"ordinary": ordinary, "restricted": restricted, "named": named}
