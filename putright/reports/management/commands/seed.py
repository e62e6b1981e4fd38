"""``putright seed``: deterministic synthetic landlords and years of their cases, bulk-loaded."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import CommandParser
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from putright.console import PutRightCommand


class Command(PutRightCommand):
    help = (
        "Create N synthetic organisations sharing H homes, with Y years of realistic cases "
        "(about 40 stage 1 complaints per 1,000 homes a year among about 417 contacts), "
        "bulk-loaded. The same --seed and --end give the same data."
    )
    example = (
        "putright seed --organisations 3 --homes 20000 --years 2 --seed 1\n"
        "putright seed --organisations 12 --homes 600000 --years 10 --seed 1 --end 2026-03-31"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisations", type=int, default=3)
        parser.add_argument("--homes", type=int, default=20_000, help="homes across them all")
        parser.add_argument("--years", type=int, default=2)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--end", help="last day of the data, YYYY-MM-DD (default: today)")
        parser.add_argument("--prefix", default="seed", help="slug prefix of the organisations")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import timezone

        from putright.reports.seeding import seed

        for name in ("organisations", "homes", "years"):
            if options[name] < 1:
                raise self.fail(f"--{name} must be at least 1")
        if options["seed"] < 0:
            raise self.fail("--seed must be zero or more")
        if options["homes"] < options["organisations"]:
            raise self.fail("--homes must be at least --organisations")
        if options["years"] > 20:
            raise self.fail("--years must be at most 20")
        end = None
        if options["end"]:
            try:
                end = datetime.date.fromisoformat(options["end"])
            except ValueError:
                raise self.fail(f"--end {options['end']!r} is not a date: use YYYY-MM-DD") from None
            if end > timezone.localdate():
                raise self.fail("--end cannot be in the future")
        if not options["prefix"].replace("-", "").isalnum() or not options["prefix"].islower():
            raise self.fail("--prefix is lower-case letters, digits and hyphens")
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,}"),
            TimeElapsedColumn(),
            disable=options["json"],
        ) as bar:
            task = bar.add_task("Seeding cases", total=1)

            def progress(what: str, done: int, total: int) -> None:
                label = "Seeding cases" if what == "cases" else f"Writing the {what}"
                bar.update(task, completed=done, total=total, description=label)

            result = seed(
                organisations=options["organisations"],
                homes=options["homes"],
                years=options["years"],
                seed=options["seed"],
                end=end,
                prefix=options["prefix"],
                progress=progress,
            )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        self.stdout.write(
            f"Seeded {len(result.organisations)} organisations ({', '.join(result.organisations)}) "
            f"with {result.homes:,} homes: {result.cases:,} cases, {result.events:,} events, "
            f"{result.people:,} people, {result.awards:,} awards, {result.answers:,} satisfaction "
            f"answers in {result.seconds:,.1f} s."
        )
