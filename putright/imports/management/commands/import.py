# ruff: noqa: N999  (the command is `putright import`)
"""``putright import cases FILE --mapping MAPPING [--organisation SLUG] [--dry-run]``."""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from putright.console import PutRightCommand
from putright.imports.mapping import MappingError, load_mapping
from putright.imports.reading import ExportError
from putright.imports.services import NEW, ImportConflictError, ImportReport, import_cases
from putright.organisations.models import Organisation

#: Rows listed one by one (problems, changes); beyond this, counted.
SHOW = 200


class Command(PutRightCommand):
    help = "Import cases from a housing or CRM system's export (CSV or XLSX), read with a mapping."
    example = (
        "putright import cases docs/import/sample-export.csv "
        "--mapping docs/import/sample-mapping.toml --organisation meadowbank --dry-run\n"
        "putright import cases export.xlsx --mapping mapping.toml --organisation north-homes\n"
        "putright import sample big.csv --rows 100000 --years 5"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_subparsers(dest="what", required=True, metavar="cases")
        cases = what.add_parser(
            "cases",
            help="cases with their history, customers matched",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog="The mapping file says which column holds what (docs/importing.md).\n"
            "The same file again creates nothing; a changed row is reported, not overwritten.",
        )
        cases.add_argument("file", help="the export: .csv or .xlsx")
        cases.add_argument("--mapping", required=True, help="the mapping file (TOML)")
        cases.add_argument(
            "--organisation",
            default="",
            help="the organisation's slug (default: the mapping's, or the only organisation)",
        )
        cases.add_argument(
            "--dry-run", action="store_true", help="read everything and report; write nothing"
        )
        cases.add_argument(
            "--list",
            action="store_true",
            help="list every row: what became of it, and its customer",
        )
        cases.add_argument("--json", action="store_true", help="the report as JSON")
        sample = what.add_parser(
            "sample",
            help="write a synthetic export in the shape of docs/import/sample-mapping.toml",
        )
        sample.add_argument("file", help="the CSV file to write")
        sample.add_argument("--rows", type=int, default=300)
        sample.add_argument("--years", type=int, default=2)
        sample.add_argument("--end", help="the last day of the export, YYYY-MM-DD (default: today)")
        sample.add_argument("--seed", type=int, default=1)
        sample.add_argument(
            "--bad", action="store_true", help="spoil some rows, as real exports are"
        )
        sample.add_argument(
            "--officers", default="handler", help="user names of the case officers, comma-separated"
        )

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        if what == "sample":
            self.sample(options)
            return
        try:
            mapping = load_mapping(Path(options["mapping"]))
        except MappingError as error:
            raise self.fail(f"The mapping cannot be used:\n{error}") from None
        organisation = self._organisation(options["organisation"] or mapping.organisation)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,}"),
            TimeElapsedColumn(),
            transient=True,
            disable=options["json"],
        ) as bar:
            label = "Checking cases" if options["dry_run"] else "Importing cases"
            task = bar.add_task(label, total=1)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=max(total, 1))

            try:
                report = import_cases(
                    organisation=organisation,
                    path=Path(options["file"]),
                    mapping=mapping,
                    dry_run=options["dry_run"],
                    progress=progress,
                )
            except (ExportError, ImportConflictError) as error:
                raise self.fail(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
            return
        self.stdout.write(describe(report, listing=options["list"]))

    def sample(self, options: dict[str, Any]) -> None:
        from django.utils import timezone

        from putright.imports.sample import sample_rows, spoil, write_sample

        if not 1 <= options["rows"] <= 5_000_000:
            raise self.fail("--rows must be between 1 and 5,000,000")
        if not 1 <= options["years"] <= 20:
            raise self.fail("--years must be between 1 and 20")
        end = timezone.localdate()
        if options["end"]:
            try:
                end = datetime.date.fromisoformat(options["end"])
            except ValueError:
                raise self.fail(f"--end {options['end']!r} is not a date: use YYYY-MM-DD") from None
            if end > timezone.localdate():
                raise self.fail("--end cannot be in the future")
        officers = tuple(o.strip() for o in options["officers"].split(",") if o.strip())
        rows = sample_rows(
            rows=options["rows"],
            end=end,
            years=options["years"],
            seed=options["seed"],
            officers=officers or ("handler",),
        )
        spoilt = spoil(rows) if options["bad"] else []
        path = Path(options["file"])
        try:
            write_sample(path, rows)
        except OSError as error:
            raise self.fail(f"{path}: cannot be written ({error.strerror})") from None
        self.stdout.write(
            f"Wrote {len(rows):,} rows to {path}"
            + (f", {len(spoilt)} of them spoilt on purpose." if spoilt else ".")
        )

    def _organisation(self, slug: str) -> Organisation:
        if slug:
            found = Organisation.objects.filter(slug=slug).first()
            if found is None:
                known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "none"
                raise self.fail(f"No organisation {slug!r} (there are: {known}).")
            return found
        organisations = list(Organisation.objects.all()[:2])
        if len(organisations) == 1:
            return organisations[0]
        if not organisations:
            raise self.fail("There is no organisation yet: putright org create SLUG --name NAME.")
        known = ", ".join(Organisation.objects.values_list("slug", flat=True))
        raise self.fail(f"Name the organisation with --organisation (there are: {known}).")


def describe(report: ImportReport, *, listing: bool = False) -> str:
    """The report in words for the operator."""
    one = report.created == 1
    would = "would be" if report.dry_run else ("was" if one else "were")
    lines = [
        f"{report.file} read with {report.mapping} for {report.organisation}"
        + (" (dry run: nothing written)" if report.dry_run else "")
        + f": {report.rows:,} rows.",
        f"  {report.created:,} case{'' if one else 's'} {would} created ({report.open_cases:,} open, "
        f"{report.closed_cases:,} closed) with {report.events:,} events in their history.",
    ]
    if report.customers:
        matched = [f"{n:,} by {k}" for k, n in report.customers.most_common() if k != NEW]
        lines.append(
            f"  Customers: {report.customers[NEW]:,} new"
            + (f"; matched to one already known: {', '.join(matched)}." if matched else ".")
        )
    if not report.dry_run and report.created:
        lines.append(f"  Hazards suspected by screening the open cases: {report.hazards:,}.")
    lines.append(f"  {report.unchanged:,} rows already imported and unchanged: skipped.")
    if report.changed:
        lines.append(
            f"  {len(report.changed):,} rows changed since they were imported: reported, "
            "not overwritten (change the case in PutRight):"
        )
        for o in report.changed[:SHOW]:
            lines.append(f"    line {o.line}, {o.reference} ({o.case}): " + "; ".join(o.changes))
    lines.append(
        f"  {report.refused:,} rows cannot be taken:" if report.refused else "  No row was refused."
    )
    for p in report.problems[:SHOW]:
        lines.append(f"    {p}")
    if len(report.problems) > SHOW:
        lines.append(f"    ... and {len(report.problems) - SHOW:,} more (--json lists them all).")
    if report.notes:
        lines.append(f"  Notes ({len(report.notes):,}):")
        grouped: dict[tuple[str, str], list[int]] = {}
        for p in report.notes:
            grouped.setdefault((p.column, p.why), []).append(p.line)
        for (column, why), at in list(grouped.items())[:SHOW]:
            where = ", ".join(str(n) for n in at[:10]) + (
                f" and {len(at) - 10:,} more" if len(at) > 10 else ""
            )
            lines.append(f"    column {column!r}: {why} (line{'s' if len(at) > 1 else ''} {where})")
    if listing:
        lines.append("  Rows:")
        for o in report.outcomes:
            customer = f", customer: {o.customer}" if o.customer else ""
            case = f" -> {o.case}" if o.case else ""
            lines.append(f"    line {o.line} {o.reference}: {o.outcome}{case}{customer}")
    lines.append(
        f"  In {report.seconds:,.1f} s" + (f" (import run {report.run})." if report.run else ".")
    )
    return "\n".join(lines)
