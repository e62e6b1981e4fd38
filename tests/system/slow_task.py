"""A task for the worker-recovery test: it writes a line when it starts, runs for a while, and
writes another when it ends, so the test can kill its worker in the middle."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task


@task()
def slow(marker_dir: str, seconds: float) -> int:
    folder = Path(marker_dir)
    with (folder / "started").open("a") as file:
        file.write("started\n")
    time.sleep(seconds)
    with (folder / "finished").open("a") as file:
        file.write("finished\n")
    return 1
