"""The Housing Plus Group pack says what its Customer Complaints and Feedback Policy (V4) says."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from putright.domain.calendar import WorkingCalendar
from putright.domain.deadlines import Fact, FactKind, Timeline, check_extension, derive_deadlines
from putright.domain.errors import RuleViolationError
from putright.domain.policy import (
    BUILTIN_DIR,
    Anchor,
    CaseKind,
    ClosureReason,
    Completion,
    Counting,
    ExclusionCategory,
    OmbudsmanRoute,
    Pack,
    load_pack_file,
)

PACK_PATH = BUILTIN_DIR / "housing-plus-group-2021.toml"
LONDON = ZoneInfo("Europe/London")
CALENDAR = WorkingCalendar(region="ENG")
SEVEN_FIVE_ONE_REASONS = {
    "more_information_from_customer",
    "customer_not_available",
    "staff_not_available",
    "third_party_not_available",
}


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack_file(PACK_PATH)


def exclusion(pack: Pack, exclusion_id: str):
    return next(e for e in pack.exclusions if e.id == exclusion_id)


def closure(pack: Pack, reason: ClosureReason):
    return next(c for c in pack.closure if c.reason is reason)


def step(pack: Pack, stage_id: str, step_id: str):
    return next(s for s in pack.stage(stage_id).steps if s.id == step_id)


def test_the_pack_loads_from_the_builtin_folder(pack):
    assert pack.id == "housing-plus-group-2021"
    assert pack.landlord == "Housing Plus Group"
    # "Adopted at Board November 2020 for implementation April 2021"
    assert pack.effective_from == date(2021, 4, 1)


def test_every_rule_names_its_paragraph(pack):
    sourced = [*pack.roles, *pack.kinds, *pack.stages, *pack.exclusions, *pack.letters]
    sourced += [*pack.closure, pack.ombudsman, pack.restrictions, pack.governance]
    sourced += [s for stage in pack.stages for s in stage.steps]
    sourced += [stage.extension for stage in pack.stages if stage.extension]
    sourced += [stage.escalation for stage in pack.stages if stage.escalation]
    assert all(item.source for item in sourced)


def test_complaints_compliments_comments_and_mp_enquiries_are_kinds(pack):
    # 2.1 "An expression of dissatisfaction, however made, about the standards of our service"
    complaint = pack.kind(CaseKind.COMPLAINT)
    assert complaint is not None
    assert complaint.starts_at == "stage1"
    # 2.2 compliments and 1.5: shared as good practice; no reply is promised
    compliment = pack.kind(CaseKind.COMPLIMENT)
    assert compliment is not None
    assert compliment.starts_at is None
    assert not compliment.respond
    # 1.6 "we will respond to any comments that customers make"
    comment = pack.kind(CaseKind.COMMENT)
    assert comment is not None
    assert comment.respond
    # 2.3 "A comment about the services we provide or a suggestion for service improvement"
    suggestion = pack.kind(CaseKind.SUGGESTION)
    assert suggestion is not None
    assert suggestion.respond
    # 2.4 "in the same timescales as for a stage 1 complaint"
    enquiry = pack.kind(CaseKind.MP_ENQUIRY)
    assert enquiry is not None
    assert enquiry.starts_at == "mp_enquiry"


def test_a_request_for_service_is_redirected_not_handled_as_a_complaint(pack):
    # 3.1.a "An initial or follow up request for service e.g. a repair, or reporting a defect"
    request = pack.kind(CaseKind.SERVICE_REQUEST)
    assert request is not None
    assert request.starts_at is None
    assert not request.respond
    assert "Development Team" in request.redirect_to
    assert exclusion(pack, "service_request").category is ExclusionCategory.SERVICE_REQUEST


def test_there_are_two_formal_stages_and_stage_two_is_final(pack):
    # 7.3 "HPG has a two stage complaints process."
    assert [s.id for s in pack.formal_stages()] == ["stage1", "stage2"]
    assert pack.stage("stage2").final
    assert pack.stage("stage1").handled_by == "complaints_officer"


def test_stage_one_is_acknowledged_within_two_working_days_of_receipt(pack):
    # 7.4.1 "The complaint will be logged and acknowledged in writing within 2 working days
    # of receipt."
    acknowledge = step(pack, "stage1", "acknowledge")
    assert acknowledge.days == 2
    assert acknowledge.counts is Counting.WORKING
    assert acknowledge.start is Anchor.STAGE_STARTED
    assert acknowledge.completion() is Completion.ACKNOWLEDGED


def test_stage_one_is_answered_within_ten_working_days_of_receipt_not_of_acknowledgement(pack):
    # 7.4.2 "A written response will be sent within 10 working days of receipt."
    respond = step(pack, "stage1", "respond")
    assert respond.days == 10
    assert respond.counts is Counting.WORKING
    assert respond.start is Anchor.STAGE_STARTED
    assert respond.extendable
    assert respond.completion() is Completion.RESPONDED


def test_stage_one_deadlines_count_working_days_from_deemed_receipt(pack):
    # Received Fri 19 Dec 2025: 23 Dec is the 2nd working day, 7 Jan 2026 the 10th
    # (25, 26 Dec and 1 Jan are bank holidays).
    timeline = Timeline(kind="complaint", received_at=datetime(2025, 12, 19, 10, tzinfo=LONDON))

    deadlines = derive_deadlines(pack, CALENDAR, timeline, today=date(2025, 12, 19))

    due = {d.step: d.due for d in deadlines}
    assert due == {"acknowledge": date(2025, 12, 23), "respond": date(2026, 1, 7)}


def test_extension_reasons_are_the_four_listed_in_the_policy(pack):
    # 7.5.1 "The following will be reasons as to why we may need to extend our complaint
    # written response timescales"; 7.6.7 applies them at stage 2 ("See section 7.4 above").
    for stage_id in ("stage1", "stage2"):
        extension = pack.stage(stage_id).extension
        assert extension is not None
        assert {r.id for r in extension.reasons} == SEVEN_FIVE_ONE_REASONS
        # 7.4.3 "a holding letter will be sent advising of a new response date"
        assert extension.tell == ("customer",)
        assert not extension.customer_agreement


def test_extensions_have_no_cap_because_the_policy_sets_none_7_4_3(pack):
    # 7.4.3 "a holding letter will be sent advising of a new response date": no limit on it.
    # The Code's caps (6.4, stage 2) are applied on top by the Code floor, not by the pack.
    assert pack.stage("stage1").extension.max_days is None
    assert pack.stage("stage2").extension.max_days is None


def test_a_different_person_at_stage_2_is_not_read_into_the_policy_7_6_5(pack):
    # 7.6.5 adds "a senior member of staff" at HPG's discretion; the policy does not say the
    # stage 1 investigator may not answer stage 2 (the Code 6.13 does: applied by the floor).
    assert not pack.stage("stage1").escalation.different_handler


def test_an_extension_for_an_unlisted_reason_is_refused(pack):
    with pytest.raises(RuleViolationError, match="not an extension reason"):
        check_extension(
            pack, stage_id="stage1", route=None, already=0, requested=5, reason="complexity"
        )
    check_extension(
        pack, stage_id="stage1", route=None, already=0, requested=5, reason="staff_not_available"
    )


def test_escalation_window_is_twenty_working_days_from_the_response(pack):
    # 7.6.1 "the customer will have 20 working days from the date of issue of the response to
    # request that the complaint is escalated to stage 2."
    escalation = pack.stage("stage1").escalation
    assert escalation is not None
    assert escalation.to == "stage2"
    assert escalation.window_days == 20
    assert escalation.window_counts is Counting.WORKING
    assert escalation.window_start is Anchor.RESPONDED


def test_escalation_window_lapse_closes_the_complaint(pack):
    # 11.1 "After sending a response and there is no further contact from the customer after
    # 20 working days from the issue of the response."
    escalation = pack.stage("stage1").escalation
    assert escalation.on_lapse == "close"
    timeline = Timeline(
        kind="complaint",
        received_at=datetime(2025, 12, 19, 10, tzinfo=LONDON),
        facts=(Fact(FactKind.RESPONDED, date(2026, 1, 7)),),
    )

    deadlines = derive_deadlines(pack, CALENDAR, timeline, today=date(2026, 3, 2))

    window = next(d for d in deadlines if d.step == "escalation_window")
    assert window.due == date(2026, 2, 4)
    assert window.state.value == "lapsed"


def test_escalation_needs_reasons_and_late_requests_are_at_discretion(pack):
    # 7.6.2 "the customer needs to provide details as to why they feel the stage 1 response
    # does not answer their complaint and what they would like HPG to do to resolve the issue."
    escalation = pack.stage("stage1").escalation
    assert escalation.reasons_required
    # 11.2 a closed complaint is re-opened only if "sufficient new evidence is presented"
    assert escalation.late_requests == "discretion"


def test_escalation_may_be_refused_only_on_the_grounds_listed(pack):
    # 7.7.2 "If the resolution required by the complainant ... is outside the remit or
    # responsibility of HPG or is considered excessive given the service failure." and
    # "Where no new evidence is provided and the stage 2 complaint relies on the same
    # information already considered and responded to at Stage 1"
    grounds = {g.id for g in pack.stage("stage1").escalation.refusal_grounds}
    assert grounds == {"resolution_outside_remit", "resolution_excessive", "no_new_evidence"}
    # 7.7.3 "the complaint process will be treated as having been ended"
    refused = closure(pack, ClosureReason.REFUSED)
    assert refused.days == 0
    assert refused.stages == ("stage1",)


def test_stage_two_is_acknowledged_in_two_and_answered_in_twenty_working_days(pack):
    # 7.6.3 "The complaint escalation request will be acknowledged in writing within 2
    # working days of receipt."
    acknowledge = step(pack, "stage2", "acknowledge")
    assert (acknowledge.days, acknowledge.start) == (2, Anchor.STAGE_STARTED)
    # 7.6.6 "A written response will be sent within 20 working days of receipt of the
    # escalation request."
    respond = step(pack, "stage2", "respond")
    assert (respond.days, respond.start, respond.counts) == (
        20,
        Anchor.STAGE_STARTED,
        Counting.WORKING,
    )
    assert respond.extendable


def test_stage_two_deadlines_count_from_the_escalation_request(pack):
    timeline = Timeline(
        kind="complaint",
        received_at=datetime(2025, 12, 19, 10, tzinfo=LONDON),
        facts=(
            Fact(FactKind.RESPONDED, date(2026, 1, 7)),
            Fact(FactKind.ESCALATION_REQUESTED, date(2026, 1, 12)),
        ),
    )

    deadlines = derive_deadlines(pack, CALENDAR, timeline, today=date(2026, 1, 12))

    due = {d.step: d.due for d in deadlines if d.stage == "stage2"}
    assert due["acknowledge"] == date(2026, 1, 14)
    assert due["respond"] == date(2026, 2, 9)


def test_stage_two_officer_contacts_the_customer_to_arrange_a_meeting(pack):
    # 7.6.4 "A Complaint Officer will make contact with the customer to arrange a meeting"
    meeting = step(pack, "stage2", "arrange_meeting")
    assert meeting.completion() is Completion.CONTACTED
    assert meeting.days <= step(pack, "stage2", "respond").days


def test_mp_enquiries_have_the_stage_one_timescales_but_no_escalation(pack):
    # 2.4 "We aim to complete an enquiry that requires a written response in the same
    # timescales as for a stage 1 complaint"
    enquiry = pack.stage("mp_enquiry")
    assert not enquiry.formal
    assert enquiry.escalation is None
    assert step(pack, "mp_enquiry", "acknowledge").days == 2
    assert step(pack, "mp_enquiry", "respond").days == 10


def test_issues_older_than_six_months_are_excluded_unless_recurring_or_a_safety_concern(pack):
    # 3.1.c "If the complaint is about an issue that took place more than six months ago. If
    # the problem is a recurring issue, we will consider any older reports as part of the
    # background to the complaint. The only exception to this would be where there is a
    # health and safety concern or safeguarding issue."
    older = exclusion(pack, "older_than_six_months")
    assert older.category is ExclusionCategory.TIME_LIMIT
    assert older.months == 6
    assert {e.id for e in older.exceptions} == {"recurring", "health_and_safety", "safeguarding"}


def test_other_means_of_redress_are_excluded(pack):
    # 3.1.b "If there is another means of redress or appeal process already in place"
    categories = {e.id: e.category for e in pack.exclusions}
    assert categories["other_redress_in_place"] is ExclusionCategory.OTHER_BODY
    assert categories["probationary_tenancy_ending"] is ExclusionCategory.OTHER_BODY
    # "Matters relating to an insurance or damage claim"
    assert categories["insurance_or_damage_claim"] is ExclusionCategory.INSURANCE
    # "Where court proceedings are in place for the issue being complained about."
    assert categories["court_proceedings"] is ExclusionCategory.LEGAL_PROCEEDINGS


def test_anti_social_behaviour_is_excluded_unless_about_how_it_was_handled(pack):
    # 3.1.b "unless it relates to the way that the neighbour complaint has been handled"
    asb = exclusion(pack, "neighbour_nuisance_or_asb")
    assert asb.category is ExclusionCategory.ANTI_SOCIAL_BEHAVIOUR
    assert [e.id for e in asb.exceptions] == ["handling_of_neighbour_complaint"]


def test_new_build_defects_are_excluded_for_twelve_months_unless_about_delay(pack):
    # 3.1.b "Chasing up defects within the first 12 months for new build properties, unless it
    # relates to delays in resolving the defects."
    defects = exclusion(pack, "new_build_defects")
    assert defects.category is ExclusionCategory.NEW_BUILD_DEFECTS
    assert defects.months == 12
    assert [e.id for e in defects.exceptions] == ["delay_in_resolving_defects"]


def test_exhausted_complaints_and_personnel_matters_are_excluded(pack):
    # 3.1.d "with only minor differences to one that has been raised before and exhausted the
    # complaints process, subject to the exercise of discretion"
    exhausted = exclusion(pack, "already_exhausted")
    assert exhausted.category is ExclusionCategory.ALREADY_EXHAUSTED
    assert [e.id for e in exhausted.exceptions] == ["discretion"]
    # 3.1.e "Personnel matters including issues about staff employment or former employment"
    assert exclusion(pack, "personnel_matters").category is ExclusionCategory.PERSONNEL
    # 4.1 "unless the complaint is about a housing application ... handled ... by the council"
    assert exclusion(pack, "council_housing_application").category is (ExclusionCategory.OTHER_BODY)


def test_a_complaint_closes_twenty_working_days_after_a_response_with_no_contact(pack):
    # 11.1 "After sending a response and there is no further contact from the customer after
    # 20 working days from the issue of the response."
    rule = closure(pack, ClosureReason.NO_CONTACT)
    assert (rule.days, rule.counts, rule.start) == (20, Counting.WORKING, Anchor.RESPONDED)
    assert rule.stages == ("stage1", "stage2")


def test_a_complaint_may_close_when_requested_information_is_not_provided(pack):
    # 7.5.2 "if this information is not provided within a reasonable timescale, we will assume
    # that the matter is resolved and use our discretion to close the complaint"
    rule = closure(pack, ClosureReason.INFORMATION_NOT_PROVIDED)
    assert rule.start is Anchor.INFORMATION_REQUESTED
    assert rule.days == 10


def test_a_complaint_may_close_early_when_better_dealt_with_elsewhere(pack):
    # 11.3 "HPG has the discretion to close a complaint early if it believes that it is better
    # dealt with through another channel"
    rule = closure(pack, ClosureReason.REDIRECTED)
    assert (rule.days, rule.start) == (0, Anchor.RECEIVED)
    # The policy says nothing about withdrawal.
    assert ClosureReason.WITHDRAWN not in {c.reason for c in pack.closure}


def test_tenants_go_to_the_housing_ombudsman_and_care_customers_to_the_lgsco(pack):
    # 8.2 "a. the Housing Ombudsman if the issue relates to a landlord function and they are
    # tenants ... b. to the Local Government and Social Care Ombudsman if their complaint
    # relates to care services provided by Care Plus"
    ombudsman = pack.ombudsman
    assert ombudsman.route is OmbudsmanRoute.HOUSING_OMBUDSMAN
    assert "Local Government and Social Care Ombudsman" in ombudsman.note
    # 6.3 "A customer may contact the Ombudsman at any time throughout the course of their
    # complaint"; 9.1 "they must allow eight weeks"; 9.2 "a designated person"
    assert ombudsman.signpost_every_stage
    assert ombudsman.eight_week_wait
    assert ombudsman.designated_person


def test_restrictions_are_reviewed_after_thirty_sixty_or_ninety_days_and_can_be_appealed(pack):
    # 14.14.1 "a review period will be set out which will be either 30, 60 or 90 days"
    restrictions = pack.restrictions
    assert restrictions is not None
    assert restrictions.review_days == (30, 60, 90)
    assert restrictions.review_counts is Counting.CALENDAR
    # 14.14.3 "within 20 working days of the issue of the formal letter"
    assert restrictions.appeal_days == 20
    # 14.14.5 "within 15 working days of the receipt of the appeal"
    assert restrictions.appeal_decision_days == 15


def test_compensation_is_discretionary_with_no_authority_limits_in_the_policy(pack):
    # 13.3 "The offer of discretionary compensation will be the exception and not the norm."
    compensation = pack.compensation
    assert compensation is not None
    assert compensation.authority == ()
    assert compensation.bands == ()


def test_every_written_step_has_a_letter(pack):
    letters = {(letter.event, letter.stage) for letter in pack.letters}
    assert ("acknowledged", "stage1") in letters  # 7.4.1 "acknowledged in writing"
    assert ("extended", "stage1") in letters  # 7.4.3 "a holding letter will be sent"
    assert ("acknowledged", "stage2") in letters  # 7.6.3
    assert ("responded", "stage2") in letters  # 7.6.6
    assert ("escalation_refused", "stage1") in letters  # 7.7.3 "advised ... in writing"
    assert ("restriction_imposed", None) in letters  # 14.13.3 "issuing a formal letter"


def test_performance_is_reported_quarterly_to_the_board_and_annually(pack):
    # 19.3 "Quarterly performance will be reported for scrutiny to the Homes Board."
    # 19.4 "Performance is published in the annual report."
    governance = pack.governance
    assert governance.board_reporting == "quarterly"
    assert governance.annual_report
    # 12.6 "We report on wider learning and improvements from feedback to residents"
    assert governance.learning_published
    assert not governance.member_responsible_for_complaints


def test_care_complaints_and_care_customers_go_to_the_lgsco_8_2_b_10_1_10_2(pack):
    # 8.2.b "to the Local Government and Social Care Ombudsman if their complaint relates to
    # care services provided by Care Plus"; 10.2 customers who are not tenants but receive care
    # "can take their complaint to the Local Government and Social Care Ombudsman".
    ombudsman = pack.ombudsman
    care = "Care services (Care Plus)"
    assert ombudsman.route_for(tenure="tenant", service_area=care, category="") == "lgsco"
    assert ombudsman.route_for(tenure="care_customer", service_area="", category="") == "lgsco"
    # 8.2.a tenants about a landlord function: the organisation's default route
    assert ombudsman.route_for(tenure="tenant", service_area="Repairs", category="") is None
