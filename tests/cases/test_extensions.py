"""Extensions: the policy's reasons where it lists them, the handler's own words for the
customer (Code 6.4), and the customer's agreement where the policy makes the delay theirs
to accept (Southern's panel, procedure 4.8.7)."""

import datetime

import pytest

from putright.actions.cases import BY_NAME, situation
from putright.actions.catalogue import Offer
from putright.cases.errors import CaseInputError, PolicyRuleError
from putright.cases.selectors import case_events
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_choose_route,
    case_escalate,
    case_extend,
    case_respond,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def _extended(case):
    return next(e for e in reversed(list(case_events(case))) if e.kind == "extended")


def _panel_case(receive, clock, handler):
    clock(2026, 3, 2, 10)
    case = receive("southern-housing-2020", received_at=clock(2026, 3, 2, 10))
    case = case_acknowledge(case=case, actor=Actor(handler), occurred_at=clock(2026, 3, 3, 10))
    clock(2026, 3, 12, 10)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Findings.")
    clock(2026, 3, 16, 10)
    return case_escalate(case=case, actor=Actor(handler), route="complaint_review_panel")


def test_the_handlers_explanation_is_kept_for_the_customers_letter(receive, clock, handler):
    clock(2026, 3, 2, 10)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 10))
    case = case_acknowledge(case=case, actor=Actor(handler))
    case = case_extend(
        case=case,
        actor=Actor(handler),
        working_days=5,
        reason="third_party",
        explanation="We are waiting for the roofer's report on the leak.",
    )
    data = _extended(case).data
    assert data["reason"] == "third_party"
    assert data["explanation"] == "We are waiting for the roofer's report on the leak."


def test_a_listed_reason_is_needed_where_the_policy_allows_only_its_own(receive, clock, handler):
    clock(2026, 3, 2, 10)
    case = receive("rooftop-2023", received_at=clock(2026, 3, 2, 10))
    case = case_acknowledge(case=case, actor=Actor(handler))
    with pytest.raises(CaseInputError) as missing:
        case_extend(case=case, actor=Actor(handler), working_days=5, explanation="Busy.")
    assert "reason" in missing.value.fields
    assert missing.value.fields["reason"].startswith("Choose why more time is needed: ")


def test_panel_availability_needs_the_customers_agreement(receive, clock, handler):
    case = _panel_case(receive, clock, handler)
    with pytest.raises(CaseInputError) as unrecorded:
        case_extend(case=case, actor=Actor(handler), working_days=5, reason="panel_availability")
    assert "record whether they agreed" in unrecorded.value.fields["customer_agreed"]

    case = case_extend(
        case=case,
        actor=Actor(handler),
        working_days=5,
        reason="panel_availability",
        explanation="Two panel members are away until the 30th.",
        customer_agreed=True,
    )
    assert _extended(case).data["customer_agreed"] is True


def test_a_customer_who_refuses_the_panels_delay_is_offered_a_senior_manager_review(
    receive, clock, handler
):
    case = _panel_case(receive, clock, handler)
    with pytest.raises(PolicyRuleError) as refused:
        case_extend(
            case=case,
            actor=Actor(handler),
            working_days=5,
            reason="panel_availability",
            customer_agreed=False,
        )
    assert "The customer did not agree to more time" in str(refused.value)
    assert "The policy offers a Senior Manager Review instead" in str(refused.value)
    now = situation(case, list(case_events(case)))
    assert BY_NAME["choose-route"].offered(now) is not Offer.NO
    case = case_choose_route(case=case, actor=Actor(handler), route="senior_manager_review")
    assert case.route == "senior_manager_review"


def test_any_other_reason_extends_the_panel_without_asking(receive, clock, handler):
    case = _panel_case(receive, clock, handler)
    case = case_extend(
        case=case,
        actor=Actor(handler),
        working_days=10,
        reason="The independent surveyor's report is not back yet.",
        explanation="The independent surveyor's report is not back yet.",
    )
    assert "customer_agreed" not in _extended(case).data
