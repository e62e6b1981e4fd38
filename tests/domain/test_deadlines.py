"""Deadlines derived from the Code (2024) pack: counting from acknowledgement, states, extensions."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from putright.domain.calendar import WorkingCalendar
from putright.domain.deadlines import (
    Fact,
    FactKind,
    State,
    Timeline,
    check_extension,
    derive_deadlines,
)
from putright.domain.errors import RuleViolationError
from putright.domain.policy import builtin_registry

LONDON = ZoneInfo("Europe/London")
CODE = builtin_registry().get("hos-code-2024")
CALENDAR = WorkingCalendar()


def at(*args):
    return datetime(*args, tzinfo=LONDON)


def by_step(deadlines, stage, step):
    return next(d for d in deadlines if d.stage == stage and d.step == step)


def test_code_stage1_response_is_projected_from_the_acknowledgement_due_date():
    timeline = Timeline(kind="complaint", received_at=at(2025, 12, 19, 10))

    deadlines = derive_deadlines(CODE, CALENDAR, timeline, today=date(2025, 12, 19))

    acknowledge = by_step(deadlines, "stage1", "acknowledge")
    respond = by_step(deadlines, "stage1", "respond")
    assert acknowledge.due == date(2025, 12, 30)  # 5 working days over Christmas
    assert respond.due == date(2026, 1, 14)  # 10 working days after 30 Dec
    assert respond.explanation.projected
    assert "assumes it happens on time" in respond.explanation.text()
    assert all(d.state is State.PENDING for d in deadlines)


def test_code_stage1_response_counts_from_the_actual_acknowledgement():
    timeline = Timeline(
        kind="complaint",
        received_at=at(2025, 12, 19, 10),
        facts=(Fact(FactKind.ACKNOWLEDGED, date(2025, 12, 22)),),
    )

    deadlines = derive_deadlines(CODE, CALENDAR, timeline, today=date(2025, 12, 22))

    respond = by_step(deadlines, "stage1", "respond")
    assert respond.due == date(2026, 1, 8)
    assert by_step(deadlines, "stage1", "acknowledge").state is State.MET
    text = respond.explanation.text()
    assert "acknowledged on Mon 22 Dec 2025" in text
    assert "Thu 25 Dec 2025 (bank holiday: Christmas Day)" in text
    assert "Code 6.3" in text


def test_explanation_names_the_deemed_receipt_after_the_cut_off():
    timeline = Timeline(kind="complaint", received_at=at(2026, 4, 2, 17, 45))

    deadlines = derive_deadlines(CODE, CALENDAR, timeline, today=date(2026, 4, 2))

    acknowledge = by_step(deadlines, "stage1", "acknowledge")
    # Thu 2 April after 17:00 -> Good Friday and Easter Monday are skipped: deemed Tue 7 April.
    assert acknowledge.explanation.start == date(2026, 4, 7)
    assert "after the 17:00 cut-off" in acknowledge.explanation.text()
    assert acknowledge.due == date(2026, 4, 14)


def test_an_extension_moves_the_response_and_says_so():
    timeline = Timeline(
        kind="complaint",
        received_at=at(2026, 3, 2, 9),
        facts=(
            Fact(FactKind.ACKNOWLEDGED, date(2026, 3, 3)),
            Fact(FactKind.EXTENDED, date(2026, 3, 10), working_days=5),
        ),
    )

    respond = by_step(
        derive_deadlines(CODE, CALENDAR, timeline, today=date(2026, 3, 10)), "stage1", "respond"
    )

    assert respond.due == date(2026, 3, 24)
    assert "Extended by 5 working days" in respond.explanation.text()


def test_a_late_response_is_missed_and_an_unanswered_one_is_missed_once_past_due():
    late = Timeline(
        kind="complaint",
        received_at=at(2026, 3, 2, 9),
        facts=(
            Fact(FactKind.ACKNOWLEDGED, date(2026, 3, 2)),
            Fact(FactKind.RESPONDED, date(2026, 3, 20)),
        ),
    )
    unanswered = Timeline(kind="complaint", received_at=at(2026, 3, 2, 9), facts=late.facts[:1])

    assert (
        by_step(
            derive_deadlines(CODE, CALENDAR, late, today=date(2026, 3, 20)), "stage1", "respond"
        ).state
        is State.MISSED
    )
    open_one = by_step(
        derive_deadlines(CODE, CALENDAR, unanswered, today=date(2026, 3, 17)), "stage1", "respond"
    )
    assert open_one.due == date(2026, 3, 16)
    assert open_one.state is State.MISSED
    assert open_one.is_open


def test_stage2_counts_from_the_escalation_request_then_the_acknowledgement():
    timeline = Timeline(
        kind="complaint",
        received_at=at(2026, 1, 5, 9),
        facts=(
            Fact(FactKind.ACKNOWLEDGED, date(2026, 1, 6)),
            Fact(FactKind.RESPONDED, date(2026, 1, 16)),
            Fact(FactKind.ESCALATION_REQUESTED, date(2026, 1, 26), stage="stage2"),
            Fact(FactKind.ACKNOWLEDGED, date(2026, 1, 28)),
        ),
    )

    deadlines = derive_deadlines(CODE, CALENDAR, timeline, today=date(2026, 1, 28))

    assert by_step(deadlines, "stage1", "respond").state is State.MET
    assert by_step(deadlines, "stage2", "acknowledge").due == date(2026, 2, 2)
    assert by_step(deadlines, "stage2", "acknowledge").state is State.MET
    assert by_step(deadlines, "stage2", "respond").due == date(2026, 2, 25)


def test_closing_a_case_stops_its_open_deadlines():
    timeline = Timeline(
        kind="complaint",
        received_at=at(2026, 1, 5, 9),
        facts=(Fact(FactKind.CLOSED, date(2026, 1, 6)),),
    )

    deadlines = derive_deadlines(CODE, CALENDAR, timeline, today=date(2026, 3, 1))

    assert {d.state for d in deadlines} == {State.STOPPED}


def test_a_new_closure_day_moves_the_dates_when_derived_again():
    timeline = Timeline(kind="complaint", received_at=at(2026, 3, 2, 9))
    before = by_step(
        derive_deadlines(CODE, CALENDAR, timeline, today=date(2026, 3, 2)), "stage1", "acknowledge"
    )

    closed = CALENDAR.with_closure_days({date(2026, 3, 4): "Staff training day"})
    after = by_step(
        derive_deadlines(CODE, closed, timeline, today=date(2026, 3, 2)), "stage1", "acknowledge"
    )

    assert (before.due, after.due) == (date(2026, 3, 9), date(2026, 3, 10))
    assert "Staff training day" in after.explanation.text()


def test_extension_cannot_pass_the_policy_cap():
    with pytest.raises(
        RuleViolationError,
        match="at most 10 working days in all; 6 already used, so at most 4 more",
    ):
        check_extension(
            CODE, stage_id="stage1", route=None, already=6, requested=5, reason="complexity"
        )


def test_extension_needs_a_reason_the_policy_allows():
    # The Code sets no list of reasons (6.4); a policy that lists them closes the list.
    listed = builtin_registry().get("housing-plus-group-2021")
    with pytest.raises(RuleViolationError, match="not an extension reason"):
        check_extension(
            listed, stage_id="stage1", route=None, already=0, requested=5, reason="holiday"
        )


def test_stage2_extension_may_be_up_to_twenty_days():
    check_extension(
        CODE, stage_id="stage2", route=None, already=0, requested=20, reason="complexity"
    )
