"""An Ombudsman order's owner leaves: the order, its clock and its history follow the new owner."""

from __future__ import annotations

import pytest

from putright.accounts.actors import Actor
from putright.accounts.handover import hand_over, holdings_of
from putright.accounts.models import Role
from putright.accounts.services import AccountError
from putright.ombudsman.models import Order
from putright.timeline.models import Clock, Entry
from tests.ombudsman.conftest import case, clock, customer, org, other_org, users  # noqa: F401
from tests.ombudsman.test_services import _determine

pytestmark = pytest.mark.django_db


def test_the_orders_a_manager_owns_go_to_another_caseworker_with_their_clocks(
    case,  # noqa: F811
    users,  # noqa: F811
):
    _determine(case, users)
    manager = users[Role.MANAGER]
    orders = holdings_of(manager)["ombudsman-order"]
    assert len(orders) == 2
    with pytest.raises(AccountError, match="cannot take on"):
        hand_over(
            user=manager,
            to={},
            default=users[Role.BOARD_MEMBER],
            actor=Actor(users[Role.ADMINISTRATOR]),
        )
    hand_over(
        user=manager,
        to={"ombudsman-order": users[Role.COMPLAINTS_MANAGER]},
        default=users[Role.COMPLAINT_HANDLER],
        actor=Actor(users[Role.ADMINISTRATOR]),
    )
    assert {o.owner for o in Order.objects.filter(determination__case=case)} == {
        users[Role.COMPLAINTS_MANAGER]
    }
    open_clocks = Clock.objects.filter(record_type="ombudsman_order", completed_at=None)
    assert open_clocks.exists()
    assert {c.owner for c in open_clocks} == {users[Role.COMPLAINTS_MANAGER]}
    assert Entry.objects.filter(record_type="ombudsman_order", kind="handed_over").count() == 2
