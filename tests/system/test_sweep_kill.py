"""A worker killed with SIGKILL in the middle of a real deadline sweep (hundreds of due
chases and alerts) is replaced: a second worker takes the sweep up within a minute and it
finishes with every due action taken exactly once, one staff e-mail task per chase or alert,
and no task left running. CI does the same with the installed wheel on PostgreSQL
(.ci/installed); this runs it on its own SQLite file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

HERE = Path(__file__).parent
CASES = 150  # two due actions each: a check with the customer and a ceiling alert


def shell(env: dict[str, str], code: str, *, timeout: float = 300) -> dict[str, object]:
    """Run ``code`` with sweep_kill imported in ``putright shell``; its last JSON line."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "putright.cli",
            "shell",
            "-v",
            "0",
            "-c",
            f"import sweep_kill; {code}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs on its own SQLite file; CI kills a worker on PostgreSQL (.ci/installed)",
)
def test_a_worker_killed_in_the_middle_of_a_sweep_is_replaced_and_nothing_is_doubled(
    tmp_path: Path,
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "sweep-kill-test-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PUTRIGHT_DATA_DIR": str(tmp_path),
        "PUTRIGHT_WORKER_LOST_AFTER": "15",
        "PUTRIGHT_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PUTRIGHT_LOG_FORMAT": "plain",
        "PYTHONPATH": os.pathsep.join([str(HERE), str(settings.BASE_DIR)]),
    }
    subprocess.run(
        [sys.executable, "-m", "putright.cli", "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        timeout=300,
    )
    due = shell(env, f"sweep_kill.seed({CASES})")["due"]
    assert due == 2 * CASES

    def start_worker(name: str) -> subprocess.Popen[bytes]:
        with (tmp_path / f"{name}.log").open("wb") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "putright.cli", "worker", "--no-scheduler"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    first = start_worker("worker1")  # idle until the sweep is queued
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "putright.cli",
            "shell",
            "-v",
            "0",
            "-c",
            f"import sweep_kill; sweep_kill.enqueue_and_watch({due})",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    second = None
    try:
        out, err = watcher.communicate(timeout=300)
        first.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        first.wait(timeout=10)
        assert watcher.returncode == 0, err[-3000:]
        caught = json.loads(out.strip().splitlines()[-1])
        second = start_worker("worker2")
        waiting_from = time.monotonic() - killed_at
        done = shell(
            env, f"sweep_kill.wait_until_done({caught['task']!r}, timeout=60)", timeout=300
        )
        finished_in = waiting_from + float(done["sweep_finished_after"])
        second.terminate()  # stops cleanly: SQLite has one writer at a time for the check
        second.wait(timeout=30)
        report = shell(env, f"sweep_kill.check({caught['task']!r}, {due})")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)

    assert 0 < int(caught["taken"]) < due  # the sweep was running when its worker was killed
    assert finished_in < 60, f"finished {finished_in:.0f} s after the kill"
    assert report["problems"] == []
    assert report["actions"] == due
    assert report["events"] == due
    assert report["workers"] == 2
    # the second worker took only what the first had left: some, not all
    assert 0 < report["sweep_result"]["actions"] < due
    # Each chase's e-mail is queued in the chase's own transaction: none lost, none twice.
    assert report["emails_lost"] == 0
    assert report["emails_queued"] == due
