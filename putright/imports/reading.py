"""Reading an export: CSV or XLSX, a header row, then one row per case."""

from __future__ import annotations

import csv
import datetime
import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .mapping import Mapping

Cell = str | datetime.datetime | datetime.date


class ExportError(Exception):
    """An export that cannot be read at all (not a row of it: the whole file)."""


@dataclass(frozen=True)
class Sheet:
    """The export's header and its rows, each with its line in the file (the header is 1)."""

    headings: tuple[str, ...]
    rows: list[tuple[int, dict[str, Cell]]]
    sha256: str


def read_export(path: Path, mapping: Mapping) -> Sheet:
    """The rows of a CSV or XLSX export; ``ExportError`` naming the file when unreadable, or
    when a column the mapping names is missing."""
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        headings, rows = _xlsx(path, mapping)
    elif suffix in (".csv", ".txt"):
        headings, rows = _csv(path, mapping)
    else:
        raise ExportError(f"{path}: not a CSV or XLSX file (it ends {suffix or 'in nothing'})")
    missing = [
        f"{field} ({column!r})"
        for field, column in mapping.columns.used().items()
        if column not in headings
    ]
    if missing:
        raise ExportError(
            f"{path.name}: the mapping {mapping.source} names columns the file does not have: "
            + "; ".join(missing)
            + f". Its columns are: {', '.join(repr(h) for h in headings if h)}."
        )
    return Sheet(headings=headings, rows=rows, sha256=digest)


def _csv(path: Path, mapping: Mapping) -> tuple[tuple[str, ...], list[tuple[int, dict[str, Cell]]]]:
    try:
        with path.open(newline="", encoding=mapping.encoding) as f:
            reader = csv.reader(f, delimiter=mapping.delimiter)
            try:
                header = next(reader)
            except StopIteration:
                raise ExportError(f"{path.name}: the file is empty") from None
            headings = tuple(h.strip() for h in header)
            rows: list[tuple[int, dict[str, Cell]]] = []
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                cells: dict[str, Cell] = {
                    h: (values[i].strip() if i < len(values) else "")
                    for i, h in enumerate(headings)
                }
                rows.append((reader.line_num, cells))
    except UnicodeDecodeError as error:
        raise ExportError(
            f"{path.name}: not {mapping.encoding} text ({error.reason} at byte {error.start}); "
            "set encoding in the mapping"
        ) from None
    except csv.Error as error:
        raise ExportError(f"{path.name}: not a valid CSV file ({error})") from None
    return headings, rows


def _xlsx(
    path: Path, mapping: Mapping
) -> tuple[tuple[str, ...], list[tuple[int, dict[str, Cell]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ExportError(f"{path.name}: not a readable XLSX workbook ({error})") from None
    try:
        if mapping.sheet:
            if mapping.sheet not in book.sheetnames:
                raise ExportError(
                    f"{path.name}: has no sheet {mapping.sheet!r} (it has: "
                    f"{', '.join(book.sheetnames)}); see sheet in {mapping.source}"
                )
            sheet = book[mapping.sheet]
        else:
            sheet = book.worksheets[0]
        lines: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            raise ExportError(f"{path.name}: the sheet is empty")
        headings = tuple(_text(h) for h in header)
        rows: list[tuple[int, dict[str, Cell]]] = []
        for line, values in enumerate(lines, start=2):
            if not any(v is not None and _text(v) for v in values):
                continue
            cells: dict[str, Cell] = {}
            for i, h in enumerate(headings):
                value = values[i] if i < len(values) else None
                cells[h] = value if isinstance(value, datetime.date) else _text(value)
            rows.append((line, cells))
    finally:
        book.close()
    return headings, rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
