"""The reports at a glance: charts with their figures beneath, the same on the page and in a PDF.

Each :class:`Chart` is drawn on the server as SVG by pygal (no script: its JavaScript and
tooltips are left out) and shown as an image (``data:`` URI): pygal styles its SVG with a
``<style>`` element of its own, and an image is a document of its own, so the page carries
no inline style for its Content-Security-Policy to refuse, and WeasyPrint draws the same
image in the PDFs. Beside every chart: a title, a one-line summary in plain English and
the same figures as a table (:meth:`Chart.table`), which is what a screen reader reads.

The charts are built from reports already computed (:mod:`putright.reports.service`):
the columns of a chart are groups of a report (quarters, months, service areas) or whole
periods (this period and the one before, in the board pack), each a mapping of figure
key to :class:`~putright.reports.measures.Figure`.
"""

from __future__ import annotations

import base64
import datetime
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .grouping import NOT_RECORDED, time_label
from .measures import Figure, display_value

Figures = Mapping[str, Figure]
#: A column of a chart: its label and its figures.
Columns = Sequence[tuple[str, Figures]]

WIDTH = 640
HEIGHT = 340
#: Colours that keep 3:1 against white and apart for most colour vision (Okabe and Ito).
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#6A3D9A")
FONT = "Arial, Helvetica, 'Liberation Sans', sans-serif"


@dataclass
class Series:
    name: str
    values: list[float | int | None]


@dataclass
class Chart:
    """One chart: what it shows, in words and as a table, and how to draw it."""

    key: str
    title: str
    summary: str
    unit: str  # count, share, rate, days, pence
    heading: str  # the first column of the table: Quarter, Month, Service area ...
    categories: list[str]
    series: list[Series]
    horizontal: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def alt(self) -> str:
        return f"Bar chart: {self.title}. The figures are in the table beneath it."

    def table(self) -> dict[str, Any]:
        """The chart's figures: a row per category, a column per series."""
        rows = []
        for index, category in enumerate(self.categories):
            cells = [display_value(s.values[index], self.unit) for s in self.series]
            rows.append({"label": category, "cells": cells})
        return {"heading": self.heading, "columns": [s.name for s in self.series], "rows": rows}

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s.values)

    def svg(self) -> str:
        return draw(self)

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg().encode()).decode()

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        if self.horizontal:
            return max(HEIGHT, 110 + 30 * len(self.categories) * max(1, len(self.series)))
        return HEIGHT


def _plotted(value: float | int | None, unit: str) -> float | None:
    """The value as drawn: a share as a percentage, pence as pounds."""
    if value is None:
        return None
    if unit == "share":
        return round(float(value) * 100, 1)
    if unit == "pence":
        return round(float(value) / 100, 2)
    return float(value)


def _axis_text(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "share":
        return f"{value:.0f}%"
    if unit == "pence":
        return f"£{value:,.0f}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _pygal() -> Any:
    """pygal, less the import hook it adds to ``sys.meta_path`` for its map plugins: a finder
    of the old protocol (no ``find_spec``) that Python 3.11 warns about on every import that
    reaches it. PutRight draws no map."""
    import pygal

    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__module__ != "pygal"]
    return pygal


def draw(chart: Chart) -> str:
    """The chart as a standalone SVG document, drawn by pygal without script."""
    pygal = _pygal()
    from pygal.style import Style

    style = Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#0b0c0c",
        foreground_strong="#0b0c0c",
        foreground_subtle="#505a5f",
        colors=COLOURS,
        opacity="1",
        opacity_hover="1",
        font_family=FONT,
        label_font_size=15,
        major_label_font_size=15,
        value_font_size=14,
        legend_font_size=15,
        title_font_size=16,
        no_data_font_size=20,
        transition="0ms",
    )
    kind = pygal.HorizontalBar if chart.horizontal else pygal.Bar
    many = len(chart.categories) > 8 and not chart.horizontal
    config: dict[str, Any] = {
        "style": style,
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": True,
        "width": WIDTH,
        "height": chart.height,
        "show_legend": len(chart.series) > 1,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": len(chart.series) if len(chart.series) <= 2 else 2,
        "print_values": len(chart.categories) * len(chart.series) <= 24,
        "print_values_position": "top",
        "print_zeroes": True,
        "value_formatter": lambda v: _axis_text(v, chart.unit),
        "x_label_rotation": 35 if many else 0,
        "truncate_label": -1,
        "truncate_legend": -1,
        "include_x_axis": True,
        "no_data_text": "No figures in this period",
        "margin": 12,
        "spacing": 12,
    }
    if chart.unit == "share":
        config["range"] = (0, 100)
    plot = kind(**config)
    # pygal draws a horizontal chart's first bar at the bottom: reversed, the first is on top.
    order = list(range(len(chart.categories)))
    if chart.horizontal:
        order.reverse()
    plot.x_labels = [chart.categories[i] for i in order]
    for series in chart.series:
        plot.add(series.name, [_plotted(series.values[i], chart.unit) for i in order])
    svg: str = plot.render(is_unicode=True)
    return svg


# -- the columns of a chart ---------------------------------------------------------------


def time_keys(dimension: str, start: datetime.date, end: datetime.date) -> list[str]:
    """Every month (``2025-04``) or calendar quarter (its first month) from start to end."""
    step = 3 if dimension == "quarter" else 1
    month = start.year * 12 + start.month - 1
    if step == 3:
        month -= month % 3
    last = end.year * 12 + end.month - 1
    keys = []
    while month <= last:
        keys.append(f"{month // 12:04d}-{month % 12 + 1:02d}")
        month += step
    return keys


def by_time(
    dimension: str, start: datetime.date, end: datetime.date, *reports: Any
) -> list[tuple[str, Figures]]:
    """Each month or quarter of the period, in order, empty ones too, with the figures of
    every report given (reports grouped by that dimension alone)."""
    keys = time_keys(dimension, start, end)
    merged: dict[str, dict[str, Figure]] = {k: {} for k in keys}
    for report in reports:
        for group in report.groups:
            if group.key and group.key[0] in merged:
                merged[group.key[0]].update(group.figures)
    return [(time_label(dimension, k), merged[k]) for k in keys]


def by_group(report: Any) -> list[tuple[str, Figures]]:
    """The groups of a report grouped by one dimension, with their labels."""
    return [(" / ".join(g.labels) or NOT_RECORDED, g.figures) for g in report.groups]


def _values(columns: Columns, key: str) -> list[float | int | None]:
    out: list[float | int | None] = []
    for _label, figures in columns:
        figure = figures.get(key)
        out.append(figure.value if figure is not None else None)
    return out


def _counts(columns: Columns, key: str) -> list[float | int | None]:
    """Counts, where a column without the figure counted nothing."""
    return [v if v is not None else 0 for v in _values(columns, key)]


def _total(figures: Figures, key: str) -> float | int | None:
    figure = figures.get(key)
    return figure.value if figure is not None else None


def _show(value: float | int | None, unit: str) -> str:
    return display_value(value, unit)


def trend(
    what: str, columns: Columns, values: Sequence[float | int | None], unit: str, per: str = ""
) -> str:
    """``CH01 stage 1 rose from 3.1 in Apr-Jun 2025 to 4.2 in Jan-Mar 2026 per 1,000 homes``."""
    known = [(label, v) for (label, _f), v in zip(columns, values, strict=True) if v is not None]
    if not known:
        return f"{what}: no figures in this period."
    (first_label, first), (last_label, last) = known[0], known[-1]
    tail = f" {per}" if per else ""
    if len(known) == 1:
        return f"{what} was {_show(first, unit)}{tail} in {first_label}."
    if first == last:
        return f"{what} stayed at {_show(first, unit)}{tail} from {first_label} to {last_label}."
    verb = "rose" if last > first else "fell"
    return (
        f"{what} {verb} from {_show(first, unit)} in {first_label} to {_show(last, unit)} "
        f"in {last_label}{tail}."
    )


# -- the charts ---------------------------------------------------------------------------


def ch01_chart(periods: Columns, heading: str) -> Chart:
    """CH01: stage 1 and stage 2 complaints per 1,000 homes (counts where no homes figure)."""
    rates = [_values(periods, f"ch01.stage{n}_per_1000") for n in (1, 2)]
    if any(v is not None for v in rates[0]):
        return Chart(
            key="ch01",
            title=f"CH01: complaints received per 1,000 homes, by {heading.lower()}",
            summary=trend("CH01 stage 1", periods, rates[0], "rate", "per 1,000 homes"),
            unit="rate",
            heading=heading,
            categories=[label for label, _ in periods],
            series=[
                Series("Stage 1 per 1,000 homes", rates[0]),
                Series("Stage 2 per 1,000 homes", rates[1]),
            ],
        )
    counts = [_counts(periods, f"ch01.stage{n}") for n in (1, 2)]
    return Chart(
        key="ch01",
        title=f"CH01: complaints received, by {heading.lower()}",
        summary=trend("Stage 1 complaints received", periods, counts[0], "count")
        + " No homes figure is recorded, so the rate per 1,000 homes cannot be given.",
        unit="count",
        heading=heading,
        categories=[label for label, _ in periods],
        series=[Series("Stage 1 received", counts[0]), Series("Stage 2 received", counts[1])],
    )


def ch02_chart(periods: Columns, heading: str, level: int, total: Figures) -> Chart:
    """CH02 at one stage: within the Code's timescale beside within the landlord's own."""
    code = _values(periods, f"ch02.stage{level}")
    own = _values(periods, f"ch02.stage{level}_policy")
    whole_code = _total(total, f"ch02.stage{level}")
    whole_own = _total(total, f"ch02.stage{level}_policy")
    if whole_code is None and whole_own is None:
        summary = f"No stage {level} response was sent in the period."
    else:
        summary = (
            f"Over the period, {_show(whole_code, 'share')} of stage {level} responses were "
            f"sent within the Code's timescale and {_show(whole_own, 'share')} within the "
            "landlord's own."
        )
        lows = [(v, label) for (label, _), v in zip(periods, code, strict=True) if v is not None]
        if len(lows) > 1:
            low, label = min(lows)
            summary += (
                f" The lowest {heading.lower()} under the Code was {label} ({_show(low, 'share')})."
            )
    return Chart(
        key=f"ch02-stage{level}",
        title=f"CH02: stage {level} responses on time, by {heading.lower()}",
        summary=summary,
        unit="share",
        heading=heading,
        categories=[label for label, _ in periods],
        series=[
            Series("Within the Code's timescale", code),
            Series("Within the landlord's own timescale", own),
        ],
    )


def received_chart(months: Columns, heading: str, total: Figures) -> Chart:
    first = _counts(months, "stage1.received")
    second = _counts(months, "stage2.received")
    n1 = int(_total(total, "stage1.received") or 0)
    n2 = int(_total(total, "stage2.received") or 0)
    summary = f"{n1:,} stage 1 and {n2:,} stage 2 complaints were received in the period."
    if n1:
        busiest, label = max((v or 0, label) for (label, _), v in zip(months, first, strict=True))
        summary += f" The most stage 1 complaints came in {label} ({int(busiest):,})."
    return Chart(
        key="received",
        title=f"Complaints received by {heading.lower()}",
        summary=summary,
        unit="count",
        heading=heading,
        categories=[label for label, _ in months],
        series=[Series("Stage 1", first), Series("Stage 2", second)],
    )


def service_area_chart(areas: Columns) -> Chart:
    ordered = sorted(areas, key=lambda column: -int(_total(column[1], "stage1.received") or 0))
    first = _counts(ordered, "stage1.received")
    second = _counts(ordered, "stage2.received")
    total = sum(int(v or 0) for v in first)
    if total:
        summary = (
            f"Most stage 1 complaints were about {ordered[0][0]} "
            f"({int(first[0] or 0):,} of {total:,})."
        )
    else:
        summary = "No stage 1 complaint was received in the period."
    return Chart(
        key="service-area",
        title="Complaints received by service area",
        summary=summary,
        unit="count",
        heading="Service area",
        categories=[label for label, _ in ordered],
        series=[Series("Stage 1", first), Series("Stage 2", second)],
        horizontal=True,
    )


def time_to_respond_chart(periods: Columns, heading: str, total: Figures) -> Chart:
    keys = [
        ("stage1.median_working_days", "Stage 1 median"),
        ("stage1.p90_working_days", "Stage 1 90th percentile"),
        ("stage2.median_working_days", "Stage 2 median"),
        ("stage2.p90_working_days", "Stage 2 90th percentile"),
    ]
    parts = []
    for level in (1, 2):
        median = _total(total, f"stage{level}.median_working_days")
        p90 = _total(total, f"stage{level}.p90_working_days")
        if median is not None:
            parts.append(
                f"stage {level} took a median of {_show(median, 'days')} working days "
                f"(9 in 10 within {_show(p90, 'days')})"
            )
    summary = (
        "Over the period, " + " and ".join(parts) + " from the stage's start to the response."
        if parts
        else "No response was sent in the period."
    )
    return Chart(
        key="time-to-respond",
        title=f"Working days to respond, by {heading.lower()}",
        summary=summary[0].upper() + summary[1:],
        unit="days",
        heading=heading,
        categories=[label for label, _ in periods],
        series=[Series(name, _values(periods, key)) for key, name in keys],
    )


OUTCOME_NAMES = (
    ("upheld", "Upheld"),
    ("partly_upheld", "Partly upheld"),
    ("not_upheld", "Not upheld"),
)


def outcomes_chart(total: Figures) -> Chart:
    stages = [("Stage 1", "stage1"), ("Stage 2", "stage2")]
    series = [
        Series(name, [int(_total(total, f"{s}.{key}") or 0) for _, s in stages])
        for key, name in OUTCOME_NAMES
    ]
    parts = []
    for index, (label, _s) in enumerate(stages):
        answered = sum(int(s.values[index] or 0) for s in series)
        if answered:
            upheld = int(series[0].values[index] or 0) + int(series[1].values[index] or 0)
            parts.append(f"{label}: {upheld:,} of {answered:,} upheld in full or in part")
    return Chart(
        key="outcomes",
        title="Outcomes of the responses sent, by stage",
        summary=("; ".join(parts) + ".") if parts else "No response was sent in the period.",
        unit="count",
        heading="Stage",
        categories=[label for label, _ in stages],
        series=series,
    )


def compensation_chart(total: Figures) -> Chart:
    from .measures import COMPENSATION_STAGES

    stages = [(name[0].upper() + name[1:], key) for key, name in COMPENSATION_STAGES]
    offered = [_total(total, f"compensation.{k}.offered_pence") or 0 for _, k in stages]
    paid = [_total(total, f"compensation.{k}.paid_pence") or 0 for _, k in stages]
    whole_offered = sum(int(v) for v in offered)
    whole_paid = sum(int(v) for v in paid)
    if whole_offered or whole_paid:
        summary = (
            f"{_show(whole_offered, 'pence')} was offered and {_show(whole_paid, 'pence')} "
            "paid in the period"
        )
        top = max(range(len(stages)), key=lambda i: offered[i])
        if offered[top]:
            summary += (
                f"; most was offered at {stages[top][0].lower()} ({_show(offered[top], 'pence')})"
            )
        summary += "."
    else:
        summary = "No compensation was offered or paid in the period."
    return Chart(
        key="compensation",
        title="Compensation offered and paid, by stage",
        summary=summary,
        unit="pence",
        heading="Stage",
        categories=[label for label, _ in stages],
        series=[Series("Offered", list(offered)), Series("Paid", list(paid))],
    )


@dataclass
class ChartSources:
    """The figures the charts are drawn from."""

    periods: Columns  # quarters, or the previous period and this one
    period_heading: str  # Quarter, Period
    total: Figures  # the whole period, TSM and performance figures together
    months: Columns | None = None
    months_heading: str = "Month"
    areas: Columns | None = None


def tsm_charts(sources: ChartSources) -> list[Chart]:
    """CH01 and CH02 (stage 1 and 2) against the Code and the landlord's own timescales."""
    heading = sources.period_heading
    return [
        ch01_chart(sources.periods, heading),
        ch02_chart(sources.periods, heading, 1, sources.total),
        ch02_chart(sources.periods, heading, 2, sources.total),
    ]


def performance_charts(sources: ChartSources) -> list[Chart]:
    """What a board and a complaints manager look for, in the order they read it."""
    charts = tsm_charts(sources)
    if sources.months is not None:
        charts.append(received_chart(sources.months, sources.months_heading, sources.total))
    if sources.areas is not None:
        charts.append(service_area_chart(sources.areas))
    charts.append(time_to_respond_chart(sources.periods, sources.period_heading, sources.total))
    charts.append(outcomes_chart(sources.total))
    charts.append(compensation_chart(sources.total))
    return charts


def merged(*figure_sets: Figures) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    for figures in figure_sets:
        out.update(figures)
    return out


# -- the figures behind the charts, from a report's loaded rows ------------------------------

#: Beyond this many months, the chart of complaints received goes by quarter.
MAX_MONTHS = 24


def _short(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def period_sources(loaded: Any) -> ChartSources:
    """The charts' figures for one period: by quarter, by month and by service area."""
    from .service import performance_report, tsm_report

    org, start, end = loaded.organisation, loaded.start, loaded.end
    tsm = tsm_report(org, start, end, loaded=loaded)
    performance = performance_report(org, start, end, loaded=loaded)
    tsm_q = tsm_report(org, start, end, by=["quarter"], loaded=loaded)
    performance_q = performance_report(org, start, end, by=["quarter"], loaded=loaded)
    monthly = len(time_keys("month", start, end)) <= MAX_MONTHS
    months = (
        by_time(
            "month", start, end, performance_report(org, start, end, by=["month"], loaded=loaded)
        )
        if monthly
        else by_time("quarter", start, end, performance_q)
    )
    areas = performance_report(org, start, end, by=["service_area"], loaded=loaded)
    return ChartSources(
        periods=by_time("quarter", start, end, tsm_q, performance_q),
        period_heading="Quarter",
        total=merged(tsm.total.figures, performance.total.figures),
        months=months,
        months_heading="Month" if monthly else "Quarter",
        areas=by_group(areas),
    )


def comparison_sources(pack: Any) -> ChartSources:
    """The board pack's charts: the previous period beside this one, this period by month
    and by service area."""
    before = f"{_short(pack.previous_start)} to {_short(pack.previous_end)}"
    now = f"{_short(pack.start)} to {_short(pack.end)}"
    total = merged(pack.tsm.total.figures, pack.performance.total.figures)
    return ChartSources(
        periods=[
            (before, merged(pack.previous_tsm.total.figures, pack.previous.total.figures)),
            (now, total),
        ],
        period_heading="Period",
        total=total,
        months=by_time("month", pack.start, pack.end, pack.by_month)
        if pack.by_month is not None
        else None,
        areas=by_group(pack.by_service_area),
    )
