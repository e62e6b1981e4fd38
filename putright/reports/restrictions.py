"""Unacceptable behaviour in figures: counts only, never a person.

For an organisation (or several) over a period, ``restriction_counts`` gives:

- warnings given and restrictions imposed in the period, by category and by measure (a
  restriction with two categories counts once under each);
- reviews held in the period, and how many were held on time (before the review clock's
  due moment: the entry's ``on_time``), by outcome (kept, varied, lifted);
- appeals decided in the period, upheld and not upheld, and how many on time;
- restrictions in force on the last day of the period, and those still to finish (carried
  over from free text).

Board members and others who read reports see these; the person behind a figure is never
named here (the person's page is where a restriction is read, and the read is recorded).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from putright.people.models import ContactRestriction, RestrictionLevel
from putright.people.restrictions import (
    APPEAL_DECIDED,
    RECORD_TYPE,
    RESTRICTION_REVIEWED,
)
from putright.timeline.models import Entry


@dataclass(frozen=True)
class RestrictionCounts:
    warnings: int = 0
    restrictions: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_measure: dict[str, int] = field(default_factory=dict)
    reviews_held: int = 0
    reviews_on_time: int = 0
    review_outcomes: dict[str, int] = field(default_factory=dict)
    appeals_decided: int = 0
    appeals_upheld: int = 0
    appeals_on_time: int = 0
    in_force_at_end: int = 0
    to_finish: int = 0


def restriction_counts(
    organisation_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> RestrictionCounts:
    """The figures for the organisations over ``start``..``end`` (both included)."""
    ids = list(organisation_ids)
    decided = ContactRestriction.objects.filter(
        person__organisation_id__in=ids, starts_on__gte=start, starts_on__lte=end
    ).values_list("level", "categories", "measures")
    categories: Counter[str] = Counter()
    measures: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    for level, cats, meas in decided:
        levels[level] += 1
        if level == RestrictionLevel.RESTRICTION:
            categories.update(cats or [])
            measures.update(meas or [])
    entries = Entry.objects.filter(
        organisation_id__in=ids,
        record_type=RECORD_TYPE,
        occurred_at__date__gte=start,
        occurred_at__date__lte=end,
    )
    reviews = list(entries.filter(kind=RESTRICTION_REVIEWED).values_list("data", flat=True))
    decisions = list(entries.filter(kind=APPEAL_DECIDED).values_list("data", flat=True))
    outcomes = Counter(str(data.get("outcome", "")) for data in reviews)
    appeals = Counter(str(data.get("outcome", "")) for data in decisions)
    reviews_on_time = sum(1 for data in reviews if data.get("on_time") is True)
    appeals_on_time = sum(1 for data in decisions if data.get("on_time") is True)
    in_force = ContactRestriction.objects.filter(
        person__organisation_id__in=ids, level=RestrictionLevel.RESTRICTION
    ).in_force(end)
    return RestrictionCounts(
        warnings=levels[RestrictionLevel.WARNING],
        restrictions=levels[RestrictionLevel.RESTRICTION],
        by_category=dict(sorted(categories.items())),
        by_measure=dict(sorted(measures.items())),
        reviews_held=sum(outcomes.values()),
        reviews_on_time=reviews_on_time,
        review_outcomes=dict(sorted(outcomes.items())),
        appeals_decided=sum(appeals.values()),
        appeals_upheld=appeals["upheld"],
        appeals_on_time=appeals_on_time,
        in_force_at_end=in_force.count(),
        to_finish=ContactRestriction.objects.filter(
            person__organisation_id__in=ids, needs_finishing=True
        ).count(),
    )


OUTCOME_LABELS = {"keep": "Kept", "vary": "Varied", "lift": "Lifted"}


def _labels(
    organisations: Iterable[Any], end: datetime.date
) -> tuple[dict[str, str], dict[str, str]]:
    """Category and measure labels in the words of the policies in force at the period's end."""
    from putright.domain.errors import UnknownPackError
    from putright.organisations.selectors import pack_for
    from putright.policies.registry import get_pack

    categories: dict[str, str] = {}
    measures: dict[str, str] = {}
    for organisation in organisations:
        try:
            rules = get_pack(pack_for(organisation, end)).restrictions
        except UnknownPackError:
            continue
        if rules is None:
            continue
        for choice in rules.categories:
            categories.setdefault(choice.id, choice.label)
        for measure in rules.measures:
            measures.setdefault(measure.id, measure.label)
    return categories, measures


def _plain(identifier: str) -> str:
    return identifier.replace("_", " ").capitalize()


#: One line of a count by category, measure or outcome: its id, its label, the count.
Row = dict[str, Any]


def _rows(counts: dict[str, int], labels: dict[str, str]) -> list[Row]:
    return [
        {"id": key, "label": labels.get(key) or _plain(key) or "Not recorded", "count": n}
        for key, n in counts.items()
    ]


@dataclass(frozen=True)
class LabelledCounts:
    """The counts with the policies' words for each category, measure and outcome."""

    counts: RestrictionCounts
    by_category: list[Row]
    by_measure: list[Row]
    review_outcomes: list[Row]

    @property
    def tables(self) -> list[tuple[str, str, list[Row]]]:
        return [
            ("Restrictions imposed, by category of behaviour", "Category", self.by_category),
            ("Restrictions imposed, by measure", "Measure", self.by_measure),
            ("Reviews held, by outcome", "Outcome", self.review_outcomes),
        ]


def labelled(
    counts: RestrictionCounts, organisations: Iterable[Any], end: datetime.date
) -> LabelledCounts:
    categories, measures = _labels(organisations, end)
    return LabelledCounts(
        counts=counts,
        by_category=_rows(counts.by_category, categories),
        by_measure=_rows(counts.by_measure, measures),
        review_outcomes=_rows(counts.review_outcomes, OUTCOME_LABELS),
    )
