"""``putright token create | list | revoke``: bearer tokens for the API."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from putright.accounts.models import ApiToken, User
from putright.accounts.tokens import token_create, token_revoke
from putright.console import PutRightCommand


class Command(PutRightCommand):
    help = "Create an API token for a user (printed once), list tokens, or revoke one."
    example = (
        "putright token create handler --name 'contact centre' --expires 30\n"
        "putright token list handler\n"
        "putright token revoke prt_AbCdEfGh"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="create|list|revoke")
        create = actions.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("--name", default="API token", help="what the token is for")
        create.add_argument(
            "--expires",
            type=int,
            default=90,
            metavar="DAYS",
            help="days until it expires (0: never)",
        )
        listing = actions.add_parser("list", help="a user's tokens")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise self.fail(f"there is no user {username!r}")
        return user

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            if options["expires"] < 0:
                raise self.fail("--expires must be zero (never) or a number of days")
            token, raw = token_create(
                user=self.user(options["username"]),
                name=options["name"],
                expires_in_days=options["expires"] or None,
            )
            expiry = f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "never expires"
            self.stderr.write(
                f"Token '{token.name}' for {token.user.username} ({expiry}). Shown once:"
            )
            self.stdout.write(raw)
        elif action == "list":
            for token in ApiToken.objects.filter(user=self.user(options["username"])).order_by(
                "-created_at"
            ):
                state = "revoked" if token.revoked_at else "active"
                expiry = f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "never"
                self.stdout.write(f"{token.prefix}  {token.name}  {state}  expires {expiry}")
        else:
            found = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if found is None:
                raise self.fail(f"no token starts {options['prefix']!r}")
            token_revoke(token=found)
            self.stdout.write(f"Revoked {found.prefix}.")
