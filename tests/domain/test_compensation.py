"""Compensation rules of the packs: Right to Repair, bands and authority limits, in pence."""

import pytest

from putright.domain.compensation import authority_for, right_to_repair_payment, suggest_band
from putright.domain.errors import RuleViolationError
from putright.domain.policy import builtin_registry

PACKS = builtin_registry()
SLH = PACKS.get("south-liverpool-homes-2021")
ROOFTOP = PACKS.get("rooftop-2023")


@pytest.mark.parametrize(
    ("days", "pence"), [(0, 1000), (1, 1200), (19, 4800), (20, 5000), (21, 5000), (60, 5000)]
)
def test_right_to_repair_is_ten_pounds_plus_two_a_day_capped_at_fifty(days, pence):
    assert right_to_repair_payment(ROOFTOP.compensation.right_to_repair, days) == pence


def test_right_to_repair_refuses_negative_days():
    with pytest.raises(RuleViolationError):
        right_to_repair_payment(ROOFTOP.compensation.right_to_repair, -1)


@pytest.mark.parametrize(
    ("stage", "amount", "roles", "allowed", "approval_by"),
    [
        ("first_contact", 1000, {"complaint_handler"}, True, None),  # £10 at first contact
        (
            "first_contact",
            1001,
            {"complaint_handler"},
            False,
            None,
        ),  # nobody above £10 at first contact
        ("stage1", 50000, {"complaints_manager"}, True, None),  # £500 at stage 1
        ("stage1", 50001, {"complaints_manager"}, False, None),
        ("stage2", 500000, {"panel_member"}, False, "emt"),  # up to £5,000 with EMT approval
        ("stage2", 500000, {"senior_manager"}, True, "emt"),  # EMT itself may approve
        ("stage2", 500001, {"panel_member"}, False, "board"),  # above that, the Board
        ("stage2", 500001, {"board_member"}, True, "board"),
    ],
)
def test_south_liverpool_homes_authority_limits(stage, amount, roles, allowed, approval_by):
    decision = authority_for(SLH, stage=stage, amount_pence=amount, system_roles=roles)

    assert (decision.allowed, decision.approval_by) == (allowed, approval_by)


def test_a_pack_without_limits_lets_a_caseworker_offer_any_amount():
    assert authority_for(
        ROOFTOP, stage="stage1", amount_pence=10**7, system_roles={"complaint_handler"}
    ).allowed


def test_the_calculator_moves_up_a_band_for_each_aggravating_fact():
    single = suggest_band(SLH)
    repeated = suggest_band(SLH, occasions=3)
    serious = suggest_band(SLH, occasions=3, vulnerable=True, missed_deadlines=1)

    assert (single.band.id, single.low_pence, single.high_pence) == ("low", 0, 2000)
    assert (repeated.band.id, repeated.low_pence, repeated.high_pence) == ("medium", 2000, 10000)
    assert serious.band.id == "high"
    assert "vulnerable" in " ".join(serious.reasons)
    assert suggest_band(ROOFTOP) is None  # Rooftop publishes no bands
