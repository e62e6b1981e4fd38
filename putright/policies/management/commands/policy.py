"""``putright policy list | show ID | check ID_OR_FILE``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from rich.console import Console
from rich.table import Table

from putright.console import PutRightCommand
from putright.domain.compliance import check_against_code
from putright.domain.errors import PackError, UnknownPackError
from putright.policies.presenters import check_report, check_summary, pack_outline, pack_summary
from putright.policies.registry import code_pack_for_check, pack_registry, resolve_pack


class Command(PutRightCommand):
    # A broken pack fails Django's system checks (it stops the server); these commands report
    # it themselves, and still read a file named on its own.
    requires_system_checks: list[str] = []
    help = "List the policy packs, show one as a readable summary, or check one against the Code (2024)."
    example = (
        "putright policy list\n"
        "putright policy show south-liverpool-homes-2021\n"
        "putright policy check ./my-policy.toml --json"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="list|show|check")
        listing = actions.add_parser("list", help="every pack this installation knows")
        listing.add_argument("--json", action="store_true", help="machine-readable output")
        show = actions.add_parser("show", help="a readable summary of one pack")
        show.add_argument("pack", metavar="ID_OR_FILE")
        show.add_argument("--json", action="store_true", help="the whole pack as JSON")
        check = actions.add_parser("check", help="compare a pack with the Code (2024)")
        check.add_argument("pack", metavar="ID_OR_FILE")
        check.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "list":
                self.do_list(as_json=options["json"])
            elif action == "show":
                self.do_show(options["pack"], as_json=options["json"])
            else:
                self.do_check(options["pack"], as_json=options["json"])
        except (PackError, UnknownPackError) as error:
            raise self.fail(str(error)) from None

    def console(self) -> Console:
        return Console(file=self.stdout, width=160, highlight=False, soft_wrap=False)  # type: ignore[arg-type]

    def do_list(self, *, as_json: bool) -> None:
        packs = pack_registry().all()
        if as_json:
            self.stdout.write(json.dumps([pack_summary(p) for p in packs], indent=2))
            return
        table = Table("id", "version", "title", "stages", box=None)
        for pack in packs:
            table.add_row(
                pack.id, pack.version, pack.title, ", ".join(s.label for s in pack.stages)
            )
        self.console().print(table)

    def do_show(self, pack_id: str, *, as_json: bool) -> None:
        pack = resolve_pack(pack_id)
        if as_json:
            self.stdout.write(pack.model_dump_json(indent=2))
            return
        self.stdout.write("\n".join(pack_outline(pack)))

    def do_check(self, pack_id: str, *, as_json: bool) -> None:
        # A file is read on its own, so another broken pack does not stop it being checked.
        pack = resolve_pack(pack_id)
        code, warning = code_pack_for_check()
        if warning:
            self.stderr.write(warning)
        findings = check_against_code(pack, code)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "pack": pack.id,
                        "code": code.id,
                        "summary": check_summary(findings, pack),
                        "findings": [f.as_dict() for f in findings],
                        "not_expressible": [n.model_dump() for n in pack.not_expressible],
                    },
                    indent=2,
                )
            )
            return
        self.stdout.write("\n".join(check_report(pack, code, findings)))
