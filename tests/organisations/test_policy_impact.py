"""The impact of moving open cases to another pack: compared, never moved."""

from __future__ import annotations

import datetime

import pytest

from putright.cases.services import Actor, case_close
from putright.domain.deadlines import State
from putright.domain.errors import UnknownPackError
from putright.organisations.impact import policy_impact
from putright.organisations.services import organisation_adopt_policy

SLH, CODE = "south-liverpool-homes-2021", "hos-code-2024"


def test_a_received_case_is_listed_with_its_acknowledgement_under_each_pack(receive, clock):
    case = receive(SLH, received_at=clock(2026, 12, 1, 10))
    clock(2026, 12, 2, 9)
    seen: list[tuple[int, int]] = []

    [impact] = policy_impact(case.organisation, CODE, progress=lambda d, t: seen.append((d, t)))

    assert impact.reference == case.reference
    assert impact.pack == SLH
    assert not impact.problem
    acknowledge = next(p for p in impact.pairs if p.label.startswith("Acknowledge"))
    assert acknowledge.now
    assert acknowledge.then
    assert acknowledge.now.state is State.PENDING
    assert acknowledge.then.due == datetime.date(2026, 12, 8)  # Code 6.2: five working days
    assert acknowledge.moved_days == (acknowledge.then.due - acknowledge.now.due).days > 0
    assert impact.changed
    assert seen == [(0, 1), (1, 1)]


def test_closed_cases_and_cases_already_on_the_pack_are_left_out(
    organisation_on, receive, clock, handler
):
    closed = receive(SLH, received_at=clock(2026, 12, 1, 10))
    case_close(case=closed, actor=Actor(handler), reason="withdrawn")
    organisation = organisation_on(SLH)
    organisation_adopt_policy(
        organisation=organisation, policy_pack=CODE, from_date=datetime.date(2026, 12, 2)
    )
    on_code = receive(SLH, received_at=clock(2026, 12, 2, 10))
    assert on_code.policy_pack == CODE

    assert list(policy_impact(organisation, CODE)) == []
    [back] = policy_impact(organisation, SLH)
    assert back.reference == on_code.reference


def test_a_case_at_a_stage_the_other_pack_lacks_says_it_needs_deciding_by_hand(receive, clock):
    informal = receive(SLH, kind="dissatisfaction", received_at=clock(2026, 12, 1, 10))
    assert informal.stage == "informal"

    [impact] = policy_impact(informal.organisation, CODE)

    assert impact.problem == (
        "hos-code-2024 has no stage 'informal': where this case would go needs deciding by hand"
    )
    assert impact.changed


def test_an_unknown_pack_is_refused(organisation_on):
    with pytest.raises(UnknownPackError):
        list(policy_impact(organisation_on(SLH), "nope"))
