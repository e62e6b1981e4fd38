"""Each policy's unacceptable-behaviour process as pack data, validated on load."""

import pytest

from putright.domain.errors import PackError
from putright.domain.policy import builtin_registry, parse_pack

from .test_pack_validation import HEAD


def pack(restrictions: str) -> str:
    return HEAD + "\n" + restrictions


def test_the_housing_plus_policy_categories_measures_deciders_reviews_and_appeal():
    rules = builtin_registry().get("housing-plus-group-2021").restrictions
    assert rules is not None
    assert [c.id for c in rules.categories] == [
        "aggressive_or_abusive",
        "unreasonable_contact",
        "unreasonable_demands",
        "refusal_to_cooperate",
        "unreasonable_use",
    ]
    assert {m.enforces for m in rules.measures} >= {"channels", "issue_limit", "single_contact"}
    assert rules.warning
    assert rules.decided_by == ("senior_level_manager",)
    assert rules.review_days == (30, 60, 90)
    assert rules.review_counts == "calendar"
    assert (rules.appeal_days, rules.appeal_counts) == (20, "working")
    assert (rules.appeal_decision_days, rules.appeal_decided_by) == (15, "appeal_reviewer")
    assert rules.police_referral
    assert rules.reasonable_adjustments


def test_where_a_policy_is_silent_the_pack_says_so():
    registry = builtin_registry()
    slh = registry.get("south-liverpool-homes-2021").restrictions
    rooftop = registry.get("rooftop-2023").restrictions
    assert slh is not None
    assert rooftop is not None
    assert {"review_days", "appeal", "warning"} <= set(slh.silent)
    assert slh.decided_by == ("director",)
    assert "decided_by" in rooftop.silent
    assert rooftop.decided_by == ()
    assert "appeal" in rooftop.silent
    assert rooftop.appeal_days is None
    assert rooftop.review_days == (91,)
    assert rooftop.reviewed_by == ("head_of_service",)


def test_the_code_asks_only_that_a_policy_exists():
    code = builtin_registry().get("hos-code-2024")
    assert code.restrictions is None
    assert any(p.id == "5.14" for p in code.provisions)


def test_a_role_the_pack_does_not_list_is_refused_naming_the_file_and_field():
    with pytest.raises(PackError) as error:
        parse_pack(pack('[restrictions]\ndecided_by = ["director"]\n'), source="x.toml")
    assert "x.toml" in str(error.value)
    assert "restrictions.decided_by[0]: no role 'director' in [[roles]]" in str(error.value)


def test_an_unknown_enforcement_is_refused_naming_the_field():
    text = pack(
        '[restrictions]\n[[restrictions.measures]]\nid = "m"\nlabel = "M"\nenforces = "x"\n'
    )
    with pytest.raises(PackError) as error:
        parse_pack(text, source="x.toml")
    assert "restrictions.measures[0].enforces" in str(error.value)


def test_a_part_said_to_be_silent_must_not_be_set():
    text = pack('[restrictions]\nappeal_days = 20\nsilent = ["appeal"]\n')
    with pytest.raises(PackError) as error:
        parse_pack(text, source="x.toml")
    assert "'appeal' is said silent but the pack sets it" in str(error.value)


def test_an_appeal_decision_needs_an_appeal():
    with pytest.raises(PackError) as error:
        parse_pack(pack("[restrictions]\nappeal_decision_days = 15\n"), source="x.toml")
    assert "there is no appeal" in str(error.value)


def test_two_categories_with_one_id_are_refused():
    text = pack(
        "[restrictions]\n"
        '[[restrictions.categories]]\nid = "a"\nlabel = "A"\n'
        '[[restrictions.categories]]\nid = "a"\nlabel = "B"\n'
    )
    with pytest.raises(PackError) as error:
        parse_pack(text, source="x.toml")
    assert "categories: two entries share an id" in str(error.value)
