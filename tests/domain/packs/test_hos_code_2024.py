"""The Code pack says what the Complaint Handling Code (2024) says, and no more."""

import pytest

from putright.domain.policy import BUILTIN_DIR, ExclusionCategory, Pack, load_pack_file


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack_file(BUILTIN_DIR / "hos-code-2024.toml")


def test_the_code_sets_no_list_of_extension_reasons_6_4_and_6_15(pack):
    # 6.4 "the reasons must be clearly explained to the resident": any reason, explained.
    for stage_id in ("stage1", "stage2"):
        extension = pack.stage(stage_id).extension
        assert extension.reasons == ()
        assert extension.other_reasons
        assert extension.allows_reason("A contractor is not available")


def test_the_ombudsmans_details_go_with_every_extension_6_5_and_6_16(pack):
    for stage_id in ("stage1", "stage2"):
        assert pack.stage(stage_id).extension.ombudsman_details


def test_the_time_limit_is_twelve_months_from_the_issue_or_awareness_with_no_recurring_exception_2_3(
    pack,
):
    # 2.3 "within 12 months of the issue occurring or of the resident becoming aware of it",
    # with discretion "where there is good reason"; the 2024 Code has no "recurring" exception.
    [limit] = [e for e in pack.exclusions if e.category is ExclusionCategory.TIME_LIMIT]
    assert limit.months == 12
    assert [e.id for e in limit.exceptions] == ["good_reason"]
    assert "became aware" in limit.label


def test_the_codes_only_ground_to_refuse_escalation_is_an_exclusion_5_11(pack):
    [ground] = pack.stage("stage1").escalation.refusal_grounds
    assert ground.applies_exclusion
