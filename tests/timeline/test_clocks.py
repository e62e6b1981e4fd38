"""Clocks on a record: due by the organisation's calendar, explained, one running per step."""

import datetime

import pytest

from putright.accounts.models import Membership, User
from putright.cases.services import Actor
from putright.organisations.services import organisation_add_closure_day
from putright.timeline import errors
from putright.timeline.errors import RecordInputError, RecordStateError
from putright.timeline.models import Clock, EntryKind
from putright.timeline.selectors import clock_timing, record_clocks, record_history
from putright.timeline.services import clock_stop, clocks_recalculate

from .conftest import at

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_clock_of_five_working_days_is_due_the_fifth_working_day_and_says_why(
    start_review, sample, owner, clock
):
    clock(2026, 3, 2, 11)

    review = start_review(at(2026, 3, 2, 10))  # a Monday

    assert review.due_on == D(2026, 3, 9)
    assert review.due_at == at(2026, 3, 10, 0)  # overdue once the Monday is over
    assert review.owner == owner
    text = clock_timing(review).explanation.text()
    assert text == (
        "Review the sample record: within 5 working days (Sample policy, section 4.2). "
        "Counted from Mon 2 Mar 2026: started at 10:00 on Mon 2 Mar 2026, a working day. "
        "Day 5 of 5 working days is Mon 9 Mar 2026. "
        "Not counted: Sat 7 Mar 2026 (Saturday); Sun 8 Mar 2026 (Sunday)."
    )
    [started] = record_history(record_type="sample", record_id=sample.pk)
    assert started.kind == EntryKind.CLOCK_STARTED
    assert started.actor == owner
    assert started.data["due_on"] == "2026-03-09"
    assert started.data["source"] == "Sample policy, section 4.2"


def test_a_clock_counts_the_organisations_closure_days(start_review, sample, clock):
    clock(2026, 3, 2, 11)
    organisation_add_closure_day(
        organisation=sample.organisation, date=D(2026, 3, 4), name="Staff training day"
    )

    review = start_review(at(2026, 3, 2, 10))

    assert review.due_on == D(2026, 3, 10)
    assert "Wed 4 Mar 2026 (closure day: Staff training day)" in (
        clock_timing(review).explanation.text()
    )


def test_open_clocks_move_when_the_calendar_changes(start_review, sample, clock):
    clock(2026, 3, 2, 11)
    review = start_review(at(2026, 3, 2, 10))
    organisation_add_closure_day(
        organisation=sample.organisation, date=D(2026, 3, 4), name="Staff training day"
    )
    sample.organisation.refresh_from_db()

    assert clocks_recalculate(organisation=sample.organisation) == 1

    review.refresh_from_db()
    assert review.due_on == D(2026, 3, 10)
    assert clock_timing(review).due_at == review.due_at


def test_a_new_closure_day_moves_open_clocks_once_it_is_saved(
    start_review, sample, clock, django_capture_on_commit_callbacks
):
    clock(2026, 3, 2, 11)
    review = start_review(at(2026, 3, 2, 10))
    with django_capture_on_commit_callbacks(execute=True):
        organisation_add_closure_day(
            organisation=sample.organisation, date=D(2026, 3, 4), name="Staff training day"
        )
    review.refresh_from_db()
    assert review.due_on == D(2026, 3, 10)


def test_a_clock_in_hours_runs_through_the_weekend(start_review, clock):
    clock(2026, 3, 6, 17)

    repair = start_review(
        at(2026, 3, 6, 16, 30), step="make_safe", label="Make it safe", unit="hours", amount=24
    )

    assert repair.due_at == at(2026, 3, 7, 16, 30)  # the Saturday
    assert repair.due_on == D(2026, 3, 7)
    assert "hour 24 of 24 ends at 16:30 on Sat 7 Mar 2026" in (
        clock_timing(repair).explanation.text()
    )


def test_one_clock_runs_per_step_of_a_record_until_it_stops(start_review, sample, owner, clock):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))

    with pytest.raises(RecordStateError) as refused:
        start_review(at(2026, 3, 2, 11))
    assert refused.value.message == errors.ALREADY_RUNNING.format(
        label="Review the sample record", record=f"Sample record {sample.pk}"
    )

    clock(2026, 3, 5, 9)
    stopped = clock_stop(
        record_type="sample",
        record_id=sample.pk,
        organisation=sample.organisation,
        step="review",
        actor=Actor(owner),
    )
    again = start_review(at(2026, 3, 5, 9))

    assert stopped.completed_at == at(2026, 3, 5, 9)
    assert again.pk != stopped.pk
    assert [c.pk for c in record_clocks(record_type="sample", record_id=sample.pk)] == [
        stopped.pk,
        again.pk,
    ]
    kinds = [e.kind for e in record_history(record_type="sample", record_id=sample.pk)]
    assert kinds == ["clock_started", "clock_stopped", "clock_started"]


def test_stopping_says_whether_the_step_was_late(start_review, sample, owner, clock):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))
    clock(2026, 3, 11, 9)

    clock_stop(
        record_type="sample",
        record_id=sample.pk,
        organisation=sample.organisation,
        step="review",
        actor=Actor(owner),
        completed_at=at(2026, 3, 10, 9),
    )

    stopped = record_history(record_type="sample", record_id=sample.pk)[-1]
    assert stopped.kind == EntryKind.CLOCK_STOPPED
    assert stopped.data["late"] is True
    assert stopped.occurred_at == at(2026, 3, 10, 9)


def test_a_clock_that_is_not_running_cannot_stop(sample, owner):
    with pytest.raises(RecordStateError) as refused:
        clock_stop(
            record_type="sample",
            record_id=sample.pk,
            organisation=sample.organisation,
            step="review",
            actor=Actor(owner),
        )
    assert refused.value.message == errors.NOT_RUNNING.format(
        step="review", record=f"Sample record {sample.pk}"
    )


def test_the_owner_must_be_able_to_see_the_record(start_review, other_landlord, clock):
    clock(2026, 3, 2, 11)
    outsider = User.objects.create_user("outsider", display_name="Out Sider")
    Membership.objects.create(user=outsider, organisation=other_landlord, role="complaint_handler")

    with pytest.raises(RecordInputError) as refused:
        start_review(at(2026, 3, 2, 10), owner=outsider)
    assert "Out Sider cannot see Sample record" in refused.value.message
    assert not Clock.objects.exists()


@pytest.mark.parametrize(
    ("unit", "amount", "field"),
    [("fortnights", 2, "unit"), ("working_days", 0, "amount"), ("hours", -1, "amount")],
)
def test_a_clock_counts_a_positive_number_of_days_or_hours(start_review, unit, amount, field):
    with pytest.raises(RecordInputError) as refused:
        start_review(at(2026, 3, 2, 10), unit=unit, amount=amount)
    assert set(refused.value.fields) == {field}
