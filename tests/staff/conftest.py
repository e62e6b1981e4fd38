"""Fixtures for the staff pages: staff with roles, a signed-in client and cases to work on."""

from __future__ import annotations

import pytest

from putright.accounts.models import Membership, Role, User
from putright.people.models import Authority, Person, Relationship, Representative
from tests.conftest import LONDON, at

__all__ = ["LONDON", "at"]

PASSWORD = "a-long-staff-password"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through Playwright")
    config.addinivalue_line(
        "markers", "screenshots: saves screenshots of the staff pages (PUTRIGHT_SCREENSHOTS=1)"
    )


def give_role(user: User, organisation, role: str) -> User:
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if hasattr(user, "_putright_roles"):
        del user._putright_roles
    return user


@pytest.fixture
def code_org(organisation_on):
    """A landlord on the Housing Ombudsman's Code: two stages, no routes."""
    return organisation_on("hos-code-2024")


@pytest.fixture
def southern_org(organisation_on):
    """A landlord whose stage 2 has three routes, one only for cases not (fully) upheld."""
    return organisation_on("southern-housing-2020")


@pytest.fixture
def caseworker(handler, code_org, southern_org):
    """The complaint handler, with a password, working for both landlords."""
    handler.set_password(PASSWORD)
    handler.save()
    give_role(handler, code_org, Role.COMPLAINT_HANDLER)
    give_role(handler, southern_org, Role.COMPLAINT_HANDLER)
    return handler


@pytest.fixture
def complaints_manager(manager, code_org, southern_org):
    give_role(manager, code_org, Role.COMPLAINTS_MANAGER)
    give_role(manager, southern_org, Role.COMPLAINTS_MANAGER)
    return manager


@pytest.fixture
def staff_client(client, caseworker):
    """A test client signed in as the complaint handler."""
    client.force_login(caseworker)
    return client


@pytest.fixture
def manager_client(client, complaints_manager):
    client.force_login(complaints_manager)
    return client


@pytest.fixture
def vulnerable_customer(code_org):
    """A customer with needs, a representative and a safeguarding concern."""
    person = Person.objects.create(
        organisation=code_org,
        name="Robin Clarke",
        email="robin@example.org",
        postcode="L19 2BB",
        tenure="leaseholder",
        preferred_contact="phone",
        contact_times="mornings only",
        accessibility_needs="Large print letters",
        reasonable_adjustments="Call before visiting",
    )
    representative = Representative.objects.create(
        person=person,
        name="Sam Advocate",
        relationship=Relationship.ADVOCATE,
        authority=Authority.HELD,
    )
    return person, representative


def contact_form(**extra) -> dict[str, str]:
    """What a complaint handler fills in on "Record a contact", with ``extra`` changed."""
    return {
        "organisation": "hos-code-2024",
        "channel": "phone",
        "kind": "complaint",
        "received_at": "",
        "name": "Alex Kowalski",
        "email": "alex@example.org",
        "phone": "",
        "address": "1 Hope Street",
        "postcode": "l24 1aa",
        "preferred_contact": "email",
        "tenure": "tenant",
        "accessibility_needs": "",
        "summary": "Damp in the bedroom came back",
        "details": "The damp was treated in January and has come back.",
        "matter_occurred_on": "2026-01-20",
        "desired_outcome": "Fix it properly",
        "service_area": "Damp and mould",
        **extra,
    }
