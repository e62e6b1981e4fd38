"""``putright hazards check|screen|report``: validate a hazards pack or triage file, show what
the screen finds in a text and why, and the hazards report for the board."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from rich.console import Console
from rich.table import Table

from putright.console import PutRightCommand
from putright.domain.errors import PackError
from putright.hazards.packs import builtin_triage, parse_organisation_pack, triage_for
from putright.hazards.reports import BOARD_COLUMNS, board_rows, hazard_report
from putright.hazards.rules import load_hazard_pack_file
from putright.hazards.screening import load_triage_file, screen
from putright.organisations.models import Organisation


class Command(PutRightCommand):
    help = "Hazards (Awaab's Law): check a pack or lexicon, screen a text, report for the board."
    example = (
        "putright hazards check putright/hazards/triage/default.toml\n"
        'putright hazards screen "black mold on the ceiling, my son has asthma"\n'
        "putright hazards report --organisation north-homes --start 2026-04-01 --end 2027-03-31"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_subparsers(dest="what", required=True, metavar="check|screen|report")
        check = which.add_parser("check", help="validate a hazards pack or a triage file")
        check.add_argument("file")
        check.add_argument(
            "--organisation-pack",
            action="store_true",
            help="the file is an organisation's own pack over the built-in one",
        )
        text = which.add_parser("screen", help="what the screen finds in a text, and the words")
        text.add_argument("text")
        text.add_argument("--organisation", default="", help="screen with its own lexicon")
        report = which.add_parser("report", help="the hazards report (no personal data)")
        report.add_argument("--organisation", required=True)
        report.add_argument("--start", required=True)
        report.add_argument("--end", required=True)
        report.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['what']}")(options)

    def _check(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            if path.parent.name == "triage" or "[[signs]]" in path.read_text(encoding="utf-8"):
                found = load_triage_file(path)
                what = f"triage {found.id} ({len(found.kinds)} kinds, {len(found.signs)} signs)"
            elif options["organisation_pack"]:
                what = f"hazards pack {parse_organisation_pack(path).id}"
            else:
                what = f"hazards pack {load_hazard_pack_file(path).id}"
        except OSError as error:
            raise self.fail(f"{path}: cannot read the file: {error.strerror}") from None
        except PackError as error:
            raise self.fail(str(error)) from None
        self.stdout.write(f"{path}: valid {what}")

    def _screen(self, options: dict[str, Any]) -> None:
        triage = builtin_triage()
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise self.fail(f"There is no organisation {options['organisation']!r}.")
            triage = triage_for(organisation)
        found = screen(triage, options["text"])
        if not found.hazards:
            self.stdout.write("No hazard recognised.")
        for hazard in found.hazards:
            words = ", ".join(f'"{t.found}" ({t.term})' for t in hazard.triggers)
            self.stdout.write(f"{hazard.label} ({hazard.severity}): {words}")
        for sign in found.signs:
            words = ", ".join(f'"{t.found}"' for t in sign.triggers)
            self.stdout.write(f"Sign of {sign.kind}: {sign.label}: {words}")

    def _report(self, options: dict[str, Any]) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise self.fail(f"There is no organisation {options['organisation']!r}.")
        try:
            start = datetime.date.fromisoformat(options["start"])
            end = datetime.date.fromisoformat(options["end"])
        except ValueError:
            raise self.fail("Give --start and --end as dates, e.g. 2026-04-01.") from None
        if end < start:
            raise self.fail("The end of the period is before its start.")
        report = hazard_report(organisations=[organisation], start=start, end=end)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), default=str, indent=2))
            return
        console = Console(file=self.stdout, width=120)  # type: ignore[arg-type]
        console.print(
            f"Hazards {start} to {end}: {report.recognised} recognised, {report.confirmed} "
            f"confirmed, {report.dismissed} dismissed, {report.suspected} still suspected; "
            f"{report.without_statutory_clocks} outside the statutory clocks."
        )
        clocks = Table(title="Clocks met and missed, by phase")
        for heading in ("Phase", "Step", "Met", "Missed", "Running"):
            clocks.add_column(heading)
        for (_, phase, step), tally in sorted(report.clocks.items()):
            clocks.add_row(phase, step, str(tally.met), str(tally.missed), str(tally.running))
        console.print(clocks)
        if report.median_hours_to_safe is not None:
            console.print(
                f"Report to made safe: median {report.median_hours_to_safe:.1f} hours, "
                f"longest {report.longest_hours_to_safe:.1f} hours ({len(report.hours_to_safe)})."
            )
        board = Table(title="For the board, by month (no personal data)")
        for _, heading in BOARD_COLUMNS:
            board.add_column(heading)
        for row in board_rows(report):
            board.add_row(*(str(v) for v in row))
        console.print(board)
