"""An award the Ombudsman ordered: paid once, with no approval and no acceptance waited for."""

from __future__ import annotations

import pytest

from putright.accounts.models import Role
from putright.cases.errors import CaseStateError
from putright.cases.services import Actor
from putright.remedies.models import AwardStatus
from putright.remedies.services import award_order, award_pay

pytestmark = pytest.mark.django_db


def test_an_ordered_award_is_paid_without_offer_or_acceptance_and_only_once(case, users):
    actor = Actor(users[Role.COMPLAINTS_MANAGER])
    award = award_order(case=case, actor=actor, amount_pence=75000, reasoning="Order 1: pay £750")
    assert award.status == AwardStatus.APPROVED
    assert award.ordered_by_ombudsman
    # Southern pays only once the customer accepts; an order is not the customer's to accept.
    paid = award_pay(award=award, actor=actor, method="bank_transfer")
    assert paid.status == AwardStatus.PAID
    assert paid.paid_pence == 75000
    with pytest.raises(CaseStateError, match="already paid"):
        award_pay(award=paid, actor=actor, method="bank_transfer")


def test_an_ordinary_approved_award_still_waits_to_be_offered(case, users):
    from putright.remedies.services import ComponentIn, award_propose

    actor = Actor(users[Role.COMPLAINTS_MANAGER])
    award = award_propose(
        case=case,
        actor=actor,
        components=[ComponentIn(kind="goodwill", amount_pence=2000)],
        reasoning="Goodwill",
    )
    if award.status == AwardStatus.APPROVED:
        with pytest.raises(CaseStateError, match="not been offered"):
            award_pay(award=award, actor=actor, method="bank_transfer")
