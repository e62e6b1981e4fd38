"""Reporting on hazards: recognised, confirmed and dismissed; each clock met or missed, by
phase and organisation; time from report to made safe; a monthly list for the board with no
personal data (no names, addresses, case references or free text).

``hazard_report(organisations=, start=, end=, now=)`` counts the hazards the landlord became
aware of between ``start`` and ``end`` (inclusive, local dates). A clock is *met* when its
step was done before it fell due, *missed* when done late or still open after it fell due,
and *running* while open and not yet due. Clocks of a severity a hazard no longer has (it
was confirmed as another) are not counted; a dismissed hazard's clocks are not either.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from putright.organisations.models import Organisation
from putright.timeline.models import Clock

from .models import Hazard, Status
from .packs import hazard_pack_for
from .services import RECORD_TYPE


@dataclass
class ClockTally:
    met: int = 0
    missed: int = 0
    running: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def met_share(self) -> float | None:
        return self.met / self.decided if self.decided else None


@dataclass
class MonthRow:
    """One month for the board: counts only."""

    month: str  # YYYY-MM
    recognised: int = 0
    confirmed: int = 0
    dismissed: int = 0
    emergency: int = 0
    significant: int = 0
    made_safe: int = 0
    without_statutory_clocks: int = 0
    clocks_met: int = 0
    clocks_missed: int = 0
    clocks_running: int = 0


@dataclass
class HazardReport:
    organisations: list[str]
    start: datetime.date
    end: datetime.date
    recognised: int = 0
    by_origin: dict[str, int] = field(default_factory=dict)
    confirmed: int = 0
    dismissed: int = 0
    suspected: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    statutory: int = 0
    without_statutory_clocks: int = 0
    #: (organisation, phase, step) -> tally
    clocks: dict[tuple[str, str, str], ClockTally] = field(default_factory=dict)
    hours_to_safe: list[float] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)

    @property
    def median_hours_to_safe(self) -> float | None:
        return statistics.median(self.hours_to_safe) if self.hours_to_safe else None

    @property
    def longest_hours_to_safe(self) -> float | None:
        return max(self.hours_to_safe) if self.hours_to_safe else None

    def as_dict(self) -> dict[str, Any]:
        """For the API and ``putright hazards report --json``: figures only."""
        return {
            "organisations": self.organisations,
            "start": self.start,
            "end": self.end,
            "recognised": self.recognised,
            "by_origin": self.by_origin,
            "confirmed": self.confirmed,
            "dismissed": self.dismissed,
            "suspected": self.suspected,
            "by_kind": self.by_kind,
            "statutory": self.statutory,
            "without_statutory_clocks": self.without_statutory_clocks,
            "clocks": [
                {
                    "organisation": org,
                    "phase": phase,
                    "step": step,
                    "met": tally.met,
                    "missed": tally.missed,
                    "running": tally.running,
                }
                for (org, phase, step), tally in sorted(self.clocks.items())
            ],
            "made_safe": len(self.hours_to_safe),
            "median_hours_to_safe": _round(self.median_hours_to_safe),
            "longest_hours_to_safe": _round(self.longest_hours_to_safe),
            "months": [vars(row) for row in self.months],
        }


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def clock_outcome(clock: Clock, now: datetime.datetime) -> str:
    """met, missed or running."""
    if clock.completed_at is not None:
        return "met" if clock.completed_at < clock.due_at else "missed"
    return "missed" if clock.due_at <= now else "running"


def hazard_report(
    *,
    organisations: Iterable[Organisation],
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime | None = None,
) -> HazardReport:
    """The figures for hazards the landlords became aware of from ``start`` to ``end``."""
    now = now or timezone.now()
    organisations = list(organisations)
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time(0), tzinfo=zone)
    until = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone
    )
    hazards = list(
        Hazard.objects.filter(
            organisation__in=organisations, aware_at__gte=since, aware_at__lt=until
        ).select_related("organisation")
    )
    report = HazardReport(organisations=sorted(o.slug for o in organisations), start=start, end=end)
    clocks: dict[int, list[Clock]] = defaultdict(list)
    for clock in Clock.objects.filter(
        record_type=RECORD_TYPE, record_id__in=[h.pk for h in hazards]
    ):
        clocks[clock.record_id].append(clock)
    origins: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    months: dict[str, MonthRow] = {}
    for hazard in hazards:
        pack = hazard_pack_for(hazard.organisation)
        month_key = f"{timezone.localtime(hazard.aware_at):%Y-%m}"
        row = months.setdefault(month_key, MonthRow(month=month_key))
        report.recognised += 1
        row.recognised += 1
        origins[hazard.origin] += 1
        kinds[hazard.kind] += 1
        if hazard.status == Status.DISMISSED:
            report.dismissed += 1
            row.dismissed += 1
            continue
        if hazard.status == Status.SUSPECTED:
            report.suspected += 1
        else:
            report.confirmed += 1
            row.confirmed += 1
        if hazard.severity == "emergency":
            row.emergency += 1
        else:
            row.significant += 1
        if hazard.statutory:
            report.statutory += 1
        else:
            report.without_statutory_clocks += 1
            row.without_statutory_clocks += 1
        if hazard.made_safe_at is not None:
            row.made_safe += 1
            report.hours_to_safe.append(
                (hazard.made_safe_at - hazard.aware_at).total_seconds() / 3600
            )
        current = {rule.step for rule in pack.duty(hazard.severity).clocks}
        for clock in clocks.get(hazard.pk, []):
            if clock.step not in current:
                continue
            outcome = clock_outcome(clock, now)
            key = (hazard.organisation.slug, hazard.phase or "-", clock.step)
            tally = report.clocks.setdefault(key, ClockTally())
            setattr(tally, outcome, getattr(tally, outcome) + 1)
            attribute = f"clocks_{outcome}"
            setattr(row, attribute, getattr(row, attribute) + 1)
    report.by_origin = dict(sorted(origins.items()))
    report.by_kind = dict(sorted(kinds.items()))
    report.months = [months[key] for key in sorted(months)]
    return report


#: The board list's columns, in order, with their headings: counts only, no personal data.
BOARD_COLUMNS = (
    ("month", "Month"),
    ("recognised", "Hazards recognised"),
    ("confirmed", "Confirmed"),
    ("dismissed", "Dismissed"),
    ("emergency", "Emergency"),
    ("significant", "Significant"),
    ("made_safe", "Made safe"),
    ("without_statutory_clocks", "Outside the statutory clocks"),
    ("clocks_met", "Clocks met"),
    ("clocks_missed", "Clocks missed"),
    ("clocks_running", "Clocks running"),
)


def board_rows(report: HazardReport) -> list[list[Any]]:
    return [[getattr(row, name) for name, _ in BOARD_COLUMNS] for row in report.months]
