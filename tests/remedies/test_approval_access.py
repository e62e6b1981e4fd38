"""Who may decide an award waiting for approval (putright.accounts.access), directly."""

import pytest

from putright.accounts.access import AccessDeniedError, NotVisibleError, may_approve_awards
from putright.accounts.models import AccessLog, Membership, User
from putright.cases.models import Case
from putright.remedies.access import (
    access_award_decision,
    approves_without_the_case,
    awards_awaiting,
    may_decide_award,
)
from putright.remedies.models import Award, AwardStatus
from tests.conftest import at

pytestmark = pytest.mark.django_db

SLH = "south-liverpool-homes-2021"


def member(username, organisation, *roles):
    user = User.objects.create_user(username)
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def case(receive, clock):
    clock(2026, 3, 9, 12)
    return receive(SLH, received_at=at(2026, 3, 2, 10))


def waiting(case: Case, approval_by: str, status: str = AwardStatus.PENDING_APPROVAL) -> Award:
    return Award.objects.create(
        case=case,
        stage="stage2",
        status=status,
        total_pence=600000 if approval_by == "board" else 30000,
        reasoning="Months of damp",
        approval_by=approval_by,
        proposed_by=case.events.first().actor,
        proposed_at=at(2026, 3, 9, 11),
    )


def test_the_board_member_decides_a_board_award_without_the_case(case):
    board = member("board", case.organisation, "board_member")
    award = waiting(case, "board")
    assert approves_without_the_case(board, award)
    assert may_decide_award(board, award)
    assert awards_awaiting(board) == [award]
    assert access_award_decision(board, award.pk) == award
    assert access_award_decision(board, award.pk, reference=case.reference) == award
    assert may_approve_awards(board)


def test_the_board_member_reaches_no_other_award(case):
    board = member("board", case.organisation, "board_member")
    emt = waiting(case, "emt")
    assert not may_decide_award(board, emt)
    assert awards_awaiting(board) == []
    with pytest.raises(NotVisibleError):
        access_award_decision(board, emt.pk)
    with pytest.raises(NotVisibleError):
        access_award_decision(board, 999999, reference=case.reference)


def test_a_decided_award_is_no_longer_awaiting(case):
    board = member("board", case.organisation, "board_member")
    award = waiting(case, "board", status=AwardStatus.APPROVED)
    assert not may_decide_award(board, award)
    assert awards_awaiting(board) == []
    # Still reached, so that deciding again is told why (not waiting), not "not found".
    assert access_award_decision(board, award.pk) == award


def test_a_manager_decides_through_the_case_and_only_what_waits_for_their_role(case):
    emt = member("emt", case.organisation, "senior_manager")
    for_emt, for_board = waiting(case, "emt"), waiting(case, "board")
    assert may_decide_award(emt, for_emt)
    assert not may_decide_award(emt, for_board)
    assert not approves_without_the_case(emt, for_emt)
    assert awards_awaiting(emt) == [for_emt]
    # They reach the board's award through the case; the service then names the rule.
    assert access_award_decision(emt, for_board.pk, reference=case.reference) == for_board


def test_a_handler_may_see_but_not_decide(case):
    handler = member("h2", case.organisation, "complaint_handler")
    award = waiting(case, "complaint_manager")
    assert not may_decide_award(handler, award)
    assert not may_approve_awards(handler)
    assert awards_awaiting(handler) == []
    with pytest.raises(AccessDeniedError):
        access_award_decision(handler, award.pk)


def test_the_board_member_of_another_landlord_reaches_nothing(case, organisation_on):
    stranger = member("stranger", organisation_on("rooftop-2023"), "board_member")
    award = waiting(case, "board")
    assert not may_decide_award(stranger, award)
    assert awards_awaiting(stranger) == []
    with pytest.raises(NotVisibleError):
        access_award_decision(stranger, award.pk)


def test_a_board_award_on_a_restricted_case_is_not_reached_without_the_case(case):
    Case.objects.filter(pk=case.pk).update(conduct=True)
    board = member("board", case.organisation, "board_member")
    award = waiting(Case.objects.get(pk=case.pk), "board")
    assert awards_awaiting(board) == []
    with pytest.raises(NotVisibleError):
        access_award_decision(board, award.pk)
    assert not AccessLog.objects.exists()
