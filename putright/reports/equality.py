"""Equality and reach: who complains, set against who the tenants are, and where.

For each dimension of the imported tenant population (``PopulationCount``: an
equality-data key such as ``age_band``, ``disability`` or ``ethnicity``, or ``tenure``),
the stage 1 complaints received in the period are counted by the group their customer
is in (equality data only where the customer consented; the rest are "not known" and
left out of the shares). A group's *representation* is its share of complaints divided
by its share of the population: above 1 it complains more than its size would suggest.
Whether that differs from 1 by more than chance is a two-sided test of the proportion
(normal approximation with continuity correction) at the 5% level; groups expected to
make fewer than 5 complaints are not tested.

Geography counts the same complaints by postcode district (the outward code, ``L24``),
per 1,000 homes where homes per district were imported (dimension ``postcode_district``).
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from putright.cases.models import Case
from putright.organisations.models import Organisation

from .models import PopulationCount
from .service import Loaded, load

SIGNIFICANCE = 0.05
MIN_EXPECTED = 5.0
NOT_KNOWN = "Not known"
DIMENSION_LABELS = {
    "age_band": "Age",
    "disability": "Disability",
    "ethnicity": "Ethnicity",
    "sex": "Sex",
    "gender": "Gender",
    "religion": "Religion or belief",
    "sexual_orientation": "Sexual orientation",
    "tenure": "Tenure",
    "postcode_district": "Postcode district",
}


def district(postcode: str) -> str:
    """The outward code of a UK postcode: ``L24 1AA`` -> ``L24``."""
    text = (postcode or "").strip().upper()
    if not text:
        return ""
    if " " in text:
        return text.split()[0]
    return text[:-3] if len(text) > 4 else text


def proportion_test(k: int, n: int, p: float) -> tuple[float | None, float | None]:
    """z and the two-sided p-value for k of n against an expected share p (None if not testable)."""
    expected = n * p
    if n == 0 or p <= 0 or p >= 1 or expected < MIN_EXPECTED or n * (1 - p) < MIN_EXPECTED:
        return None, None
    sd = math.sqrt(n * p * (1 - p))
    gap = abs(k - expected) - 0.5
    z = max(gap, 0.0) / sd * (1 if k >= expected else -1)
    return round(z, 3), math.erfc(abs(z) / math.sqrt(2))


@dataclass
class GroupRow:
    group: str
    complaints: int
    complaint_share: float | None
    population: int | None
    population_share: float | None
    representation: float | None
    z: float | None
    p_value: float | None
    case_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < SIGNIFICANCE

    @property
    def finding(self) -> str:
        if self.representation is None:
            return "No population figure"
        if self.p_value is None:
            return "Too few to test"
        if not self.significant:
            return "In line with the population"
        return "Over-represented" if self.representation > 1 else "Under-represented"

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "complaints": self.complaints,
            "complaint_share": self.complaint_share,
            "population": self.population,
            "population_share": self.population_share,
            "representation": self.representation,
            "z": self.z,
            "p_value": self.p_value,
            "significant": self.significant,
            "finding": self.finding,
        }


@dataclass
class DimensionTable:
    dimension: str
    label: str
    rows: list[GroupRow]
    not_known: int
    population_year: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "label": self.label,
            "population_year": self.population_year,
            "not_known": self.not_known,
            "groups": [r.as_dict() for r in self.rows],
        }


@dataclass
class DistrictRow:
    district: str
    complaints: int
    homes: int | None
    per_1000: float | None


@dataclass
class EqualityReport:
    organisation: Organisation
    start: datetime.date
    end: datetime.date
    complaints: int
    dimensions: list[DimensionTable]
    districts: list[DistrictRow]
    notes: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": "equality",
            "organisation": {"slug": self.organisation.slug, "name": self.organisation.name},
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "complaints": self.complaints,
            "dimensions": [d.as_dict() for d in self.dimensions],
            "districts": [r.__dict__ for r in self.districts],
            "notes": self.notes,
        }


def population(
    organisations: Iterable[Organisation], year: int
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Counts by dimension and group (summed over the organisations), and the year used per dimension."""
    rows = list(
        PopulationCount.objects.filter(organisation__in=list(organisations)).values_list(
            "dimension", "year", "group", "count"
        )
    )
    years: dict[str, set[int]] = {}
    for dimension, y, _group, _count in rows:
        years.setdefault(dimension, set()).add(y)
    chosen: dict[str, int] = {}
    for dimension, found in years.items():
        before = [y for y in found if y <= year]
        chosen[dimension] = max(before) if before else min(found)
    counts: dict[str, dict[str, int]] = {}
    for dimension, y, group, count in rows:
        if y == chosen[dimension]:
            counts.setdefault(dimension, {})
            counts[dimension][group] = counts[dimension].get(group, 0) + count
    return counts, chosen


def equality_report(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    *,
    today: datetime.date | None = None,
    loaded: Loaded | None = None,
) -> EqualityReport:
    """Stage 1 complaints received in the period, by group and district, against the population."""
    import numpy as np

    from .measures import in_period

    loaded = loaded or load(organisation, start, end, today=today)
    runs = loaded.runs
    rows = np.flatnonzero((runs.level == 1) & in_period(runs.start, start, end))
    case_ids = [int(i) for i in runs.case_id[rows]]
    people: dict[int, tuple[bool, dict[str, Any], str, str]] = {}
    for i in range(0, len(case_ids), 5000):
        for pk, consent, data, postcode, tenure in Case.objects.filter(
            pk__in=case_ids[i : i + 5000]
        ).values_list(
            "pk",
            "customer__equality_consent",
            "customer__equality_data",
            "customer__postcode",
            "customer__tenure",
        ):
            people[pk] = (bool(consent), data or {}, postcode or "", tenure or "")
    counts, years = population(loaded.organisations, end.year)
    dimensions = sorted(set(counts) - {"postcode_district"}, key=lambda d: (d != "tenure", d))
    tables = []
    for dimension in dimensions:
        groups: Counter[str] = Counter()
        behind: dict[str, list[int]] = {}
        for pk in case_ids:
            consent, data, _postcode, tenure = people.get(pk, (False, {}, "", ""))
            if dimension == "tenure":
                value = tenure if tenure and tenure != "unknown" else ""
            else:
                value = str(data.get(dimension, "")) if consent else ""
            key = value or NOT_KNOWN
            groups[key] += 1
            behind.setdefault(key, []).append(pk)
        known = sum(v for g, v in groups.items() if g != NOT_KNOWN)
        pop = counts[dimension]
        pop_total = sum(pop.values())
        table_rows = []
        for group in sorted(set(pop) | (set(groups) - {NOT_KNOWN})):
            k = groups.get(group, 0)
            size = pop.get(group)
            complaint_share = k / known if known else None
            population_share = size / pop_total if size is not None and pop_total else None
            representation = (
                round(complaint_share / population_share, 3)
                if complaint_share is not None and population_share
                else None
            )
            z, p_value = (
                proportion_test(k, known, population_share)
                if population_share is not None
                else (None, None)
            )
            table_rows.append(
                GroupRow(
                    group=group,
                    complaints=k,
                    complaint_share=complaint_share,
                    population=size,
                    population_share=population_share,
                    representation=representation,
                    z=z,
                    p_value=p_value,
                    case_ids=behind.get(group, []),
                )
            )
        tables.append(
            DimensionTable(
                dimension=dimension,
                label=DIMENSION_LABELS.get(dimension, dimension.replace("_", " ").capitalize()),
                rows=table_rows,
                not_known=groups.get(NOT_KNOWN, 0),
                population_year=years.get(dimension),
            )
        )
    by_district: Counter[str] = Counter(
        district(people.get(pk, (False, {}, "", ""))[2]) for pk in case_ids
    )
    homes = counts.get("postcode_district", {})
    districts = [
        DistrictRow(
            district=name or NOT_KNOWN,
            complaints=n,
            homes=homes.get(name),
            per_1000=round(n / homes[name] * 1000, 2) if homes.get(name) else None,
        )
        for name, n in sorted(by_district.items(), key=lambda item: (-item[1], item[0]))
    ]
    notes = list(loaded.policy_changes)
    if not dimensions:
        notes.append(
            "No tenant population has been imported, so complaints cannot be set against it: "
            "import counts with `putright report population`."
        )
    return EqualityReport(
        organisation=organisation,
        start=start,
        end=end,
        complaints=len(case_ids),
        dimensions=tables,
        districts=districts,
        notes=notes,
    )


def import_population(organisation: Organisation, year: int, rows: Iterable[dict[str, str]]) -> int:
    """Replace the year's counts with rows of ``dimension``, ``group`` and ``count``."""
    parsed: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=2):
        dimension = (row.get("dimension") or "").strip()
        group = (row.get("group") or "").strip()
        raw = (row.get("count") or "").strip().replace(",", "")
        if not dimension or not group:
            raise ValueError(f"line {number}: give a dimension and a group")
        if not raw.isdigit():
            raise ValueError(f"line {number}: count {raw!r} is not a whole number")
        if len(dimension) > 60 or len(group) > 100:
            raise ValueError(f"line {number}: the dimension or group name is too long")
        parsed[(dimension, group)] = parsed.get((dimension, group), 0) + int(raw)
    PopulationCount.objects.filter(organisation=organisation, year=year).delete()
    PopulationCount.objects.bulk_create(
        PopulationCount(organisation=organisation, year=year, dimension=d, group=g, count=c)
        for (d, g), c in parsed.items()
    )
    return len(parsed)
