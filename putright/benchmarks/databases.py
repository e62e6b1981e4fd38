"""Run a benchmark in a child process per database: a fresh SQLite file and a fresh PostgreSQL database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="putright-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards."""
    import psycopg

    name = f"putright_bench_{os.getpid()}"
    parts = urlsplit(server_url.replace("postgres://", "postgresql://", 1))
    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}")).replace("postgresql://", "postgres://", 1)
    finally:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_child(database_url: str, args: list[str]) -> dict[str, Any]:
    """Migrate the database, run ``putright bench ... --here --json`` on it, return its JSON."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.demo",
    }
    putright = [sys.executable, "-m", "putright.cli"]
    subprocess.run([*putright, "migrate", "-v0"], env=env, check=True)
    done = subprocess.run(
        [*putright, "bench", *args, "--here", "--json"],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result
