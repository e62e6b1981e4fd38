"""Clocks on records: working days, calendar days and clock hours, each explained like a deadline."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from putright.domain.calendar import WorkingCalendar
from putright.domain.clocks import ClockExplanation, ClockUnit, clock_due
from putright.domain.deadlines import Explanation, Timeline, derive_deadlines
from putright.domain.errors import CalendarError
from putright.domain.policy import Counting, builtin_registry

LONDON = ZoneInfo("Europe/London")
CALENDAR = WorkingCalendar()


def at(*args):
    return datetime(*args, tzinfo=LONDON)


def due(unit, amount, started_at, calendar=CALENDAR, **extra):
    return clock_due(
        calendar,
        unit=unit,
        amount=amount,
        started_at=started_at,
        label=extra.pop("label", "Review the restriction"),
        **extra,
    )


def test_twenty_working_days_skip_christmas_boxing_day_and_new_year():
    clock = due(ClockUnit.WORKING_DAYS, 20, at(2025, 12, 12, 10), source="Policy 7.2")

    assert clock.due_on == date(2026, 1, 14)
    assert clock.due_at == at(2026, 1, 15, 0)  # overdue once the last day is over
    explanation = clock.explanation
    assert explanation.start == date(2025, 12, 12)
    assert len(explanation.counted) == 20
    skipped = dict(explanation.skipped)
    assert skipped[date(2025, 12, 25)] == "bank holiday: Christmas Day"
    assert skipped[date(2025, 12, 26)] == "bank holiday: Boxing Day"
    assert skipped[date(2026, 1, 1)] == "bank holiday: New Year's Day"
    text = explanation.text()
    assert text.startswith("Review the restriction: within 20 working days (Policy 7.2).")
    assert "Day 20 of 20 working days is Wed 14 Jan 2026." in text


def test_a_clock_in_working_days_is_explained_in_the_shape_of_a_case_deadline():
    clock = due(ClockUnit.WORKING_DAYS, 5, at(2025, 12, 19, 10), receipt=True)
    case = Timeline(kind="complaint", received_at=at(2025, 12, 19, 10))
    code = builtin_registry().get("hos-code-2024")
    acknowledge = next(
        d
        for d in derive_deadlines(code, CALENDAR, case, today=date(2025, 12, 19))
        if (d.stage, d.step) == ("stage1", "acknowledge")
    )

    assert isinstance(clock.explanation, Explanation)
    assert clock.due_on == acknowledge.due == date(2025, 12, 30)
    assert clock.explanation.start == acknowledge.explanation.start
    assert clock.explanation.start_reason == acknowledge.explanation.start_reason
    assert clock.explanation.counted == acknowledge.explanation.counted
    assert clock.explanation.skipped == acknowledge.explanation.skipped


def test_ten_working_days_from_a_friday_before_christmas_is_the_designs_worked_example():
    clock = due(ClockUnit.WORKING_DAYS, 10, at(2025, 12, 19, 10), receipt=True)

    assert clock.due_on == date(2026, 1, 7)


def test_a_request_after_the_cut_off_is_deemed_received_the_next_working_day():
    clock = due(ClockUnit.WORKING_DAYS, 10, at(2025, 12, 19, 18), receipt=True)

    assert clock.explanation.start == date(2025, 12, 22)
    assert clock.due_on == date(2026, 1, 8)
    assert "after the 17:00 cut-off" in clock.explanation.text()


def test_a_clock_started_by_staff_late_in_the_day_counts_from_that_day():
    clock = due(ClockUnit.WORKING_DAYS, 5, at(2026, 1, 12, 18))

    assert clock.explanation.start == date(2026, 1, 12)
    assert clock.due_on == date(2026, 1, 19)


def test_a_clock_started_on_a_saturday_counts_from_the_monday():
    clock = due(ClockUnit.WORKING_DAYS, 5, at(2026, 1, 10, 10))

    assert clock.explanation.start == date(2026, 1, 12)
    assert clock.due_on == date(2026, 1, 19)
    assert "(Saturday), so counted from the next working day, Mon 12 Jan 2026" in (
        clock.explanation.text()
    )


def test_thirty_calendar_days_count_every_day_and_end_on_a_working_day():
    clock = due(
        ClockUnit.CALENDAR_DAYS,
        30,
        at(2026, 1, 8, 10),
        counted_from="the restriction being imposed",
    )

    assert clock.explanation.counting is Counting.CALENDAR
    assert len(clock.explanation.counted) == 30
    assert clock.explanation.counted[-1] == date(2026, 2, 7)  # a Saturday
    assert clock.due_on == date(2026, 2, 9)  # so the Monday
    assert clock.explanation.text().startswith(
        "Review the restriction: within 30 calendar days of the restriction being imposed."
    )


def test_thirty_calendar_days_ending_on_a_weekday_end_that_day():
    clock = due(ClockUnit.CALENDAR_DAYS, 30, at(2026, 1, 5, 10))

    assert clock.due_on == date(2026, 2, 4)


def test_twenty_four_clock_hours_across_a_weekend_are_twenty_four_hours():
    started = at(2026, 1, 9, 17, 30)  # a Friday, after the cut-off: hours ignore it
    clock = due(ClockUnit.HOURS, 24, started, label="Make the emergency hazard safe")

    assert clock.due_at == at(2026, 1, 10, 17, 30)
    assert clock.due_at.astimezone(UTC) - started.astimezone(UTC) == timedelta(hours=24)
    assert clock.due_on == date(2026, 1, 10)
    assert isinstance(clock.explanation, ClockExplanation)
    text = clock.explanation.text()
    assert text.startswith("Make the emergency hazard safe: within 24 hours.")
    assert "hour 24 of 24 ends at 17:30 on Sat 10 Jan 2026" in text
    assert "weekends and bank holidays alike" in text


def test_clock_hours_across_the_change_to_summer_time_are_real_hours():
    started = at(2026, 3, 28, 12)
    clock = due(ClockUnit.HOURS, 24, started)

    assert clock.due_at.astimezone(UTC) - started.astimezone(UTC) == timedelta(hours=24)
    assert clock.due_at.astimezone(LONDON).hour == 13  # the clocks went forward an hour
    assert "The clocks change in between" in clock.explanation.text()


def test_an_organisations_closure_day_is_not_counted():
    shut = CALENDAR.with_closure_days({date(2026, 1, 13): "staff training"})

    clock = due(ClockUnit.WORKING_DAYS, 5, at(2026, 1, 12, 10), calendar=shut)

    assert clock.due_on == date(2026, 1, 20)
    assert (date(2026, 1, 13), "closure day: staff training") in clock.explanation.skipped


def test_one_working_day_is_said_in_the_singular():
    clock = due(ClockUnit.WORKING_DAYS, 1, at(2026, 1, 12, 10))

    assert clock.explanation.rule == "Review the restriction: within 1 working day"


@pytest.mark.parametrize("amount", [0, -3])
def test_a_clock_runs_for_at_least_one_unit(amount):
    with pytest.raises(CalendarError, match="at least one unit"):
        due(ClockUnit.WORKING_DAYS, amount, at(2026, 1, 12, 10))


def test_a_clock_needs_a_start_with_a_time_zone():
    with pytest.raises(CalendarError, match="time zone"):
        due(ClockUnit.HOURS, 24, datetime(2026, 1, 12, 10))
