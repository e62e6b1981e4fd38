"""Screening a contact against a pack's exclusions before it is accepted.

Only the time limit can be judged from dates; every other exclusion is a question
for the handler, listed so that none is forgotten. Exceptions that the case's flags
already show (health and safety, safeguarding, a recurring issue) are named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .calendar import describe
from .policy import ExclusionCategory, Pack

# Case flags that match the exception ids packs use.
FLAG_EXCEPTIONS = {
    "health_and_safety": ("health_and_safety",),
    "safeguarding": ("safeguarding",),
    "recurring": ("recurring", "long_standing", "repetitive", "long_standing_or_repetitive"),
}


@dataclass(frozen=True)
class Screening:
    exclusion: str
    label: str
    applies: bool | None  # True: excluded unless an exception holds; None: for the handler
    reason: str
    exceptions: tuple[str, ...]
    exceptions_met: tuple[str, ...]
    source: str


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the last day of the month when it has fewer days)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def screen(
    pack: Pack,
    *,
    received_on: date,
    occurred_on: date | None,
    flags: frozenset[str] = frozenset(),
    notes: Mapping[str, Sequence[str]] | None = None,
) -> list[Screening]:
    """Each exclusion of the pack, with whether the dates and flags show it applies.

    ``notes`` are the Code floor's notes by part of the pack (``exclusions.<id>``): where the
    Code's minimum replaced the policy's time limit, the reason says so.
    """
    results = []
    for exclusion in pack.exclusions:
        floor = " ".join((notes or {}).get(f"exclusions.{exclusion.id}", ()))
        exception_ids = tuple(e.id for e in exclusion.exceptions)
        met = tuple(
            e
            for flag in flags
            for e in exception_ids
            if any(e == alias or e.startswith(alias) for alias in FLAG_EXCEPTIONS.get(flag, ()))
        )
        if exclusion.category is ExclusionCategory.TIME_LIMIT and exclusion.months:
            limit = months_before(received_on, exclusion.months)
            if occurred_on is None:
                applies, reason = (
                    None,
                    "When did it happen? The policy's time limit needs the date.",
                )
            elif occurred_on < limit:
                applies = not met
                reason = (
                    f"It happened on {describe(occurred_on)}, more than {exclusion.months} "
                    f"months before receipt (the limit is {describe(limit)})"
                    + (f"; but an exception applies: {', '.join(met)}" if met else "")
                )
            else:
                applies, reason = False, f"Within the {exclusion.months}-month time limit"
            if floor:
                reason = f"{reason}. {floor}"
        else:
            applies, reason = None, "For the handler to decide"
        results.append(
            Screening(
                exclusion=exclusion.id,
                label=exclusion.label,
                applies=applies,
                reason=reason,
                exceptions=exception_ids,
                exceptions_met=met,
                source=exclusion.source,
            )
        )
    return results
