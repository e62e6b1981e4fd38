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

from django.core.management.base import CommandParser
from django.db import transaction
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from putright.accounts.actors import Actor
from putright.accounts.handover import Holding, hand_over, holdings_of, kind_named, kinds
from putright.accounts.history import describe_event, user_history
from putright.accounts.models import Role, Team, User
from putright.accounts.selectors import StaffEntry, staff_entry, staff_list
from putright.accounts.services import (
    COMMAND,
    AccountError,
    check_line_manager,
    check_role,
    check_team_slugs,
    role_grant,
    role_revoke,
    team_join,
    team_leave,
    user_add,
    user_deactivate,
    user_set,
)
from putright.console import PutRightCommand
from putright.organisations.models import Organisation

NO_USER = "there is no user {username!r}; users are: {valid}"
USERNAME_TAKEN = "there is already a user {username!r}"
NO_ORGANISATION = "there is no organisation {slug!r}; organisations are: {valid}"
NEEDS_ORGANISATION = (
    "{option} needs --organisation SLUG: roles and teams belong to one organisation"
)
ORGANISATION_UNUSED = "--organisation SLUG is only for {options}"
TEAM_ADDED_AND_REMOVED = "--team and --remove-team both name {slug!r}"
OWN_LINE_MANAGER = "{username} cannot be their own line manager"
NO_PASSWORD = "the environment variable {variable} is not set or is empty"
ALREADY_HELD = "{username} already holds {role} at {organisation}"
NOTHING_TO_SET = (
    "nothing to change: give --directorate, --line-manager, --no-line-manager, "
    "--team or --remove-team"
)

HOLDS_WORK = (
    "{username} holds the open work above: hand it over with --hand-to USERNAME (or "
    "--hand-KIND-to USERNAME per kind), or deactivate with --leave-work to hand nothing over"
)
HAND_AND_LEAVE = "--leave-work hands nothing over: do not give --hand-to as well"

#: Who made a change from the command line, in the user's history.
ACTOR = Actor.system(COMMAND)

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
        "putright user deactivate rkhan --hand-to jbloggs --hand-case-investigator-to akhan\n"
        "putright user history rkhan"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="add|set|grant|revoke|list|deactivate|history"
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
        deactivate.add_argument(
            "--hand-to",
            metavar="USERNAME",
            help="hand all their open work (cases, actions, ...) to this person",
        )
        for kind in kinds():
            if kind.moves:
                deactivate.add_argument(
                    f"--hand-{kind.name}-to",
                    metavar="USERNAME",
                    dest=f"hand_{kind.name.replace('-', '_')}_to",
                    help=f"{kind.label.lower()}: to this person instead",
                )
        deactivate.add_argument(
            "--leave-work",
            action="store_true",
            help="deactivate even though they hold open work, handing nothing over",
        )

        history = actions.add_parser(
            "history", help="every change to a user: added, roles, teams, deactivated ..."
        )
        history.add_argument("username")
        history.add_argument("--json", action="store_true")

    # Finding what the arguments name: each unknown value is refused with the valid ones.

    def role(self, role: str) -> str:
        try:
            return check_role(role)
        except AccountError as error:
            raise self.fail(error.message) from None

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
        try:
            return check_line_manager(manager=self.user(username), username=of, user=user)
        except AccountError as error:
            raise self.fail(error.message) from None

    def team_slugs(self, slugs: list[str]) -> list[str]:
        try:
            return check_team_slugs(slugs)
        except AccountError as error:
            raise self.fail(error.message) from None

    # The subcommands: each change is made (and recorded) by a service of accounts.

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "add":
                self.add(**options)
            elif action == "set":
                self.change(**options)
            elif action in ("grant", "revoke"):
                self.grant_or_revoke(grant=action == "grant", **options)
            elif action == "list":
                self.do_list(organisation=options["organisation"], as_json=options["json"])
            elif action == "history":
                self.history(options["username"], as_json=options["json"])
            else:
                self.deactivate(**options)
        except AccountError as error:
            raise self.fail(error.message) from None

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
            created = user_add(
                user=user,
                actor=ACTOR,
                organisation=organisation,
                roles=roles,
                teams=teams,
                password=password,
            )
        self.tell_created(created)
        self.stdout.write(f"Added {self.describe(user)}")

    def tell_created(self, teams: list[Team]) -> None:
        for team in teams:
            self.stdout.write(
                f"Created the team {team.name!r} ({team.slug}) at {team.organisation.slug}; "
                "rename it in the admin."
            )

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
            changes: dict[str, Any] = {"directorate": options["directorate"]}
            if options["no_line_manager"]:
                changes["line_manager"] = None
            elif options["line_manager"]:
                changes["line_manager"] = self.line_manager(
                    options["line_manager"], of=user.username, user=user
                )
            user_set(user=user, actor=ACTOR, **changes)
            created: list[Team] = []
            if organisation is not None:
                created = team_join(user=user, organisation=organisation, slugs=teams, actor=ACTOR)
                team_leave(user=user, organisation=organisation, slugs=leaving, actor=ACTOR)
        self.tell_created(created)
        self.stdout.write(f"Changed {self.describe(user)}")

    def grant_or_revoke(self, *, grant: bool, **options: Any) -> None:
        role = self.role(options["role"])
        with transaction.atomic():
            user = self.user(options["username"])
            organisation = self.organisation(options["organisation"])
            names = {"username": user.username, "role": role, "organisation": organisation.slug}
            if grant:
                if not role_grant(user=user, organisation=organisation, role=role, actor=ACTOR):
                    self.stdout.write(ALREADY_HELD.format(**names))
                    return
            else:
                role_revoke(user=user, organisation=organisation, role=role, actor=ACTOR)
        verb = "Granted" if grant else "Revoked"
        self.stdout.write(f"{verb} {role} at {organisation.slug}: {self.describe(user)}")

    def deactivate(self, **options: Any) -> None:
        username = options["username"]
        per_kind = {
            kind.name: options.get(f"hand_{kind.name.replace('-', '_')}_to")
            for kind in kinds()
            if kind.moves
        }
        choosing = bool(options["hand_to"] or any(per_kind.values()))
        if choosing and options["leave_work"]:
            raise self.fail(HAND_AND_LEAVE)
        with transaction.atomic():
            user = self.user(username)
            held = holdings_of(user)
            moving = {name: items for name, items in held.items() if kind_named(name).moves}
            if moving and not choosing and not options["leave_work"] and user.is_active:
                self.list_holdings(user, held)
                raise self.fail(HOLDS_WORK.format(username=username))
            if choosing:
                self.list_holdings(user, held)
                done = hand_over(
                    user=user,
                    to={
                        name: self.user(chosen) if chosen else None
                        for name, chosen in per_kind.items()
                    },
                    default=self.user(options["hand_to"]) if options["hand_to"] else None,
                    actor=ACTOR,
                )
                was_active, tokens = done.deactivated, done.tokens_revoked
                for moves in done.moved.values():
                    for holding, receiver in moves:
                        self.stdout.write(f"Handed to {receiver.username}: {holding.label}")
            else:
                was_active, tokens = user_deactivate(user=user, actor=ACTOR)
            reports = list(
                User.objects.filter(line_manager=user, is_active=True)
                .order_by("username")
                .values_list("username", flat=True)
            )
        state = "Deactivated" if was_active else "Already deactivated:"
        self.stdout.write(f"{state} {username}; revoked {tokens} API token(s).")
        if reports:
            self.stdout.write(
                f"They line-manage {', '.join(reports)}: give them another with "
                "putright user set USERNAME --line-manager MANAGER."
            )

    def list_holdings(self, user: User, held: dict[str, list[Holding]]) -> None:
        for name, items in held.items():
            kind = kind_named(name)
            self.stdout.write(f"{kind.label} ({len(items)}):")
            for holding in items:
                self.stdout.write(f"  {holding.label}")
            if not kind.moves:
                self.stdout.write("  (decided by role: they stay for whoever else holds it)")

    def history(self, username: str, *, as_json: bool) -> None:
        user = self.user(username)
        rows = [
            {
                "sequence": event.sequence,
                "at": timezone.localtime(event.occurred_at).isoformat(),
                "kind": event.kind,
                "what": describe_event(event),
                "organisation": event.organisation.slug if event.organisation else None,
                "by": event.actor.username if event.actor else event.actor_label,
                "data": event.data,
            }
            for event in user_history(user=user)
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write(f"Nothing is recorded about {username} yet.")
            return
        table = Table("#", "when", "what", "by", box=None)
        for row in rows:
            table.add_row(str(row["sequence"]), row["at"][:16], row["what"], row["by"] or "")
        Console(file=self.stdout, width=160, highlight=False).print(table)  # type: ignore[arg-type]

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
