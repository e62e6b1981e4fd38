"""``putright org create | list | floor | set-policy | policies | policy-impact``:
organisations, the packs they run, when those change and the Code's minimums they apply."""

from __future__ import annotations

import csv
import datetime
import getpass
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from putright.console import PutRightCommand
from putright.domain.calendar import describe
from putright.domain.errors import UnknownPackError
from putright.domain.floor import FLOOR_RULES
from putright.organisations.impact import CaseImpact, policy_impact
from putright.organisations.models import CalendarRegion, OmbudsmanRoute, Organisation
from putright.organisations.selectors import policy_history, policy_in_force
from putright.organisations.services import (
    OrganisationError,
    organisation_adopt_policy,
    organisation_create,
    organisation_floor_change,
    organisation_withdraw_adoption,
)
from putright.policies.registry import get_pack


class Command(PutRightCommand):
    help = "Create an organisation bound to a policy pack, or list organisations."
    example = (
        "putright org create harbourside --name 'Harbourside Homes' "
        "--policy south-liverpool-homes-2021 --homes 3800\n"
        "putright org list --json\n"
        "putright org floor harbourside --off escalation_reasons\n"
        "putright org set-policy harbourside --policy hos-code-2024 --from 2027-04-01\n"
        "putright org policy-impact harbourside --policy hos-code-2024 --format csv"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="create|list|floor|set-policy|policies|policy-impact",
        )
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
        rule_ids = ", ".join(rule.id for rule in FLOOR_RULES)
        floor = actions.add_parser(
            "floor",
            help="show or change the Code minimums PutRight applies on top of the pack",
            description="By default PutRight applies the Code's minimum wherever the "
            "organisation's policy is weaker or silent. Switching one off changes only what "
            "PutRight enforces: the Code binds the landlord regardless.",
        )
        floor.add_argument("slug")
        floor.add_argument(
            "--off", action="append", default=[], metavar="RULE", help=f"one of {rule_ids}"
        )
        floor.add_argument(
            "--on", action="append", default=[], metavar="RULE", help="apply it again"
        )
        self._recorded(floor)
        adopt = actions.add_parser(
            "set-policy",
            help="move the organisation to a pack from a date",
            description="Cases deemed received on or after --from take the new pack; cases "
            "received before keep the pack they started under. A date in the future takes "
            "effect on that day by itself.",
        )
        adopt.add_argument("slug")
        adopt.add_argument("--policy", help="policy pack id")
        adopt.add_argument("--from", dest="from_date", required=True, metavar="YYYY-MM-DD")
        adopt.add_argument(
            "--withdraw",
            action="store_true",
            help="withdraw the change recorded from that date (only one not yet in force)",
        )
        self._recorded(adopt)
        history = actions.add_parser("policies", help="the organisation's changes of policy")
        history.add_argument("slug")
        impact = actions.add_parser(
            "policy-impact",
            help="the open cases a move to another pack would affect, deadlines side by side",
        )
        impact.add_argument("slug")
        impact.add_argument("--policy", required=True, help="policy pack id")
        impact.add_argument("--format", choices=("table", "csv"), default="table")
        impact.add_argument(
            "--all", action="store_true", help="also list cases whose open deadlines do not move"
        )

    @staticmethod
    def _recorded(parser: CommandParser) -> None:
        parser.add_argument("--note", default="", help="why (kept with the change)")
        parser.add_argument(
            "--by", metavar="USERNAME", help="the PutRight user making the change (recorded)"
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            self.create(**options)
        elif action == "list":
            self.do_list(as_json=options["json"])
        elif action == "floor":
            self.floor(**options)
        elif action == "set-policy":
            self.set_policy(**options)
        elif action == "policies":
            self.policies(**options)
        else:
            self.impact(**options)

    # -- shared ---------------------------------------------------------------------------

    def organisation(self, slug: str) -> Organisation:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            known = ", ".join(Organisation.objects.order_by("slug").values_list("slug", flat=True))
            raise self.fail(f"There is no organisation {slug!r}. Known: {known or 'none'}.")
        return organisation

    def recorder(self, options: dict[str, Any]) -> dict[str, Any]:
        """Who the change is recorded as made by: a named user, else the command line."""
        user = None
        if options.get("by"):
            user = get_user_model().objects.filter(username=options["by"]).first()
            if user is None:
                raise self.fail(f"--by: there is no user {options['by']!r}")
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = ""
        label = f"command line ({login})" if login else "command line"
        return {"recorded_by": user, "recorded_by_label": label}

    def console(self) -> Console:
        return Console(file=self.stdout, width=180, highlight=False)  # type: ignore[arg-type]

    def date(self, value: str, option: str) -> datetime.date:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{option} {value!r} is not a date: use YYYY-MM-DD") from None

    # -- the Code's floor ---------------------------------------------------------------

    def floor(self, **options: Any) -> None:
        organisation = self.organisation(options["slug"])
        if options["off"] or options["on"]:
            try:
                changes = organisation_floor_change(
                    organisation=organisation,
                    off=options["off"],
                    on=options["on"],
                    note=options["note"],
                    **self.recorder(options),
                )
            except OrganisationError as error:
                raise self.fail(str(error)) from None
            if not changes:
                self.stdout.write("Nothing changed: the rules were already as asked.")
            for change in changes:
                state = "applies again" if change.applies else "no longer applied by PutRight"
                self.stdout.write(f"{change.rule}: {state}")
        off = set(organisation.code_floor_off or ())
        self.stdout.write(
            f"{organisation.name} on {organisation.policy_pack}: the Code's minimum where the "
            "policy is weaker or silent (the Code binds the landlord either way)"
        )
        table = Table("rule", "applied", "provisions", "what the Code requires", box=None)
        for rule in FLOOR_RULES:
            table.add_row(rule.id, "off" if rule.id in off else "on", rule.provisions, rule.title)
        self.console().print(table)

    # -- policies change ----------------------------------------------------------------

    def set_policy(self, **options: Any) -> None:
        organisation = self.organisation(options["slug"])
        from_date = self.date(options["from_date"], "--from")
        if options["withdraw"]:
            self.withdraw(organisation, from_date, options)
            return
        if not options["policy"]:
            raise self.fail("--policy is required (or --withdraw)")
        try:
            adoption = organisation_adopt_policy(
                organisation=organisation,
                policy_pack=options["policy"],
                from_date=from_date,
                note=options["note"],
                **self.recorder(options),
            )
        except OrganisationError as error:
            raise self.fail(str(error)) from None
        when = "from" if from_date <= timezone.localdate() else "scheduled from"
        self.stdout.write(
            f"{organisation.name}: {adoption.policy_pack} {when} {describe(from_date)}, "
            f"replacing {adoption.replaces}. Cases received before keep the pack they started "
            f"under; in force today: {organisation.policy_pack}."
        )
        self.stdout.write(
            f"Open cases a move would affect: putright org policy-impact {organisation.slug} "
            f"--policy {adoption.policy_pack}"
        )

    def withdraw(self, organisation: Organisation, from_date: datetime.date, options: Any) -> None:
        adoption = organisation.policy_adoptions.filter(
            from_date=from_date, withdrawn_at__isnull=True
        ).first()
        if adoption is None:
            raise self.fail(f"No change of policy from {from_date.isoformat()} to withdraw.")
        if options["policy"] and options["policy"] != adoption.policy_pack:
            raise self.fail(
                f"The change from {from_date.isoformat()} is to {adoption.policy_pack}, "
                f"not {options['policy']}."
            )
        try:
            organisation_withdraw_adoption(adoption=adoption, **self.recorder(options))
        except OrganisationError as error:
            raise self.fail(str(error)) from None
        organisation.refresh_from_db()
        self.stdout.write(
            f"Withdrawn: {adoption.policy_pack} from {describe(from_date)}. "
            f"In force today: {organisation.policy_pack}."
        )

    def policies(self, **options: Any) -> None:
        organisation = self.organisation(options["slug"])
        today = timezone.localdate()
        history = policy_history(organisation)
        self.stdout.write(
            f"{organisation.name}: {policy_in_force(organisation, today)} in force today"
        )
        if not history:
            self.stdout.write("No change of policy recorded.")
            return
        in_force = max(
            (a.from_date for a in history if a.withdrawn_at is None and a.from_date <= today),
            default=None,
        )
        table = Table("from", "pack", "replaces", "state", "recorded", "by", "note", box=None)
        for a in history:
            if a.withdrawn_at is not None:
                state = f"withdrawn {timezone.localtime(a.withdrawn_at):%d %b %Y}"
            elif a.from_date > today:
                state = "scheduled"
            elif a.from_date == in_force:
                state = "in force"
            else:
                state = "superseded"
            table.add_row(
                describe(a.from_date),
                a.policy_pack,
                a.replaces,
                state,
                f"{timezone.localtime(a.recorded_at):%d %b %Y %H:%M}",
                a.recorded_by_name,
                a.note,
            )
        self.console().print(table)

    def impact(self, **options: Any) -> None:
        organisation = self.organisation(options["slug"])
        pack = options["policy"]
        as_csv = options["format"] == "csv"
        try:
            get_pack(pack)
        except UnknownPackError as error:
            raise self.fail(
                f"There is no policy pack {pack!r}. Known packs: {', '.join(error.known)}."
            ) from None
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,}"),
            TimeElapsedColumn(),
            console=Console(file=self.stderr),  # type: ignore[arg-type]
            transient=True,
        ) as bar:
            task = bar.add_task("Deriving deadlines", total=1)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            results = list(policy_impact(organisation, pack, progress=progress))
        shown = results if options["all"] else [r for r in results if r.changed]
        if as_csv:
            self.impact_csv(shown, pack)
            return
        self.impact_table(organisation, pack, results, shown)

    def impact_table(
        self,
        organisation: Organisation,
        pack: str,
        results: list[CaseImpact],
        shown: list[CaseImpact],
    ) -> None:
        packs = sorted({r.pack for r in results})
        self.stdout.write(
            f"{organisation.name}: {len(results)} open case(s) on {', '.join(packs) or 'no pack'}"
            f"; {sum(r.changed for r in results)} whose open deadlines would change if moved "
            f"to {pack} (nothing is moved)."
        )
        if not shown:
            return
        table = Table("case", "stage", "step", "due now", f"due under {pack}", "change", box=None)
        table.columns[0].no_wrap = True
        table.columns[2].max_width = 45
        for column in table.columns[3:]:
            column.no_wrap = True
        for result in shown:
            first = True
            case = result.reference if len(packs) == 1 else f"{result.reference}\n({result.pack})"
            if result.problem:
                table.add_row(case, result.stage, result.problem)
                continue
            for pair in result.pairs:
                table.add_row(
                    case if first else "",
                    pair.stage,
                    pair.label,
                    _due(pair.now),
                    _due(pair.then),
                    pair.change,
                )
                first = False
            if first:
                table.add_row(case, result.stage, "no open deadline")
        self.console().print(table)

    def impact_csv(self, shown: list[CaseImpact], pack: str) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(
            [
                "case",
                "pack_now",
                "stage",
                "step",
                "due_now",
                "state_now",
                "pack_then",
                "due_then",
                "state_then",
                "change",
                "problem",
            ]
        )
        for result in shown:
            if not result.pairs:
                blank = ["", "", "", pack, "", "", "", result.problem]
                writer.writerow([result.reference, result.pack, result.stage, *blank])
            for pair in result.pairs:
                now, then = pair.now, pair.then
                writer.writerow(
                    [
                        result.reference,
                        result.pack,
                        pair.stage,
                        pair.label,
                        now.due.isoformat() if now else "",
                        now.state.value if now else "",
                        pack,
                        then.due.isoformat() if then else "",
                        then.state.value if then else "",
                        pair.change,
                        result.problem,
                    ]
                )

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
        today = timezone.localdate().isoformat()
        rows = [
            {
                "slug": o.slug,
                "name": o.name,
                "policy": o.policy_pack,
                "scheduled": ", ".join(
                    f"{pack} from {day}" for day, pack in o.policy_schedule if day and day > today
                ),
                "floor_off": list(o.code_floor_off or ()),
                "parent": o.parent.slug if o.parent else None,
                "homes": o.homes.values_list("homes", flat=True).first(),
                "ombudsman": o.ombudsman_route,
            }
            for o in Organisation.objects.select_related("parent").order_by("name")
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        columns = ("slug", "name", "policy", "scheduled", "parent", "homes")
        table = Table(*columns, box=None)
        for row in rows:
            table.add_row(*(str(row[k] or "") for k in columns))
        Console(file=self.stdout, width=140, highlight=False).print(table)  # type: ignore[arg-type]


def _due(deadline: Any) -> str:
    if deadline is None:
        return "-"
    state = "" if deadline.state.value == "pending" else f" ({deadline.state.value})"
    return f"{describe(deadline.due)}{state}"
