"""Clocks on any record: N working days, N calendar days or N clock hours from a moment.

A clock is the deadline of one step on a record (a restriction's review, a hazard's
repair, an Ombudsman order, an improvement action). Days count exactly as a case's
deadlines count them (``deadlines.count_days``): the Nth working day after the start's
date, the start itself day 0; a start on a day that is not a working day counts from the
next working day; a customer's request received after the cut-off is deemed received on
the next working day; a calendar-day period ending on a day that is not a working day
moves to the next working day. Clock hours run through nights, weekends and bank holidays.

The explanation is a case deadline's ``Explanation`` (the rule, the start, the days
counted and skipped), so pages render both alike; a clock in hours says so in its text.
"""

from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache

from .calendar import WorkingCalendar, describe
from .deadlines import Explanation, count_days
from .errors import CalendarError
from .policy import Counting


class ClockUnit(StrEnum):
    """What a clock counts."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    HOURS = "hours"
    #: Working days that skip weekends and bank holidays but not the organisation's own
    #: closure days: a statute's working days (Awaab's Law), which a landlord cannot pause.
    STATUTORY_WORKING_DAYS = "statutory_days"
    #: Calendar months, as a statute counts them (a subject access request, UK GDPR Art.
    #: 12(3)): from the day of the request to the corresponding date N months later (the
    #: month's last day where it has none), moved to the next working day when that is a
    #: weekend or a bank holiday; the organisation's closure days do not move it.
    CALENDAR_MONTHS = "calendar_months"


UNIT_WORDS: dict[ClockUnit, tuple[str, str]] = {
    ClockUnit.WORKING_DAYS: ("working day", "working days"),
    ClockUnit.CALENDAR_DAYS: ("calendar day", "calendar days"),
    ClockUnit.HOURS: ("hour", "hours"),
    ClockUnit.STATUTORY_WORKING_DAYS: ("working day", "working days"),
    ClockUnit.CALENDAR_MONTHS: ("calendar month", "calendar months"),
}
_COUNTING = {
    ClockUnit.WORKING_DAYS: Counting.WORKING,
    ClockUnit.CALENDAR_DAYS: Counting.CALENDAR,
    ClockUnit.STATUTORY_WORKING_DAYS: Counting.WORKING,
}
#: Said after the count of a clock in statutory working days.
STATUTORY_NOTE = (
    "Working days here skip weekends and bank holidays only: the organisation's own closure "
    "days are counted."
)


def amount_in_words(unit: ClockUnit, amount: int) -> str:
    """``1 working day``, ``20 working days``, ``24 hours``."""
    singular, plural = UNIT_WORDS[unit]
    return f"{amount} {singular if amount == 1 else plural}"


@dataclass(frozen=True)
class ClockExplanation(Explanation):
    """Why a clock falls due when it does: a deadline's explanation, also for clock hours."""

    unit: ClockUnit = ClockUnit.WORKING_DAYS
    hours: int = 0
    started_at: datetime | None = None
    due_at: datetime | None = None

    def text(self) -> str:
        """The explanation as one paragraph of plain English."""
        if self.unit is ClockUnit.CALENDAR_MONTHS:
            parts = [f"{self.rule} ({self.source})." if self.source else f"{self.rule}."]
            parts.append(f"Counted from {describe(self.start)}: {self.start_reason}.")
            corresponding = self.counted[0] if self.counted else self.start
            parts.append(
                f"The corresponding date {self.days} "
                f"{'month' if self.days == 1 else 'months'} later is {describe(corresponding)}."
            )
            if self.skipped:
                due = self.counted[-1]
                parts.append(
                    "That is not a working day ("
                    + "; ".join(f"{describe(d)}: {why}" for d, why in self.skipped)
                    + f"), so it is due on the next working day, {describe(due)}."
                )
            return " ".join(parts)
        if self.unit is ClockUnit.STATUTORY_WORKING_DAYS:
            return f"{super().text()} {STATUTORY_NOTE}"
        if self.unit is not ClockUnit.HOURS or self.started_at is None or self.due_at is None:
            return super().text()
        parts = [f"{self.rule} ({self.source})." if self.source else f"{self.rule}."]
        parts.append(f"Counted from {_moment(self.started_at)}: {self.start_reason}.")
        parts.append(
            "Clock hours run through nights, weekends and bank holidays alike: "
            f"hour {self.hours} of {self.hours} ends at {_moment(self.due_at)}."
        )
        if self.started_at.utcoffset() != self.due_at.utcoffset():
            parts.append("The clocks change in between; both times are local time.")
        return " ".join(parts)


@dataclass(frozen=True)
class ClockDue:
    """When a clock falls due and why.

    ``due_on`` is the last day of a clock in days (the day it falls due, in hours);
    ``due_at`` is the moment from which it is overdue: the end of ``due_on`` for days,
    the exact hour for hours.
    """

    due_on: date
    due_at: datetime
    explanation: ClockExplanation


def _moment(at: datetime) -> str:
    return f"{at:%H:%M} on {describe(at.date())}"


def clock_due(
    calendar: WorkingCalendar,
    *,
    unit: ClockUnit,
    amount: int,
    started_at: datetime,
    label: str,
    source: str = "",
    counted_from: str = "",
    receipt: bool = False,
) -> ClockDue:
    """When a clock of ``amount`` units started at ``started_at`` falls due, explained.

    ``counted_from`` names what the clock counts from in words ("the restriction being
    imposed"); ``receipt`` applies the cut-off of deemed receipt (a customer's request).
    """
    if started_at.tzinfo is None:
        raise CalendarError("the start of a clock must include a time zone")
    if amount < 1:
        raise CalendarError(f"a clock runs for at least one unit, not {amount}")
    unit = ClockUnit(unit)
    if (
        unit in (ClockUnit.STATUTORY_WORKING_DAYS, ClockUnit.CALENDAR_MONTHS)
        and calendar.closure_days
    ):
        calendar = _without_closure_days(calendar.region, calendar.zone.key)
    local = started_at.astimezone(calendar.zone)
    since = f" of {counted_from}" if counted_from else ""
    rule = f"{label}: within {amount_in_words(unit, amount)}{since}"
    if unit is ClockUnit.HOURS:
        # Counted in UTC: 24 hours across the change of the clocks are still 24 hours.
        due_at = (started_at.astimezone(UTC) + timedelta(hours=amount)).astimezone(calendar.zone)
        return ClockDue(
            due_on=due_at.date(),
            due_at=due_at,
            explanation=ClockExplanation(
                rule=rule,
                source=source,
                start=local.date(),
                start_reason="when the clock started",
                days=0,
                counting=Counting.CALENDAR,
                counted=(),
                skipped=(),
                unit=unit,
                hours=amount,
                started_at=local,
                due_at=due_at,
            ),
        )
    if unit is ClockUnit.CALENDAR_MONTHS:
        return _months_due(calendar, local, amount, rule=rule, source=source)
    start, start_reason = _start_day(calendar, local, receipt=receipt)
    due_on, counted, skipped = count_days(calendar, start, amount, _COUNTING[unit])
    due_at = datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=calendar.zone)
    return ClockDue(
        due_on=due_on,
        due_at=due_at,
        explanation=ClockExplanation(
            rule=rule,
            source=source,
            start=start,
            start_reason=start_reason,
            days=amount,
            counting=_COUNTING[unit],
            counted=counted,
            skipped=skipped,
            unit=unit,
            started_at=local,
            due_at=due_at,
        ),
    )


def add_months(day: date, months: int) -> date:
    """The corresponding date ``months`` later: the month's last day where it has none
    (31 January and one month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar_module.monthrange(year, month)[1]))


def _months_due(
    calendar: WorkingCalendar, local: datetime, amount: int, *, rule: str, source: str
) -> ClockDue:
    start = local.date()
    corresponding = add_months(start, amount)
    due_on = corresponding
    skipped: list[tuple[date, str]] = []
    while not calendar.is_working_day(due_on):
        skipped.append((due_on, calendar.why_not_working(due_on) or "not a working day"))
        due_on += timedelta(days=1)
    due_at = datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=calendar.zone)
    return ClockDue(
        due_on=due_on,
        due_at=due_at,
        explanation=ClockExplanation(
            rule=rule,
            source=source,
            start=start,
            start_reason="the day of the request, whether a working day or not",
            days=amount,
            counting=Counting.CALENDAR,
            counted=(corresponding, due_on),
            skipped=tuple(skipped),
            unit=ClockUnit.CALENDAR_MONTHS,
            started_at=local,
            due_at=due_at,
        ),
    )


@cache
def _without_closure_days(region: str, time_zone: str) -> WorkingCalendar:
    """A region's calendar with its bank holidays and no closure days (built once)."""
    return WorkingCalendar(region=region, time_zone=time_zone)


def _start_day(calendar: WorkingCalendar, local: datetime, *, receipt: bool) -> tuple[date, str]:
    """The day a clock in days counts from, and why (day 0 of the count)."""
    if receipt:
        deemed = calendar.deemed_receipt(local)
        return deemed.deemed, deemed.reason
    day = local.date()
    if calendar.is_working_day(day):
        return day, f"started at {_moment(local)}, a working day"
    start = calendar.on_or_after(day)
    return start, (
        f"started at {_moment(local)} ({calendar.why_not_working(day)}), so counted from "
        f"the next working day, {describe(start)}"
    )
