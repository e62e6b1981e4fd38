"""``putright deadlines``: every deadline of a case under a pack, explained."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandParser

from putright.console import PutRightCommand
from putright.domain.calendar import REGIONS, WorkingCalendar
from putright.domain.deadlines import Fact, FactKind, Timeline, derive_deadlines
from putright.domain.errors import CalendarError, PackError, UnknownPackError
from putright.policies.presenters import deadline_dict, deadline_line
from putright.policies.registry import resolve_pack


class Command(PutRightCommand):
    # A broken pack elsewhere does not stop a file named with --policy being read (see policy).
    requires_system_checks: list[str] = []
    help = (
        "Work out every deadline of a case under a policy pack, with the reason for each date. "
        "Times without a zone are London time."
    )
    example = (
        "putright deadlines --policy hos-code-2024 --received 2025-12-19T10:00\n"
        "putright deadlines --policy south-liverpool-homes-2021 --received 2026-03-02T09:30 "
        "--acknowledged 2026-03-03 --responded 2026-03-12 --json"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--policy", required=True, metavar="ID_OR_FILE")
        parser.add_argument("--received", required=True, metavar="ISO_DATETIME")
        parser.add_argument("--kind", default="complaint", help="case kind (default: complaint)")
        parser.add_argument("--stage", help="show only this stage's deadlines")
        parser.add_argument("--acknowledged", metavar="DATE", help="stage 1 acknowledged on")
        parser.add_argument("--responded", metavar="DATE", help="stage 1 response sent on")
        parser.add_argument("--escalated", metavar="DATE", help="escalation requested on")
        parser.add_argument("--route", help="stage 2 route, where the pack has routes")
        parser.add_argument(
            "--fact",
            action="append",
            default=[],
            metavar="KIND=DATE",
            help="any further fact, in order (e.g. acknowledged=2026-01-05, extended:5=2026-01-09)",
        )
        parser.add_argument(
            "--closure-day",
            action="append",
            default=[],
            metavar="DATE",
            help="organisation closure day",
        )
        parser.add_argument("--region", default="ENG", choices=sorted(REGIONS))
        parser.add_argument("--today", metavar="DATE", help="the date states are judged on")
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def parse_date(self, value: str, what: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{what}: {value!r} is not a date (use YYYY-MM-DD)") from None

    def parse_received(self, value: str) -> datetime:
        try:
            received = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(
                f"--received: {value!r} is not a date and time (use YYYY-MM-DDTHH:MM)"
            ) from None
        if received.tzinfo is None:
            received = received.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        return received

    def parse_fact(self, value: str) -> Fact:
        name, _, when = value.partition("=")
        kind_name, _, days = name.partition(":")
        try:
            kind = FactKind(kind_name.strip())
        except ValueError:
            known = ", ".join(k.value for k in FactKind)
            raise self.fail(f"--fact: unknown fact {kind_name!r}; known: {known}") from None
        if days and not days.isdigit():
            raise self.fail(f"--fact: {days!r} is not a number of working days")
        return Fact(
            kind=kind, on=self.parse_date(when.strip(), "--fact"), working_days=int(days or 0)
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pack = resolve_pack(options["policy"])
        except (PackError, UnknownPackError) as error:
            raise self.fail(str(error)) from None
        received = self.parse_received(options["received"])
        facts: list[Fact] = []
        if options["acknowledged"]:
            facts.append(
                Fact(
                    FactKind.ACKNOWLEDGED,
                    self.parse_date(options["acknowledged"], "--acknowledged"),
                )
            )
        if options["responded"]:
            facts.append(
                Fact(FactKind.RESPONDED, self.parse_date(options["responded"], "--responded"))
            )
        if options["escalated"]:
            facts.append(
                Fact(
                    FactKind.ESCALATION_REQUESTED,
                    self.parse_date(options["escalated"], "--escalated"),
                    route=options["route"],
                )
            )
        facts.extend(self.parse_fact(f) for f in options["fact"])
        closures = {
            self.parse_date(d, "--closure-day"): "closure day" for d in options["closure_day"]
        }
        today = (
            self.parse_date(options["today"], "--today") if options["today"] else received.date()
        )
        if options["kind"] not in {k.kind.value for k in pack.kinds}:
            kinds = ", ".join(k.kind.value for k in pack.kinds)
            raise self.fail(f"--kind: {pack.id} has no kind {options['kind']!r}; it has {kinds}")
        if options["stage"] and options["stage"] not in {s.id for s in pack.stages}:
            stages = ", ".join(s.id for s in pack.stages)
            raise self.fail(
                f"--stage: {pack.id} has no stage {options['stage']!r}; it has {stages}"
            )
        if options["route"]:
            routes = {r.id for s in pack.stages for r in s.routes}
            if options["route"] not in routes:
                raise self.fail(f"--route: {pack.id} has no route {options['route']!r}")
        try:
            calendar = WorkingCalendar(region=options["region"], closure_days=closures)
            deadlines = derive_deadlines(
                pack,
                calendar,
                Timeline(kind=options["kind"], received_at=received, facts=tuple(facts)),
                today=max(today, received.date()),
            )
        except CalendarError as error:
            raise self.fail(str(error)) from None
        if options["stage"]:
            deadlines = [d for d in deadlines if d.stage == options["stage"]]
        if options["json"]:
            self.stdout.write(json.dumps([deadline_dict(d) for d in deadlines], indent=2))
            return
        if not deadlines:
            self.stdout.write("No deadlines: this kind of case has no stages under this policy.")
        for deadline in deadlines:
            self.stdout.write(deadline_line(deadline))
            self.stdout.write("    " + deadline.explanation.text())
