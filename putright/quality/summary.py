"""The quality review in figures: scores by quarter, service area, stage and (for managers)
handler, and how often each item of the Code's checklist is met; drawn as the reports'
charts (SVG on the server, the same figures as a table beneath)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from putright.organisations.models import Organisation
from putright.policies.registry import get_pack
from putright.reports.charts import Chart, Series
from putright.reports.measures import display_value

from .checklist import CODE_CHECKLIST, STANDARDS
from .models import ResponseReview
from .services import quarter_after, quarter_label, quarter_of

NOT_RECORDED = "Not recorded"
#: How many quarters a summary may show.
SPANS = (1, 2, 4, 8)


@dataclass(frozen=True)
class Group:
    label: str
    reviewed: int
    code: float | None
    standards: float | None
    overall: float | None


@dataclass(frozen=True)
class Summary:
    organisation: Organisation
    start: datetime.date  # the first quarter
    end: datetime.date  # the first day of the last quarter
    reviewed: int
    sampled: int
    overall: Group
    by_quarter: list[Group]
    by_service_area: list[Group]
    by_stage: list[Group]
    by_handler: list[Group]  # empty unless the reader may see who sent each response
    items: list[tuple[str, float | None]]  # each checklist item: the share met
    standards: list[tuple[str, float | None]]  # each standard: the mean mark (1 to 4)

    @property
    def period(self) -> str:
        if self.start == self.end:
            return quarter_label(self.start)
        return f"{quarter_label(self.start)} to {quarter_label(self.end)}"

    def charts(self) -> list[Chart]:
        charts = [
            _chart("by-quarter", "Quality score by quarter", "Quarter", self.by_quarter),
            _chart(
                "by-service-area",
                "Quality score by service area",
                "Service area",
                self.by_service_area,
                horizontal=True,
            ),
            _chart("by-stage", "Quality score by stage", "Stage", self.by_stage),
        ]
        if self.by_handler:
            charts.append(
                _chart(
                    "by-handler",
                    "Quality score by the person who sent the response",
                    "Sent by",
                    self.by_handler,
                    horizontal=True,
                )
            )
        charts.append(self._items_chart())
        return charts

    def _items_chart(self) -> Chart:
        known = [(label, v) for label, v in self.items if v is not None]
        if known:
            low_label, low = min(known, key=lambda item: item[1])
            summary = (
                f"The item most often missed: {low_label.lower()} "
                f"(met in {round(low * 100)}% of responses reviewed)."
            )
        else:
            summary = "No response has been reviewed in the period."
        return Chart(
            key="checklist",
            title="How often each item of the Code's checklist was met",
            summary=summary,
            unit="share",
            heading="What the Code asks of a response",
            categories=[label for label, _ in self.items],
            series=[Series("Met", [v for _, v in self.items])],
            horizontal=True,
        )


@dataclass
class ScoreChart(Chart):
    """A chart of the two halves of the score; its table adds the overall score, which the
    summary line gives in words (two series keep the legend on one line)."""

    overall: list[float | None] = field(default_factory=list)

    def table(self) -> dict[str, Any]:
        table = super().table()
        table["columns"] = [*table["columns"], "Overall"]
        for row, value in zip(table["rows"], self.overall, strict=True):
            row["cells"] = [*row["cells"], display_value(value, self.unit)]
        return table


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _group(label: str, reviews: list[ResponseReview]) -> Group:
    return Group(
        label=label,
        reviewed=len(reviews),
        code=_mean(r.code_score for r in reviews),
        standards=_mean(r.standards_score for r in reviews),
        overall=_mean(r.score for r in reviews),
    )


def _grouped(reviews: list[ResponseReview], key: Callable[[ResponseReview], str]) -> list[Group]:
    groups: dict[str, list[ResponseReview]] = defaultdict(list)
    for review in reviews:
        groups[key(review)].append(review)
    return [_group(label, items) for label, items in sorted(groups.items())]


def _chart(
    key: str, title: str, heading: str, groups: list[Group], *, horizontal: bool = False
) -> Chart:
    scored = [g for g in groups if g.overall is not None]
    if not scored:
        summary = "No response has been reviewed in the period."
    elif len(scored) == 1:
        g = scored[0]
        summary = f"{g.label}: an overall score of {_percent(g.overall)} from {_reviews(g)}."
    else:
        best = max(scored, key=lambda g: g.overall or 0)
        worst = min(scored, key=lambda g: g.overall or 0)
        summary = (
            f"Highest: {best.label} ({_percent(best.overall)}, {_reviews(best)}); lowest: "
            f"{worst.label} ({_percent(worst.overall)}, {_reviews(worst)})."
        )
    return ScoreChart(
        key=key,
        title=title,
        summary=summary,
        unit="share",
        heading=heading,
        categories=[g.label for g in groups],
        series=[
            Series("The Code's checklist", [g.code for g in groups]),
            Series("Our own standards", [g.standards for g in groups]),
        ],
        horizontal=horizontal,
        overall=[g.overall for g in groups],
    )


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def _reviews(group: Group) -> str:
    return f"{group.reviewed} review{'s' if group.reviewed != 1 else ''}"


def _stage_label(review: ResponseReview) -> str:
    pack = get_pack(review.case.policy_pack)
    stage = next((s for s in pack.stages if s.id == review.stage), None)
    return stage.label if stage is not None else review.stage


def quality_summary(
    organisation: Organisation,
    *,
    start: datetime.date,
    end: datetime.date,
    with_handlers: bool,
) -> Summary:
    """The reviews of the quarters from ``start`` to ``end`` (each a day in its quarter);
    ``with_handlers`` adds the scores of each person who sent responses (for managers; a
    board member sees none)."""
    first, last = quarter_of(start), quarter_of(end)
    sampled = list(
        ResponseReview.objects.filter(
            sample__organisation=organisation,
            sample__quarter_start__gte=first,
            sample__quarter_start__lte=last,
        ).select_related("case", "handler", "sample")
    )
    reviews = [r for r in sampled if r.reviewed_at is not None]
    quarters = []
    quarter = first
    while quarter <= last:
        of_quarter = [r for r in reviews if r.sample.quarter_start == quarter]
        quarters.append(_group(quarter_label(quarter), of_quarter))
        quarter = quarter_after(quarter)
    items = [
        (item.short, _mean(1.0 if r.checklist.get(item.key) else 0.0 for r in reviews))
        for item in CODE_CHECKLIST
    ]
    standards = [
        (s.label, _mean(float(getattr(r, s.key)) for r in reviews if getattr(r, s.key)))
        for s in STANDARDS
    ]
    return Summary(
        organisation=organisation,
        start=first,
        end=last,
        reviewed=len(reviews),
        sampled=len(sampled),
        overall=_group("All", reviews),
        by_quarter=quarters,
        by_service_area=_grouped(reviews, lambda r: r.service_area or NOT_RECORDED),
        by_stage=_grouped(reviews, _stage_label),
        by_handler=(
            _grouped(reviews, lambda r: str(r.handler) if r.handler else NOT_RECORDED)
            if with_handlers
            else []
        ),
        items=items,
        standards=standards,
    )
