"""The South Liverpool Homes pack says what the January 2021 Customer Feedback Policy says."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from putright.domain.calendar import WorkingCalendar
from putright.domain.deadlines import Fact, FactKind, State, Timeline, derive_deadlines
from putright.domain.policy import (
    BUILTIN_DIR,
    Anchor,
    CaseKind,
    ClosureReason,
    Counting,
    ExclusionCategory,
    Pack,
    load_pack_file,
)

PACK_PATH = BUILTIN_DIR / "south-liverpool-homes-2021.toml"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack_file(PACK_PATH)


def step(pack: Pack, stage_id: str, step_id: str):
    return next(s for s in pack.stage(stage_id).steps if s.id == step_id)


def test_the_pack_loads_from_the_builtin_folder(pack):
    assert pack.id == "south-liverpool-homes-2021"
    assert pack.landlord == "South Liverpool Homes"


def test_every_rule_names_its_section(pack):
    sourced = [*pack.roles, *pack.kinds, *pack.stages, *pack.exclusions, *pack.letters]
    sourced += [*pack.closure, *pack.compensation.authority, *pack.compensation.bands]
    sourced += [s for stage in pack.stages for s in stage.steps]
    sourced += [stage.escalation for stage in pack.stages if stage.escalation]
    assert all(item.source for item in sourced)


def test_compliments_and_comments_are_logged_without_a_reply(pack):
    # 4.1 "All instances of compliments will be logged and fed back to relevant
    # colleagues / teams. Any comments will be logged with action taken appropriate to
    # the comment."
    for kind in (CaseKind.COMPLIMENT, CaseKind.COMMENT):
        rule = pack.kind(kind)
        assert rule is not None
        assert rule.starts_at is None
        assert not rule.respond


def test_suggestions_are_answered_whether_or_not_they_can_be_implemented(pack):
    # 4.2 "These will be logged and fed back to the customer whether or not the suggestion
    # can be implemented."
    rule = pack.kind(CaseKind.SUGGESTION)
    assert rule is not None
    assert rule.respond
    assert rule.starts_at is None


def test_an_informal_complaint_is_resolved_at_the_first_point_of_contact(pack):
    # 4.1.4 "SLH will do everything we can to resolve the issue at the first point of
    # contact through an informal route."
    rule = pack.kind(CaseKind.DISSATISFACTION)
    assert rule is not None
    informal = pack.stage(rule.starts_at)
    assert (informal.level, informal.formal) == (0, False)
    # 4.1.5 "Where a complaint cannot be resolved informally or where a customer requests
    # for their complaint to be logged formally, a two stage process will be used"
    assert informal.escalation is not None
    assert informal.escalation.to == "stage1"


def test_anonymous_complaints_are_investigated_without_a_formal_response(pack):
    # 4.1.1 "anonymous complaints will be dealt with using the complaints process but
    # without a formal response." Not expressible as a kind: recorded in the note.
    complaint = pack.kind(CaseKind.COMPLAINT)
    assert complaint is not None
    assert complaint.starts_at == "stage1"
    assert "Anonymous complaints" in complaint.note


def test_mp_enquiries_follow_the_stage1_timescales_without_being_complaints(pack):
    # 4.1.1 "This type of enquiry will be acknowledged and responded to within the same
    # timescales as a stage 1 complaint."
    rule = pack.kind(CaseKind.MP_ENQUIRY)
    assert rule is not None
    enquiry = pack.stage(rule.starts_at)
    assert not enquiry.formal
    assert enquiry.escalation is None
    for step_id in ("acknowledge", "respond"):
        mine, stage1 = step(pack, enquiry.id, step_id), step(pack, "stage1", step_id)
        assert (mine.days, mine.counts, mine.start) == (stage1.days, stage1.counts, stage1.start)


def test_a_service_request_is_redirected(pack):
    # 4.1.2 "Initial request for a service for example reporting a repair."
    rule = pack.kind(CaseKind.SERVICE_REQUEST)
    assert rule is not None
    assert rule.redirect_to
    assert not rule.respond


@pytest.mark.parametrize(
    ("stage_id", "acknowledge_days", "respond_days", "handler"),
    [("stage1", 2, 10, "complaint_manager"), ("stage2", 2, 20, "complaints_review_panel")],
)
def test_formal_stages_follow_the_table(pack, stage_id, acknowledge_days, respond_days, handler):
    # 4.1.5 "1 Investigation 2 working days 10 working days Service Manager/ Head of Service"
    # 4.1.5 "2 Review 2 working days 20 working days Complaints Review Panel"
    stage = pack.stage(stage_id)
    assert stage.handled_by == handler
    acknowledge = step(pack, stage_id, "acknowledge")
    respond = step(pack, stage_id, "respond")
    assert (acknowledge.days, acknowledge.counts) == (acknowledge_days, Counting.WORKING)
    assert (respond.days, respond.counts) == (respond_days, Counting.WORKING)
    assert acknowledge.start is respond.start is Anchor.STAGE_STARTED


def test_the_panel_review_is_the_final_stage(pack):
    # 4.1.7 "This is the final stage of SLH's complaints process."
    assert [s.id for s in pack.formal_stages()] == ["stage1", "stage2"]
    assert pack.stage("stage2").final
    assert not pack.stage("stage1").final


def test_a_missed_deadline_alerts_the_director_of_innovation_technology_and_risk(pack):
    # 4.1.5 "a trigger is in place to alert the Director of Innovation, Technology & Risk
    # of any complaint being responded to out of the above deadlines"
    for stage_id in ("stage1", "stage2"):
        for s in pack.stage(stage_id).steps:
            assert s.breach_alert == ("director_itr",)


def test_a_review_is_asked_for_within_ten_working_days_with_reasons_or_the_case_closes(pack):
    # 4.1.5 "The customer will be asked to provide the reason why they remain dissatisfied.
    # The customer's request should be made within 10 working days of the investigation
    # response being sent. SLH will close the case if no response is made within the 10
    # days and reserve the right not to reopen it."
    escalation = pack.stage("stage1").escalation
    assert escalation is not None
    assert escalation.to == "stage2"
    assert escalation.window_days == 10
    assert escalation.window_counts is Counting.WORKING
    assert escalation.window_start is Anchor.RESPONDED
    assert escalation.on_lapse == "close"
    assert escalation.reasons_required
    assert escalation.late_requests == "discretion"
    assert escalation.different_handler
    closure = [c for c in pack.closure if c.reason is ClosureReason.WINDOW_LAPSED]
    assert [(c.days, c.counts, c.start, c.stages) for c in closure] == [
        (10, Counting.WORKING, Anchor.RESPONDED, ("stage1",))
    ]


def test_the_review_window_lapses_ten_working_days_after_the_investigation_response(pack):
    received = datetime(2025, 12, 19, 10, 0, tzinfo=LONDON)
    responded = Fact(FactKind.RESPONDED, date(2026, 1, 7))
    timeline = Timeline(kind="complaint", received_at=received, facts=(responded,))

    deadlines = derive_deadlines(pack, WorkingCalendar(), timeline, today=date(2026, 1, 22))

    window = next(d for d in deadlines if d.step == "escalation_window")
    respond = next(d for d in deadlines if d.step == "respond")
    assert respond.due == date(2026, 1, 7)
    assert window.due == date(2026, 1, 21)
    assert window.state is State.LAPSED


def test_complaints_about_issues_over_six_months_old_are_not_considered(pack):
    # 4.1.2 "Complaints in relation to an issue over six months old"
    limit = next(e for e in pack.exclusions if e.category is ExclusionCategory.TIME_LIMIT)
    assert limit.months == 6
    assert limit.exceptions == ()


def test_the_exclusions_and_their_exceptions(pack):
    by_category = {e.category: e for e in pack.exclusions}
    assert set(by_category) >= {
        ExclusionCategory.SERVICE_REQUEST,
        ExclusionCategory.ANTI_SOCIAL_BEHAVIOUR,
        ExclusionCategory.PERSONNEL,
        ExclusionCategory.INSURANCE,
        ExclusionCategory.LEGAL_PROCEEDINGS,
        ExclusionCategory.ALREADY_EXHAUSTED,
    }
    # "Complaints about ASB will only be accepted ... where someone is unhappy with the
    # way SLH has dealt with a case of ASB"
    asb = by_category[ExclusionCategory.ANTI_SOCIAL_BEHAVIOUR]
    assert [x.id for x in asb.exceptions] == ["handling_of_asb_case"]
    # "Complaints from colleagues unless they are a tenant and it is a tenancy related issue"
    colleagues = by_category[ExclusionCategory.PERSONNEL]
    assert [x.id for x in colleagues.exceptions] == ["tenant_tenancy_issue"]


def test_compensation_authority_limits(pack):
    # 4.1.9 "the officer will consider whether an award is appropriate up to a value of
    # £10" ... "an award of up to £500 can be made at stage 1. At stage 2, up to £5000 can
    # be awarded (approval will be sought from EMT). In the unlikely event that any award
    # is made over this value, Board approval will be sought."
    limits = [(a.role, a.stage, a.up_to_pence, a.approval_by) for a in pack.compensation.authority]
    assert limits == [
        ("officer", "first_contact", 1000, None),
        ("complaint_manager", "stage1", 50000, None),
        ("complaints_review_panel", "stage2", 500000, "emt"),
        ("complaints_review_panel", "stage2", None, "board"),
    ]


def test_impact_bands_in_pence(pack):
    # Appendix A: "Low level ... Up to £20", "Medium level ... £20 - £100",
    # "High level ... Over £100"
    bands = [(b.id, b.min_pence, b.max_pence) for b in pack.compensation.bands]
    assert bands == [("low", 0, 2000), ("medium", 2001, 10000), ("high", 10001, None)]


def test_awards_may_be_credited_against_money_owed_or_given_in_kind(pack):
    # 4.1.9 "In cases where a customer owes money on their account, the award may be
    # credited to their account"
    # Appendix A "Compensation does not necessarily need to be paid as cash or gift
    # vouchers. Alternative compensation can be offered"
    compensation = pack.compensation
    assert compensation.arrears_offset
    assert {"rent_credit", "voucher", "non_cash"} <= set(compensation.methods)
    assert compensation.right_to_repair is None


def test_after_the_panel_the_customer_is_told_of_designated_persons_and_the_eight_week_wait(
    pack,
):
    # 4.1.7 "To take the complaint to a local designated person" ... "To wait eight weeks
    # before approaching the Independent Housing Ombudsman"
    assert pack.ombudsman.designated_person
    assert pack.ombudsman.eight_week_wait
    assert not pack.ombudsman.signpost_every_stage


def test_unacceptable_behaviour_is_covered(pack):
    # 4.1.10 "we will take appropriate action to manage such behaviour"
    assert pack.restrictions is not None
    assert pack.restrictions.source == "4.1.10"
    assert {"behaviour_warning", "restricted"} <= {letter.event for letter in pack.letters}


def test_governance_commitments(pack):
    governance = pack.governance
    # 4.1.8 "Feedback to all customers will be provided through Your Bulletin and on our
    # website on how we learn from complaints"
    assert governance.learning_published
    # 4.1.8 "When lessons have been learnt as a result of a complaint the complainant will
    # be told": when there are lessons, not a lessons-learned report for every complaint.
    assert governance.lessons_told_to_complainant
    assert not governance.lessons_learned_per_complaint
    # 5.1 "we will contact the customer ... to seek feedback on how satisfied they were"
    assert governance.satisfaction_survey
    # 5.2 "We will publicise our performance annually in Your Bulletin."
    assert governance.annual_report
    # 5.2 reports go monthly to the Scrutiny Panel, not to the Board on a stated cadence.
    assert governance.board_reporting == "none"


def test_anonymous_complaints_are_investigated_without_a_formal_response_4_1_1(pack):
    # 4.1.1 "anonymous complaints will be dealt with using the complaints process but without
    # a formal response"
    assert pack.anonymous is not None
    assert pack.anonymous.accepted
    assert not pack.anonymous.respond
    assert pack.anonymous.source == "4.1.1"
