"""``putright search rebuild``: write again the words search reads, for every case."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from putright.console import PutRightCommand
from putright.search.index import rebuild


class Command(PutRightCommand):
    help = (
        "Search reads the words of each case (its customer's name, address and postcode and "
        "its summary), kept up to date as cases and people change. Rebuild them after "
        "changing cases or people outside PutRight (e.g. in the database directly)."
    )
    example = "putright search rebuild"

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_subparsers(dest="action", required=True, metavar="rebuild")
        which.add_parser("rebuild", help="write the words of every case again")

    def handle(self, *args: Any, **options: Any) -> None:
        with Progress(
            TextColumn("Writing the words of each case"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,}"),
            TimeElapsedColumn(),
        ) as bar:
            task = bar.add_task("words", total=1)
            done = rebuild(progress=lambda d, t: bar.update(task, completed=d, total=max(t, 1)))
        self.stdout.write(f"Wrote the words of {done:,} cases.")
