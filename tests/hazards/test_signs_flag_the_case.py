"""A sign of vulnerability or safeguarding in a contact's words raises the case's own flag,
with the words, as an event; staff clear it (or raise one) with a reason, also an event."""

from __future__ import annotations

import pytest

from putright.accounts.actors import Actor
from putright.accounts.models import Role
from putright.cases.errors import CaseInputError, CaseStateError
from putright.cases.models import Event, EventKind
from putright.cases.services import case_flag
from putright.hazards.models import Hazard
from tests.hazards.test_services import CODE, make_user, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(organisation_on):
    return organisation_on(CODE)


@pytest.fixture
def handler(org):
    return make_user("hazel", org, Role.COMPLAINT_HANDLER)


def flag_events(case):
    return list(
        Event.objects.filter(case=case, kind__in=[EventKind.FLAG_RAISED, EventKind.FLAG_CLEARED])
    )


def test_a_vulnerability_with_no_hazard_raises_the_vulnerability_flag_with_its_words(
    org, handler, clock
):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, "Nobody called me back about my rent and my son has asthma")

    assert not Hazard.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.vulnerability
    assert not case.safeguarding
    (event,) = flag_events(case)
    assert event.kind == EventKind.FLAG_RAISED
    assert event.data["flag"] == "vulnerability"
    assert event.data["by"] == "screen"
    assert any("asthma" in found for s in event.data["signs"] for found in s["found"])
    assert "asthma" in event.data["description"]
    assert event.occurred_at == case.received_at


def test_a_safeguarding_sign_raises_the_safeguarding_flag(org, handler, clock):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, "I am scared, my partner hits me and the repair is late")
    case.refresh_from_db()
    assert case.safeguarding


def test_a_complaint_with_no_sign_raises_no_flag(org, handler, clock):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, "My rent went up and the officer was rude to me on the phone")
    case.refresh_from_db()
    assert not (case.vulnerability)
    assert not (case.safeguarding)
    assert not flag_events(case)


def test_a_flag_given_at_intake_is_not_raised_twice(org, handler, clock):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, "My daughter is disabled", flags=["vulnerability"])
    assert not flag_events(case)


def test_staff_clear_a_wrong_flag_with_a_reason_and_raise_one_by_hand(org, handler, clock):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, "My son has asthma and nobody called me back")
    case.refresh_from_db()
    with pytest.raises(CaseInputError):
        case_flag(case=case, actor=Actor(handler), flag="vulnerability", raised=False, reason=" ")
    case = case_flag(
        case=case,
        actor=Actor(handler),
        flag="vulnerability",
        raised=False,
        reason="Her son has moved out",
        expected_version=case.version,
    )
    assert not case.vulnerability
    with pytest.raises(CaseStateError, match="not flagged"):
        case_flag(case=case, actor=Actor(handler), flag="vulnerability", raised=False, reason="x")
    case = case_flag(
        case=case, actor=Actor(handler), flag="safeguarding", raised=True, reason="Told by phone"
    )
    assert case.safeguarding
    kinds = [(e.kind, e.data["flag"], e.data["by"]) for e in flag_events(case)]
    assert kinds == [
        (EventKind.FLAG_RAISED, "vulnerability", "screen"),
        (EventKind.FLAG_CLEARED, "vulnerability", "hand"),
        (EventKind.FLAG_RAISED, "safeguarding", "hand"),
    ]
