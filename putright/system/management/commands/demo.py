"""``putright demo``: load the demo landlord, its staff and its cases (safe to run again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from putright.console import PutRightCommand
from putright.system.demo import demo_config, load_demo


class Command(PutRightCommand):
    help = (
        "Load the demo organisations (one on each built-in policy pack), their staff and live "
        "cases recorded through the same services a handler uses. Does nothing twice."
    )
    example = "putright demo\nPUTRIGHT_DEMO_PASSWORD=s3cret putright demo"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="do not print how to sign in")

    def handle(self, *args: Any, quiet: bool, **options: Any) -> None:
        report = load_demo()
        if quiet:
            return
        if report.organisations:
            self.stdout.write(
                f"Loaded {', '.join(report.organisations)} with {report.cases} cases."
            )
        elif report.already_loaded:
            self.stdout.write("The demo landlord is already loaded.")
        users = ", ".join(u["username"] for u in demo_config()["users"])
        self.stdout.write(
            "Sign in at http://127.0.0.1:8000/sign-in/ as one of "
            f"{users} with the password '{report.password}'."
        )
