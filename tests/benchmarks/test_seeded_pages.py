"""``putright bench pages --database A --database B``: each database measured, and their
search results compared (the same seed gives the same cases on SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from putright.benchmarks.management.commands.bench import _differences


def _seeded(folder: Path, seed: int) -> str:
    url = f"sqlite:///{folder / f'seed{seed}.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.demo"}
    putright = [sys.executable, "-m", "putright.cli"]
    subprocess.run([*putright, "migrate", "-v0"], env=env, check=True)
    seed_args = ["--organisations", "2", "--homes", "300", "--years", "2", "--seed", str(seed)]
    subprocess.run(
        [*putright, "seed", *seed_args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return url


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """One database seeded with seed 1 for the module (migrating and seeding take most of
    the time); each test works on its own copy of it."""
    folder = tmp_path_factory.mktemp("seeded")
    _seeded(folder, 1)
    return folder / "seed1.sqlite3"


def _copy(seeded: Path, folder: Path, name: str) -> str:
    shutil.copy(seeded, folder / name)
    return f"sqlite:///{folder / name}"


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="makes its own SQLite databases: once per CI run is enough",
)
def test_two_databases_are_measured_and_their_search_results_compared(seeded, tmp_path):
    first = _copy(seeded, tmp_path, "seed1.sqlite3")
    again = _copy(seeded, tmp_path, "again.sqlite3")
    args = ["--database", first, "--database", again, "--requests", "2", "--clients", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "putright.cli", "bench", "pages", *args],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.demo"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Staff pages, server time") == 2
    assert "search by postcode district" in done.stdout
    assert "Search results: the same on every database for all" in done.stdout


def test_different_answers_are_named():
    same = {"answers": {"smith": ["A-1", "A-2"], "m1": ["A-3"]}}
    other = {"answers": {"smith": ["A-2", "A-1"], "m1": ["A-3"]}}
    assert _differences([same, same]) == []
    assert _differences([same, other]) == [
        {"text": "smith", "listed": [["A-1", "A-2"], ["A-2", "A-1"]]}
    ]


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="makes its own SQLite database: once per CI run is enough",
)
def test_many_clients_ask_gunicorn_for_every_page_signed_in(seeded, tmp_path):
    url = _copy(seeded, tmp_path, "seed1.sqlite3")
    args = ["--database", url, "--requests", "1", "--clients", "3", "--workers", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "putright.cli", "bench", "pages", *args, "--seconds", "2"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.demo"},
        capture_output=True,
        text=True,
        check=False,
    )
    # Every answer was the page itself (a redirect to sign in would have been an error).
    assert done.returncode == 0, done.stderr
    assert "3 clients at once, a page at random each time, gunicorn, 1 process:" in done.stdout
    assert "page, under that load" in done.stdout
    assert "case page" in done.stdout.split("page, under that load")[1]
