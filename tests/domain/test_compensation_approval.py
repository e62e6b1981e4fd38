"""Which authority rule an award waits on, and the rule in words for the approver."""

import pytest

from putright.domain.compensation import approval_rule, describe_authority, held_roles
from putright.domain.policy import builtin_registry

PACKS = builtin_registry()
SLH = PACKS.get("south-liverpool-homes-2021")


@pytest.mark.parametrize(
    ("stage", "amount", "approval_by", "expected"),
    [
        (
            "stage2",
            600000,
            "board",
            "At Stage 2, awards above £5,000 are made by the Complaints Review Panel (an SLH "
            "Board member and an SLH Director) with the approval of the SLH Board "
            "(policy 4.1.9).",
        ),
        (
            "stage2",
            30000,
            "emt",
            "At Stage 2, awards up to £5,000 are made by the Complaints Review Panel (an SLH "
            "Board member and an SLH Director) with the approval of the Executive Management "
            "Team (EMT) (policy 4.1.9).",
        ),
        (
            "stage1",
            7010,
            "complaint_manager",
            "At Stage 1, awards up to £500 are made by the Complaint Manager (Service Manager "
            "/ Head of Service) (policy 4.1.9).",
        ),
    ],
)
def test_the_rule_an_award_waits_on_in_words(stage, amount, approval_by, expected):
    rule = approval_rule(SLH, stage=stage, amount_pence=amount, approval_by=approval_by)
    assert rule is not None
    label = {"stage1": "Stage 1", "stage2": "Stage 2"}[stage]
    assert describe_authority(SLH, rule, stage_label=label) == expected


def test_an_approver_the_rules_do_not_name_has_no_rule():
    assert approval_rule(SLH, stage="stage2", amount_pence=600000, approval_by="emt") is None
    assert approval_rule(SLH, stage="stage9", amount_pence=100, approval_by="board") is None


def test_the_board_member_holds_the_board_role_and_nothing_else():
    assert held_roles(SLH, {"board_member"}) == {"board"}
    assert "emt" in held_roles(SLH, {"senior_manager"})
    assert held_roles(SLH, set()) == set()
