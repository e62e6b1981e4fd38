"""Awaab's Law counts working days that skip weekends and bank holidays, never a landlord's
own closure days; 24 clock hours stay 24 hours across the change of the clocks."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from putright.domain.calendar import WorkingCalendar
from putright.domain.clocks import ClockUnit, clock_due

LONDON = ZoneInfo("Europe/London")
# A landlord that closes between Christmas and New Year.
CLOSED = WorkingCalendar(
    closure_days={date(2025, 12, 29): "office closed", date(2025, 12, 30): "office closed"}
)


def test_statutory_working_days_count_closure_days_but_skip_bank_holidays():
    # Aware Friday 19 December 2025 at 10:00; 10 working days by hand: Mon 22, Tue 23,
    # Wed 24, (Thu 25 and Fri 26 bank holidays), Mon 29, Tue 30, Wed 31, (Thu 1 Jan bank
    # holiday), Fri 2, Mon 5, Tue 6, Wed 7 January 2026. The closure days 29 and 30 count.
    clock = clock_due(
        CLOSED,
        unit=ClockUnit.STATUTORY_WORKING_DAYS,
        amount=10,
        started_at=datetime(2025, 12, 19, 10, tzinfo=LONDON),
        label="Investigate",
    )
    assert clock.due_on == date(2026, 1, 7)
    skipped = dict(clock.explanation.skipped)
    assert date(2025, 12, 29) not in skipped
    assert skipped[date(2025, 12, 25)].startswith("bank holiday")
    assert "closure days are counted" in clock.explanation.text()


def test_the_landlords_own_working_days_skip_its_closure_days():
    clock = clock_due(
        CLOSED,
        unit=ClockUnit.WORKING_DAYS,
        amount=10,
        started_at=datetime(2025, 12, 19, 10, tzinfo=LONDON),
        label="Investigate",
    )
    assert clock.due_on == date(2026, 1, 9)  # two days later: its closure days are skipped


def test_twenty_four_hours_across_the_last_sunday_of_october_end_an_hour_earlier_by_the_clock():
    # Saturday 24 October 2026 at 09:00 BST; the clocks go back at 02:00 on Sunday 25.
    clock = clock_due(
        CLOSED,
        unit=ClockUnit.HOURS,
        amount=24,
        started_at=datetime(2026, 10, 24, 9, tzinfo=LONDON),
        label="Make safe",
    )
    assert clock.due_at == datetime(2026, 10, 25, 8, tzinfo=LONDON)
    assert clock.due_at.utcoffset().total_seconds() == 0
    assert "The clocks change in between" in clock.explanation.text()


def test_twenty_four_hours_across_the_last_sunday_of_march_end_an_hour_later_by_the_clock():
    # Saturday 28 March 2026 at 09:00 GMT; the clocks go forward at 01:00 on Sunday 29.
    clock = clock_due(
        CLOSED,
        unit=ClockUnit.HOURS,
        amount=24,
        started_at=datetime(2026, 3, 28, 9, tzinfo=LONDON),
        label="Make safe",
    )
    assert clock.due_at == datetime(2026, 3, 29, 10, tzinfo=LONDON)
