"""The Southern Housing Group pack says what the December 2020 Complaints Procedure says."""

from datetime import date

import pytest

from putright.domain.policy import (
    BUILTIN_DIR,
    Anchor,
    Audience,
    CaseKind,
    Completion,
    ExclusionCategory,
    LadderAction,
    Outcome,
    Pack,
    Step,
    load_pack_file,
)

PACK_PATH = BUILTIN_DIR / "southern-housing-2020.toml"


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack_file(PACK_PATH)


def step(steps: tuple[Step, ...], step_id: str) -> Step:
    return next(s for s in steps if s.id == step_id)


def ladder(found: Step) -> list[tuple[int, LadderAction, tuple[str, ...]]]:
    return [(rung.day, rung.action, rung.roles) for rung in found.ladder]


def test_the_pack_loads_from_the_builtin_folder(pack):
    # "Effective from 31 December 2020 ... Version Number V1.0"
    assert pack.id == "southern-housing-2020"
    assert pack.landlord == "Southern Housing Group"
    assert pack.effective_from == date(2020, 12, 31)


def test_every_rule_names_its_paragraph(pack):
    sourced = [*pack.roles, *pack.kinds, *pack.stages, *pack.exclusions, *pack.letters]
    sourced += [*pack.closure]
    for stage in pack.stages:
        sourced += [*stage.steps, *stage.routes]
        sourced += [rung for s in stage.steps for rung in s.ladder]
        sourced += [s for route in stage.routes for s in route.steps]
        sourced += [e for e in (stage.extension, stage.escalation) if e is not None]
        sourced += [r.extension for r in stage.routes if r.extension is not None]
    assert all(item.source for item in sourced)


def test_roles_carry_the_procedures_titles(pack):
    # 3: "Customer Relations Advisors: Co-ordinate and manage the complaints process."
    assert pack.role_title("complaint_handler") == "Customer Relations Advisor"
    assert pack.role_title("complaints_manager") == "Customer Relations Manager"
    assert pack.role_title("manager") == "Line Manager"
    assert pack.role_title("area_manager") == "Area / Contracts Manager"
    assert pack.role_title("service_area_director") == "Service Area Director"


def test_kinds_start_at_their_stages(pack):
    # 4.1 "as an informal complaint (as a Service Dissatisfaction) or as a formal
    # complaint (at stage one)"
    assert pack.kind(CaseKind.COMPLAINT).starts_at == "stage1"
    assert pack.kind(CaseKind.DISSATISFACTION).starts_at == "service_dissatisfaction"
    assert pack.kind(CaseKind.PETITION).starts_at == "petition"
    assert pack.kind(CaseKind.MP_ENQUIRY) is None
    assert pack.kind(CaseKind.SERVICE_REQUEST).starts_at is None


def test_stage1_is_the_first_formal_stage_and_stage2_is_final(pack):
    assert pack.first_formal_stage().id == "stage1"
    assert pack.stage("stage2").final
    assert pack.stage("stage2").escalation is None


def test_service_dissatisfaction_is_informal_with_a_five_day_promise(pack):
    # 4.2 "we will aim to be in contact again within 5 working days"
    informal = pack.stage("service_dissatisfaction")
    assert informal.level == 0
    assert not informal.formal
    respond = step(informal.steps, "respond")
    assert (respond.days, respond.start, respond.audience) == (
        5,
        Anchor.RECEIVED,
        Audience.CUSTOMER,
    )


def test_service_dissatisfaction_ladder_chases_then_makes_the_case_formal(pack):
    # 4.2.3 "by day 5 ... chase"; "by day 6 ... escalate to the Line Manager"; "after 10
    # working days ... contact the customer"; 4.2.4 "by day 12 ... escalated to a
    # Director"; 4.2.5 "there is no response by day 13 we must raise the issue as a
    # formal complaint"
    reply = step(pack.stage("service_dissatisfaction").steps, "investigator_reply")
    assert reply.completion() == Completion.INVESTIGATOR_REPLIED
    assert reply.audience == Audience.INTERNAL
    assert ladder(reply) == [
        (5, LadderAction.REMIND, ("investigating_officer",)),
        (6, LadderAction.ESCALATE, ("manager",)),
        (6, LadderAction.WRITE_TO_CUSTOMER, ()),
        (10, LadderAction.CHECK_WITH_CUSTOMER, ()),
        (10, LadderAction.REMIND, ("investigating_officer",)),
        (12, LadderAction.ESCALATE, ("director",)),
        (13, LadderAction.MAKE_FORMAL, ()),
    ]


def test_service_dissatisfaction_can_be_made_formal_at_any_time(pack):
    # 4.2.3 "If ... the customer requests for the matter to be logged as a formal complaint
    # due to the lack of response, then this must be adhered to."
    escalation = pack.stage("service_dissatisfaction").escalation
    assert escalation.to == "stage1"
    assert escalation.window_days is None
    assert not escalation.reasons_required


def test_stage1_acknowledgement_is_due_within_one_working_day(pack):
    # 4.4.1 "Within 1 working day of receiving the complaint the Customer Relations Advisor
    # must either have called to acknowledge the complaint, emailed or sent the 'Stage 1
    # Acknowledgement letter'"
    acknowledge = step(pack.stage("stage1").steps, "acknowledge")
    assert (acknowledge.days, acknowledge.start) == (1, Anchor.STAGE_STARTED)
    assert acknowledge.owner == "complaint_handler"


def test_stage1_investigating_team_replies_within_three_working_days(pack):
    # 4.4.1 "The relevant team must ... provide a response to the Customer Relations Team
    # ... within 3 working days."
    reply = step(pack.stage("stage1").steps, "investigator_reply")
    assert (reply.days, reply.start) == (3, Anchor.INVESTIGATION_REQUESTED)
    assert reply.audience == Audience.INTERNAL
    assert reply.owner == "investigating_officer"


def test_stage1_chase_ladder_runs_on_days_three_six_eight_and_ten(pack):
    # 4.4.5 "after 3 working days ... escalate to the teams' line manager"; "after 6
    # working days ... escalate to the next line Manager"; "after 8 working days ... must
    # write to the customer"; "If we go over the initial 10 working days deadline ...
    # inform the Senior Manager / Service Area Director."
    reply = step(pack.stage("stage1").steps, "investigator_reply")
    assert ladder(reply) == [
        (3, LadderAction.ESCALATE, ("manager",)),
        (6, LadderAction.ESCALATE, ("next_line_manager",)),
        (8, LadderAction.WRITE_TO_CUSTOMER, ()),
        (10, LadderAction.NOTIFY, ("next_line_manager", "service_area_director")),
    ]


def test_stage1_response_is_due_within_ten_working_days_of_receipt(pack):
    # 4.4.1 "we aim to provide a response within 10 working days"
    respond = step(pack.stage("stage1").steps, "respond")
    assert (respond.days, respond.start) == (10, Anchor.STAGE_STARTED)
    assert respond.extendable


def test_stage1_extension_cannot_exceed_a_further_ten_working_days(pack):
    # 4.4.4 "the new response deadline date which cannot exceed a further 10 working days"
    extension = pack.stage("stage1").extension
    assert extension.max_days == 10
    assert extension.tell == ("customer",)


def test_stage1_escalation_may_be_refused_on_the_grounds_of_4_9(pack):
    # 4.9 "if the customer is seeking an outcome that is not within the control or remit of
    # the Group ... or ... would better be considered using another route"
    escalation = pack.stage("stage1").escalation
    assert escalation.to == "stage2"
    assert escalation.window_days is None
    assert {g.id for g in escalation.refusal_grounds} == {"outside_remit", "another_route"}


def test_escalation_does_not_depend_on_reasons_4_5(pack):
    # 4.5 "they can contact us to discuss their concerns, why they are unhappy and the outcome
    # they expected ... or they can request that their complaint be escalated to stage 2":
    # the reasons are gathered (4.6.1, 4.7.1, 4.8.1), not a condition of escalating.
    escalation = pack.stage("stage1").escalation
    assert not escalation.reasons_required
    assert "4.5" in escalation.source


def test_stage2_has_three_routes(pack):
    # 4.5 "Compensation Review; Senior Manager Review; Complaint Panel Review"
    assert [r.id for r in pack.stage("stage2").routes] == [
        "compensation_review",
        "senior_manager_review",
        "complaint_review_panel",
    ]


def test_stage2_acknowledgement_is_due_within_one_working_day_on_every_route(pack):
    # 4.6.3, 4.7.3 "Within 1 working day of receiving the ... request"
    stage2 = pack.stage("stage2")
    for route in (None, *[r.id for r in stage2.routes]):
        acknowledge = step(stage2.steps_for(route), "acknowledge")
        assert (acknowledge.days, acknowledge.start) == (1, Anchor.STAGE_STARTED)


def test_compensation_review_is_only_about_compensation(pack):
    # 4.6 "A Compensation Review will be carried out if a customer is unhappy with our
    # offer of compensation."
    route = pack.stage("stage2").route("compensation_review")
    assert route.when.about == ("compensation",)
    assert route.when.previous_outcomes == ()
    assert route.decided_by == "area_manager"
    assert pack.compensation.refusal_opens_route == "compensation_review"


def test_compensation_review_is_answered_within_ten_working_days(pack):
    # 4.6.5 "Within 8 working days the Area / Contracts Manager must provide the Customer
    # Relations Advisor with their response"; "within the required 10 working days deadline"
    steps = pack.stage("stage2").steps_for("compensation_review")
    reply = step(steps, "investigator_reply")
    assert (reply.days, reply.owner, reply.audience) == (8, "area_manager", Audience.INTERNAL)
    respond = step(steps, "respond")
    assert (respond.days, respond.start) == (10, Anchor.STAGE_STARTED)
    # 4.6.6 "This date cannot exceed a further 10 working days."
    assert pack.stage("stage2").extension_for("compensation_review").max_days == 10


def test_senior_manager_review_is_answered_within_twenty_working_days_of_the_request(pack):
    # 4.7.4 "Within 6 working days of receiving the request for a Senior Manager Review
    # the Customer Relations Advisor must email the full report to the Senior Manager"
    # 4.7.6 "A response must be provided within 20 working days of the request to escalate."
    stage2 = pack.stage("stage2")
    steps = stage2.steps_for("senior_manager_review")
    report = step(steps, "review_report")
    assert (report.days, report.start, report.audience) == (6, Anchor.STAGE_STARTED, "internal")
    respond = step(steps, "respond")
    assert (respond.days, respond.start) == (20, Anchor.STAGE_STARTED)
    # 4.7.8 "The delay cannot exceed a further 10 working days."
    assert stage2.extension_for("senior_manager_review").max_days == 10
    # 4.7 "so long as the dissatisfaction is not solely related to compensation"
    assert stage2.route("senior_manager_review").when.about == ()


def test_complaint_review_panel_is_only_for_complaints_not_or_partly_upheld(pack):
    # 4.8 "This option is only available to a customer if their stage one complaint was NOT
    # upheld or only partially upheld."
    route = pack.stage("stage2").route("complaint_review_panel")
    assert set(route.when.previous_outcomes) == {Outcome.NOT_UPHELD, Outcome.PARTLY_UPHELD}
    assert Outcome.UPHELD not in route.when.previous_outcomes


def test_complaint_review_panel_meets_within_seventeen_and_answers_within_twenty_days(pack):
    # 4.8.2 "The meeting must be booked for a date within 17 working days of receipt of
    # the request."  4.8.5 "The response must be sent to the customer within 20 working
    # days of the request to escalate."
    stage2 = pack.stage("stage2")
    steps = stage2.steps_for("complaint_review_panel")
    meeting = step(steps, "panel_meeting")
    assert (meeting.days, meeting.start, meeting.extendable) == (17, Anchor.STAGE_STARTED, True)
    assert step(steps, "panel_report").days == 5
    respond = step(steps, "respond")
    assert (respond.days, respond.start, respond.owner) == (
        20,
        "stage_started",
        "complaints_manager",
    )
    # 4.8.7 "The response deadline can only be extended by a further 10 working days."
    extension = stage2.extension_for("complaint_review_panel")
    assert extension.max_days == 10
    assert extension.customer_agreement


def test_panel_extension_is_for_any_reason_with_agreement_only_for_panel_availability_4_8_7(
    pack,
):
    # 4.8.7 "The response deadline can only be extended by a further 10 working days. However,
    # if the delay is due to the availability of the Panel Members then the Customer Relations
    # Manager should ... seek their agreement for the delay. If the customer is not happy with
    # the delay, then consideration should be given to changing the Stage 2 to a Senior
    # Manager Review."
    extension = pack.stage("stage2").extension_for("complaint_review_panel")
    assert extension.allows_reason("panel_availability")
    assert extension.allows_reason("The investigating officer is on leave")
    assert extension.needs_agreement("panel_availability")
    assert not extension.needs_agreement("The investigating officer is on leave")
    assert extension.on_refusal_offer_route == "senior_manager_review"


def test_petition_lead_is_identified_in_one_day_and_signatories_acknowledged_in_two(pack):
    # 4.11.2 "Within 1 working day of receiving the petition, the case handler should seek
    # to identify the lead petitioner"; "Within 2 working days the case handler must send
    # an acknowledgement letter to all signatories"
    petition = pack.stage("petition")
    lead = step(petition.steps, "identify_lead_petitioner")
    assert (lead.days, lead.start, lead.completion()) == (1, "stage_started", "contacted")
    acknowledge = step(petition.steps, "acknowledge")
    assert (acknowledge.days, acknowledge.completion()) == (2, Completion.ACKNOWLEDGED)
    # 4.11.3 "advice to proceed to a stage 2 complaint"
    assert petition.escalation.to == "stage2"


def test_complaints_older_than_six_months_are_excluded_unless_exceptional(pack):
    # 2.4 "We will not accept complaints that relate to events more than 6 months ago or
    # those that have already been through the complaint process, unless there are
    # exceptional circumstances."
    by_id = {e.id: e for e in pack.exclusions}
    old = by_id["older_than_six_months"]
    assert (old.category, old.months) == (ExclusionCategory.TIME_LIMIT, 6)
    assert [x.id for x in old.exceptions] == ["exceptional_circumstances"]
    exhausted = by_id["already_exhausted"]
    assert exhausted.category == ExclusionCategory.ALREADY_EXHAUSTED
    assert [x.id for x in exhausted.exceptions] == ["exceptional_circumstances"]


def test_other_group_members_and_third_parties_without_authority_are_excluded(pack):
    # 2.2 "this procedure does not apply to residents or customers of Triathlon, Spruce,
    # or ... Southern 360"  2.3 "will require authorisation from the complainant, unless
    # they are an appointed legal representative"
    by_id = {e.id: e for e in pack.exclusions}
    assert by_id["own_procedure"].category == ExclusionCategory.OTHER_BODY
    third_party = by_id["third_party_without_authority"]
    assert [x.id for x in third_party.exceptions] == ["legal_representative"]


def test_letters_are_the_named_templates(pack):
    labels = {(letter.event, letter.stage): set() for letter in pack.letters}
    for letter in pack.letters:
        labels[(letter.event, letter.stage)].add(letter.label)
    assert labels[("acknowledged", "stage1")] == {"Stage 1 Acknowledgement letter"}
    assert labels[("extended", "stage1")] == {"Stage One Extension Letter"}
    assert "Compensation Review outcome letter" in labels[("responded", "stage2")]
    assert "Senior Manager Review response letter" in labels[("responded", "stage2")]


def test_compensation_is_paid_only_after_acceptance(pack):
    # 4.8.5 "If compensation has been offered and agreed this will not be processed until
    # the Customer has confirmed if they would like to accept the compensation."
    assert pack.compensation.payment_after_acceptance


def test_ombudsman_is_the_housing_ombudsman_without_a_designated_person_route(pack):
    # 4.8.5 "This letter must also set out their right to refer their complaints to the
    # Housing Ombudsman"
    assert pack.ombudsman.route == "housing_ombudsman"
    assert not pack.ombudsman.designated_person
    assert not pack.ombudsman.eight_week_wait


def test_learning_is_shared_through_the_annual_statement(pack):
    # 4.12.1 "We will document the lessons learnt ... as well as share this with residents
    # through our annual statement and through the scrutiny panel."
    assert pack.governance.learning_published
    assert pack.service_areas[0] == "Repairs and Maintenance"
    assert len(pack.service_areas) == 8


def test_governance_states_only_what_4_12_and_3_say(pack):
    # 4.12.1: the Customer Relations Advisors "undertake a review of upheld complaints to
    # identify lessons learnt": not a lessons-learned report for every complaint, and not a
    # condition of closing. No annual complaints performance report is stated. 3: the
    # Customer Operations Director reports "to Senior Managers and Board", with no frequency.
    governance = pack.governance
    assert not governance.lessons_learned_per_complaint
    assert not governance.annual_report
    assert governance.board_reporting == "frequency_not_stated"
    assert any(item.clause == "4.12.1" for item in pack.not_expressible)


def test_petition_signatories_details_are_marked_not_expressible_4_11_1(pack):
    # 4.11.1 "There is a name, address, postcode and signature of every individual supporting
    # the petition."
    item = next(item for item in pack.not_expressible if item.clause == "4.11.1")
    for detail in ("name", "address", "postcode", "signature"):
        assert detail in item.text
    assert item.reason
