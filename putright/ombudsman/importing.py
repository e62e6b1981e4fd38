"""Importing the Ombudsman's published findings (``putright ombudsman import FILE``).

The file is CSV in UTF-8, with or without a byte-order mark, with a header row. Its columns
are ``case_id, landlord, landlord_type, decision_date, category, point, finding``, or the
headings of the flat extracts people publish from the Ombudsman's decisions ("Case ID",
"Landlord Name", "Landlord Type", "Decision Date", "Category", "Complaint Description",
"Finding Outcome"), or any headings mapped with ``--columns``; other columns are ignored. A
row that does not parse is reported by its line and skipped. A finding is the same finding
when its case id, category and point are the same, so importing a file again changes nothing.
Findings are kept apart from the landlord's own cases; a landlord whose name is an
organisation's name is linked to it.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from putright.organisations.models import Organisation

from .models import Finding, SectorFinding

FIELDS = ("case_id", "landlord", "landlord_type", "decision_date", "category", "point", "finding")
REQUIRED = ("case_id", "landlord", "decision_date", "category", "point", "finding")
#: The headings of the published flat extracts, and ours, by the field each gives.
HEADINGS = {
    "case id": "case_id",
    "landlord name": "landlord",
    "landlord": "landlord",
    "landlord type": "landlord_type",
    "decision date": "decision_date",
    "category": "category",
    "complaint description": "point",
    "finding outcome": "finding",
    "finding": "finding",
    **{name: name for name in FIELDS},
}
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%Y")
BATCH = 1000


class ImportFileError(Exception):
    """The file cannot be imported at all (not found, not UTF-8, a required column missing)."""


@dataclass
class ImportReport:
    read: int = 0
    new: int = 0
    known: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    linked: dict[str, str] = field(default_factory=dict)  # landlord -> organisation slug

    @property
    def repeated(self) -> int:
        """Rows that repeat a finding earlier in the same file."""
        return self.read - self.new - self.known - len(self.skipped)


def parse_columns(text: str) -> dict[str, str]:
    """``--columns "Ref=case_id,Outcome=finding"``: headings mapped to fields."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        heading, sep, name = part.rpartition("=")
        if not sep or not heading.strip() or name.strip() not in FIELDS:
            raise ImportFileError(
                f"--columns: {part!r} is not HEADING=FIELD with FIELD one of {', '.join(FIELDS)}"
            )
        mapping[heading.strip().casefold()] = name.strip()
    return mapping


def _finding(value: str) -> str | None:
    words = re.sub(r"[\s\-]+", "_", value.strip().casefold())
    return words if words in Finding.values else None


def _date(value: str) -> datetime.date | None:
    value = " ".join(value.split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    return None


def finding_key(case_id: str, category: str, point: str) -> str:
    """What makes a finding the same finding: its case id, category and point."""
    text = "\x1f".join(" ".join(v.split()).casefold() for v in (case_id, category, point))
    return hashlib.sha256(text.encode()).hexdigest()


def _name(value: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", value.casefold()).split())


def _columns(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    where: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = heading.strip().casefold()
        name = mapping.get(key) or HEADINGS.get(key)
        if name and name not in where:
            where[name] = index
    missing = [name for name in REQUIRED if name not in where]
    if missing:
        raise ImportFileError(
            f"the file has no column for {', '.join(missing)} (its headings: "
            f"{', '.join(h.strip() for h in header) or 'none'}); map one with --columns "
            '"Heading=field"'
        )
    return where


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the rows with their line numbers."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"there is no file {path}") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder, not a file") from None
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{path} is not UTF-8 text (byte {error.start}): save it as CSV UTF-8"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{path} is empty: it needs a header row") from None
    except csv.Error as error:
        raise ImportFileError(f"{path}: {error}") from None
    rows = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as error:
        raise ImportFileError(f"{path} line {reader.line_num}: {error}") from None
    return header, rows


def import_findings(
    path: Path,
    *,
    columns: dict[str, str] | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read the file and keep each finding not already known (nothing is kept on a dry run)."""
    header, rows = read_rows(path)
    where = _columns(header, columns or {})
    report = ImportReport(read=len(rows))
    organisations = {_name(o.name): o for o in Organisation.objects.all()}
    parsed: dict[str, SectorFinding] = {}
    now = timezone.now()
    for done, (line, row) in enumerate(rows, start=1):
        if progress is not None and (done % 500 == 0 or done == len(rows)):
            progress(done, len(rows))

        def cell(name: str, row: list[str] = row) -> str:
            index = where.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        problem = ""
        for name in REQUIRED:
            if not cell(name):
                problem = f"no {name.replace('_', ' ')}"
                break
        decided = _date(cell("decision_date")) if not problem else None
        if not problem and decided is None:
            problem = (
                f"decision date {cell('decision_date')!r} is not a date "
                "(give 2026-05-26 or 26 May 2026)"
            )
        finding = _finding(cell("finding")) if not problem else None
        if not problem and finding is None:
            problem = f"finding {cell('finding')!r} is not one of the Ombudsman's findings"
        if problem:
            report.skipped.append((line, problem))
            continue
        assert decided is not None
        assert finding is not None
        key = finding_key(cell("case_id"), cell("category"), cell("point"))
        if key in parsed:
            continue
        landlord = cell("landlord")[:200]
        organisation = organisations.get(_name(landlord))
        if organisation is not None:
            report.linked[landlord] = organisation.slug
        parsed[key] = SectorFinding(
            key=key,
            case_id=cell("case_id")[:60],
            landlord=landlord,
            landlord_type=cell("landlord_type")[:100],
            decision_date=decided,
            category=cell("category")[:100],
            point=cell("point"),
            finding=finding,
            organisation=organisation,
            imported_at=now,
        )
    known = set(_known(parsed))
    report.known = len(known)
    fresh = [finding for key, finding in parsed.items() if key not in known]
    report.new = len(fresh)
    if not dry_run and fresh:
        with transaction.atomic():
            SectorFinding.objects.bulk_create(fresh, batch_size=BATCH, ignore_conflicts=True)
    return report


def _known(parsed: dict[str, SectorFinding]) -> Iterable[str]:
    keys = list(parsed)
    for start in range(0, len(keys), BATCH):
        yield from SectorFinding.objects.filter(key__in=keys[start : start + BATCH]).values_list(
            "key", flat=True
        )
