"""``putright org create | list``: organisations and the packs they run."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from rich.console import Console
from rich.table import Table

from putright.console import PutRightCommand
from putright.organisations.models import CalendarRegion, OmbudsmanRoute, Organisation
from putright.organisations.services import OrganisationError, organisation_create


class Command(PutRightCommand):
    help = "Create an organisation bound to a policy pack, or list organisations."
    example = (
        "putright org create harbourside --name 'Harbourside Homes' "
        "--policy south-liverpool-homes-2021 --homes 3800\n"
        "putright org list --json"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="create|list")
        create = actions.add_parser("create", help="create an organisation")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--policy", default="hos-code-2024", help="policy pack id")
        create.add_argument("--homes", type=int, help="homes managed this year")
        create.add_argument("--parent", help="slug of the group this organisation belongs to")
        create.add_argument("--region", default="ENG", choices=CalendarRegion.values)
        create.add_argument(
            "--ombudsman", default="housing_ombudsman", choices=OmbudsmanRoute.values
        )
        create.add_argument("--prefix", help="case reference prefix (default: the name's initials)")
        listing = actions.add_parser("list", help="list organisations")
        listing.add_argument("--json", action="store_true")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            self.create(**options)
        else:
            self.do_list(as_json=options["json"])

    def create(self, **options: Any) -> None:
        parent = None
        if options["parent"]:
            parent = Organisation.objects.filter(slug=options["parent"]).first()
            if parent is None:
                raise self.fail(f"--parent: there is no organisation {options['parent']!r}")
        if options["homes"] is not None and options["homes"] < 0:
            raise self.fail("--homes must be zero or more")
        try:
            organisation = organisation_create(
                slug=options["slug"],
                name=options["name"],
                policy_pack=options["policy"],
                homes=options["homes"],
                parent=parent,
                calendar_region=options["region"],
                ombudsman_route=options["ombudsman"],
                reference_prefix=options["prefix"],
            )
        except OrganisationError as error:
            raise self.fail(str(error)) from None
        self.stdout.write(
            f"Created {organisation.name} ({organisation.slug}) on {organisation.policy_pack}; "
            f"case references start {organisation.reference_prefix}-"
        )

    def do_list(self, *, as_json: bool) -> None:
        rows = [
            {
                "slug": o.slug,
                "name": o.name,
                "policy": o.policy_pack,
                "parent": o.parent.slug if o.parent else None,
                "homes": o.homes.values_list("homes", flat=True).first(),
                "ombudsman": o.ombudsman_route,
            }
            for o in Organisation.objects.select_related("parent").order_by("name")
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        table = Table("slug", "name", "policy", "parent", "homes", box=None)
        for row in rows:
            table.add_row(
                *(str(row[k] or "") for k in ("slug", "name", "policy", "parent", "homes"))
            )
        Console(file=self.stdout, width=140, highlight=False).print(table)  # type: ignore[arg-type]
