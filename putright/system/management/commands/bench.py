"""``putright bench calendar``: measure PutRight against a bare baseline, side by side."""

from __future__ import annotations

import argparse
import json
import os
import platform
from typing import Any

from django.core.management.base import CommandParser
from rich.console import Console
from rich.table import Table

from putright.benchmarks.databases import DEFAULT_POSTGRES
from putright.console import PutRightCommand


def describe_machine() -> str:
    """CPU model, cores and Python version, for the record beside the figures."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()}, Python {platform.python_version()}"


class Command(PutRightCommand):
    help = (
        "Run a benchmark and print PutRight's figures beside a bare baseline measured in the "
        "same run, with the ratio and the target. Record results in docs/benchmarks.md."
    )
    example = "putright bench calendar\nputright bench calendar --bulk-size 1000000 --json"

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_subparsers(dest="benchmark", required=True, metavar="calendar|lifecycle")
        calendar = which.add_parser("calendar", help="working-day arithmetic against numpy")
        calendar.add_argument("--scalar-size", type=int, default=100_000)
        calendar.add_argument("--bulk-size", type=int, default=1_000_000)
        calendar.add_argument("--repeats", type=int, default=5)
        calendar.add_argument("--json", action="store_true")
        lifecycle = which.add_parser(
            "lifecycle", help="intake and the deadline sweep, on SQLite and PostgreSQL"
        )
        lifecycle.add_argument("--cases", type=int, default=100_000, help="open cases to sweep")
        lifecycle.add_argument("--intake", type=int, default=2_000, help="cases to record")
        lifecycle.add_argument(
            "--postgres",
            default=os.environ.get("PUTRIGHT_BENCH_POSTGRES", DEFAULT_POSTGRES),
            help="PostgreSQL server to create a scratch database on",
        )
        lifecycle.add_argument("--skip-postgres", action="store_true")
        lifecycle.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
        lifecycle.add_argument("--json", action="store_true")

    def handle(self, *args: Any, benchmark: str, **options: Any) -> None:
        if benchmark == "lifecycle":
            self.lifecycle(**options)
            return
        from putright.benchmarks.calendar import run_calendar_benchmark

        for name in ("scalar_size", "bulk_size", "repeats"):
            if options[name] < 1:
                raise self.fail(f"--{name.replace('_', '-')} must be at least 1")
        results = run_calendar_benchmark(
            scalar_size=options["scalar_size"],
            bulk_size=options["bulk_size"],
            repeats=options["repeats"],
        )
        machine = describe_machine()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"machine": machine, "results": [r.as_dict() for r in results]}, indent=2
                )
            )
            return
        table = Table("operation", "size", "PutRight", "numpy", "ratio", "target", "met", box=None)
        for r in results:
            table.add_row(
                r.name,
                f"{r.size:,}",
                f"{r.ours_seconds * 1000:.1f} ms",
                f"{r.baseline_seconds * 1000:.1f} ms",
                f"{r.ratio:.2f}x",
                f"<= {r.target:g}x",
                "yes" if r.met else "NO",
            )
        console = Console(file=self.stdout, width=120, highlight=False)  # type: ignore[arg-type]
        console.print(f"Calendar benchmark on {machine}")
        console.print(table)

    def lifecycle(self, **options: Any) -> None:
        from putright.benchmarks.databases import postgres_database, run_child, sqlite_database

        for name in ("cases", "intake"):
            if options[name] < 1:
                raise self.fail(f"--{name} must be at least 1")
        if options["here"]:
            from putright.benchmarks.lifecycle import measure

            result = measure(
                cases=options["cases"], intake=options["intake"], progress=self.progress
            )
            self.stdout.write(json.dumps(result))
            return
        child_args = [
            "lifecycle",
            "--cases",
            str(options["cases"]),
            "--intake",
            str(options["intake"]),
        ]
        results: dict[str, Any] = {}
        with sqlite_database() as url:
            results["SQLite"] = run_child(url, child_args)
        if not options["skip_postgres"]:
            try:
                with postgres_database(options["postgres"]) as url:
                    results["PostgreSQL"] = run_child(url, child_args)
            except Exception as error:  # report, do not hide: the figures say it was skipped
                results["PostgreSQL"] = {"skipped": f"{type(error).__name__}: {error}".strip()}
        machine = describe_machine()
        if options["json"]:
            self.stdout.write(json.dumps({"machine": machine, "results": results}, indent=2))
            return
        self.print_lifecycle(machine, results)

    def progress(self, what: str, done: int, total: int) -> None:
        self.stderr.write(f"\r{what}: {done:,}/{total:,}", ending="")
        if done >= total:
            self.stderr.write("")

    def print_lifecycle(self, machine: str, results: dict[str, Any]) -> None:
        table = Table("measure", *results, "target", box=None)

        def row(label: str, render: Any, target: str = "") -> None:
            cells = []
            for result in results.values():
                cells.append("skipped" if "skipped" in result else render(result))
            table.add_row(label, *cells, target)

        row("intake through services", lambda r: f"{r['intake_services_per_second']:,.0f} cases/s")
        row(
            "bare bulk_create, same rows",
            lambda r: f"{r['intake_bulk_create_per_second']:,.0f} cases/s",
        )
        row("intake / bulk_create", lambda r: f"{r['intake_ratio']:.1%}", ">= 10%")
        row("open cases", lambda r: f"{r['open_cases']:,}")
        row("due today (bare query finds)", lambda r: f"{r['due_today']:,}")
        row("bare SQL query for those due", lambda r: f"{r['bare_query_seconds'] * 1000:.1f} ms")
        row(
            "sweep, a later tick of the day",
            lambda r: (
                f"{r['sweep_tick_seconds'] * 1000:.1f} ms "
                f"({r['sweep_tick_seconds'] / r['bare_query_seconds']:.2f}x)"
            ),
            "<= 3x",
        )
        row(
            "sweep, first tick of a new day",
            lambda r: (
                f"{r['sweep_new_day_seconds'] * 1000:,.0f} ms, "
                f"{r['sweep_new_day_actions']:,} actions "
                f"({r['sweep_new_day_seconds'] / max(r['sweep_new_day_actions'], 1) * 1000:.2f} ms each)"
            ),
        )
        console = Console(file=self.stdout, width=160, highlight=False)  # type: ignore[arg-type]
        console.print(f"Lifecycle benchmark on {machine}")
        console.print(table)
        for name, result in results.items():
            if "skipped" in result:
                console.print(f"{name} skipped: {result['skipped']}")
