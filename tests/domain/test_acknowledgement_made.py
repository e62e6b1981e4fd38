"""An acknowledgement is done only when it is made (Code 6.2, 6.11): a stage answered
without one shows it never done, unless the policy says a response within the period
counts as the acknowledgement, and then it is dated the day of the response."""

from datetime import UTC, date, datetime

from putright.domain.calendar import WorkingCalendar
from putright.domain.deadlines import Fact, FactKind, State, Timeline, derive_deadlines
from putright.domain.policy import builtin_registry

CODE = builtin_registry().get("hos-code-2024")


def _acknowledge(pack, *facts, today=date(2026, 3, 4)):
    timeline = Timeline(
        kind="complaint", received_at=datetime(2026, 3, 2, 9, tzinfo=UTC), facts=facts
    )
    deadlines = derive_deadlines(pack, WorkingCalendar(), timeline, today=today)
    return next(d for d in deadlines if d.stage == "stage1" and d.step == "acknowledge")


def test_a_stage_answered_without_an_acknowledgement_never_had_one():
    ack = _acknowledge(CODE, Fact(FactKind.RESPONDED, date(2026, 3, 4), stage="stage1"))
    assert ack.completed_on is None
    assert ack.state is State.MISSED
    assert ack.superseded
    assert not ack.is_open  # nothing left to do: it is not the case's next deadline


def test_a_response_within_the_period_counts_where_the_policy_says_so():
    stage = CODE.stages[0]
    steps = tuple(
        s.model_copy(update={"response_counts": True}) if s.id == "acknowledge" else s
        for s in stage.steps
    )
    pack = CODE.model_copy(
        update={"stages": (stage.model_copy(update={"steps": steps}), *CODE.stages[1:])}
    )
    ack = _acknowledge(pack, Fact(FactKind.RESPONDED, date(2026, 3, 4), stage="stage1"))
    assert (ack.state, ack.completed_on) == (State.MET, date(2026, 3, 4))
    late = _acknowledge(
        pack, Fact(FactKind.RESPONDED, date(2026, 3, 16), stage="stage1"), today=date(2026, 3, 16)
    )
    assert (late.state, late.completed_on) == (State.MISSED, None)


def test_an_acknowledgement_made_is_dated():
    ack = _acknowledge(
        CODE,
        Fact(FactKind.ACKNOWLEDGED, date(2026, 3, 3), stage="stage1"),
        Fact(FactKind.RESPONDED, date(2026, 3, 4), stage="stage1"),
    )
    assert (ack.state, ack.completed_on, ack.superseded) == (State.MET, date(2026, 3, 3), False)
