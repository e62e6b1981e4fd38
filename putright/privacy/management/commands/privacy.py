"""``putright privacy schedule | retention``: the retention periods in force, and the
retention run (a dry run counts what it would anonymise, writing nothing)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import CommandParser
from rich.console import Console
from rich.table import Table

from putright.console import PutRightCommand
from putright.organisations.models import Organisation
from putright.privacy.retention import apply_retention
from putright.privacy.schedule import periods_for


class Command(PutRightCommand):
    help = "Personal data over time: the retention schedule in force, and the retention run."
    example = (
        "putright privacy schedule --organisation north-homes\n"
        "putright privacy retention --organisation north-homes --dry-run\n"
        "putright privacy retention            # every organisation, as the daily job does"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_subparsers(dest="what", required=True, metavar="schedule|retention")
        schedule = which.add_parser("schedule", help="each record type's period, and why")
        schedule.add_argument("--organisation", required=True)
        schedule.add_argument("--json", action="store_true")
        run = which.add_parser("retention", help="anonymise what is past its period")
        run.add_argument("--organisation", default="", help="one organisation (default: all)")
        run.add_argument("--dry-run", action="store_true", help="count, write nothing")
        run.add_argument("--today", default="", help="run as on this day (YYYY-MM-DD)")
        run.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['what']}")(options)

    def _organisation(self, slug: str) -> Organisation:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            valid = ", ".join(Organisation.objects.order_by("slug").values_list("slug", flat=True))
            raise self.fail(f"There is no organisation {slug!r}; organisations are: {valid}")
        return organisation

    def _schedule(self, options: dict[str, Any]) -> None:
        organisation = self._organisation(options["organisation"])
        periods = periods_for(organisation.pk)
        if options["json"]:
            self.stdout.write(
                json.dumps({k: vars(p) for k, p in periods.items()}, indent=2, default=str)
            )
            return
        table = Table(title=f"Retention periods at {organisation.name}")
        for heading in ("Record type", "Kept for", "Counted from", "Why", "Set by"):
            table.add_column(heading)
        for period in periods.values():
            table.add_row(
                period.label,
                f"{period.months} months",
                period.counted_from,
                period.basis,
                "the organisation" if period.own else "PutRight's default",
            )
        Console(file=self.stdout, width=160).print(table)  # type: ignore[arg-type]

    def _retention(self, options: dict[str, Any]) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise self.fail("Give --today as a date, e.g. 2026-12-07.") from None
        organisations = (
            [self._organisation(options["organisation"])]
            if options["organisation"]
            else list(Organisation.objects.order_by("pk"))
        )
        results = []
        for organisation in organisations:
            run = apply_retention(organisation, today=today, dry_run=options["dry_run"])
            results.append({"organisation": organisation.slug, **run.counts})
            if not options["json"]:
                counts = run.counts
                what = "would anonymise" if options["dry_run"] else "anonymised"
                held = counts.get("closed_cases_held", 0)
                if options["dry_run"]:
                    detail = f"{counts.get('cases_due', 0)} closed cases"
                else:
                    detail = (
                        f"{counts.get('cases', 0)} closed cases, {counts.get('people', 0)} "
                        f"people, {counts.get('files', 0)} files; "
                        f"{counts.get('redactions', 0)} events redacted"
                    )
                self.stdout.write(
                    f"{organisation.slug}: {what} {detail}"
                    + (f"; {held} kept under a legal hold" if held else "")
                )
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2, default=str))
