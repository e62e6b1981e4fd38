"""A real deadline sweep for the worker-kill checks (tests/system/test_sweep_kill.py on SQLite,
.ci/installed on PostgreSQL with the installed wheel): hundreds of due actions seeded, the
sweep enqueued, its progress watched so the worker can be killed in the middle, and then what
it did checked: every due action taken exactly once, one e-mail task per chase or alert, no
task left running.

Imports only PutRight (the installed package): run it with ``putright shell`` and this file's
folder on PYTHONPATH, e.g. ``putright shell -c "import sweep_kill; sweep_kill.seed(150)"``.
"""

from __future__ import annotations

import datetime
import json
import sys
import time
from collections import Counter

SLUG = "sweep-kill"
SWEEP = "putright.cases.tasks.sweep_deadlines"
TELL = "putright.cases.tasks.tell_staff_of"
SWEPT_KINDS = ("chased", "alerted", "closed", "made_formal")


def say(**facts: object) -> None:
    print(json.dumps(facts), flush=True)


def seed(cases: int, *, pack: str = "rooftop-2023", days_ago: int = 35) -> None:
    """``cases`` complaints received ``days_ago`` days ago, acknowledged the next day and not
    answered since: each has its day-10 check with the customer (a chase) and its 20-day
    ceiling (an alert) fallen due. Says how many actions are due."""
    from django.utils import timezone

    from putright.accounts.models import User
    from putright.cases.models import Case
    from putright.cases.selectors import case_due_actions
    from putright.cases.services import Actor, case_acknowledge, case_receive
    from putright.organisations.models import Organisation
    from putright.organisations.services import organisation_create
    from putright.people.models import Person

    organisation = Organisation.objects.filter(slug=SLUG).first() or organisation_create(
        slug=SLUG, name="Sweep Kill Homes", policy_pack=pack
    )
    handler, _ = User.objects.get_or_create(
        username="sweep-kill-handler", defaults={"display_name": "Sweep Kill Handler"}
    )
    received = timezone.now() - datetime.timedelta(days=days_ago)
    for number in range(cases):
        customer = Person.objects.create(
            organisation=organisation,
            name=f"Resident {number}",
            email=f"resident{number}@example.org",
            postcode="L24 1AA",
        )
        case = case_receive(
            organisation=organisation,
            kind="complaint",
            channel="phone",
            received_at=received,
            summary=f"Repair {number} never happened",
            actor=Actor(handler),
            customer=customer,
        )
        case_acknowledge(
            case=case,
            actor=Actor(handler),
            occurred_at=received + datetime.timedelta(days=1),
        )
    today = timezone.localdate()
    due = sum(
        1
        for case in Case.objects.filter(organisation=organisation)
        for action in case_due_actions(case, today=today)
        if action.on <= today
    )
    say(cases=cases, due=due)


def taken() -> int:
    """How many of the seeded cases' due actions the sweep has taken so far."""
    from putright.cases.models import SweepAction

    return SweepAction.objects.filter(case__organisation__slug=SLUG).count()


def enqueue_and_watch(due: int, *, timeout: float = 180) -> None:
    """Queue the deadline sweep as the scheduler does, then return (saying the task's id) once
    a worker is running it and has taken some of the ``due`` actions but at most a third:
    the moment to kill that worker."""
    from django.db import close_old_connections
    from django_tasks_db.models import DBTaskResult

    from putright.cases.tasks import sweep_deadlines

    task_id = str(sweep_deadlines.enqueue().id)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        status = DBTaskResult.objects.get(pk=task_id).status
        done = taken()
        if status == "RUNNING" and max(5, due // 20) <= done <= due // 3:
            say(task=task_id, taken=done)
            return
        if status not in ("READY", "RUNNING") or done > due // 3:
            sys.exit(f"the sweep was not caught in the middle ({status}, {done} of {due} taken)")
        time.sleep(0.02)
    sys.exit("no worker started the sweep")


def wait_until_done(task_id: str, *, timeout: float, drain: float = 180) -> None:
    """Return once the sweep has finished, within ``timeout`` seconds (or exit failing), and
    then the staff e-mail tasks its chases and alerts queued have all run (within ``drain``
    more seconds)."""
    from django.db import close_old_connections
    from django_tasks_db.models import DBTaskResult

    started = time.monotonic()
    status = ""
    while time.monotonic() < started + timeout:
        close_old_connections()
        status = DBTaskResult.objects.get(pk=task_id).status
        if status == "SUCCESSFUL":
            break
        time.sleep(0.5)
    else:
        sys.exit(f"the sweep did not finish in {timeout:.0f} s: {status}")
    finished = round(time.monotonic() - started, 1)
    telling = DBTaskResult.objects.filter(task_path=TELL, status__in=["READY", "RUNNING"])
    while telling.exists():
        if time.monotonic() > started + finished + drain:
            sys.exit(f"{telling.count()} staff e-mail tasks still waiting after {drain:.0f} s")
        time.sleep(0.5)
        close_old_connections()
    say(sweep_finished_after=finished, emails_done_after=round(time.monotonic() - started, 1))


def check(task_id: str, due: int) -> None:
    """What the interrupted sweep did, taken up by another worker: says it, or exits failing."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from putright.cases.models import Case, Event, SweepAction
    from putright.cases.services import sweep_case
    from putright.system.models import WorkerProcess

    problems = []
    task = DBTaskResult.objects.get(pk=task_id)
    if task.status != "SUCCESSFUL":
        problems.append(f"the sweep ended {task.status}")
    if len(task.worker_ids) != 2:
        problems.append(
            f"the sweep ran on {len(task.worker_ids)} workers, not 2 (killed, taken up)"
        )
    alive = set(WorkerProcess.objects.values_list("worker_id", flat=True))
    stale = [
        result.task_path
        for result in DBTaskResult.objects.filter(status="RUNNING")
        if not result.worker_ids or result.worker_ids[-1] not in alive
    ]
    if stale:
        problems.append(f"tasks still marked running by a dead worker: {stale}")
    ours = Case.objects.filter(organisation__slug=SLUG)
    keys = list(SweepAction.objects.filter(case__in=ours).values_list("case_id", "key"))
    events = list(
        Event.objects.filter(case__in=ours, kind__in=SWEPT_KINDS).values_list(
            "pk", "case_id", "data"
        )
    )
    per_action = Counter((case_id, data.get("key")) for _, case_id, data in events)
    doubled = [pair for pair, count in per_action.items() if count > 1]
    if len(keys) != due:
        problems.append(f"{len(keys)} actions taken of {due} due")
    if doubled:
        problems.append(f"{len(doubled)} actions taken twice, e.g. {doubled[:3]}")
    if len(events) != len(keys):
        problems.append(f"{len(events)} events for {len(keys)} actions taken")
    told = Counter(
        int(result["args"][0])
        for result in DBTaskResult.objects.filter(task_path=TELL).values_list(
            "args_kwargs", flat=True
        )
    )
    chases = {pk for pk, _, data in events}
    twice = sum(1 for pk in chases if told[pk] > 1)
    if twice:
        problems.append(f"staff e-mails: {twice} chases or alerts told twice")
    # The e-mail task is queued inside the chase's transaction (putright/queueing.py): a
    # worker killed at any moment keeps both or neither.
    lost = sum(1 for pk in chases if told[pk] == 0)
    if lost:
        problems.append(f"staff e-mails: {lost} chases or alerts never told")
    today = timezone.localdate()
    again = sum(sweep_case(pk, today=today) for pk in list(ours.values_list("pk", flat=True)))
    if again:
        problems.append(f"sweeping again still found {again} actions due")
    say(
        actions=len(keys),
        events=len(events),
        emails_queued=sum(told[pk] for pk in chases),
        emails_lost=lost,
        workers=len(task.worker_ids),
        sweep_result=task.return_value,
        problems=problems,
    )
    if problems:
        sys.exit("; ".join(problems))
