"""Group rows by dimensions (organisation, service area, ... month, quarter) with numpy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Dates = npt.NDArray[np.datetime64]
Strs = npt.NDArray[np.str_]

#: Dimensions a report can be grouped by, with their headings.
DIMENSIONS: dict[str, str] = {
    "organisation": "Organisation",
    "service_area": "Service area",
    "category": "Category",
    "channel": "Channel",
    "tenure": "Tenure",
    "month": "Month",
    "quarter": "Quarter",
}
TIME_DIMENSIONS = frozenset({"month", "quarter"})
NOT_RECORDED = "Not recorded"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def months_of(dates: Dates) -> Strs:
    """``2025-04`` for each date ('' for NaT)."""
    out = np.asarray(dates, dtype="datetime64[M]").astype(str)
    return np.where(np.isnat(dates), "", out)


def quarters_of(dates: Dates) -> Strs:
    """The first month of each date's calendar quarter, ``2025-04`` for April to June."""
    months = np.asarray(dates, dtype="datetime64[M]").astype(np.int64)
    first = (months // 3) * 3
    out = first.astype("datetime64[M]").astype(str)
    return np.where(np.isnat(dates), "", out)


def time_label(dimension: str, value: str) -> str:
    """``Apr 2025`` for a month, ``Apr-Jun 2025`` for a quarter."""
    if not value:
        return NOT_RECORDED
    year, month = int(value[:4]), int(value[5:7])
    if dimension == "month":
        return f"{MONTHS[month - 1]} {year}"
    return f"{MONTHS[month - 1]}-{MONTHS[month + 1]} {year}"


@dataclass
class Cohort:
    """Rows to count: their dimension values, the date that places them in time, their cases."""

    dims: Mapping[str, Strs]
    date: Dates
    case_id: Ints

    def __len__(self) -> int:
        return int(self.case_id.size)

    def column(self, dimension: str) -> Strs:
        if dimension == "month":
            return months_of(self.date)
        if dimension == "quarter":
            return quarters_of(self.date)
        return np.asarray(self.dims[dimension], dtype=np.str_)


def group_rows(cohort: Cohort, by: Sequence[str]) -> dict[tuple[str, ...], Ints]:
    """The row indices of each group of the cohort (one group, ``()``, when ``by`` is empty)."""
    size = len(cohort)
    if not by:
        return {(): np.arange(size, dtype=np.int64)}
    if size == 0:
        return {}
    codes = np.zeros(size, dtype=np.int64)
    uniques: list[Strs] = []
    for dimension in by:
        values, inverse = np.unique(cohort.column(dimension), return_inverse=True)
        codes = codes * len(values) + inverse.astype(np.int64)
        uniques.append(values)
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    cuts = np.flatnonzero(np.diff(sorted_codes)) + 1
    groups: dict[tuple[str, ...], Ints] = {}
    for chunk in np.split(order, cuts):
        code = int(codes[chunk[0]])
        key: list[str] = []
        for values in reversed(uniques):
            code, index = divmod(code, len(values))
            key.append(str(values[index]))
        groups[tuple(reversed(key))] = chunk.astype(np.int64)
    return groups


def sort_key(key: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """Groups in order, with 'not recorded' ('') last."""
    return tuple((1, "") if not value else (0, value.lower()) for value in key)
