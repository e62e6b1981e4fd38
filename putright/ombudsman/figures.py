"""What the sector's published findings teach: plain functions over findings, no database.

A finding is counted by its complaint point. The maladministration rate of a set of findings
is the share found maladministration or severe maladministration among those the Ombudsman
decided on their merits: findings outside its jurisdiction are left out of both counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

MALADMINISTRATION = frozenset({"maladministration", "severe_maladministration"})
NOT_ON_MERITS = frozenset({"outside_jurisdiction"})


@dataclass(frozen=True)
class Point:
    """One published finding, as the figures need it."""

    landlord: str
    landlord_type: str
    decision_date: date
    category: str
    finding: str


@dataclass(frozen=True)
class Rate:
    """Findings decided on their merits, and how many were maladministration."""

    findings: int
    maladministration: int

    @property
    def rate(self) -> float | None:
        """The share found maladministration (None with nothing decided)."""
        return self.maladministration / self.findings if self.findings else None

    @property
    def percent(self) -> str:
        rate = self.rate
        return "none on their merits" if rate is None else f"{rate * 100:.0f}%"


def rate_of(points: Iterable[Point]) -> Rate:
    decided = [p for p in points if p.finding not in NOT_ON_MERITS]
    return Rate(len(decided), sum(1 for p in decided if p.finding in MALADMINISTRATION))


def rate_by_category(points: Iterable[Point]) -> dict[str, Rate]:
    """The maladministration rate in each category, categories in name order."""
    grouped: dict[str, list[Point]] = defaultdict(list)
    for point in points:
        grouped[point.category].append(point)
    return {category: rate_of(grouped[category]) for category in sorted(grouped, key=str.casefold)}


@dataclass(frozen=True)
class Beside:
    """A landlord's rate beside the rate of the other landlords of its type, by category."""

    landlord_type: str
    landlord: Rate
    peers: Rate
    peer_landlords: int
    by_category: dict[str, tuple[Rate, Rate]]  # category -> (the landlord's, its peers')


def beside_peers(points: Iterable[Point], *, names: set[str]) -> Beside | None:
    """The landlord (its findings are those published under any of ``names``, compared
    ignoring case) beside the other landlords of the type its findings give; None if the
    landlord has no findings."""
    every = list(points)
    wanted = {n.casefold() for n in names}
    own = [p for p in every if p.landlord.casefold() in wanted]
    if not own:
        return None
    kind = Counter(p.landlord_type for p in own).most_common(1)[0][0]
    peers = [p for p in every if p.landlord_type == kind and p.landlord.casefold() not in wanted]
    mine_by, theirs_by = rate_by_category(own), rate_by_category(peers)
    categories = sorted(set(mine_by) | set(theirs_by), key=str.casefold)
    empty = Rate(0, 0)
    return Beside(
        landlord_type=kind,
        landlord=rate_of(own),
        peers=rate_of(peers),
        peer_landlords=len({p.landlord.casefold() for p in peers}),
        by_category={c: (mine_by.get(c, empty), theirs_by.get(c, empty)) for c in categories},
    )


def over_time(points: Iterable[Point]) -> dict[int, Counter[str]]:
    """A landlord's findings in each year of decision, counted by finding."""
    years: dict[int, Counter[str]] = defaultdict(Counter)
    for point in points:
        years[point.decision_date.year][point.finding] += 1
    return dict(sorted(years.items()))
