"""The Code's floor in the case services: a landlord whose policy is weaker than the Code
is still held to the Code, unless it has chosen otherwise, and each refusal says why."""

import datetime

import pytest

from putright.cases.errors import PolicyRuleError
from putright.cases.selectors import case_deadlines
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_decide_eligibility,
    case_escalate,
    case_respond,
)

D = datetime.date


def _answered_at_stage_1(receive, clock, handler, pack="south-liverpool-homes-2021"):
    clock(2026, 3, 2, 10)
    case = receive(pack, received_at=clock(2026, 3, 2, 10))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    return case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Findings.")


def test_code_2_3_a_complaint_within_twelve_months_is_not_refused_under_a_six_month_limit(
    receive, clock, handler
):
    clock(2026, 3, 2, 10)
    case = receive(
        "south-liverpool-homes-2021",
        received_at=clock(2026, 3, 2, 10),
        matter_occurred_on=D(2025, 6, 1),  # nine months before
    )
    with pytest.raises(PolicyRuleError) as refused:
        case_decide_eligibility(
            case=case,
            accepted=False,
            actor=Actor(handler),
            exclusion="older_than_six_months",
            reason="Too old.",
        )
    assert str(refused.value) == (
        "The time limit does not apply: it happened on Sun 1 Jun 2025, within 12 months of "
        "receipt (the limit is Sun 2 Mar 2025). The policy allows 6 months; Code 2.3 "
        "requires 12: applying the Code."
    )


def test_a_complaint_older_than_twelve_months_can_still_be_refused(receive, clock, handler):
    clock(2026, 3, 2, 10)
    case = receive(
        "south-liverpool-homes-2021",
        received_at=clock(2026, 3, 2, 10),
        matter_occurred_on=D(2024, 12, 1),
    )
    case = case_decide_eligibility(
        case=case,
        accepted=False,
        actor=Actor(handler),
        exclusion="older_than_six_months",
        reason="This happened more than a year ago.",
    )
    assert case.is_closed


def test_code_6_12_no_reasons_are_needed_to_escalate(receive, clock, handler):
    case = _answered_at_stage_1(receive, clock, handler)
    clock(2026, 3, 10, 10)
    case = case_escalate(case=case, actor=Actor(handler))
    assert case.stage == "stage2"


def test_an_organisation_that_turns_the_floor_off_keeps_its_policys_rule(receive, clock, handler):
    case = _answered_at_stage_1(receive, clock, handler)
    organisation = case.organisation
    organisation.code_floor_off = ["escalation_reasons"]
    organisation.save()
    clock(2026, 3, 10, 10)
    with pytest.raises(PolicyRuleError) as refused:
        case_escalate(case=case, actor=Actor(handler))
    assert refused.value.rule == "escalation.reasons_required"


def test_deadlines_are_unchanged_where_the_policy_is_within_the_code(receive, clock, handler):
    clock(2026, 3, 2, 10)
    case = receive("south-liverpool-homes-2021", received_at=clock(2026, 3, 2, 10))
    respond = next(d for d in case_deadlines(case) if d.step == "respond")
    assert respond.due == D(2026, 3, 16)  # the policy's 10 working days from receipt
    assert "applying the Code" not in respond.explanation.text()


def test_code_6_13_names_the_code_where_the_policy_is_silent(receive, clock, handler):
    """Housing Plus Group's policy does not say who answers stage 2; the Code does."""
    from putright.cases.errors import NotPermittedError

    case = _answered_at_stage_1(receive, clock, handler, "housing-plus-group-2021")
    clock(2026, 3, 10, 10)
    case = case_escalate(case=case, actor=Actor(handler), reasons="Still damp.")
    with pytest.raises(NotPermittedError) as refused:
        case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Final")
    assert refused.value.message == (
        "Hana Handler answered this case at Stage 1; the Complaint Handling Code says someone "
        "else considers Stage 2 (Code 6.13; the policy does not say)."
    )
