"""``putright backup FILE``: a consistent copy of the embedded SQLite database, while serving."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import connection

from putright.console import PutRightCommand


class Command(PutRightCommand):
    help = (
        "Write a consistent copy of the embedded SQLite database to FILE, safe while PutRight "
        "serves and its worker writes (SQLite's online backup), then check the copy. Uploaded "
        "files are not in the database: copy the media folder too (see the README's backups). "
        "On PostgreSQL use pg_dump instead."
    )
    example = (
        "putright backup /backups/putright-$(date +%F).sqlite3\n"
        "putright backup --force /backups/putright-latest.sqlite3"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="where to write the copy (a new file)")
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def handle(self, *args: Any, file: Path, force: bool, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                f"The database is {connection.vendor}, not the embedded SQLite: back it up with "
                "pg_dump (README, 'Backups and restore')."
            )
        target = file.expanduser().resolve()
        if target.exists() and not force:
            raise CommandError(f"{target} exists: choose a new file, or add --force to replace it.")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a folder.")
        source = str(settings.DATABASES["default"]["NAME"])
        if source != ":memory:" and Path(source).resolve() == target:
            raise CommandError("FILE is the database itself: choose another file.")
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        connection.ensure_connection()
        raw = connection.connection
        copy = sqlite3.connect(partial)
        try:
            raw.backup(copy)  # all pages in one step: one consistent snapshot
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
        if verdict != "ok":
            partial.unlink(missing_ok=True)
            raise CommandError(f"The copy failed SQLite's integrity check: {verdict}")
        os.chmod(partial, 0o600)  # it holds customers' personal data
        partial.replace(target)
        size = target.stat().st_size
        self.stdout.write(f"Backed up the database to {target} ({size:,} bytes, checked).")
        self.stdout.write(f"Uploaded files are in {settings.MEDIA_ROOT}: copy that folder too.")
