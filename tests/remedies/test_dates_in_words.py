"""Dates in the remedies' messages and the overdue-action alert are written as dates
("Fri 20 Mar 2026"), never ISO (issue 17, point 8). Event data keeps ISO: it is data."""

import re

import pytest

from putright.accounts.models import Membership, User
from putright.cases.errors import CaseInputError, CaseStateError
from putright.cases.models import EventKind
from putright.cases.notifications import tell_staff
from putright.cases.services import Actor, case_acknowledge, case_respond
from putright.remedies.services import action_add, action_complete, actions_sweep
from tests.conftest import at

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def member(username, organisation, role):
    user = User.objects.create_user(username, email=f"{username}@example.org")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def plan(receive, clock):
    """A Southern complaint answered on Tue 10 March, an action added on Wed 11 March and due
    on Fri 20 March."""
    clock(2026, 3, 2, 9)
    case = receive("southern-housing-2020", received_at=at(2026, 3, 2, 9))
    handler = member("crm", case.organisation, "complaint_handler")
    owner = member("repairs", case.organisation, "complaint_handler")
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 10, 9)
    case = case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Reasons")
    clock(2026, 3, 11, 9)
    action = action_add(
        case=case,
        actor=Actor(handler),
        description="Replace the window",
        owner=owner,
        due_on=at(2026, 3, 20).date(),
    )
    return action, handler, owner


def test_completing_before_the_action_was_added_names_that_day_in_words(plan, clock):
    action, _handler, owner = plan
    clock(2026, 3, 12, 9)

    with pytest.raises(CaseInputError) as refused:
        action_complete(
            action=action, actor=Actor(owner), evidence="Job sheet", occurred_at=at(2026, 3, 10)
        )

    assert refused.value.message == "That is before the action was added (Wed 11 Mar 2026)."
    assert not ISO.search(refused.value.fields["occurred_at"])


def test_completing_twice_names_the_day_it_was_done_in_words(plan, clock):
    action, _handler, owner = plan
    clock(2026, 3, 12, 9)
    action = action_complete(action=action, actor=Actor(owner), evidence="Job sheet 123")

    with pytest.raises(CaseStateError) as refused:
        action_complete(action=action, actor=Actor(owner), evidence="Again")

    assert refused.value.message == "This action was completed on Thu 12 Mar 2026."


def test_an_overdue_action_is_described_and_e_mailed_with_its_date_in_words(
    plan, clock, mailoutbox
):
    action, _handler, _owner = plan
    clock(2026, 3, 23, 7)

    assert actions_sweep() == 1
    alert = action.case.events.get(kind=EventKind.ACTION_OVERDUE)
    mailoutbox.clear()
    assert tell_staff(alert.pk) == 1  # the owner

    assert alert.data["due_on"] == "2026-03-20"  # data keeps ISO
    assert alert.data["description"].startswith(
        "Action overdue since Fri 20 Mar 2026: Replace the window"
    )
    body = mailoutbox[0].body
    assert "An action to put things right was due on Fri 20 Mar 2026." in body
    assert not ISO.search(body), body


def test_an_action_names_its_due_date_in_words(plan):
    action, _handler, _owner = plan

    assert str(action).endswith("Replace the window by Fri 20 Mar 2026")
