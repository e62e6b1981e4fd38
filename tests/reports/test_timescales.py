"""The timescales responses are judged against: the Code's, and each landlord's own."""

from __future__ import annotations

from putright.domain.policy import Anchor, Counting
from putright.policies.registry import code_pack, get_pack
from putright.reports.timescales import code_timescales, policy_rule


def test_the_codes_response_counts_from_the_acknowledgement():
    scales = code_timescales(code_pack())
    first, second = scales[1], scales[2]
    assert (first.acknowledge_days, first.response_days, first.respond_start) == (
        5,
        10,
        Anchor.ACKNOWLEDGED,
    )
    assert (second.response_days, second.extension_max_days) == (20, 20)
    assert first.respond_days == 15  # from the stage start, acknowledged on its last day
    assert first.describe().startswith(
        "Stage 1: answered within 10 working days of the acknowledgement (Code 6.3)"
    )
    assert "of the escalation being acknowledged" in second.describe()
    rule = first.rule
    assert (rule.extension_max_days, rule.acknowledge_days) == (10, 5)


def test_a_landlords_own_response_timescale_is_read_from_its_pack():
    code = policy_rule(code_pack(), "stage1", "")
    assert code is not None
    assert (code.days, code.start, code.acknowledge_days) == (10, Anchor.ACKNOWLEDGED, 5)
    assert code.extension_max_days is None  # the policy's cap is enforced when extending
    # Rooftop: answered within 10 working days of the stage starting; its 20-day ceiling
    # is completed by nothing and is not the response's timescale.
    rooftop = policy_rule(get_pack("rooftop-2023"), "stage1", "")
    assert rooftop is not None
    assert (rooftop.days, rooftop.start, rooftop.counts) == (
        10,
        Anchor.STAGE_STARTED,
        Counting.WORKING,
    )
    assert rooftop.extendable
    # Southern's stage 2: 20 working days, 10 on the compensation review route.
    southern = get_pack("southern-housing-2020")
    plain = policy_rule(southern, "stage2", "")
    review = policy_rule(southern, "stage2", "compensation_review")
    assert plain is not None
    assert review is not None
    assert (plain.days, review.days) == (20, 10)
    # A stage the pack does not have, or one with no response step: not judged.
    assert policy_rule(southern, "no_such_stage", "") is None
    assert policy_rule(get_pack("south-liverpool-homes-2021"), "informal", "") is None
