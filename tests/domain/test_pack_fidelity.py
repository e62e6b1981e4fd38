"""Every landlord's pack says what its policy says: what the format cannot hold is listed, not
dropped without a word, and nothing the Code says is read into a policy that does not say it."""

import pytest

from putright.domain.policy import builtin_registry

REGISTRY = builtin_registry()
LANDLORDS = [p.id for p in REGISTRY.all() if p.id != "hos-code-2024"]


@pytest.mark.parametrize("pack_id", LANDLORDS)
def test_what_the_format_cannot_hold_is_listed_with_its_clause_and_reason(pack_id):
    listed = REGISTRY.get(pack_id).not_expressible
    assert listed
    for item in listed:
        assert item.clause
        assert item.text
        assert item.reason


@pytest.mark.parametrize("pack_id", LANDLORDS)
def test_no_extension_note_says_the_caps_come_from_the_code(pack_id):
    # Housing Plus Group 7.4.3 sets no cap: the pack leaves max_days out instead of taking
    # the Code's (the Code floor applies the Code's on top).
    pack = REGISTRY.get(pack_id)
    for stage in pack.stages:
        extensions = [stage.extension] + [r.extension for r in stage.routes]
        for extension in filter(None, extensions):
            assert "Code's limit" not in extension.note


def test_only_the_policies_that_say_so_route_cases_to_another_ombudsman():
    routed = {p.id for p in REGISTRY.all() if p.ombudsman.rules}
    assert routed == {"housing-plus-group-2021", "rooftop-2023"}


def test_only_south_liverpool_homes_says_what_it_does_with_anonymous_complaints():
    # 4.1.1 is the only policy text on anonymous complaints among the five.
    stated = {p.id for p in REGISTRY.all() if p.anonymous is not None}
    assert stated == {"south-liverpool-homes-2021"}


def test_no_policy_says_a_response_counts_as_the_acknowledgement():
    for pack in REGISTRY.all():
        for stage in pack.stages:
            steps = [*stage.steps, *(s for r in stage.routes for s in r.steps)]
            assert not any(step.response_counts for step in steps), (pack.id, stage.id)
