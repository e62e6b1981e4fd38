"""An ombudsman's remedies guidance as data: the fixed sums it sets for some losses.

A remedies pack (``remedy_packs/*.toml``) is read and validated like a landlord's policy
pack: unknown keys are errors, amounts are integer pence, and a ``PackError`` names the
file, the path inside it and the problem. ``ombudsman_figure`` turns the losses recorded on
a case into the figure the guidance gives, line by line, each line citing its rule.
Nothing here names a landlord; the sums are the pack's.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .compensation import whole_pounds
from .errors import PackError
from .policy import (
    Identifier,
    NotExpressible,
    OmbudsmanRoute,
    Pence,
    Strict,
    validate_toml,
)

BUILTIN_DIR = Path(__file__).parent / "remedy_packs"
PackId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=60)]


class Per(StrEnum):
    """What a fixed sum is paid for: each day, each complete week, each occasion."""

    DAY = "day"
    WEEK = "week"
    OCCASION = "occasion"


DAYS_IN = {Per.DAY: 1, Per.WEEK: 7}


class FixedSum(Strict):
    """One fixed sum: ``pence`` for each ``per`` of a loss of this kind."""

    id: Identifier  # the kind of loss recorded on a case
    label: str = Field(min_length=1)
    per: Per
    pence: Pence
    group: Identifier | None = None  # within a group a day counts once, at the higher sum
    part_periods: Literal["not_counted", "counted_in_full"] = "not_counted"  # per week only
    source: str = Field(min_length=1)

    @property
    def daily_pence(self) -> float:
        """The sum for one day of the loss, to rank sums within a group (never summed)."""
        return self.pence / DAYS_IN.get(self.per, 1)


class RemediesPack(Strict):
    format: Literal[1]
    id: PackId
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    ombudsman: OmbudsmanRoute
    source: str = Field(min_length=1)
    effective_from: datetime.date
    summary: str = ""
    fixed_sums: tuple[FixedSum, ...] = Field(min_length=1)
    not_expressible: tuple[NotExpressible, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> RemediesPack:
        problems = []
        seen: set[str] = set()
        for index, item in enumerate(self.fixed_sums):
            if item.id in seen:
                problems.append(f"fixed_sums[{index}].id: two fixed sums share the id {item.id!r}")
            seen.add(item.id)
            if item.per is Per.OCCASION and item.group:
                problems.append(
                    f"fixed_sums[{index}].group: a sum paid per occasion counts no days, "
                    "so it cannot share days with a group"
                )
            if item.per is not Per.WEEK and "part_periods" in item.model_fields_set:
                problems.append(f"fixed_sums[{index}].part_periods: only a weekly sum has parts")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def fixed_sum(self, sum_id: str) -> FixedSum:
        for item in self.fixed_sums:
            if item.id == sum_id:
                return item
        raise KeyError(sum_id)


def parse_remedies_pack(text: str, *, source: str) -> RemediesPack:
    """Validate a remedies pack's TOML; errors name ``source``, the path inside and the problem."""
    return validate_toml(RemediesPack, text, source=source, kind="remedies pack")


def load_remedies_file(path: Path) -> RemediesPack:
    """Load and validate one remedies pack file; its name must be its id."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PackError(str(path), [("", f"cannot read the file: {error.strerror}")]) from None
    pack = parse_remedies_pack(text, source=str(path))
    if path.stem != pack.id:
        raise PackError(str(path), [("id", f"{pack.id!r} does not match the file name")])
    return pack


class RemediesRegistry:
    """The remedies packs PutRight knows, and which is in force for an ombudsman on a day."""

    def __init__(self, folders: Iterable[Path] = (BUILTIN_DIR,)) -> None:
        self._packs: dict[str, RemediesPack] = {}
        for folder in folders:
            if not folder.is_dir():
                raise PackError(str(folder), [("", "remedies folder does not exist")])
            for path in sorted(folder.glob("*.toml")):
                pack = load_remedies_file(path)
                if pack.id in self._packs:
                    raise PackError(str(path), [("id", f"{pack.id!r} is already defined")])
                self._packs[pack.id] = pack

    def all(self) -> list[RemediesPack]:
        return [self._packs[i] for i in sorted(self._packs)]

    def get(self, pack_id: str) -> RemediesPack:
        return self._packs[pack_id]

    def in_force(self, ombudsman: str, on: datetime.date) -> RemediesPack | None:
        """The latest guidance of that ombudsman in force on the day (None before any)."""
        found = [
            p for p in self._packs.values() if p.ombudsman == ombudsman and p.effective_from <= on
        ]
        return max(found, key=lambda p: p.effective_from, default=None)


# -- the figure for the losses recorded on a case ---------------------------------------------


@dataclass(frozen=True)
class Loss:
    """A loss recorded on a case: a period (``ended_on`` None while it goes on) or one day."""

    kind: str  # a fixed sum's id
    started_on: datetime.date
    ended_on: datetime.date | None = None


@dataclass(frozen=True)
class FigureLine:
    """One fixed sum applied: how many, at what rate, the amount and the rule it comes from."""

    rule: str  # the fixed sum's id
    label: str
    per: str
    count: int
    rate_pence: int
    amount_pence: int
    source: str
    detail: str  # "6 days: 1 March 2026 to 6 March 2026"

    @property
    def text(self) -> str:
        unit = self.per if self.count == 1 else f"{self.per}s"
        return (
            f"{self.label}: {self.count} {unit} at {whole_pounds(self.rate_pence)} = "
            f"{whole_pounds(self.amount_pence)}"
        )


@dataclass(frozen=True)
class Figure:
    """The guidance's figure for a case's losses, with the lines and notes that explain it."""

    pack_id: str
    title: str
    source: str
    total_pence: int
    lines: tuple[FigureLine, ...]
    notes: tuple[str, ...]

    @property
    def total(self) -> str:
        return whole_pounds(self.total_pence)

    @property
    def rule(self) -> str:
        """The rule behind the figure, as errors and answers name it."""
        return f"{self.pack_id}: fixed_sums"


def _days(loss: Loss, today: datetime.date) -> set[datetime.date]:
    end = loss.ended_on or today
    count = (end - loss.started_on).days + 1
    return {loss.started_on + datetime.timedelta(days=n) for n in range(max(count, 0))}


def _span(days: Iterable[datetime.date]) -> str:
    ordered = sorted(days)
    if not ordered:
        return ""
    first, last = ordered[0], ordered[-1]
    words = f"{first:%-d %B %Y}" if first == last else f"{first:%-d %B %Y} to {last:%-d %B %Y}"
    gaps = len(ordered) != (last - first).days + 1
    return words + (" (not every day)" if gaps else "")


def ombudsman_figure(pack: RemediesPack, losses: Iterable[Loss], *, today: datetime.date) -> Figure:
    """The guidance's fixed sums for these losses.

    A day of a loss counts once however many records cover it; within a group a day is paid
    at the higher sum only; a loss still going on counts to ``today``; a weekly sum counts
    complete weeks unless the pack says part weeks count in full; each occasion is paid once.
    A loss of a kind the pack has no sum for is left out, with a note.
    """
    losses = list(losses)
    notes: list[str] = []
    days_of: dict[str, set[datetime.date]] = {}
    occasions: dict[str, list[datetime.date]] = {}
    for loss in losses:
        try:
            rule = pack.fixed_sum(loss.kind)
        except KeyError:
            notes.append(f"{loss.kind.replace('_', ' ')}: the guidance sets no fixed sum for it.")
            continue
        if rule.per is Per.OCCASION:
            occasions.setdefault(rule.id, []).append(loss.started_on)
            continue
        if loss.ended_on is None and loss.started_on <= today:
            notes.append(f"{rule.label}: still going on, counted to {today:%-d %B %Y}.")
        days_of.setdefault(rule.id, set()).update(_days(loss, today))
    # Within a group, each day goes to the higher sum.
    for rule in pack.fixed_sums:
        if rule.group is None or rule.id not in days_of:
            continue
        higher = [
            other
            for other in pack.fixed_sums
            if other.group == rule.group
            and other.id != rule.id
            and other.id in days_of
            and (other.daily_pence, other.id) > (rule.daily_pence, rule.id)
        ]
        for other in higher:
            overlap = days_of[rule.id] & days_of[other.id]
            if overlap:
                notes.append(
                    f"{rule.label}: {len(overlap)} day{'s' if len(overlap) != 1 else ''} "
                    f"already paid as {other.label.lower()}."
                )
                days_of[rule.id] -= overlap
    lines: list[FigureLine] = []
    for rule in pack.fixed_sums:
        if rule.per is Per.OCCASION:
            dates = sorted(occasions.get(rule.id, []))
            if not dates:
                continue
            count = len(dates)
            detail = ", ".join(f"{d:%-d %B %Y}" for d in dates)
        else:
            days = days_of.get(rule.id, set())
            if not days:
                continue
            if rule.per is Per.WEEK:
                whole, left = divmod(len(days), 7)
                count = whole + (1 if left and rule.part_periods == "counted_in_full" else 0)
                if left and rule.part_periods == "not_counted":
                    notes.append(
                        f"{rule.label}: {left} day{'s' if left != 1 else ''} beyond the complete "
                        "weeks not counted (the guidance's treatment of part weeks is not "
                        "stated with certainty)."
                    )
            else:
                count = len(days)
            detail = f"{len(days)} day{'s' if len(days) != 1 else ''}: {_span(days)}"
        lines.append(
            FigureLine(
                rule=rule.id,
                label=rule.label,
                per=rule.per.value,
                count=count,
                rate_pence=rule.pence,
                amount_pence=count * rule.pence,
                source=rule.source,
                detail=detail,
            )
        )
    return Figure(
        pack_id=pack.id,
        title=pack.title,
        source=pack.source,
        total_pence=sum(line.amount_pence for line in lines),
        lines=tuple(lines),
        notes=tuple(notes),
    )
