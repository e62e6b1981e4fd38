"""``putright worker``: run background tasks and periodic jobs, standalone."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management.base import CommandParser

from putright.console import PutRightCommand
from putright.system.scheduler import Scheduler, make_worker


class Command(PutRightCommand):
    help = (
        "Run queued background tasks and enqueue the periodic jobs of putright/jobs.py. "
        "Run as many as you like: each periodic slot is enqueued once."
    )
    example = "putright worker\nputright worker --batch   # run what is queued, then exit"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="run the tasks queued now, then exit"
        )
        parser.add_argument(
            "--no-scheduler", action="store_true", help="do not enqueue periodic jobs"
        )

    def handle(self, *args: Any, batch: bool, no_scheduler: bool, **options: Any) -> None:
        scheduler = None
        if not no_scheduler and not batch:
            scheduler = Scheduler()
            threading.Thread(target=scheduler.run, name="scheduler", daemon=True).start()
        worker = make_worker(batch=batch)
        worker.configure_signals()  # type: ignore[attr-defined]
        self.stdout.write("Worker running (Ctrl+C to stop).")
        try:
            worker.run()  # type: ignore[attr-defined]
        finally:
            if scheduler:
                scheduler.stop()
