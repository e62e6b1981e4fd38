"""``putright user add | set | grant | revoke | list | deactivate``: staff and what packs know of them.

Roles are held per organisation, and so are teams. A team named with ``--team`` that the
organisation does not have yet is created, named after its slug ("repairs" becomes
"Repairs"; rename it in the admin), and the command says so; ``--remove-team`` refuses a
team that does not exist.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser
from django.core.validators import validate_slug
from django.db import transaction
from rich.console import Console
from rich.table import Table

from putright.accounts.models import ApiToken, Membership, Role, Team, TeamMembership, User
from putright.accounts.selectors import StaffEntry, staff_entry, staff_list
from putright.accounts.tokens import token_revoke
from putright.console import PutRightCommand
from putright.organisations.models import Organisation

NO_USER = "there is no user {username!r}; users are: {valid}"
USERNAME_TAKEN = "there is already a user {username!r}"
NO_ORGANISATION = "there is no organisation {slug!r}; organisations are: {valid}"
UNKNOWN_ROLE = "unknown role {role!r}; roles are: {valid}"
NEEDS_ORGANISATION = (
    "{option} needs --organisation SLUG: roles and teams belong to one organisation"
)
ORGANISATION_UNUSED = "--organisation SLUG is only for {options}"
BAD_TEAM = "--team {slug!r} is not a slug: use lower-case letters, digits and hyphens"
NO_TEAM = "{organisation} has no team {slug!r}; its teams are: {valid}"
NOT_IN_TEAM = "{username} is not in the team {slug!r} of {organisation}"
TEAM_ADDED_AND_REMOVED = "--team and --remove-team both name {slug!r}"
OWN_LINE_MANAGER = "{username} cannot be their own line manager"
LINE_MANAGER_LOOP = "{manager} cannot manage {username}: {username} is already above them"
LINE_MANAGER_INACTIVE = "{manager} is deactivated and cannot be a line manager"
NO_PASSWORD = "the environment variable {variable} is not set or is empty"
ALREADY_HELD = "{username} already holds {role} at {organisation}"
NOT_HELD = "{username} does not hold {role} at {organisation}"
NOTHING_TO_SET = (
    "nothing to change: give --directorate, --line-manager, --no-line-manager, "
    "--team or --remove-team"
)

#: How many valid values an error names before pointing at ``putright ... list``.
SHOWN = 12


def _names(values: Iterable[str], listing: str) -> str:
    values = sorted(values)
    if not values:
        return "(none)"
    if len(values) <= SHOWN:
        return ", ".join(values)
    return f"{', '.join(values[:SHOWN])} and {len(values) - SHOWN} more (see {listing})"


def _name(user: User) -> str:
    return user.display_name or user.get_full_name()


class Command(PutRightCommand):
    help = (
        "Add a member of staff, set their directorate, line manager and teams, grant or "
        "revoke a role in an organisation, list staff, or deactivate someone. A team named "
        "with --team is created in the organisation on first use."
    )
    example = (
        "putright user add rkhan --name 'Rosa Khan' --email rosa@example.org "
        "--organisation harbourside --role senior_manager --directorate 'Property Services' "
        "--line-manager jbloggs --team repairs\n"
        "putright user set rkhan --organisation harbourside --team governance "
        "--remove-team repairs\n"
        "putright user grant rkhan --organisation harbourside --role complaints_manager\n"
        "putright user list --organisation harbourside --json\n"
        "putright user deactivate rkhan"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="add|set|grant|revoke|list|deactivate"
        )
        roles = ", ".join(Role.values)

        add = actions.add_parser(
            "add", help="add an active user (no password: they sign in once one is set)"
        )
        add.add_argument("username")
        add.add_argument("--name", required=True, help="display name, e.g. 'Rosa Khan'")
        add.add_argument("--email", default="")
        add.add_argument("--organisation", metavar="SLUG", help="for --role and --team")
        add.add_argument(
            "--role", action="append", default=[], help=f"a role there (repeatable): {roles}"
        )
        add.add_argument("--directorate", default="", help="e.g. 'Property Services'")
        add.add_argument("--line-manager", metavar="USERNAME")
        add.add_argument(
            "--team", action="append", default=[], metavar="SLUG", help="a team (repeatable)"
        )
        add.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="set the password from this environment variable (never from an argument)",
        )

        change = actions.add_parser(
            "set", help="change a user's directorate, line manager or teams"
        )
        change.add_argument("username")
        change.add_argument("--directorate", help="e.g. 'Property Services'; '' clears it")
        manager = change.add_mutually_exclusive_group()
        manager.add_argument("--line-manager", metavar="USERNAME")
        manager.add_argument("--no-line-manager", action="store_true", help="clear it")
        change.add_argument("--organisation", metavar="SLUG", help="for --team and --remove-team")
        change.add_argument(
            "--team", action="append", default=[], metavar="SLUG", help="join a team (repeatable)"
        )
        change.add_argument(
            "--remove-team",
            action="append",
            default=[],
            metavar="SLUG",
            help="leave a team (repeatable)",
        )

        for name, text in (
            ("grant", "give a user a role in an organisation"),
            ("revoke", "take a role in an organisation away from a user"),
        ):
            role = actions.add_parser(name, help=text)
            role.add_argument("username")
            role.add_argument("--organisation", metavar="SLUG", required=True)
            role.add_argument("--role", required=True, help=roles)

        listing = actions.add_parser(
            "list", help="users, with roles, directorate, line manager and teams"
        )
        listing.add_argument("--organisation", metavar="SLUG", help="only this organisation")
        listing.add_argument("--json", action="store_true")

        deactivate = actions.add_parser(
            "deactivate", help="stop a user signing in, and revoke their API tokens"
        )
        deactivate.add_argument("username")

    # Finding what the arguments name: each unknown value is refused with the valid ones.

    def role(self, role: str) -> str:
        if role not in Role.values:
            raise self.fail(UNKNOWN_ROLE.format(role=role, valid=", ".join(Role.values)))
        return role

    def user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            usernames = User.objects.values_list("username", flat=True)
            raise self.fail(
                NO_USER.format(username=username, valid=_names(usernames, "putright user list"))
            )
        return user

    def organisation(self, slug: str) -> Organisation:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            slugs = Organisation.objects.values_list("slug", flat=True)
            raise self.fail(
                NO_ORGANISATION.format(slug=slug, valid=_names(slugs, "putright org list"))
            )
        return organisation

    def line_manager(self, username: str, *, of: str, user: User | None = None) -> User:
        if username == of:
            raise self.fail(OWN_LINE_MANAGER.format(username=of))
        manager = self.user(username)
        if not manager.is_active:
            raise self.fail(LINE_MANAGER_INACTIVE.format(manager=username))
        above: User | None = manager
        seen: set[int] = set()
        while user is not None and above is not None and above.pk not in seen:
            if above.pk == user.pk:
                raise self.fail(LINE_MANAGER_LOOP.format(manager=username, username=of))
            seen.add(above.pk)
            above = above.line_manager
        return manager

    def team_slugs(self, slugs: list[str]) -> list[str]:
        for slug in slugs:
            try:
                validate_slug(slug)
            except ValidationError:
                raise self.fail(BAD_TEAM.format(slug=slug)) from None
        return list(dict.fromkeys(slugs))

    # The subcommands.

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "add":
            self.add(**options)
        elif action == "set":
            self.change(**options)
        elif action in ("grant", "revoke"):
            self.grant_or_revoke(grant=action == "grant", **options)
        elif action == "list":
            self.do_list(organisation=options["organisation"], as_json=options["json"])
        else:
            self.deactivate(options["username"])

    def add(self, **options: Any) -> None:
        username = options["username"]
        roles = [self.role(role) for role in dict.fromkeys(options["role"])]
        teams = self.team_slugs(options["team"])
        for option, given in (("--role", roles), ("--team", teams)):
            if given and not options["organisation"]:
                raise self.fail(NEEDS_ORGANISATION.format(option=option))
        if options["organisation"] and not (roles or teams):
            raise self.fail(ORGANISATION_UNUSED.format(options="--role and --team"))
        password = None
        if options["password_from_env"]:
            password = os.environ.get(options["password_from_env"])
            if not password:
                raise self.fail(NO_PASSWORD.format(variable=options["password_from_env"]))
        with transaction.atomic():
            if User.objects.filter(username=username).exists():
                raise self.fail(USERNAME_TAKEN.format(username=username))
            organisation = (
                self.organisation(options["organisation"]) if options["organisation"] else None
            )
            manager = (
                self.line_manager(options["line_manager"], of=username)
                if options["line_manager"]
                else None
            )
            user = User(
                username=username,
                display_name=options["name"].strip(),
                email=User.objects.normalize_email(options["email"].strip()),
                directorate=options["directorate"].strip(),
                line_manager=manager,
                is_active=True,
            )
            if password is None:
                user.set_unusable_password()
            else:
                self.check_password(password, user)
                user.set_password(password)
            try:
                user.full_clean()
            except ValidationError as error:
                raise self.fail(_messages(error)) from None
            user.save()
            if organisation is not None:
                for role in roles:
                    Membership.objects.create(user=user, organisation=organisation, role=role)
                self.join(user, organisation, teams)
        self.stdout.write(f"Added {self.describe(user)}")

    def check_password(self, password: str, user: User) -> None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise self.fail(f"the password is refused: {_messages(error)}") from None

    def change(self, **options: Any) -> None:
        teams = self.team_slugs(options["team"])
        leaving = list(dict.fromkeys(options["remove_team"]))
        if not any(
            (
                options["directorate"] is not None,
                options["line_manager"],
                options["no_line_manager"],
                teams,
                leaving,
            )
        ):
            raise self.fail(NOTHING_TO_SET)
        for option, given in (("--team", teams), ("--remove-team", leaving)):
            if given and not options["organisation"]:
                raise self.fail(NEEDS_ORGANISATION.format(option=option))
        if options["organisation"] and not (teams or leaving):
            raise self.fail(ORGANISATION_UNUSED.format(options="--team and --remove-team"))
        both = sorted(set(teams) & set(leaving))
        if both:
            raise self.fail(TEAM_ADDED_AND_REMOVED.format(slug=both[0]))
        with transaction.atomic():
            user = self.user(options["username"])
            organisation = (
                self.organisation(options["organisation"]) if options["organisation"] else None
            )
            if options["directorate"] is not None:
                user.directorate = options["directorate"].strip()
            if options["no_line_manager"]:
                user.line_manager = None
            elif options["line_manager"]:
                user.line_manager = self.line_manager(
                    options["line_manager"], of=user.username, user=user
                )
            user.save(update_fields=["directorate", "line_manager"])
            if organisation is not None:
                self.join(user, organisation, teams)
                self.leave(user, organisation, leaving)
        self.stdout.write(f"Changed {self.describe(user)}")

    def join(self, user: User, organisation: Organisation, slugs: list[str]) -> None:
        for slug in slugs:
            team, created = Team.objects.get_or_create(
                organisation=organisation,
                slug=slug,
                defaults={"name": slug.replace("-", " ").replace("_", " ").title()},
            )
            if created:
                self.stdout.write(
                    f"Created the team {team.name!r} ({slug}) at {organisation.slug}; "
                    "rename it in the admin."
                )
            TeamMembership.objects.get_or_create(user=user, team=team)

    def leave(self, user: User, organisation: Organisation, slugs: list[str]) -> None:
        for slug in slugs:
            team = Team.objects.filter(organisation=organisation, slug=slug).first()
            if team is None:
                existing = Team.objects.filter(organisation=organisation).values_list(
                    "slug", flat=True
                )
                raise self.fail(
                    NO_TEAM.format(
                        organisation=organisation.slug,
                        slug=slug,
                        valid=_names(existing, "the admin"),
                    )
                )
            removed, _ = TeamMembership.objects.filter(user=user, team=team).delete()
            if not removed:
                raise self.fail(
                    NOT_IN_TEAM.format(
                        username=user.username, slug=slug, organisation=organisation.slug
                    )
                )

    def grant_or_revoke(self, *, grant: bool, **options: Any) -> None:
        role = self.role(options["role"])
        with transaction.atomic():
            user = self.user(options["username"])
            organisation = self.organisation(options["organisation"])
            names = {"username": user.username, "role": role, "organisation": organisation.slug}
            if grant:
                _, created = Membership.objects.get_or_create(
                    user=user, organisation=organisation, role=role
                )
                if not created:
                    self.stdout.write(ALREADY_HELD.format(**names))
                    return
            else:
                removed, _ = Membership.objects.filter(
                    user=user, organisation=organisation, role=role
                ).delete()
                if not removed:
                    raise self.fail(NOT_HELD.format(**names))
        verb = "Granted" if grant else "Revoked"
        self.stdout.write(f"{verb} {role} at {organisation.slug}: {self.describe(user)}")

    def deactivate(self, username: str) -> None:
        with transaction.atomic():
            user = self.user(username)
            was_active = user.is_active
            if was_active:
                user.is_active = False
                user.save(update_fields=["is_active"])
            tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
            for token in tokens:
                token_revoke(token=token)
            reports = list(
                User.objects.filter(line_manager=user, is_active=True)
                .order_by("username")
                .values_list("username", flat=True)
            )
        state = "Deactivated" if was_active else "Already deactivated:"
        self.stdout.write(f"{state} {username}; revoked {len(tokens)} API token(s).")
        if reports:
            self.stdout.write(
                f"They line-manage {', '.join(reports)}: give them another with "
                "putright user set USERNAME --line-manager MANAGER."
            )

    def do_list(self, *, organisation: str | None, as_json: bool) -> None:
        found = self.organisation(organisation) if organisation else None
        rows = [_row(entry) for entry in staff_list(organisation=found)]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        table = Table("username", "name", "roles", "directorate", "line manager", "teams", box=None)
        for row in rows:
            username = row["username"] if row["active"] else f"{row['username']} (deactivated)"
            table.add_row(
                username,
                row["name"],
                _per_organisation(row["roles"]),
                row["directorate"],
                row["line_manager"] or "",
                _per_organisation(row["teams"]),
            )
        Console(file=self.stdout, width=160, highlight=False).print(table)  # type: ignore[arg-type]

    def describe(self, user: User) -> str:
        """One line: who the user is and what packs know of them."""
        row = _row(staff_entry(user=user))
        parts = [f"{row['username']} ({row['name'] or 'no name'})"]
        parts.append(f"roles: {_per_organisation(row['roles']) or 'none'}")
        parts.append(f"directorate: {row['directorate'] or 'not recorded'}")
        parts.append(f"line manager: {row['line_manager'] or 'none'}")
        parts.append(f"teams: {_per_organisation(row['teams']) or 'none'}")
        return "; ".join(parts)


def _row(entry: StaffEntry) -> dict[str, Any]:
    user = entry.user
    return {
        "username": user.username,
        "name": _name(user),
        "active": user.is_active,
        "roles": entry.roles,
        "directorate": user.directorate,
        "line_manager": user.line_manager.username if user.line_manager else None,
        "teams": entry.teams,
    }


def _per_organisation(values: dict[str, list[str]]) -> str:
    return "; ".join(f"{slug}: {', '.join(names)}" for slug, names in values.items())


def _messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)
