"""Intake through the services against bulk_create, and the deadline sweep against one query.

``measure`` runs inside one database (the one DATABASE_URL names); ``putright bench
lifecycle`` runs it in a child process per database, so SQLite and PostgreSQL are
measured side by side in one run.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from putright.accounts.models import User
from putright.cases.models import Case, Event, EventKind, Status, SweepAction
from putright.cases.services import Actor, case_receive, sweep
from putright.domain.actions import due_actions
from putright.domain.deadlines import Timeline
from putright.organisations.services import organisation_calendar, organisation_create
from putright.people.models import Person
from putright.policies.registry import get_pack

PACK = "rooftop-2023"  # has an automatic action on every open case: the 20-day ceiling alert


def _timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def _timeline(day: datetime.date) -> Timeline:
    """A complaint received at 10:00 on ``day`` with nothing done since."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    return Timeline(kind="complaint", received_at=moment)


def measure(
    *, cases: int, intake: int, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, Any]:
    """All the lifecycle figures for the current database."""
    tell = progress or (lambda _what, _done, _total: None)
    stamp = timezone.now().strftime("%H%M%S%f")
    organisation = organisation_create(
        slug=f"bench-{stamp}", name="Benchmark Homes", policy_pack=PACK, reference_prefix="BENCH"
    )
    actor = Actor(User.objects.create_user(f"bench-{stamp}"))
    customer = Person.objects.create(organisation=organisation, name="Bench Customer")
    calendar = organisation_calendar(organisation)
    today = timezone.localdate()
    start_day = calendar.add_working_days(today, -60)
    received = [
        timezone.make_aware(
            datetime.datetime.combine(
                calendar.add_working_days(start_day, i % 55), datetime.time(9 + i % 8, 0)
            )
        )
        for i in range(intake)
    ]

    # 1. Intake through the service layer: one transaction per case, as a handler records it.
    def through_services() -> None:
        for i, moment in enumerate(received):
            case_receive(
                organisation=organisation,
                kind="complaint",
                channel="phone",
                received_at=moment,
                summary="Benchmark complaint",
                actor=actor,
                customer=customer,
            )
            if i % 250 == 0:
                tell("intake through services", i, intake)

    service_seconds, _ = _timed(through_services)

    # 2. The same rows with a bare bulk_create: no rules, no deadlines, one transaction.
    template = list(Case.objects.filter(organisation=organisation).order_by("pk")[:intake])
    events = {e.case_id: e for e in Event.objects.filter(case__in=template)}

    def bare_insert() -> None:
        with transaction.atomic():
            copies = []
            for n, case in enumerate(template):
                copy = Case(
                    **{
                        f.attname: getattr(case, f.attname)
                        for f in Case._meta.concrete_fields
                        if f.attname != "id"
                    }
                )
                copy.reference = f"BARE-{stamp}-{n}"
                copies.append(copy)
            Case.objects.bulk_create(copies, batch_size=500)
            Event.objects.bulk_create(
                [
                    Event(
                        case=copy,
                        sequence=1,
                        kind=EventKind.RECEIVED,
                        stage=copy.stage,
                        occurred_at=copy.received_at,
                        recorded_at=timezone.now(),
                        data=events[original.pk].data,
                    )
                    for copy, original in zip(copies, template, strict=True)
                ],
                batch_size=500,
            )

    bare_seconds, _ = _timed(bare_insert)
    # The intake rows are done with: keep them out of the sweep measured next.
    Case.objects.filter(organisation=organisation).update(status=Status.CLOSED, next_action_on=None)

    # 3. Open cases for the sweep, loaded in bulk with their derived next action dates.
    pack = get_pack(PACK)
    span = 80
    # In service the sweep runs every 15 minutes, so every action due before today has been
    # taken: those are loaded as taken (a SweepAction each), as the sweep would have left them.
    next_action: dict[datetime.date, datetime.date | None] = {}
    taken: dict[datetime.date, list[str]] = {}
    for offset in range(span + 1):
        day = calendar.add_working_days(today, -offset)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
        actions = due_actions(
            pack, calendar, Timeline(kind="complaint", received_at=moment), today=day
        )
        taken[day] = [a.key for a in actions if a.on < today]
        next_action[day] = min((a.on for a in actions if a.on >= today), default=None)
    loaded = 0
    batch = 5000
    while loaded < cases:
        rows = []
        for i in range(loaded, min(cases, loaded + batch)):
            day = calendar.add_working_days(today, -(i % span))
            rows.append(
                Case(
                    reference=f"SWEEP-{stamp}-{i}",
                    organisation=organisation,
                    policy_pack=PACK,
                    kind="complaint",
                    channel="email",
                    received_at=timezone.make_aware(
                        datetime.datetime.combine(day, datetime.time(10, 0))
                    ),
                    deemed_received_on=day,
                    summary="Open case",
                    customer=customer,
                    stage="stage1",
                    status=Status.OPEN,
                    next_action_on=next_action[day],
                )
            )
        with transaction.atomic():
            created = Case.objects.bulk_create(rows, batch_size=1000)
            SweepAction.objects.bulk_create(
                [
                    SweepAction(case=c, key=key, done_at=timezone.now())
                    for c in created
                    for key in taken[c.deemed_received_on]
                ],
                batch_size=1000,
            )
            Event.objects.bulk_create(
                [
                    Event(
                        case=c,
                        sequence=1,
                        kind=EventKind.RECEIVED,
                        stage="stage1",
                        occurred_at=c.received_at,
                        recorded_at=timezone.now(),
                        data={"start_stage": "stage1"},
                    )
                    for c in created
                ],
                batch_size=1000,
            )
        loaded += len(rows)
        tell("loading open cases", loaded, cases)

    # Time the first sweep of the day (it acts on what fell due today), then a later tick.
    # One SQL query that selects the cases due today without the cached date: open, at
    # stage 1, received on a day whose rules (the day-10 check, the ceiling alert) fall today.
    due_days = sorted(
        day
        for day in next_action
        if any(a.on == today for a in due_actions(pack, calendar, _timeline(day), today=today))
    )
    table = Case._meta.db_table
    marks = ", ".join(["%s"] * len(due_days))

    def bare_query() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {table} WHERE organisation_id = %s AND status <> %s "
                f"AND stage = %s AND deemed_received_on IN ({marks})",
                [organisation.pk, Status.CLOSED, "stage1", *due_days],
            )
            return [row[0] for row in cursor.fetchall()]

    query_seconds, due_ids = min((_timed(bare_query) for _ in range(3)), key=lambda r: r[0])
    daily_seconds, daily = _timed(lambda: sweep(today=today))
    tick_seconds, tick = min(
        (_timed(lambda: sweep(today=today)) for _ in range(3)), key=lambda r: r[0]
    )
    return {
        "database": connection.vendor,
        "intake_cases": intake,
        "intake_services_per_second": intake / service_seconds,
        "intake_bulk_create_per_second": intake / bare_seconds,
        "intake_ratio": bare_seconds / service_seconds,
        "open_cases": cases,
        "due_today": len(due_ids),
        "due_actions_today": sum(
            1
            for day in due_days
            for a in due_actions(pack, calendar, _timeline(day), today=today)
            if a.on == today
        )
        * (cases // span),
        "bare_query_seconds": query_seconds,
        "sweep_new_day_seconds": daily_seconds,
        "sweep_new_day_actions": daily.actions,
        "sweep_tick_seconds": tick_seconds,
        "sweep_tick_actions": tick.actions,
    }
