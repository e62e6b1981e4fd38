"""``putright bench calendar``: measure PutRight against a bare baseline, side by side."""

from __future__ import annotations

import json
import os
import platform
from typing import Any

from django.core.management.base import CommandParser
from rich.console import Console
from rich.table import Table

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
        which = parser.add_subparsers(dest="benchmark", required=True, metavar="calendar")
        calendar = which.add_parser("calendar", help="working-day arithmetic against numpy")
        calendar.add_argument("--scalar-size", type=int, default=100_000)
        calendar.add_argument("--bulk-size", type=int, default=1_000_000)
        calendar.add_argument("--repeats", type=int, default=5)
        calendar.add_argument("--json", action="store_true")

    def handle(self, *args: Any, benchmark: str, **options: Any) -> None:
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
