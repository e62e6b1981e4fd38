"""Fixtures for record timelines: a landlord, a sample record, its owner and a clock on it."""

from __future__ import annotations

import pytest

from putright.accounts.models import Membership, Role, User
from putright.cases.services import Actor
from putright.timeline.services import clock_start
from tests.conftest import at
from tests.timeline_sample.models import SampleRecord

__all__ = ["at"]


def give_role(user: User, organisation, role: str = Role.COMPLAINT_HANDLER) -> User:
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if hasattr(user, "_putright_roles"):
        del user._putright_roles
    return user


@pytest.fixture
def landlord(organisation_on):
    return organisation_on("hos-code-2024")


@pytest.fixture
def other_landlord(organisation_on):
    return organisation_on("rooftop-2023")


@pytest.fixture
def owner(handler, landlord):
    """The person a record's deadline is on: a complaint handler with an e-mail address."""
    handler.email = "hana@example.org"
    handler.save()
    return give_role(handler, landlord)


@pytest.fixture
def colleague(db, landlord):
    user = User.objects.create_user("colleague", display_name="Cole League", email="c@example.org")
    return give_role(user, landlord)


@pytest.fixture
def sample(landlord):
    return SampleRecord.objects.create(organisation=landlord, title="Noise nuisance at Hope Street")


@pytest.fixture
def start_review(sample, owner):
    """Start the 5-working-day review of the sample record: ``start_review(at(...))``."""

    def start(started_at, **extra):
        return clock_start(
            record_type="sample",
            record_id=extra.pop("record_id", sample.pk),
            organisation=extra.pop("organisation", sample.organisation),
            step=extra.pop("step", "review"),
            label=extra.pop("label", "Review the sample record"),
            unit=extra.pop("unit", "working_days"),
            amount=extra.pop("amount", 5),
            started_at=started_at,
            owner=extra.pop("owner", owner),
            source=extra.pop("source", "Sample policy, section 4.2"),
            actor=extra.pop("actor", Actor(owner)),
            **extra,
        )

    return start
