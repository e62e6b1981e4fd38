"""``putright demo``: load the demo landlord, its staff and its cases (safe to run again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from putright.accounts.models import Role
from putright.console import PutRightCommand
from putright.system.demo import demo_config, load_demo


class Command(PutRightCommand):
    help = (
        "Load the demo organisations (one on each built-in policy pack), their staff and live "
        "cases recorded through the same services a handler uses. Does nothing twice."
    )
    example = (
        "putright demo\nputright demo --url http://127.0.0.1:8313\n"
        "PUTRIGHT_DEMO_PASSWORD=s3cret putright demo"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="do not print how to sign in")
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="where PutRight will be served, for the sign-in address it prints",
        )

    def handle(self, *args: Any, quiet: bool, url: str, **options: Any) -> None:
        report = load_demo()
        if quiet:
            return
        if report.organisations:
            self.stdout.write(
                f"Loaded {', '.join(report.organisations)} with {report.cases} cases."
            )
        elif report.already_loaded:
            self.stdout.write("The demo landlord is already loaded.")
        base = url.rstrip("/")
        self.stdout.write(
            f"Residents start at {base}/. Staff sign in at {base}/sign-in/ with the password "
            f"'{report.password}' as one of:"
        )
        labels = dict(Role.choices)
        for user in demo_config()["users"]:
            roles = ", ".join(str(labels.get(r, r)) for r in user.get("roles", []))
            self.stdout.write(f"  {user['username']:<13} {user['display_name']}, {roles}")
