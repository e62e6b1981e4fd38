"""Shared fixtures: organisations on each pack, staff, customers and a controlled clock."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from putright.accounts.models import User
from putright.cases.services import Actor, case_receive
from putright.organisations.services import organisation_create
from putright.people.models import Person

LONDON = ZoneInfo("Europe/London")


def at(year, month, day, hour=10, minute=0):
    """An aware London time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def handler(db):
    return User.objects.create_user("handler", display_name="Hana Handler")


@pytest.fixture
def manager(db):
    return User.objects.create_user("manager", display_name="Manny Manager")


@pytest.fixture
def clock(time_machine):
    """Move 'now' to a London time: ``clock(2026, 3, 2, 9)``."""

    def move(*args):
        time_machine.move_to(at(*args), tick=False)
        return at(*args)

    return move


@pytest.fixture
def organisation_on(db):
    """An organisation bound to a pack: ``organisation_on("rooftop-2023")``."""
    made = {}

    def make(pack: str):
        if pack not in made:
            slug = pack.replace("_", "-")[:50]
            made[pack] = organisation_create(
                slug=slug, name=f"Landlord on {pack}", policy_pack=pack
            )
        return made[pack]

    return make


@pytest.fixture
def receive(organisation_on, handler):
    """Record a case under a pack for a new customer."""

    def make(pack: str, *, kind="complaint", received_at, **extra):
        organisation = organisation_on(pack)
        customer = Person.objects.create(
            organisation=organisation,
            name="Pat Resident",
            email="pat@example.org",
            postcode="L24 1AA",
        )
        return case_receive(
            organisation=organisation,
            kind=kind,
            channel=extra.pop("channel", "phone"),
            received_at=received_at,
            summary=extra.pop("summary", "The repair never happened and nobody called me back"),
            actor=Actor(handler),
            customer=customer,
            **extra,
        )

    return make


def pytest_report_header() -> str:
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('NAME', '')}"
