"""``putright demo``: load the demo landlord and its users (safe to run again)."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.db import transaction

from putright.console import PutRightCommand

DEMO_PASSWORD_VARIABLE = "PUTRIGHT_DEMO_PASSWORD"
DEFAULT_DEMO_PASSWORD = "putright-demo"


class Command(PutRightCommand):
    help = "Load the demo landlord, its staff and its cases into the database (idempotent)."
    example = "putright demo"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="do not print how to sign in")

    @transaction.atomic
    def handle(self, *args: Any, quiet: bool, **options: Any) -> None:
        password = os.environ.get(DEMO_PASSWORD_VARIABLE, DEFAULT_DEMO_PASSWORD)
        user_model = get_user_model()
        admin, created = user_model.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(password)
            admin.save()
        if not quiet:
            self.stdout.write(
                "Demo landlord loaded.\n"
                "Sign in at http://127.0.0.1:8000/admin/ as 'admin' "
                f"with the password '{password}' (set {DEMO_PASSWORD_VARIABLE} to change it)."
            )
