"""The working-day calendar, held against numpy's business-day functions."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from putright.domain.calendar import WorkingCalendar, bank_holidays
from putright.domain.errors import CalendarError

LONDON = ZoneInfo("Europe/London")
CALENDAR = WorkingCalendar(region="ENG")
HOLIDAYS = np.array(sorted(bank_holidays("ENG")), dtype="datetime64[D]")
dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


def numpy_add(day: date, n: int) -> date:
    roll = "backward" if n > 0 else "forward"
    return np.busday_offset(day, n, roll=roll, holidays=HOLIDAYS).astype(date)


def test_the_design_example_comes_out_as_written():
    receipt = CALENDAR.deemed_receipt(datetime(2025, 12, 19, 10, 0, tzinfo=LONDON))

    due = CALENDAR.add_working_days(receipt.deemed, 10)

    assert receipt.deemed == date(2025, 12, 19)
    assert due == date(2026, 1, 7)
    counted = [receipt.deemed + timedelta(days=i) for i in range(1, 20)]
    counted = [d for d in counted if CALENDAR.is_working_day(d) and d <= due]
    assert [d.day for d in counted] == [22, 23, 24, 29, 30, 31, 2, 5, 6, 7]


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2022, 6, 2), "Spring Bank Holiday"),
        (date(2022, 6, 3), "Platinum Jubilee"),
        (date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (date(2023, 5, 8), "Coronation of Charles III"),
        (date(2025, 4, 18), "Good Friday"),
        (date(2025, 4, 21), "Easter Monday"),
    ],
)
def test_special_and_moveable_bank_holidays_are_not_working_days(day, name):
    assert not CALENDAR.is_working_day(day)
    assert name in (CALENDAR.why_not_working(day) or "")


def test_scotland_has_its_own_bank_holidays():
    scotland = WorkingCalendar(region="SCT")

    assert scotland.is_working_day(date(2025, 4, 21))  # Easter Monday is not one in Scotland
    assert not scotland.is_working_day(date(2025, 1, 2))
    assert CALENDAR.is_working_day(date(2025, 1, 2))


def test_closure_days_are_skipped_and_named():
    shutdown = {date(2025, 12, 29): "Christmas shutdown", date(2025, 12, 30): "Christmas shutdown"}
    calendar = WorkingCalendar(closure_days=shutdown)

    assert calendar.add_working_days(date(2025, 12, 19), 10) == date(2026, 1, 9)
    assert (date(2025, 12, 29), "closure day: Christmas shutdown") in calendar.skipped_between(
        date(2025, 12, 19), date(2026, 1, 9)
    )


def test_contact_after_the_cut_off_is_deemed_received_the_next_working_day():
    receipt = CALENDAR.deemed_receipt(datetime(2025, 12, 24, 17, 30, tzinfo=LONDON))

    assert receipt.deemed == date(2025, 12, 29)
    assert "after the 17:00 cut-off" in receipt.reason


def test_contact_at_the_weekend_is_deemed_received_on_monday():
    receipt = CALENDAR.deemed_receipt(datetime(2026, 3, 7, 9, 0, tzinfo=LONDON))

    assert receipt.deemed == date(2026, 3, 9)
    assert "Saturday" in receipt.reason


def test_cut_off_is_applied_in_london_time_in_summer():
    # 16:30 UTC is 17:30 BST: after the cut-off.
    receipt = CALENDAR.deemed_receipt(datetime(2026, 6, 3, 16, 30, tzinfo=UTC))

    assert receipt.deemed == date(2026, 6, 4)


def test_an_organisation_can_set_an_earlier_cut_off():
    calendar = WorkingCalendar(cutoff=time(16, 0))

    assert calendar.deemed_receipt(datetime(2026, 6, 3, 16, 15, tzinfo=LONDON)).deemed == date(
        2026, 6, 4
    )


def test_a_naive_time_of_receipt_is_refused():
    with pytest.raises(CalendarError, match="time zone"):
        CALENDAR.deemed_receipt(datetime(2026, 6, 3, 10, 0))


def test_a_date_outside_the_calendar_is_refused():
    with pytest.raises(CalendarError, match="outside the calendar"):
        CALENDAR.add_working_days(date(1900, 1, 1), 5)


@settings(max_examples=400, deadline=None)
@given(day=dates, n=st.integers(min_value=-60, max_value=60).filter(lambda n: n != 0))
def test_adding_working_days_agrees_with_numpy(day, n):
    assert CALENDAR.add_working_days(day, n) == numpy_add(day, n)


@settings(max_examples=400, deadline=None)
@given(day=dates)
def test_is_working_day_and_next_working_day_agree_with_numpy(day):
    assert CALENDAR.is_working_day(day) == bool(np.is_busday(day, holidays=HOLIDAYS))
    assert CALENDAR.next_working_day(day) == numpy_add(day, 1)


@settings(max_examples=400, deadline=None)
@given(first=dates, second=dates)
def test_counting_working_days_agrees_with_numpy(first, second):
    start, end = sorted((first, second))
    expected = np.busday_count(
        start + timedelta(days=1), end + timedelta(days=1), holidays=HOLIDAYS
    )

    assert CALENDAR.working_days_between(start, end) == expected
    assert CALENDAR.working_days_between(end, start) == -expected


@settings(max_examples=50, deadline=None)
@given(
    days=st.lists(dates, min_size=1, max_size=50),
    n=st.integers(min_value=-30, max_value=30).filter(lambda n: n != 0),
)
def test_bulk_operations_agree_with_scalar_ones(days, n):
    array = np.array(days, dtype="datetime64[D]")

    added = CALENDAR.add_working_days_bulk(array, n)
    working = CALENDAR.is_working_day_bulk(array)
    between = CALENDAR.working_days_between_bulk(array, added)

    scalar = [CALENDAR.add_working_days(d, n) for d in days]
    assert [d.astype(date) for d in added] == scalar
    assert list(working) == [CALENDAR.is_working_day(d) for d in days]
    assert list(between) == [
        CALENDAR.working_days_between(d, a) for d, a in zip(days, scalar, strict=True)
    ]


@settings(max_examples=200, deadline=None)
@given(day=dates, n=st.integers(min_value=1, max_value=60))
def test_counting_back_the_days_added_gives_the_same_number(day, n):
    due = CALENDAR.add_working_days(day, n)

    assert CALENDAR.working_days_between(day, due) == n


def test_skipped_days_kept_by_a_calendar_are_its_own_and_cannot_be_changed_by_a_caller():
    plain = WorkingCalendar()
    shut = plain.with_closure_days({date(2025, 12, 29): "Christmas shutdown"})
    span = (date(2025, 12, 24), date(2026, 1, 5))
    first = plain.skipped_between(*span)
    first.append((date(2025, 12, 30), "changed by a caller"))
    assert (date(2025, 12, 30), "changed by a caller") not in plain.skipped_between(*span)
    assert (date(2025, 12, 29), "closure day: Christmas shutdown") in shut.skipped_between(*span)
    assert all("closure" not in why for _day, why in plain.skipped_between(*span))
    assert [why for day, why in plain.skipped_between(*span) if day == date(2025, 12, 27)] == [
        "Saturday"
    ]
