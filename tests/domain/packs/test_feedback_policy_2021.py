"""The feedback-policy-2021 pack says what the unnamed association's Complaints Policy says."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from putright.domain.calendar import WorkingCalendar
from putright.domain.deadlines import Timeline, derive_deadlines
from putright.domain.policy import (
    BUILTIN_DIR,
    Anchor,
    CaseKind,
    Completion,
    Counting,
    Pack,
    load_pack_file,
)

PACK_PATH = BUILTIN_DIR / "feedback-policy-2021.toml"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack_file(PACK_PATH)


def only_step(pack: Pack, stage_id: str, step_id: str):
    return next(s for s in pack.stage(stage_id).steps if s.id == step_id)


def test_the_pack_loads_and_names_no_landlord(pack):
    assert pack.id == "feedback-policy-2021"
    assert pack.landlord == ""
    # "Approved By CLT 26 Jan 2021"
    assert pack.effective_from == date(2021, 1, 26)


def test_every_rule_names_its_section(pack):
    sourced = [*pack.roles, *pack.kinds, *pack.stages, *pack.letters]
    sourced += [step for stage in pack.stages for step in stage.steps]
    sourced += [stage.escalation for stage in pack.stages if stage.escalation]
    assert all(item.source for item in sourced)
    assert pack.ombudsman.source
    assert pack.governance.source


def test_the_process_is_feedback_feedback_with_investigation_then_two_formal_stages(pack):
    assert [s.id for s in pack.stages] == [
        "feedback",
        "feedback_investigation",
        "stage1",
        "stage2",
    ]
    assert [s.level for s in pack.stages] == [0, 0, 1, 2]
    assert [s.formal for s in pack.stages] == [False, False, True, True]
    # "The outcome of Stage 2 ends our complaints process."
    assert [s.id for s in pack.stages if s.final] == ["stage2"]


def test_feedback_and_feedback_with_investigation_are_distinct_kinds(pack):
    feedback = pack.kind(CaseKind.COMMENT)
    investigation = pack.kind(CaseKind.DISSATISFACTION)
    complaint = pack.kind(CaseKind.COMPLAINT)
    assert feedback is not None
    assert investigation is not None
    assert complaint is not None
    assert (feedback.label, feedback.starts_at) == ("Feedback", "feedback")
    assert (investigation.label, investigation.starts_at) == (
        "Feedback with Investigation",
        "feedback_investigation",
    )
    assert complaint.starts_at == "stage1"


def test_feedback_is_completed_at_the_first_contact(pack):
    # "Feedback cases are managed and completed at the first customer contact and report."
    respond = only_step(pack, "feedback", "respond")
    assert respond.days == 0
    assert respond.start is Anchor.RECEIVED
    assert respond.completion() is Completion.RESPONDED


def test_feedback_with_investigation_is_answered_within_two_working_days_of_the_first_report(
    pack,
):
    # "A response is made within 2 working days of the first report."
    respond = only_step(pack, "feedback_investigation", "respond")
    assert respond.days == 2
    assert respond.counts is Counting.WORKING
    assert respond.start is Anchor.RECEIVED


def test_both_kinds_of_feedback_escalate_to_stage1_without_a_window(pack):
    # "If not satisfied the customer may escalate to Stage 1."
    for stage_id in ("feedback", "feedback_investigation"):
        escalation = pack.stage(stage_id).escalation
        assert escalation is not None
        assert escalation.to == "stage1"
        assert escalation.window_days is None
        assert not escalation.reasons_required


def test_stage1_is_answered_within_eight_working_days(pack):
    # "A response is made within 8 working days."
    respond = only_step(pack, "stage1", "respond")
    assert respond.days == 8
    assert respond.counts is Counting.WORKING
    assert respond.start is Anchor.STAGE_STARTED
    assert not respond.extendable
    assert pack.stage("stage1").extension is None


def test_stage1_may_be_escalated_within_ten_working_days_of_the_response(pack):
    # "If not satisfied the complainant can, within 10 days, escalate to Stage 2."
    # Read as working days, like every other timescale in the policy (see the pack).
    escalation = pack.stage("stage1").escalation
    assert escalation is not None
    assert escalation.to == "stage2"
    assert escalation.window_days == 10
    assert escalation.window_counts is Counting.WORKING
    assert escalation.window_start is Anchor.RESPONDED
    # The policy does not say the case closes or that late requests are refused.
    assert escalation.on_lapse == "remain_open"
    assert escalation.late_requests == "discretion"
    assert not escalation.reasons_required


def test_stage2_is_answered_within_five_working_days_of_the_escalation(pack):
    # "The complaint will be responded to within 5 working days of the escalation."
    respond = only_step(pack, "stage2", "respond")
    assert respond.days == 5
    assert respond.counts is Counting.WORKING
    assert respond.start is Anchor.STAGE_STARTED
    # "receives a further review from a service manager"
    assert pack.stage("stage2").handled_by == "service_manager"


def test_no_acknowledgement_timescale_is_stated(pack):
    assert all(step.id != "acknowledge" for stage in pack.stages for step in stage.steps)


def test_the_ombudsman_is_signposted_at_every_stage_and_designated_persons_are_named(pack):
    # "Customer notified of access to Housing Ombudsman Service." (every level of section 4)
    # "A 'designated person' may be a local MP or councillor."
    assert pack.ombudsman.signpost_every_stage
    assert pack.ombudsman.designated_person
    assert not pack.ombudsman.eight_week_wait
    assert {letter.stage for letter in pack.letters if letter.event == "responded"} == {
        s.id for s in pack.stages
    }


def test_governance_commitments(pack):
    governance = pack.governance
    # "We will provide complaints performance to our Board on a quarterly basis."
    assert governance.board_reporting == "quarterly"
    # "We will publish our benchmark performance in our annual report."
    assert governance.annual_report
    # "Publication of self-assessment against the Code."
    assert governance.self_assessment
    # "We will ask customers how satisfied they are with how we handled their complaint"
    assert governance.satisfaction_survey
    # "periodically publish learning from complaints and actions taken toward improvement"
    assert governance.learning_published


def test_the_policy_has_no_exclusions_closure_rules_or_compensation(pack):
    assert pack.exclusions == ()
    assert pack.closure == ()
    assert pack.compensation is None


def test_a_feedback_with_investigation_case_received_before_christmas_is_due_on_the_23rd(pack):
    received = datetime(2025, 12, 19, 10, 0, tzinfo=LONDON)
    timeline = Timeline(kind="dissatisfaction", received_at=received)

    deadlines = derive_deadlines(pack, WorkingCalendar(), timeline, today=date(2025, 12, 19))

    assert [(d.stage, d.step, d.due) for d in deadlines] == [
        ("feedback_investigation", "respond", date(2025, 12, 23))
    ]
