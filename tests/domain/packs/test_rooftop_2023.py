"""The Rooftop Housing Group pack says what the May 2023 Complaints Policy says."""

import pytest

from putright.domain.policy import (
    BUILTIN_DIR,
    Anchor,
    CaseKind,
    Completion,
    Counting,
    Pack,
    load_pack_file,
)

PACK_PATH = BUILTIN_DIR / "rooftop-2023.toml"


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack_file(PACK_PATH)


def test_the_pack_loads_from_the_builtin_folder(pack):
    assert pack.id == "rooftop-2023"
    assert pack.landlord == "Rooftop Housing Group"
    assert PACK_PATH.parent == BUILTIN_DIR


def test_every_rule_names_its_paragraph(pack):
    sourced = [*pack.roles, *pack.kinds, *pack.stages, *pack.exclusions, *pack.letters]
    sourced += [step for stage in pack.stages for step in stage.steps]
    assert all(item.source for item in sourced)


def test_contact_dissatisfaction_and_complaint_are_distinct_kinds(pack):
    # 4.1 "A Contact is the day-to-day correspondence we have with our customers."
    contact = pack.kind(CaseKind.SERVICE_REQUEST)
    assert contact is not None
    assert contact.starts_at is None
    assert not contact.acknowledge
    assert contact.redirect_to
    # 6.1 "concerns raised by customers will either be treated as a Dissatisfaction or a
    # Complaint."
    dissatisfaction = pack.kind(CaseKind.DISSATISFACTION)
    complaint = pack.kind(CaseKind.COMPLAINT)
    assert dissatisfaction is not None
    assert complaint is not None
    assert dissatisfaction.starts_at == "dissatisfaction"
    assert complaint.starts_at == "stage1"


def test_dissatisfaction_is_an_informal_stage_before_two_formal_ones(pack):
    # 6.3 "Our formal complaints process has two stages"
    informal = pack.stage("dissatisfaction")
    assert informal.level == 0
    assert not informal.formal
    assert informal.handled_by == "customer_facing_officer"
    assert [s.id for s in pack.formal_stages()] == ["stage1", "stage2"]
    assert pack.stage("stage2").final


def test_an_unresolved_dissatisfaction_becomes_a_complaint_at_any_time(pack):
    # 4.2 "If we have previously failed to deal with a dissatisfaction to the customer's
    # satisfaction, subsequent requests about the same matter must be dealt with as a
    # complaint."
    escalation = pack.stage("dissatisfaction").escalation
    assert escalation is not None
    assert escalation.to == "stage1"
    assert escalation.window_days is None
    assert escalation.late_requests == "accept"


def test_dissatisfactions_have_no_response_deadline_of_their_own(pack):
    # 9.1 "... processed as quickly as reasonably possible and within the timescales stated
    # in the Complaints procedure." (the procedure is not part of the policy)
    assert [s.id for s in pack.stage("dissatisfaction").steps] == ["acknowledge"]


@pytest.mark.parametrize("stage_id", ["dissatisfaction", "stage1", "stage2"])
def test_everything_is_acknowledged_within_three_working_days(pack, stage_id):
    # 9.1 "All Dissatisfactions and Complaints will be acknowledged within three working days"
    step = next(s for s in pack.stage(stage_id).steps if s.id == "acknowledge")
    assert step.days == 3
    assert step.counts == Counting.WORKING
    assert step.start == Anchor.STAGE_STARTED
    assert step.completion() == Completion.ACKNOWLEDGED


@pytest.mark.parametrize("stage_id", ["stage1", "stage2"])
def test_each_formal_stage_has_an_initial_ten_day_investigation(pack, stage_id):
    # 9.2 "If a formal complaint or appeal cannot be resolved within the initial 10-day
    # investigation period, the customer will be contacted to update them on progress,
    # explain what actions remain to be taken and to agree a timeframe"
    stage = pack.stage(stage_id)
    respond = next(s for s in stage.steps if s.id == "respond")
    assert respond.days == 10
    assert respond.counts == Counting.WORKING
    assert respond.start == Anchor.STAGE_STARTED
    assert respond.extendable
    assert respond.completion() == Completion.RESPONDED
    assert [(r.day, r.action) for r in respond.ladder] == [(10, "check_with_customer")]
    assert stage.extension is not None
    assert stage.extension.customer_agreement
    assert "customer" in stage.extension.tell


@pytest.mark.parametrize("stage_id", ["stage1", "stage2"])
def test_no_investigation_runs_past_twenty_days(pack, stage_id):
    # 9.3 "No investigation period should be extended beyond 20 days. Any complaints that
    # are extended beyond 20 days will be reported to the relevant Executive Director."
    stage = pack.stage(stage_id)
    respond = next(s for s in stage.steps if s.id == "respond")
    assert stage.extension is not None
    assert respond.days + stage.extension.max_days == 20
    ceiling = next(s for s in stage.steps if s.id == "ceiling")
    assert ceiling.days == 20
    assert ceiling.start == respond.start
    assert ceiling.counts == Counting.WORKING
    assert ceiling.audience == "internal"
    assert ceiling.completion() == Completion.NONE
    assert not ceiling.extendable
    assert ceiling.breach_alert == ("executive_director",)


def test_an_appeal_goes_to_a_head_of_service_with_no_window(pack):
    # 6.3 "The customer may appeal the findings and/or outcome of the Stage 1 Complaint.
    # The case will be reviewed by the relevant Head of Service in conjunction with a Board
    # Member." Flowchart: "The customer always has the right to appeal."
    escalation = pack.stage("stage1").escalation
    assert escalation is not None
    assert escalation.to == "stage2"
    assert escalation.window_days is None
    assert not escalation.reasons_required
    assert escalation.different_handler
    assert pack.stage("stage2").handled_by == "head_of_service"
    assert pack.stage("stage2").escalation is None


def test_issues_over_six_months_old_are_excluded_with_three_exceptions(pack):
    # 7.1.1 "It relates to an issue that occurred more than six months previously unless
    # there is clear evidence of a long standing or repetitive issue, or the complaint is
    # related to Health and Safety or Safeguarding."
    rule = next(e for e in pack.exclusions if e.category == "time_limit")
    assert rule.months == 6
    assert {x.id for x in rule.exceptions} == {
        "long_standing_or_repetitive",
        "health_and_safety",
        "safeguarding",
    }


def test_the_other_exclusions_of_section_seven_are_listed(pack):
    # 7.1.2-7.1.5: legal proceedings; already through the process; persons or bodies we
    # have no control over; anti-social behaviour "unless the complaint concerns the
    # management of the case".
    by_id = {e.id: e for e in pack.exclusions}
    assert by_id["legal_proceedings"].source == "7.1.2"
    assert by_id["already_exhausted"].source == "7.1.3"
    assert by_id["no_control"].source == "7.1.4"
    asb = by_id["anti_social_behaviour"]
    assert asb.source == "7.1.5"
    assert [x.id for x in asb.exceptions] == ["management_of_the_case"]


def test_governance_records_learning_reporting_and_equality(pack):
    # 3.2.4 "the Group Board has appointed one of its members to have lead responsibility
    # for complaints."
    # 11.2 "The complaint investigating officer will complete a lessons-learned report"
    # 12.3 "Complaints performance is reported quarterly to the Leadership Team, the
    # Executive Team and Group Board"
    # 12.6 "each year we will carry out an annual self-assessment of our performance"
    # 13.2 "Each year we will publish an analysis of complaints against our customer
    # demographics"
    governance = pack.governance
    assert governance.member_responsible_for_complaints
    assert governance.lessons_learned_per_complaint
    assert governance.board_reporting == "quarterly"
    assert governance.self_assessment
    assert governance.annual_report
    assert governance.equality_monitoring


def test_compensation_is_full_and_final_and_offset_against_arrears(pack):
    # 10.3 "Any offer of compensation will be made in full and final settlement of the
    # complaint" / 10.4 "Any compensation awarded will be offset against any arrears"
    compensation = pack.compensation
    assert compensation is not None
    assert compensation.full_and_final
    assert compensation.arrears_offset
    assert compensation.authority == ()


def test_ombudsman_signposting_refers_to_a_designated_person_but_no_eight_week_wait(pack):
    # Flowchart: "The customer may appeal to the Housing Ombudsman at any point, or go to a
    # Designated Person for arbitration"
    assert pack.ombudsman.route == "housing_ombudsman"
    assert pack.ombudsman.signpost_every_stage
    assert pack.ombudsman.designated_person
    assert not pack.ombudsman.eight_week_wait


def test_outcomes_are_given_in_writing_at_both_formal_stages(pack):
    # 6.9 "Every customer will be informed in writing of the outcome of their complaint
    # setting out the reasons why the complaint has or has not been upheld."
    stages = {letter.stage for letter in pack.letters if letter.event == "responded"}
    assert stages == {"stage1", "stage2"}


def test_leaseholders_service_charge_disputes_may_go_to_the_tribunal_6_5(pack):
    # 6.5 "Where the complaint is from a leaseholder or freeholder regarding a service charge,
    # they may choose to take the matter to a Leasehold Valuation Tribunal."
    ombudsman = pack.ombudsman
    charges = "Service charges"
    assert charges in pack.service_areas
    assert ombudsman.route_for(tenure="leaseholder", service_area=charges, category="") == (
        "tribunal"
    )
    assert ombudsman.route_for(tenure="shared_owner", service_area=charges, category="") == (
        "tribunal"
    )
    # a tenant's service charge complaint, or a leaseholder's repair: the default route
    assert ombudsman.route_for(tenure="tenant", service_area=charges, category="") is None
    assert ombudsman.route_for(tenure="leaseholder", service_area="Repairs", category="") is None


def test_an_advocate_must_be_designated_in_writing_1_3_4_5(pack):
    # 4.5 "The customer will need to designate an individual or organisation to advocate on
    # their behalf in writing."
    exclusion = next(e for e in pack.exclusions if e.id == "advocate_not_designated_in_writing")
    assert "in writing" in exclusion.label
    assert exclusion.source == "1.3, 4.5"
    assert exclusion.exceptions == ()


def test_sensitive_evidence_and_board_member_complaints_are_marked_not_expressible(pack):
    # 8.6 "Any sensitive evidence and correspondence will be saved securely with appropriate
    # access restrictions." Appendix 3: a Board member forwards a complaint "to the relevant
    # Executive Director".
    clauses = {item.clause: item for item in pack.not_expressible}
    assert "access restrictions" in clauses["8.6"].text
    board = next(item for item in pack.not_expressible if "Appendix 3" in item.clause)
    assert "Executive Director" in board.text
    assert all(item.reason for item in pack.not_expressible)
