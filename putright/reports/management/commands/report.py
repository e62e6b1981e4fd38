"""``putright report tsm|performance|bench``: the measures on the console, and their benchmark."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from rich.console import Console
from rich.table import Table

from putright.console import PutRightCommand
from putright.reports.grouping import DIMENSIONS
from putright.reports.service import (
    ReportInputError,
    build,
    find_organisation,
    parse_date,
)


class Command(PutRightCommand):
    help = (
        "Print the Tenant Satisfaction Measures (CH01, CH02, TP09) or the complaints "
        "performance report of an organisation for a period, or run the reports benchmark."
    )
    example = (
        "putright report tsm --organisation north-homes --start 2025-04-01 --end 2026-03-31\n"
        "putright report performance --organisation north-homes --start 2025-04-01 "
        "--end 2026-03-31 --by quarter --format csv\n"
        "putright report tsm --organisation north-homes --start 2025-04-01 --end 2026-03-31 "
        "--format json --cases\n"
        "putright report population --organisation north-homes --year 2025 population.csv\n"
        "putright report equality --organisation north-homes --start 2025-04-01 --end 2026-03-31\n"
        "putright report annual --organisation north-homes --start 2025-04-01 --end 2026-03-31 "
        "--output annual.pdf\n"
        "putright report bench --organisations 12 --homes 600000 --years 10"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_subparsers(
            dest="report",
            required=True,
            metavar="tsm|performance|equality|remedies|population|self-assessment|annual|"
            "board-pack|ombudsman|bench",
        )
        for name, helptext in (
            ("tsm", "CH01 and CH02 against the Code, and TP09"),
            ("performance", "received, on time, days to respond, escalation, outcomes..."),
        ):
            sub = which.add_parser(
                name,
                help=helptext,
                formatter_class=argparse.RawDescriptionHelpFormatter,
                epilog=f"example:\n  putright report {name} --organisation north-homes "
                "--start 2025-04-01 --end 2026-03-31 --by quarter",
            )
            sub.add_argument("--organisation", required=True, help="the organisation's slug")
            sub.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
            sub.add_argument("--end", required=True, help="last day, YYYY-MM-DD (included)")
            sub.add_argument(
                "--by",
                action="append",
                default=[],
                help=f"group by, repeatable or comma-separated: {', '.join(DIMENSIONS)}",
            )
            sub.add_argument("--format", choices=("table", "json", "csv"), default="table")
            sub.add_argument(
                "--cases",
                action="store_true",
                help="with --format json: the cases behind each figure",
            )
            sub.add_argument("--today", help=argparse.SUPPRESS)
        equality = which.add_parser(
            "equality",
            help="complaints by group against the tenant population, and by postcode district",
        )
        equality.add_argument("--organisation", required=True)
        equality.add_argument("--start", required=True)
        equality.add_argument("--end", required=True)
        equality.add_argument("--format", choices=("table", "json"), default="table")
        remedies = which.add_parser(
            "remedies",
            help="compensation offered against the Ombudsman's remedies guidance, by stage and "
            "service area, and how often stage 2 raised a stage 1 award",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog="example:\n  putright report remedies --organisation north-homes "
            "--start 2026-04-01 --end 2027-03-31 --format csv",
        )
        remedies.add_argument("--organisation", required=True)
        remedies.add_argument("--start", required=True)
        remedies.add_argument("--end", required=True)
        remedies.add_argument("--format", choices=("table", "csv"), default="table")
        population = which.add_parser(
            "population",
            help="import the tenant population as counts (CSV: dimension,group,count)",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog="example:\n  putright report population --organisation north-homes --year 2025 "
            "population.csv\n\nA dimension is an equality-data key (age_band, disability, "
            "ethnicity...),\ntenure, or postcode_district (homes per district).",
        )
        population.add_argument("--organisation", required=True)
        population.add_argument("--year", type=int, required=True)
        population.add_argument("file")
        for name, helptext in (
            ("self-assessment", "the Complaint Handling Code self-assessment"),
            ("annual", "the annual complaints performance and service improvement report"),
            ("board-pack", "the board pack for a quarter (or any period) against the one before"),
        ):
            doc = which.add_parser(
                name,
                help=helptext,
                formatter_class=argparse.RawDescriptionHelpFormatter,
                epilog=f"example:\n  putright report {name} --organisation north-homes "
                "--start 2025-04-01 --end 2026-03-31 --output report.pdf",
            )
            doc.add_argument("--organisation", required=True)
            doc.add_argument("--start", required=True)
            doc.add_argument("--end", required=True)
            doc.add_argument("--output", required=True, help="a file ending .html or .pdf")
        from putright.ombudsman.management.commands.ombudsman import add_report_arguments

        add_report_arguments(
            which.add_parser(
                "ombudsman",
                help="Ombudsman casework: contacts, determinations, orders done on time, the sector",
            )
        )
        bench = which.add_parser(
            "bench",
            help="CH01/CH02 and the quarterly performance report against bare SQL, on PostgreSQL",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=(
                "Seeds a scratch PostgreSQL database with `putright seed` (or uses --database),\n"
                "then times each report beside one hand-written SQL aggregate over the same data.\n"
                "example:\n  putright report bench --organisations 12 --homes 600000 --years 10\n"
                "  putright report bench --database postgres://postgres@127.0.0.1:5432/sector"
            ),
        )
        bench.add_argument("--organisations", type=int, default=12)
        bench.add_argument("--homes", type=int, default=600_000, help="homes across the sector")
        bench.add_argument("--years", type=int, default=10)
        bench.add_argument("--seed", type=int, default=1)
        bench.add_argument("--repeats", type=int, default=5)
        bench.add_argument(
            "--postgres",
            default=os.environ.get(
                "PUTRIGHT_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
            ),
            help="server to create the scratch database on",
        )
        bench.add_argument(
            "--database", help="an already seeded database to measure (kept, not dropped)"
        )
        bench.add_argument("--keep", action="store_true", help="keep the scratch database")
        bench.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
        bench.add_argument("--json", action="store_true")

    def handle(self, *args: Any, report: str, **options: Any) -> None:
        if report == "ombudsman":
            from putright.ombudsman.management.commands.ombudsman import run_report

            run_report(self, options)
            return
        if report == "bench":
            self.bench(**options)
            return
        if report == "population":
            self.population(**options)
            return
        if report == "remedies":
            self.remedies(**options)
            return
        if report in ("equality", "self-assessment", "annual", "board-pack"):
            self.document(report, **options)
            return
        try:
            organisation = find_organisation(options["organisation"])
            start = parse_date(options["start"], "start")
            end = parse_date(options["end"], "end")
            today = parse_date(options["today"], "today") if options.get("today") else None
            result = build(report, organisation, start, end, by=options["by"], today=today)
        except ReportInputError as error:
            raise self.fail(error.message) from None
        from putright.reports.export import as_csv, as_json, console_lines, title

        if options["format"] == "json":
            self.stdout.write(json.dumps(as_json(result, cases=options["cases"]), indent=2))
            return
        if options["format"] == "csv":
            self.stdout.write(as_csv(result), ending="")
            return
        header, rows = console_lines(result)
        table = Table(*header, box=None)
        for row in rows:
            table.add_row(*row)
        console = Console(file=self.stdout, width=220, highlight=False)  # type: ignore[arg-type]
        console.print(title(result))
        if result.kind == "tsm":
            homes = f"{result.homes:,}" if result.homes is not None else "not recorded"
            console.print(f"Homes ({result.homes_year}): {homes}")
        console.print(table)
        for b in result.breakdowns:
            what = "Escalation refused" if b.kind == "escalation_refused" else "Not accepted"
            console.print(f"{what}: {b.label}: {b.count:,}")
        for note in result.notes:
            console.print(f"Note: {note}")

    def remedies(self, **options: Any) -> None:
        from putright.domain.compensation import pounds
        from putright.reports.guidance import as_csv, remedies_report
        from putright.reports.service import check_period, organisation_and_members

        try:
            organisation = find_organisation(options["organisation"])
            start = parse_date(options["start"], "start")
            end = parse_date(options["end"], "end")
            if end < start:
                raise ReportInputError("The period must end on or after the day it starts.")
            check_period(start, end)
        except ReportInputError as error:
            raise self.fail(error.message) from None
        found = remedies_report(organisation_and_members(organisation), start, end)
        if options["format"] == "csv":
            self.stdout.write(as_csv(found), ending="")
            return
        console = Console(file=self.stdout, width=220, highlight=False)  # type: ignore[arg-type]
        console.print(
            f"Compensation against the Ombudsman's guidance: {organisation.name}, {start} to {end}"
        )
        table = Table(
            "stage",
            "service area",
            "offers",
            "offered",
            "with a figure",
            "below",
            "short by",
            box=None,
        )
        for row in found.rows:
            table.add_row(
                row.stage_label if row.stage != "all" else "All offers",
                row.service_area_label if row.stage != "all" else "",
                str(row.offers),
                pounds(row.offered_pence),
                str(row.with_figure),
                str(row.below),
                pounds(row.shortfall_pence),
            )
        console.print(table)
        raises = found.raises
        console.print(
            f"Cases answered at stage 2 after a stage 1 award: {raises.answered}; "
            f"stage 2 offered more in {raises.raised}, adding {pounds(raises.added_pence)}."
        )

    def population(self, **options: Any) -> None:
        import csv

        from putright.reports.equality import import_population

        try:
            organisation = find_organisation(options["organisation"])
        except ReportInputError as error:
            raise self.fail(error.message) from None
        if not 1995 <= options["year"] <= 2075:
            raise self.fail("--year must be between 1995 and 2075")
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = {"dimension", "group", "count"} - set(reader.fieldnames or ())
                if missing:
                    raise self.fail(
                        f"{options['file']}: the header must name dimension, group and count "
                        f"(missing: {', '.join(sorted(missing))})"
                    )
                count = import_population(organisation, options["year"], list(reader))
        except OSError as error:
            raise self.fail(f"{options['file']}: {error.strerror}") from None
        except ValueError as error:
            raise self.fail(f"{options['file']}: {error}") from None
        self.stdout.write(
            f"Imported {count} population counts for {organisation.name} ({options['year']})."
        )

    def document(self, which: str, **options: Any) -> None:
        from putright.reports.service import check_period

        try:
            organisation = find_organisation(options["organisation"])
            start = parse_date(options["start"], "start")
            end = parse_date(options["end"], "end")
            check_period(start, end)
        except ReportInputError as error:
            raise self.fail(error.message) from None
        if which == "equality":
            self.equality(organisation, start, end, options["format"])
            return
        output = options["output"]
        if not output.endswith((".html", ".pdf")):
            raise self.fail("--output must end .html or .pdf")
        from django.template.loader import render_to_string

        from putright.reports import documents as docs
        from putright.reports.export import long_date
        from putright.reports.views import DocumentParams, document_context

        params = DocumentParams(organisation, start, end)
        title = (
            f"{docs.DOCUMENT_TITLES[which]}: {organisation.name}, "
            f"{long_date(start)} to {long_date(end)}"
        )
        context = {
            "document": which,
            "title": title,
            "params": params,
            "editable": False,
            "organisation": organisation,
            "start": start,
            "end": end,
            **document_context(which, params),
        }
        pdf = output.endswith(".pdf")
        html = render_to_string("reports/document_print.html", {**context, "pdf": pdf})
        try:
            if pdf:
                from putright.reports.pdf import document_pdf

                with open(output, "wb") as handle:
                    handle.write(document_pdf(html))
            else:
                with open(output, "w", encoding="utf-8") as handle:
                    handle.write(html)
        except OSError as error:
            raise self.fail(f"{output}: {error.strerror}") from None
        self.stdout.write(f"Wrote {title} to {output}")

    def equality(self, organisation: Any, start: Any, end: Any, fmt: str) -> None:
        from putright.reports.equality import equality_report

        report = equality_report(organisation, start, end)
        if fmt == "json":
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
            return
        console = Console(file=self.stdout, width=160, highlight=False)  # type: ignore[arg-type]
        console.print(f"Equality and reach: {organisation.name}, {start} to {end}")
        console.print(f"Stage 1 complaints: {report.complaints:,}")
        for dim in report.dimensions:
            table = Table(
                dim.label, "complaints", "share", "tenants", "share", "ratio", "finding", box=None
            )
            for row in dim.rows:
                table.add_row(
                    row.group,
                    f"{row.complaints:,}",
                    "-" if row.complaint_share is None else f"{row.complaint_share:.1%}",
                    "-" if row.population is None else f"{row.population:,}",
                    "-" if row.population_share is None else f"{row.population_share:.1%}",
                    "-" if row.representation is None else f"{row.representation:.2f}",
                    row.finding,
                )
            console.print(table)
            console.print(f"Not known: {dim.not_known:,}")
        for note in report.notes:
            console.print(f"Note: {note}")

    def bench(self, **options: Any) -> None:
        """The reports benchmark lives with the others: ``putright bench reports``."""
        argv = ["reports"]
        for name in ("organisations", "homes", "years", "seed", "repeats", "postgres"):
            argv.append(f"--{name}={options[name]}")
        if options["database"]:
            argv.append(f"--database={options['database']}")
        argv += [f"--{flag}" for flag in ("keep", "here", "json") if options[flag]]
        call_command("bench", *argv, stdout=self.stdout, stderr=self.stderr)
