"""Payment follows the offer (the customer hears of an award before it is paid) and, where
the policy says so, the customer's acceptance (Southern: "not processed until the Customer
has confirmed"); where it does not, the payment records that no acceptance was needed."""

import pytest

from putright.cases.errors import CaseStateError
from putright.cases.services import Actor
from putright.remedies.services import ComponentIn, award_offer, award_pay, award_propose

from .test_awards import member, responded_case

pytestmark = pytest.mark.django_db


def _award(case, handler):
    return award_propose(
        case=case,
        actor=Actor(handler),
        components=[ComponentIn(kind="goodwill", amount_pence=2500)],
        reasoning="Sorry for the delay.",
    )


def test_an_award_never_offered_cannot_be_paid(receive, clock):
    case = responded_case(receive, clock, "hos-code-2024")
    handler = member("crm", case.organisation, "complaint_handler")
    award = _award(case, handler)
    with pytest.raises(CaseStateError, match="has not been offered to the customer yet"):
        award_pay(award=award, actor=Actor(handler), method="bank_transfer")


def test_where_the_policy_does_not_wait_the_payment_says_no_acceptance_was_needed(receive, clock):
    case = responded_case(receive, clock, "hos-code-2024")
    handler = member("crm", case.organisation, "complaint_handler")
    award = award_offer(award=_award(case, handler), actor=Actor(handler))
    award_pay(award=award, actor=Actor(handler), method="bank_transfer")
    paid = case.events.get(kind="award_paid")
    assert paid.data["acceptance"] == "not_needed"


def test_a_band_starts_where_its_policy_says(receive, clock):
    """South Liverpool Homes' medium band is "£20 - £100" (its compensation table): £20 is in it."""
    from putright.cases.errors import PolicyRuleError

    from .test_awards import distress

    case = responded_case(receive, clock, "south-liverpool-homes-2021")
    handler = member("crm", case.organisation, "complaint_handler", "manager")
    award = award_propose(
        case=case, actor=Actor(handler), components=[distress(2000, "medium")], reasoning="x"
    )
    assert award.total_pence == 2000
    with pytest.raises(PolicyRuleError) as outside:
        award_propose(
            case=case, actor=Actor(handler), components=[distress(1999, "medium")], reasoning="x"
        )
    assert "band (£20 to £100)" in str(outside.value)
