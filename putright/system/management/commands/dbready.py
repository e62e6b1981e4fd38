"""``putright dbready [--wait S]``: is the database answering? Waits for it when asked."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError, connection

from putright.console import PutRightCommand


class Command(PutRightCommand):
    help = (
        "Check that the database answers; with --wait, try again every second until it does "
        "or the seconds run out (a container starting before its database, for example). "
        "Exits with an error naming the database's complaint when it does not answer."
    )
    example = "putright dbready\nputright dbready --wait 60"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait", type=float, default=0, help="seconds to keep trying (default: try once)"
        )

    def handle(self, *args: Any, wait: float, **options: Any) -> None:
        if wait < 0:
            raise CommandError("--wait must be 0 or more seconds.")
        give_up = time.monotonic() + wait
        while True:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                break
            except DatabaseError as error:
                connection.close()
                if time.monotonic() >= give_up:
                    raise CommandError(
                        f"The database ({connection.vendor}) does not answer: {error}".strip()
                    ) from None
                time.sleep(1)
        self.stdout.write(f"The database ({connection.vendor}) answers.")
