"""``putright ombudsman import FILE [--dry-run] [--columns ...]`` and ``putright ombudsman
report --organisation SLUG --start --end`` (also ``putright report ombudsman``)."""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from putright.console import PutRightCommand
from putright.ombudsman.importing import ImportFileError, import_findings, parse_columns
from putright.ombudsman.reports import ombudsman_report
from putright.organisations.models import Organisation

#: Skipped lines listed one by one; beyond this, counted.
SHOW_SKIPPED = 50


class Command(PutRightCommand):
    help = (
        "Import the Ombudsman's published findings, or report an organisation's Ombudsman casework."
    )
    example = (
        "putright ombudsman import decisions.csv --dry-run\n"
        'putright ombudsman import extract.csv --columns "Ref=case_id,Outcome=finding"\n'
        "putright ombudsman report --organisation north-homes --start 2025-04-01 --end 2026-03-31"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="import|report")
        load = actions.add_parser(
            "import",
            help="the Ombudsman's published findings (CSV)",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog="columns: case_id, landlord, landlord_type, decision_date, category, point, "
            "finding\n(or the published extracts' headings: Case ID, Landlord Name, Landlord "
            "Type,\nDecision Date, Category, Complaint Description, Finding Outcome)",
        )
        load.add_argument("file")
        load.add_argument("--dry-run", action="store_true", help="read and report; keep nothing")
        load.add_argument(
            "--columns",
            default="",
            help='other headings mapped to fields: "Heading=field,Heading=field"',
        )
        add_report_arguments(actions.add_parser("report", help="the Ombudsman report"))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "import":
            self.do_import(options)
        else:
            run_report(self, options)

    def do_import(self, options: dict[str, Any]) -> None:
        try:
            columns = parse_columns(options["columns"])
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,}"),
                TimeElapsedColumn(),
                transient=True,
            ) as bar:
                task = bar.add_task("Reading findings", total=1)

                def progress(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                report = import_findings(
                    Path(options["file"]),
                    columns=columns,
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except ImportFileError as error:
            raise self.fail(str(error)) from None
        for line, problem in report.skipped[:SHOW_SKIPPED]:
            self.stdout.write(f"line {line}: skipped: {problem}")
        if len(report.skipped) > SHOW_SKIPPED:
            self.stdout.write(f"... and {len(report.skipped) - SHOW_SKIPPED} more lines skipped")
        for landlord, slug in sorted(report.linked.items()):
            self.stdout.write(f"{landlord!r} is the organisation {slug}")
        kept = "would be kept (dry run: nothing kept)" if options["dry_run"] else "kept"
        self.stdout.write(
            f"Read {report.read:,} rows: {report.new:,} new findings {kept}, "
            f"{report.known:,} already imported, {report.repeated:,} repeated in the file, "
            f"{len(report.skipped):,} skipped."
        )


def add_report_arguments(parser: CommandParser | argparse.ArgumentParser) -> None:
    parser.add_argument("--organisation", required=True, help="the organisation's slug")
    parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--end", required=True, help="last day, YYYY-MM-DD (included)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--today", help=argparse.SUPPRESS)


def _day(command: PutRightCommand, value: str, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise command.fail(f"--{name} {value!r} is not a date: use YYYY-MM-DD") from None


def run_report(command: PutRightCommand, options: dict[str, Any]) -> None:
    """The Ombudsman report, as a table of lines or JSON (shared with ``putright report``)."""
    organisation = Organisation.objects.filter(slug=options["organisation"]).first()
    if organisation is None:
        raise command.fail(f"There is no organisation {options['organisation']!r}.")
    start, end = _day(command, options["start"], "start"), _day(command, options["end"], "end")
    if end < start:
        raise command.fail("--end is before --start")
    today = (
        _day(command, options["today"], "today") if options.get("today") else timezone.localdate()
    )
    report = ombudsman_report(organisation=organisation, start=start, end=end, today=today)
    if options["format"] == "json":
        command.stdout.write(json.dumps(report.as_dict(), indent=2))
        return
    command.stdout.write("\n".join(report.lines()))
