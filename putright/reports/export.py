"""A report as JSON, CSV, an XLSX workbook or a console table: the same figures each time."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

from .grouping import DIMENSIONS
from .measures import ALL_FIGURES, Figure, display_value
from .service import Group, Report, references

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLES = {"tsm": "Tenant Satisfaction Measures", "performance": "Complaints performance"}


def title(report: Report) -> str:
    return (
        f"{TITLES.get(report.kind, report.kind)}: {report.organisation.name}, "
        f"{long_date(report.start)} to {long_date(report.end)}"
    )


def long_date(day: datetime.date) -> str:
    """``1 April 2025``, as GOV.UK writes dates."""
    return f"{day.day} {day:%B %Y}"


def filename(report: Report, extension: str) -> str:
    return f"{report.kind}-{report.organisation.slug}-{report.start}-{report.end}.{extension}"


Lookup = Callable[[Any], list[str]] | None


def figure_dict(figure: Figure, *, cases: Lookup = None) -> dict[str, Any]:
    """A figure for JSON; ``cases`` turns the case ids behind it into references."""
    kind = ALL_FIGURES[figure.key]
    out: dict[str, Any] = {"label": kind.label, "unit": kind.unit, **figure.as_dict()}
    if cases is not None and kind.has_cases:
        out["cases"] = cases(figure.case_ids)
    return out


def _group_dict(report: Report, group: Group, *, cases: Lookup) -> dict[str, Any]:
    return {
        "key": dict(zip(report.by, group.key, strict=True)),
        "labels": dict(zip(report.by, group.labels, strict=True)),
        "figures": {
            k: figure_dict(group.figures[k], cases=cases)
            for k in report.figure_keys
            if k in group.figures
        },
    }


def _value(report: Report, key: str) -> Any:
    figure = report.total.figures.get(key)
    return figure.value if figure else None


def as_json(report: Report, *, cases: Lookup | bool = None) -> dict[str, Any]:
    """The report as a JSON-ready dictionary.

    ``cases`` adds the references behind each figure: a function from case ids to the
    references the reader may see, or True for all of them (the operator's console).
    """
    if cases is True:
        cases = references
    elif cases is False:
        cases = None
    out: dict[str, Any] = {
        "report": report.kind,
        "title": title(report),
        "organisation": {"slug": report.organisation.slug, "name": report.organisation.name},
        "organisations": [o.slug for o in report.organisations],
        "period": {"start": report.start.isoformat(), "end": report.end.isoformat()},
        "today": report.today.isoformat(),
        "by": list(report.by),
    }
    if report.kind == "tsm":
        f = report.total.figures
        out["homes"] = report.homes
        out["homes_year"] = report.homes_year
        out["measures"] = {
            "CH01": {
                f"stage{lv}": {
                    "received": _value(report, f"ch01.stage{lv}"),
                    "per_1000_homes": _value(report, f"ch01.stage{lv}_per_1000"),
                }
                for lv in (1, 2)
            },
            "CH02": {
                f"stage{lv}": {
                    "responded": f[f"ch02.stage{lv}"].denominator,
                    "within_timescale": f[f"ch02.stage{lv}"].numerator,
                    "share": f[f"ch02.stage{lv}"].value,
                    # Beside the Code's: the landlord's own timescale (not a TSM figure).
                    "judged_by_policy": f[f"ch02.stage{lv}_policy"].denominator,
                    "within_policy_timescale": f[f"ch02.stage{lv}_policy"].numerator,
                    "policy_share": f[f"ch02.stage{lv}_policy"].value,
                }
                for lv in (1, 2)
            },
            "TP09": {
                "answers": f["tp09"].denominator,
                "satisfied": f["tp09"].numerator,
                "share": f["tp09"].value,
            },
        }
    out["figures"] = {
        k: figure_dict(report.total.figures[k], cases=cases) for k in report.figure_keys
    }
    out["groups"] = [_group_dict(report, g, cases=cases) for g in report.groups]
    if report.breakdowns:
        out["refusals"] = [
            {
                "kind": b.kind,
                "ground": b.ground,
                "label": b.label,
                "count": b.count,
                **({"cases": cases(b.case_ids)} if cases is not None else {}),
            }
            for b in report.breakdowns
        ]
    out["notes"] = report.notes
    return out


def _heading(key: str) -> str:
    kind = ALL_FIGURES[key]
    if kind.unit == "pence":
        return f"{kind.label} (£)"
    return kind.label


def _cell(figure: Figure | None) -> Any:
    """A value as a spreadsheet shows it: shares as percentages, pence as pounds."""
    if figure is None or figure.value is None:
        return None
    unit = ALL_FIGURES[figure.key].unit
    if unit == "share":
        return round(figure.value * 100, 1)
    if unit == "pence":
        return round(figure.value / 100, 2)
    return figure.value


def table_rows(report: Report) -> tuple[list[str], list[list[Any]]]:
    """A header and one row per group (then the total): the shape of CSV and XLSX."""
    header = [DIMENSIONS[d] for d in report.by] + [_heading(k) for k in report.figure_keys]
    rows = []
    for group in report.rows():
        labels = list(group.labels) if report.by else []
        rows.append(labels + [_cell(group.figures.get(k)) for k in report.figure_keys])
    return header, rows


#: What a spreadsheet reads as the start of a formula when a cell's text begins with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: Any) -> Any:
    """Text a spreadsheet will show, never run: free text (a category, a service area)
    that begins like a formula gets an apostrophe in front, as spreadsheets do themselves."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(report: Report) -> str:
    """The table; where the period spans a change of policy, a blank row and the notes
    saying so follow it (the other notes are in the XLSX's About sheet and the JSON)."""
    header, rows = table_rows(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_inert(v) for v in header])
    for row in rows:
        writer.writerow(["" if v is None else _inert(v) for v in row])
    if report.policy_changes:
        writer.writerow([])
        for note in report.policy_changes:
            writer.writerow(["Note", _inert(note)])
    return buffer.getvalue()


def _append(sheet: Any, row: list[Any]) -> None:
    """A row of the workbook, its text kept as text: openpyxl would store text beginning
    with "=" as a formula, which the spreadsheet would run when opened."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type != "s":
            cell.data_type = "s"


class ExportUnavailableError(RuntimeError):
    """XLSX export needs openpyxl."""


def as_xlsx(report: Report) -> bytes:
    """A workbook: the figures on one sheet, what they mean and the notes on another."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:  # pragma: no cover - depends on the installation
        raise ExportUnavailableError(
            "XLSX export needs the openpyxl package; CSV is available."
        ) from None
    header, rows = table_rows(report)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Figures"
    _append(sheet, [title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    # Under the title, where it is read first: the period spans a change of policy.
    _append(sheet, [" ".join(report.policy_changes)] if report.policy_changes else [])
    _append(sheet, header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        _append(sheet, row)
    offset = len(report.by)
    for index, key in enumerate(report.figure_keys):
        unit = ALL_FIGURES[key].unit
        number_format = {"share": "0.0", "pence": "#,##0.00", "rate": "0.00"}.get(unit)
        if number_format:
            for row_cells in sheet.iter_rows(
                min_row=4, min_col=offset + index + 1, max_col=offset + index + 1
            ):
                for cell in row_cells:
                    cell.number_format = number_format
    sheet.freeze_panes = sheet.cell(row=4, column=offset + 1)
    about = book.create_sheet("About")
    _append(about, ["Figure", "Unit", "What it counts"])
    for cell in about[1]:
        cell.font = Font(bold=True)
    for key in report.figure_keys:
        kind = ALL_FIGURES[key]
        _append(about, [_heading(key), kind.unit, kind.description])
    _append(about, [])
    _append(about, ["Organisation", report.organisation.name])
    _append(about, ["Period", f"{report.start.isoformat()} to {report.end.isoformat()}"])
    if report.kind == "tsm":
        _append(about, ["Homes", report.homes])
    for note in report.notes:
        _append(about, ["Note", note])
    if report.breakdowns:
        refusals = book.create_sheet("Refusals")
        _append(refusals, ["Refusal", "Ground", "Count"])
        for b in report.breakdowns:
            what = "Escalation refused" if b.kind == "escalation_refused" else "Not accepted"
            _append(refusals, [what, b.label, b.count])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def console_lines(report: Report) -> tuple[list[str], list[list[str]]]:
    """Figures as rows, groups as columns, for a terminal."""
    groups = report.rows()
    header = ["Figure"] + (
        [" / ".join(g.labels) or "All" for g in groups] if report.by else ["Value"]
    )
    rows = []
    for key in report.figure_keys:
        cells = [ALL_FIGURES[key].label]
        for group in groups:
            figure = group.figures.get(key)
            text = figure.display() if figure else "-"
            if figure and figure.numerator is not None and figure.denominator is not None:
                text += f" ({figure.numerator:,}/{figure.denominator:,})"
            cells.append(text)
        rows.append(cells)
    return header, rows


__all__ = ["as_csv", "as_json", "as_xlsx", "console_lines", "display_value", "table_rows"]
