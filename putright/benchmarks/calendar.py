"""The working-day calendar against ``numpy.busday_offset`` with the same holidays."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from putright.domain.calendar import WorkingCalendar


@dataclass(frozen=True)
class Comparison:
    name: str
    size: int
    ours_seconds: float
    baseline_seconds: float
    target: float  # the highest acceptable ratio ours / baseline

    @property
    def ratio(self) -> float:
        return self.ours_seconds / self.baseline_seconds

    @property
    def met(self) -> bool:
        return self.ratio <= self.target

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "size": self.size,
            "ours_seconds": round(self.ours_seconds, 6),
            "numpy_seconds": round(self.baseline_seconds, 6),
            "ratio": round(self.ratio, 3),
            "target_ratio": self.target,
            "met": self.met,
        }


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """The fastest of ``repeats`` timings of ``run``, in seconds."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return min(timings)


def run_calendar_benchmark(
    *, scalar_size: int = 100_000, bulk_size: int = 1_000_000, repeats: int = 3, seed: int = 1
) -> list[Comparison]:
    """Scalar and bulk add, and bulk count, against numpy with the same holiday list."""
    calendar = WorkingCalendar(region="ENG")
    holidays = np.array(calendar.non_working_days(), dtype="datetime64[D]")
    numpy_calendar = np.busdaycalendar(holidays=holidays)
    rng = np.random.default_rng(seed)
    first = np.datetime64("2015-01-01")
    span = (date(2035, 12, 31) - date(2015, 1, 1)).days

    # numpy.busday_offset needs a working day to start from (or a roll rule), so both
    # sides start from working days: the common case, a deemed receipt date.
    def working(size: int) -> np.ndarray:
        days = first + rng.integers(0, span, size=size).astype("timedelta64[D]")
        return np.busday_offset(days, 0, roll="forward", busdaycal=numpy_calendar)

    bulk_days = working(bulk_size)
    bulk_n = rng.integers(1, 41, size=bulk_size)
    scalar_days = [d.astype(date) for d in working(scalar_size)]
    scalar_n = [int(n) for n in rng.integers(1, 41, size=scalar_size)]
    scalar_np_days = [np.datetime64(d, "D") for d in scalar_days]

    # Both sides must agree before either is timed.
    assert calendar.add_working_days(scalar_days[0], scalar_n[0]) == (
        np.busday_offset(scalar_np_days[0], scalar_n[0], busdaycal=numpy_calendar).astype(date)
    )
    assert np.array_equal(
        calendar.add_working_days_bulk(bulk_days[:1000], bulk_n[:1000]),
        np.busday_offset(bulk_days[:1000], bulk_n[:1000], busdaycal=numpy_calendar),
    )

    add = calendar.add_working_days
    offset = np.busday_offset
    pairs = list(zip(scalar_days, scalar_n, strict=True))
    np_pairs = list(zip(scalar_np_days, scalar_n, strict=True))
    results = [
        Comparison(
            "scalar add_working_days",
            scalar_size,
            best_of(repeats, lambda: [add(d, n) for d, n in pairs]),
            best_of(repeats, lambda: [offset(d, n, busdaycal=numpy_calendar) for d, n in np_pairs]),
            target=1.0,
        ),
        Comparison(
            "bulk add_working_days",
            bulk_size,
            best_of(repeats, lambda: calendar.add_working_days_bulk(bulk_days, bulk_n)),
            best_of(repeats, lambda: np.busday_offset(bulk_days, bulk_n, busdaycal=numpy_calendar)),
            target=3.0,
        ),
    ]
    ends = np.busday_offset(bulk_days, bulk_n, busdaycal=numpy_calendar)
    one = np.timedelta64(1, "D")
    results.append(
        Comparison(
            "bulk working_days_between",
            bulk_size,
            best_of(repeats, lambda: calendar.working_days_between_bulk(bulk_days, ends)),
            best_of(
                repeats,
                lambda: np.busday_count(bulk_days + one, ends + one, busdaycal=numpy_calendar),
            ),
            target=3.0,
        )
    )
    return results
