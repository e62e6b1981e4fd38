"""The deadline sweep: each automatic action happens once, however often it runs or if it crashes."""

import datetime
import logging
from collections import Counter

import pytest

from putright.cases.errors import ConflictError
from putright.cases.models import Case, ClosureReason, Event, EventKind, Status, SweepAction
from putright.cases.selectors import local_date
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_add_note,
    case_close,
    case_reopen,
    case_respond,
    sweep,
    sweep_case,
)
from putright.cases.services import deadline_sweep as services

from .conftest import at

pytestmark = pytest.mark.django_db

D = datetime.date
SOUTHERN = "southern-housing-2020"
SWEPT = (EventKind.CHASED, EventKind.ALERTED, EventKind.CLOSED, EventKind.MADE_FORMAL)


def swept(case):
    """What the sweep did to a case: the count of each kind of event it appends."""
    counts = Counter(Event.objects.filter(case=case, kind__in=SWEPT).values_list("kind", flat=True))
    return {kind: counts[kind] for kind in SWEPT if counts[kind]}


def sweep_keys(case):
    return sorted(SweepAction.objects.filter(case=case).values_list("key", flat=True))


def event_count(case):
    return Event.objects.filter(case=case).count()


def sweep_on(clock, *day):
    clock(*day, 7)
    return sweep()


# -- the scenarios the sweep acts on ------------------------------------------------------------


def southern_dissatisfaction(receive, clock, handler):
    clock(2026, 3, 2, 10)
    return receive(SOUTHERN, kind="dissatisfaction", received_at=at(2026, 3, 2, 10))


def housing_plus_responded(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("housing-plus-group-2021", received_at=at(2026, 3, 2, 9))
    clock(2026, 3, 10, 9)
    return case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Fixed.")


def south_liverpool_responded(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=at(2026, 3, 2, 9))
    clock(2026, 3, 10, 16)
    case = case_acknowledge(case=case, actor=Actor(handler), occurred_at=at(2026, 3, 3, 9))
    return case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Reasons.")


def rooftop_acknowledged(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("rooftop-2023", received_at=at(2026, 3, 2, 9))
    clock(2026, 3, 3, 9)
    return case_acknowledge(case=case, actor=Actor(handler))


SCENARIOS = {
    # informal ladder days 5, 6 (x2), 10 (x2), 12, then made formal on day 13
    "southern-ladder": (
        southern_dissatisfaction,
        D(2026, 3, 19),
        {EventKind.CHASED: 6, EventKind.MADE_FORMAL: 1},
        7,
    ),
    # 20 working days after the response with no contact (Easter skipped): closed once
    "housing-plus-no-contact": (
        housing_plus_responded,
        D(2026, 4, 10),
        {EventKind.CLOSED: 1},
        1,
    ),
    # the 10 working day escalation window ended on 24 March: closed once on the 25th
    "south-liverpool-lapse": (
        south_liverpool_responded,
        D(2026, 3, 25),
        {EventKind.CLOSED: 1},
        1,
    ),
    # day 10 check with the customer, then the 20 day ceiling alert the day after 30 March
    "rooftop-ceiling": (
        rooftop_acknowledged,
        D(2026, 3, 31),
        {EventKind.CHASED: 1, EventKind.ALERTED: 1},
        2,
    ),
}


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_running_the_sweep_twice_on_the_same_day_acts_once(receive, clock, handler, scenario):
    make, day, expected, actions = scenario
    case = make(receive, clock, handler)

    clock(day.year, day.month, day.day, 7)
    first = sweep()
    after_first = (swept(case), sweep_keys(case), event_count(case))
    clock(day.year, day.month, day.day, 18)
    second = sweep()
    direct = sweep_case(case.pk)  # even bypassing the cached next_action_on

    assert swept(case) == expected
    assert len(sweep_keys(case)) == actions
    assert (swept(case), sweep_keys(case), event_count(case)) == after_first
    assert (first.actions, first.failures) == (actions, 0)
    assert (second.actions, second.failures, direct) == (0, 0, 0)


def test_the_southern_ladder_steps_happen_on_their_days_once_each_however_often_it_runs(
    receive, clock, handler
):
    case = southern_dissatisfaction(receive, clock, handler)

    day = D(2026, 3, 2)
    while day <= D(2026, 3, 20):
        for hour in (7, 12, 19):
            clock(day.year, day.month, day.day, hour)
            sweep()
        day += datetime.timedelta(days=1)

    done = [
        (e.kind, e.data.get("action", ""), local_date(e.occurred_at))
        for e in Event.objects.filter(case=case, kind__in=SWEPT).order_by("sequence")
    ]
    assert done == [
        ("chased", "remind", D(2026, 3, 9)),  # day 5
        ("chased", "escalate", D(2026, 3, 10)),  # day 6
        ("chased", "write_to_customer", D(2026, 3, 10)),
        ("chased", "check_with_customer", D(2026, 3, 16)),  # day 10
        ("chased", "remind", D(2026, 3, 16)),
        ("chased", "escalate", D(2026, 3, 18)),  # day 12
        ("made_formal", "", D(2026, 3, 19)),  # day 13
    ]
    assert len(sweep_keys(case)) == 7
    case.refresh_from_db()
    assert (case.stage, case.kind) == ("stage1", "complaint")


def test_each_sweep_action_records_its_key_and_what_it_was(receive, clock, handler):
    case = southern_dissatisfaction(receive, clock, handler)

    sweep_on(clock, 2026, 3, 9)

    chase = Event.objects.get(case=case, kind=EventKind.CHASED)
    assert chase.actor is None
    assert chase.actor_label == "deadline sweep"
    assert chase.data["action"] == "remind"
    assert chase.data["roles"] == ["investigating_officer"]
    assert chase.data["key"] == sweep_keys(case)[0]
    assert chase.data["key"].endswith(":day5:remind:2026-03-02")
    case.refresh_from_db()
    assert case.next_action_on == D(2026, 3, 10)  # day 6 is next


def test_a_handler_working_on_the_version_before_the_sweep_acted_is_told_of_the_change(
    receive, clock, handler
):
    case = southern_dissatisfaction(receive, clock, handler)
    case.refresh_from_db()
    loaded = case.version

    sweep_on(clock, 2026, 3, 9)
    clock(2026, 3, 9, 10)

    with pytest.raises(ConflictError, match="Someone else changed this case"):
        case_add_note(case=case, actor=Actor(handler), text="Rang them", expected_version=loaded)
    case.refresh_from_db()
    assert case.version == loaded + 1
    assert swept(case) == {EventKind.CHASED: 1}
    assert EventKind.NOTE not in Event.objects.filter(case=case).values_list("kind", flat=True)


# -- a crash half way -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_crash_on_one_case_rolls_that_case_back_and_the_next_run_completes_it(
    receive, clock, handler, monkeypatch, caplog
):
    first = southern_dissatisfaction(receive, clock, handler)
    second = southern_dissatisfaction(receive, clock, handler)
    third = southern_dissatisfaction(receive, clock, handler)
    second_version = Case.objects.get(pk=second.pk).version
    real = services._take_action

    def crash_on_second(case, action, *rest):
        # The crash comes on the second's second action: its first was already written.
        if case.pk == second.pk and "day6:escalate" in action.key:
            raise RuntimeError("mail server down")
        real(case, action, *rest)

    monkeypatch.setattr(services, "_take_action", crash_on_second)
    clock(2026, 3, 10, 7)  # days 5 and 6 of the ladder: three chases for each case
    with caplog.at_level(logging.ERROR, logger="putright.cases.services"):
        report = sweep()

    assert (report.cases, report.actions, report.failures) == (3, 6, 1)
    assert f"deadline sweep failed on case {second.pk}" in caplog.text
    for committed in (first, third):
        assert swept(committed) == {EventKind.CHASED: 3}
        assert len(sweep_keys(committed)) == 3
    assert swept(second) == {}
    assert sweep_keys(second) == []
    assert list(Event.objects.filter(case=second).values_list("kind", flat=True)) == ["received"]
    second.refresh_from_db()
    assert second.version == second_version
    assert second.next_action_on == D(2026, 3, 9)  # still due: the next run retries it

    monkeypatch.setattr(services, "_take_action", real)
    clock(2026, 3, 10, 8)
    retry = sweep()

    assert (retry.cases, retry.actions, retry.failures) == (1, 3, 0)
    for case in (first, second, third):
        assert swept(case) == {EventKind.CHASED: 3}
        keys = sweep_keys(case)
        assert len(keys) == len(set(keys)) == 3
        actions = list(
            Event.objects.filter(case=case, kind=EventKind.CHASED)
            .order_by("sequence")
            .values_list("data__action", flat=True)
        )
        assert actions == ["remind", "escalate", "write_to_customer"]
    clock(2026, 3, 10, 9)
    assert sweep().actions == 0


def test_a_case_that_keeps_failing_is_retried_every_run_without_duplicating_the_others(
    receive, clock, handler, monkeypatch
):
    good = southern_dissatisfaction(receive, clock, handler)
    bad = southern_dissatisfaction(receive, clock, handler)
    real = services._take_action

    def always_fail_bad(case, action, *rest):
        if case.pk == bad.pk:
            raise RuntimeError("boom")
        real(case, action, *rest)

    monkeypatch.setattr(services, "_take_action", always_fail_bad)
    reports = [
        sweep_on(clock, 2026, 3, 9),
        sweep_on(clock, 2026, 3, 9),
        sweep_on(clock, 2026, 3, 10),
    ]

    assert [(r.cases, r.actions, r.failures) for r in reports] == [(2, 1, 1), (1, 0, 1), (2, 2, 1)]
    assert swept(good) == {EventKind.CHASED: 3}
    assert (swept(bad), sweep_keys(bad)) == ({}, [])


# -- what the sweep leaves alone -------------------------------------------------------------------


def test_a_case_whose_next_action_is_in_the_future_is_not_touched(receive, clock, handler):
    case = southern_dissatisfaction(receive, clock, handler)
    case.refresh_from_db()
    assert case.next_action_on == D(2026, 3, 9)
    before = (case.version, case.updated_at, event_count(case))

    report = sweep_on(clock, 2026, 3, 6)  # day 4: the first chase is on day 5, Monday 9 March

    assert (report.cases, report.actions, report.failures) == (0, 0, 0)
    assert sweep_case(case.pk) == 0
    case.refresh_from_db()
    assert (case.version, case.updated_at, event_count(case)) == before
    assert case.next_action_on == D(2026, 3, 9)
    assert sweep_keys(case) == []


def test_only_cases_that_are_due_are_swept(receive, clock, handler):
    early = southern_dissatisfaction(receive, clock, handler)
    clock(2026, 3, 5, 10)
    late = receive(SOUTHERN, kind="dissatisfaction", received_at=at(2026, 3, 5, 10))

    report = sweep_on(clock, 2026, 3, 9)

    assert (report.cases, report.actions) == (1, 1)
    assert swept(early) == {EventKind.CHASED: 1}
    assert swept(late) == {}
    late.refresh_from_db()
    assert late.next_action_on == D(2026, 3, 12)  # day 5 from Thursday 5 March


def test_closed_cases_are_skipped(receive, clock, handler):
    case = southern_dissatisfaction(receive, clock, handler)
    clock(2026, 3, 3, 10)
    case = case_close(case=case, actor=Actor(handler), reason="resolved")
    assert case.next_action_on is None
    events = event_count(case)

    report = sweep_on(clock, 2026, 3, 20)
    # Even with a stale cached date, or when asked directly, a closed case is left alone.
    Case.objects.filter(pk=case.pk).update(next_action_on=D(2026, 3, 9))
    stale = sweep_on(clock, 2026, 3, 20)
    direct = sweep_case(case.pk)

    assert (report.cases, stale.cases, direct) == (0, 0, 0)
    assert event_count(case) == events
    assert swept(case) == {EventKind.CLOSED: 1}  # the handler's closure only
    assert sweep_keys(case) == []
    case.refresh_from_db()
    assert (case.status, case.stage) == (Status.CLOSED, "service_dissatisfaction")


def test_a_case_the_sweep_closed_is_not_closed_again(receive, clock, handler):
    case = housing_plus_responded(receive, clock, handler)

    sweep_on(clock, 2026, 4, 10)
    sweep_on(clock, 2026, 4, 13)
    sweep_on(clock, 2026, 4, 20)

    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (Status.CLOSED, ClosureReason.NO_CONTACT)
    assert swept(case) == {EventKind.CLOSED: 1}
    assert sweep_keys(case) == ["stage1:close:no_contact:2026-03-10"]


def test_a_case_reopened_after_an_automatic_closure_is_not_closed_again_by_the_same_action(
    receive, clock, handler
):
    case = south_liverpool_responded(receive, clock, handler)
    sweep_on(clock, 2026, 3, 25)
    case.refresh_from_db()
    assert case.closure_reason == ClosureReason.WINDOW_LAPSED
    clock(2026, 3, 26, 10)
    case_reopen(case=case, actor=Actor(handler), reason="New evidence from the customer")

    report = sweep_on(clock, 2026, 3, 27)

    case.refresh_from_db()
    assert case.status != Status.CLOSED
    assert report.actions == 0
    assert swept(case) == {EventKind.CLOSED: 1}


def test_sweep_limit_takes_the_most_overdue_cases_first(receive, clock, handler):
    clock(2026, 3, 2, 10)
    older = receive(SOUTHERN, kind="dissatisfaction", received_at=at(2026, 3, 2, 10))
    clock(2026, 3, 3, 10)
    newer = receive(SOUTHERN, kind="dissatisfaction", received_at=at(2026, 3, 3, 10))

    clock(2026, 3, 10, 7)
    report = sweep(limit=1)

    assert (report.cases, report.actions) == (1, 3)
    assert swept(older) == {EventKind.CHASED: 3}
    assert swept(newer) == {}
    assert sweep().actions == 1  # the newer case's day 5
