"""The Code's floor: where a policy is weaker than the Complaint Handling Code, the Code's
minimum applies on top (issue: every pack says what its policy says, and the floor keeps
the landlord within the Code), and every deadline and refusal says which applies and why."""

from datetime import UTC, date, datetime

from putright.domain.calendar import WorkingCalendar
from putright.domain.deadlines import Fact, FactKind, Timeline, derive_deadlines
from putright.domain.floor import FLOOR_RULE_IDS, apply_floor
from putright.domain.policy import (
    Anchor,
    ExclusionCategory,
    Pack,
    builtin_registry,
)

CODE = builtin_registry().get("hos-code-2024")
CALENDAR = WorkingCalendar()


def _slow_pack(**stage1: object) -> Pack:
    """A policy like the Code's, but weaker: a six-month time limit, reasons required to
    escalate, no different person at stage 2, a 20-day stage 1 extension and a stage 1
    response due 15 working days from receipt."""
    stage1_steps = tuple(
        s.model_copy(update={"days": 15, "start": Anchor.STAGE_STARTED}) if s.id == "respond" else s
        for s in CODE.stages[0].steps
    )
    first = CODE.stages[0]
    assert first.escalation is not None
    assert first.extension is not None
    first = first.model_copy(
        update={
            "steps": stage1_steps,
            "extension": first.extension.model_copy(update={"max_days": 20}),
            "escalation": first.escalation.model_copy(
                update={"reasons_required": True, "different_handler": False}
            ),
            **stage1,
        }
    )
    exclusions = tuple(
        e.model_copy(update={"months": 6}) if e.category is ExclusionCategory.TIME_LIMIT else e
        for e in CODE.exclusions
    )
    return CODE.model_copy(
        update={
            "id": "weaker-policy",
            "stages": (first, *CODE.stages[1:]),
            "exclusions": exclusions,
        }
    )


def test_code_2_3_a_six_month_time_limit_becomes_twelve_and_says_why():
    floored = apply_floor(_slow_pack(), CODE)
    limit = next(e for e in floored.pack.exclusions if e.category is ExclusionCategory.TIME_LIMIT)
    assert limit.months == 12
    assert floored.notes_for(f"exclusions.{limit.id}") == [
        "The policy allows 6 months; Code 2.3 requires 12: applying the Code."
    ]


def test_code_6_12_and_6_13_no_reasons_to_escalate_and_a_different_person_at_stage_2():
    floored = apply_floor(_slow_pack(), CODE)
    escalation = floored.pack.stages[0].escalation
    assert escalation is not None
    assert escalation.reasons_required is False
    assert escalation.different_handler is True
    notes = " ".join(floored.notes_for("stages.stage1.escalation"))
    assert "Code 6.12" in notes
    assert "Code 6.13" in notes


def test_code_6_4_an_extension_longer_than_the_code_allows_is_capped():
    floored = apply_floor(_slow_pack(), CODE)
    extension = floored.pack.stages[0].extension
    assert extension is not None
    assert extension.max_days == 10
    assert floored.notes_for("stages.stage1.extension") == [
        "The policy allows an extension up to 20 working days; Code 6.4 allows at most "
        "10: applying the Code."
    ]


def test_a_floor_never_creates_a_permission_the_policy_withholds():
    weaker = _slow_pack(extension=None)
    floored = apply_floor(weaker, CODE)
    assert floored.pack.stages[0].extension is None
    no_limit = weaker.model_copy(
        update={
            "exclusions": tuple(
                e for e in weaker.exclusions if e.category is not ExclusionCategory.TIME_LIMIT
            )
        }
    )
    assert not any(
        e.category is ExclusionCategory.TIME_LIMIT
        for e in apply_floor(no_limit, CODE).pack.exclusions
    )


def test_a_rule_the_organisation_turns_off_is_left_as_the_policy_says():
    weaker = _slow_pack()
    floored = apply_floor(weaker, CODE, FLOOR_RULE_IDS - {"time_limit", "extension_caps"})
    assert floored.pack.exclusions == weaker.exclusions
    assert floored.pack.stages[0].extension == weaker.stages[0].extension
    assert floored.pack.stages[0].escalation != weaker.stages[0].escalation  # still applied
    assert apply_floor(weaker, CODE, ()).pack is weaker


def test_the_code_itself_and_a_policy_within_it_are_unchanged():
    assert apply_floor(CODE, CODE).pack is CODE
    within = CODE.model_copy(update={"id": "within-the-code"})
    floored = apply_floor(within, CODE)
    assert floored.notes == ()
    assert floored.pack == within


def _stage1_respond(pack: Pack, floor: Pack | None, acknowledged: date):
    timeline = Timeline(
        kind="complaint",
        received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        facts=(Fact(FactKind.ACKNOWLEDGED, acknowledged, stage="stage1"),),
    )
    deadlines = derive_deadlines(pack, CALENDAR, timeline, today=date(2026, 3, 3), floor=floor)
    return next(d for d in deadlines if d.stage == "stage1" and d.step == "respond")


def test_code_6_3_a_slower_response_time_gives_way_to_the_codes_and_the_deadline_says_so():
    weaker = _slow_pack()
    own = _stage1_respond(weaker, None, date(2026, 3, 3))
    assert own.due == date(2026, 3, 23)  # 15 working days from Mon 2 March
    floored = _stage1_respond(apply_floor(weaker, CODE).pack, CODE, date(2026, 3, 3))
    assert floored.due == date(2026, 3, 17)  # 10 working days from the acknowledgement
    text = floored.explanation.text()
    assert "the policy allows until Mon 23 Mar 2026" in text
    assert "Code 6.3 requires it within 10 working days of the acknowledgement" in text
    assert "applying the Code" in text


def test_the_policys_own_date_stands_where_it_is_earlier_than_the_codes():
    weaker = _slow_pack()
    # Acknowledged late: ten days from the acknowledgement would fall after the policy's date.
    floored = _stage1_respond(weaker, CODE, date(2026, 3, 13))
    assert floored.due == date(2026, 3, 23)
    assert "applying the Code" not in floored.explanation.text()


def test_an_extension_still_moves_the_codes_date():
    extended = Timeline(
        kind="complaint",
        received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        facts=(
            Fact(FactKind.ACKNOWLEDGED, date(2026, 3, 3), stage="stage1"),
            Fact(FactKind.EXTENDED, date(2026, 3, 10), stage="stage1", working_days=5),
        ),
    )
    deadlines = derive_deadlines(
        apply_floor(_slow_pack(), CODE).pack, CALENDAR, extended, today=date(2026, 3, 3), floor=CODE
    )
    respond = next(d for d in deadlines if d.step == "respond" and d.stage == "stage1")
    assert respond.due == date(2026, 3, 24)  # 17 March plus 5 working days


def test_an_escalation_on_a_saturday_says_why_it_counts_from_the_monday():
    timeline = Timeline(
        kind="complaint",
        received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        facts=(
            Fact(FactKind.ACKNOWLEDGED, date(2026, 3, 3), stage="stage1"),
            Fact(FactKind.RESPONDED, date(2026, 3, 5), stage="stage1"),
            Fact(FactKind.ESCALATION_REQUESTED, date(2026, 3, 7)),
        ),
    )
    deadlines = derive_deadlines(CODE, CALENDAR, timeline, today=date(2026, 3, 9))
    ack = next(d for d in deadlines if d.stage == "stage2" and d.step == "acknowledge")
    assert ack.explanation.start == date(2026, 3, 9)
    assert (
        "escalation requested on Sat 7 Mar 2026 (Saturday), so taken as received on the next "
        "working day, Mon 9 Mar 2026, as a complaint is"
    ) in ack.explanation.text()
