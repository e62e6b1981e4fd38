"""The working-day calendar: weekends, bank holidays and an organisation's closure days.

Bank holidays come from the ``holidays`` package (England, Wales, Scotland or
Northern Ireland), never from a hand-written table. "Within N working days of X"
is the Nth working day after X's date (X itself is day 0).

The calendar precomputes, for a span of years, the ordinal of every working day
and, for every date, how many working days come before it. Adding working days is
then two list lookups (scalar) or two array gathers (bulk, with numpy).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays as holidays_lib
import numpy as np
import numpy.typing as npt

from .errors import CalendarError

Region = Literal["ENG", "WLS", "SCT", "NIR"]
REGIONS: dict[str, str] = {
    "ENG": "England",
    "WLS": "Wales",
    "SCT": "Scotland",
    "NIR": "Northern Ireland",
}
FIRST_YEAR = 1995
LAST_YEAR = 2075
DEFAULT_CUTOFF = time(17, 0)
DEFAULT_TIME_ZONE = "Europe/London"
#: Spans of skipped days a calendar keeps before starting afresh (a few MB at most).
SKIPPED_KEPT = 20_000
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@cache
def bank_holidays(
    region: str, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR
) -> dict[date, str]:
    """The UK bank holidays of a region, by date, with their names."""
    if region not in REGIONS:
        raise CalendarError(
            f"unknown calendar region {region!r}; choose one of {', '.join(REGIONS)}"
        )
    found = holidays_lib.country_holidays(
        "GB", subdiv=region, years=range(first_year, last_year + 1), language="en_GB"
    )
    return {day: str(name) for day, name in sorted(found.items())}


@dataclass(frozen=True)
class Receipt:
    """When a contact counts as received, and why."""

    received_at: datetime  # aware, in local time
    deemed: date
    reason: str


class WorkingCalendar:
    """Working days for one organisation: region, closure days, cut-off and time zone."""

    def __init__(
        self,
        *,
        region: str = "ENG",
        closure_days: Mapping[date, str] | Iterable[date] = (),
        cutoff: time = DEFAULT_CUTOFF,
        time_zone: str = DEFAULT_TIME_ZONE,
    ) -> None:
        self.region = region
        self.bank_holidays = bank_holidays(region)
        if isinstance(closure_days, Mapping):
            self.closure_days: dict[date, str] = dict(closure_days)
        else:
            self.closure_days = {day: "closure day" for day in closure_days}
        self.cutoff = cutoff
        self.zone = ZoneInfo(time_zone)
        self.first = date(FIRST_YEAR, 1, 1)
        self.last = date(LAST_YEAR, 12, 31)
        self._base = self.first.toordinal()
        span = self.last.toordinal() - self._base + 1
        closed = {d.toordinal() - self._base for d in (*self.bank_holidays, *self.closure_days)}
        # 1 January 1995 was a Sunday: weekday() of day i is (i + 6) % 7.
        working = [i for i in range(span) if (i + 6) % 7 < 5 and i not in closed]
        self._working: list[int] = working  # offsets of working days, ascending
        before = [0] * (span + 1)  # before[i]: working days with offset < i
        count = 0
        position = 0
        for i in range(span):
            before[i] = count
            if position < len(working) and working[position] == i:
                count += 1
                position += 1
        before[span] = count
        self._before: list[int] = before
        self._is_working = bytearray(span)
        for i in working:
            self._is_working[i] = 1
        self._np_working = np.asarray(working, dtype=np.int64)
        self._np_before = np.asarray(before, dtype=np.int64)
        self._skipped: dict[tuple[date, date], tuple[tuple[date, str], ...]] = {}
        self._np_is_working = np.frombuffer(bytes(self._is_working), dtype=np.uint8).astype(
            np.int64
        )

    def with_closure_days(self, closure_days: Mapping[date, str]) -> WorkingCalendar:
        """The same calendar with other closure days."""
        return WorkingCalendar(
            region=self.region,
            closure_days=closure_days,
            cutoff=self.cutoff,
            time_zone=self.zone.key,
        )

    # -- scalar operations -------------------------------------------------

    def _offset(self, day: date) -> int:
        offset = day.toordinal() - self._base
        if not 0 <= offset < len(self._is_working):
            raise CalendarError(
                f"{day.isoformat()} is outside the calendar ({FIRST_YEAR}-{LAST_YEAR})"
            )
        return offset

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is neither a weekend, a bank holiday nor a closure day."""
        return bool(self._is_working[self._offset(day)])

    def add_working_days(self, day: date, n: int) -> date:
        """The Nth working day after ``day`` (before it when N is negative); day 0 is ``day``."""
        offset = self._offset(day)
        if n == 0:
            return day
        if n > 0:
            index = self._before[offset] + self._is_working[offset] + n - 1
        else:
            index = self._before[offset] + n
        if not 0 <= index < len(self._working):
            raise CalendarError(f"{n} working days from {day.isoformat()} is outside the calendar")
        return date.fromordinal(self._working[index] + self._base)

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        return self.add_working_days(day, 1)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        a = self._offset(start)
        b = self._offset(end)
        return self._before[b + 1] - self._before[a + 1]

    def on_or_after(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next one."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def why_not_working(self, day: date) -> str | None:
        """Why ``day`` is not a working day (``Saturday``, ``bank holiday: Christmas Day``), or None."""
        if day in self.closure_days:
            name = self.closure_days[day]
            return "closure day" if name.lower() == "closure day" else f"closure day: {name}"
        if day in self.bank_holidays:
            return f"bank holiday: {self.bank_holidays[day]}"
        if day.weekday() >= 5:
            return _WEEKDAY_NAMES[day.weekday()]
        return None

    def skipped_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """The days after ``start`` up to ``end`` that were not counted, with the reason.

        Kept per calendar (its days never change; new closure days make a new calendar):
        a landlord's cases share a handful of start and due dates, and every explanation
        walks the days between them.
        """
        known = self._skipped.get((start, end))
        if known is None:
            found = []
            day = start + timedelta(days=1)
            while day <= end:
                reason = self.why_not_working(day)
                if reason:
                    found.append((day, reason))
                day += timedelta(days=1)
            if len(self._skipped) >= SKIPPED_KEPT:
                self._skipped.clear()
            known = self._skipped[(start, end)] = tuple(found)
        return list(known)

    def deemed_receipt(self, received_at: datetime) -> Receipt:
        """The working day a contact counts as received, given the cut-off time."""
        if received_at.tzinfo is None:
            raise CalendarError("the time of receipt must include a time zone")
        local = received_at.astimezone(self.zone)
        day = local.date()
        cutoff = self.cutoff.strftime("%H:%M")
        if not self.is_working_day(day):
            deemed = self.next_working_day(day)
            reason = (
                f"received on {describe(day)} ({self.why_not_working(day)}), "
                f"so deemed received on the next working day, {describe(deemed)}"
            )
        elif local.time() >= self.cutoff:
            deemed = self.next_working_day(day)
            reason = (
                f"received at {local:%H:%M} on {describe(day)}, after the {cutoff} cut-off, "
                f"so deemed received on the next working day, {describe(deemed)}"
            )
        else:
            deemed = day
            reason = (
                f"received at {local:%H:%M} on {describe(day)}, a working day, "
                f"before the {cutoff} cut-off"
            )
        return Receipt(received_at=local, deemed=deemed, reason=reason)

    # -- bulk operations ---------------------------------------------------

    def _offsets(self, days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
        values = np.asarray(days, dtype="datetime64[D]").astype(np.int64)
        # numpy counts days from 1970-01-01 (ordinal 719163).
        offsets = values + (719163 - self._base)
        if offsets.size and (offsets.min() < 0 or offsets.max() >= len(self._is_working)):
            raise CalendarError(f"a date is outside the calendar ({FIRST_YEAR}-{LAST_YEAR})")
        return offsets

    def add_working_days_bulk(
        self, days: npt.NDArray[np.datetime64], n: int | npt.NDArray[np.int64]
    ) -> npt.NDArray[np.datetime64]:
        """``add_working_days`` over an array of dates (numpy ``datetime64[D]``)."""
        offsets = self._offsets(days)
        counts = np.broadcast_to(np.asarray(n, dtype=np.int64), offsets.shape)
        forward = self._np_before[offsets] + self._np_is_working[offsets] + counts - 1
        backward = self._np_before[offsets] + counts
        index = np.where(counts > 0, forward, backward)
        if index.size and (index.min() < 0 or index.max() >= self._np_working.size):
            raise CalendarError("a result is outside the calendar")
        result = self._np_working[index]
        result = np.where(counts == 0, offsets, result)
        return (result - (719163 - self._base)).astype("datetime64[D]")

    def is_working_day_bulk(self, days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.bool_]:
        """``is_working_day`` over an array of dates."""
        return self._np_is_working[self._offsets(days)].astype(bool)

    def working_days_between_bulk(
        self, start: npt.NDArray[np.datetime64], end: npt.NDArray[np.datetime64]
    ) -> npt.NDArray[np.int64]:
        """``working_days_between`` over arrays of dates."""
        a = self._offsets(start)
        b = self._offsets(end)
        return self._np_before[b + 1] - self._np_before[a + 1]

    def non_working_days(self) -> list[date]:
        """Every bank holiday and closure day (not weekends) in the calendar's span."""
        return sorted({*self.bank_holidays, *self.closure_days})


@lru_cache(maxsize=8192)
def describe(day: date) -> str:
    """A date as a complaint handler reads it: ``Fri 19 Dec 2025``.

    Every explanation names several dates; formatting them with ``strftime`` was a tenth of
    the cost of reading a case, so the last few years' worth are kept.
    """
    return f"{day:%a} {day.day} {day:%b %Y}"


@cache
def default_calendar(region: str = "ENG") -> WorkingCalendar:
    """A shared calendar with no closure days."""
    return WorkingCalendar(region=region)
