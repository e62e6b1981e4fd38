"""Each seed pack checked against the Code finds the real gaps in that policy, and what the Code
forbids is caught however a pack is laid out."""

import pytest

from putright.domain.compliance import GAPS, Verdict, check_against_code
from putright.domain.policy import Anchor, builtin_registry
from putright.domain.policy import Escalation as EscalationRule

REGISTRY = builtin_registry()
CODE = REGISTRY.get("hos-code-2024")


def findings(pack_or_id):
    pack = REGISTRY.get(pack_or_id) if isinstance(pack_or_id, str) else pack_or_id
    return check_against_code(pack, CODE)


def verdicts(pack_or_id):
    return {(f.topic, f.verdict) for f in findings(pack_or_id)}


def falling_short(pack_id):
    return {topic for topic, verdict in verdicts(pack_id) if verdict is Verdict.FALLS_SHORT}


def about(pack_or_id, topic):
    return [f for f in findings(pack_or_id) if f.topic == topic]


def code_with(*, stages=None, **update):
    """The Code pack with some of its stages or keys replaced."""
    code = CODE.model_copy(deep=True)
    if stages is not None:
        update["stages"] = stages
    return code.model_copy(update={"id": "variant", **update})


def test_the_code_meets_itself():
    assert {v for _, v in verdicts("hos-code-2024")} == {Verdict.MEETS}


@pytest.mark.parametrize(
    ("pack_id", "expected"),
    [
        # Service Dissatisfaction before stage 1; 6-month limit (reasons are gathered at
        # escalation, not required: procedure 4.5).
        (
            "southern-housing-2020",
            {"Informal stage before stage 1", "Time limit for making a complaint"},
        ),
        # Feedback and Feedback with Investigation before stage 1; designated persons.
        ("feedback-policy-2021", {"Informal stage before stage 1", "Designated persons"}),
        # Informal complaints; reasons; 6 months; designated persons and the 8-week wait.
        (
            "south-liverpool-homes-2021",
            {
                "Informal stage before stage 1",
                "Reasons for escalation",
                "Time limit for making a complaint",
                "Designated persons",
                "Eight-week wait",
            },
        ),
        # Reasons; 6 months; designated persons and the 8-week wait.
        (
            "housing-plus-group-2021",
            {
                "Reasons for escalation",
                "Time limit for making a complaint",
                "Designated persons",
                "Eight-week wait",
            },
        ),
        # Dissatisfaction stage; 6 months; designated persons.
        (
            "rooftop-2023",
            {
                "Informal stage before stage 1",
                "Time limit for making a complaint",
                "Designated persons",
            },
        ),
    ],
)
def test_seed_pack_gaps_against_the_code(pack_id, expected):
    assert falling_short(pack_id) == expected


def test_faster_timescales_are_reported_as_going_beyond_the_code():
    assert ("Stage 1 response", Verdict.GOES_BEYOND) in verdicts("housing-plus-group-2021")
    assert ("Stage 2 response", Verdict.GOES_BEYOND) in verdicts("feedback-policy-2021")


# --- Code 5.2: no informal complaint stage ---------------------------------------------------


def test_feedback_resolved_at_first_contact_is_an_informal_complaint_stage_code_5_2():
    # The association's "Feedback" is logged, visible to the service manager and can be
    # escalated: an informal complaint stage, as "Feedback with Investigation" is.
    informal = about("feedback-policy-2021", "Informal stage before stage 1")
    assert {f.verdict for f in informal} == {Verdict.FALLS_SHORT}
    promises = " ".join(f.promise for f in informal)
    assert "'Feedback' cases" in promises
    assert "'Feedback with Investigation' cases" in promises
    assert all(f.code_source == "Code 5.2" for f in informal)


def test_an_mp_enquiry_with_its_own_timescale_is_not_an_informal_complaint_stage():
    informal = about("south-liverpool-homes-2021", "Informal stage before stage 1")
    assert [f.promise.split("'")[1] for f in informal] == ["Informal complaint"]
    assert about("housing-plus-group-2021", "Informal stage before stage 1") == []


# --- Code 5.3: never more than two stages ------------------------------------------------


def test_three_formal_stages_in_a_row_fall_short_code_5_3():
    stage1, stage2 = CODE.stages
    third = stage2.model_copy(update={"id": "stage3", "label": "Stage 3", "level": 3})
    deeper = stage2.model_copy(
        update={"final": False, "escalation": EscalationRule(to="stage3", source="x")}
    )
    pack = code_with(stages=(stage1, deeper, third))

    [finding] = about(pack, "Number of formal stages")

    assert finding.verdict is Verdict.FALLS_SHORT
    assert "at most 3 formal stage(s): Stage 1 → Stage 2 → Stage 3" in finding.promise
    assert finding.code_source == "Code 5.3"


def test_the_depth_of_escalation_counts_not_the_levels_declared_code_5_3():
    # Two stage 2s one after the other (a review, then a panel): three stages deep, though
    # only two levels are declared.
    stage1, stage2 = CODE.stages
    review = stage2.model_copy(
        update={"final": False, "escalation": EscalationRule(to="panel", source="x")}
    )
    panel = stage2.model_copy(update={"id": "panel", "label": "Panel"})
    pack = code_with(stages=(stage1, review, panel))

    [finding] = about(pack, "Number of formal stages")

    assert finding.verdict is Verdict.FALLS_SHORT


def test_a_parallel_first_level_stage_is_not_a_third_stage_code_5_3():
    # Southern's petition is answered, then escalates to stage 2: two stages deep.
    [finding] = about("southern-housing-2020", "Number of formal stages")
    assert finding.verdict is Verdict.MEETS
    assert "Petition → Stage 2" in finding.promise


def test_a_declared_stage_no_escalation_reaches_does_not_deepen_the_process():
    third = CODE.stages[1].model_copy(update={"id": "stage3", "label": "Stage 3", "level": 3})
    pack = code_with(stages=(*CODE.stages, third))

    [finding] = about(pack, "Number of formal stages")

    assert finding.verdict is Verdict.MEETS


# --- Code 6.3: the response's anchor -------------------------------------------------------


def test_a_response_counted_from_the_investigators_reply_falls_short_code_6_3():
    stage1, stage2 = CODE.stages
    later = tuple(
        s.model_copy(update={"start": Anchor.INVESTIGATOR_REPLIED, "days": 5})
        if s.id == "respond"
        else s
        for s in stage1.steps
    )
    pack = code_with(stages=(stage1.model_copy(update={"steps": later}), stage2))

    [finding] = about(pack, "Stage 1 response")

    assert finding.verdict is Verdict.FALLS_SHORT
    assert "the investigating team's reply, which has no fixed date" in finding.promise


# --- Code 6.4, 6.15: extensions -----------------------------------------------------------


def test_no_extension_allowed_goes_beyond_rather_than_no_limit_stated_code_6_4():
    for pack_id in ("feedback-policy-2021", "south-liverpool-homes-2021"):
        for topic in ("Stage 1 extension", "Stage 2 extension"):
            [finding] = about(pack_id, topic)
            assert finding.verdict is Verdict.GOES_BEYOND, (pack_id, topic)
            assert finding.promise.startswith("no extension")


def test_an_extension_with_no_cap_stated_is_a_gap_code_6_4():
    # Housing Plus Group 7.4.3: a holding letter with a new date, no limit on it.
    [finding] = about("housing-plus-group-2021", "Stage 1 extension")
    assert finding.verdict is Verdict.NOT_STATED
    assert "no limit stated" in finding.promise


def test_a_longer_extension_than_the_code_allows_falls_short():
    stage1, stage2 = CODE.stages
    longer = stage1.model_copy(
        update={"extension": stage1.extension.model_copy(update={"max_days": 15})}
    )
    pack = code_with(stages=(longer, stage2))

    assert ("Stage 1 extension", Verdict.FALLS_SHORT) in verdicts(pack)


def test_the_ombudsmans_details_with_an_extension_are_checked_code_6_5_and_6_16():
    assert {
        f.code_source for f in about("hos-code-2024", "The Ombudsman's details with an extension")
    } == {
        "Code 6.5",
        "Code 6.16",
    }
    stage2 = [
        f
        for f in about("southern-housing-2020", "The Ombudsman's details with an extension")
        if f.code_source == "Code 6.16"
    ]
    # Procedure 4.8.5: only the panel's delay letter gives the right to refer.
    [finding] = stage2
    assert finding.verdict is Verdict.NOT_STATED
    assert "Complaint Review Panel" not in finding.promise
    assert "Senior Manager Review" in finding.promise


# --- Code 6.10, 6.12, 6.13, 2.1-2.5: escalation -------------------------------------------


def test_reasons_asked_for_but_not_required_meet_code_6_12():
    [finding] = about("southern-housing-2020", "Reasons for escalation")
    assert finding.verdict is Verdict.MEETS
    assert finding.code_source == "Code 6.12"


def test_a_different_person_at_stage_2_not_stated_is_a_gap_code_6_13():
    [finding] = about("housing-plus-group-2021", "A different person at stage 2")
    assert finding.verdict is Verdict.NOT_STATED


def test_refusal_grounds_are_checked_against_the_policys_exclusions_code_2_2_and_5_11():
    grounds = about("housing-plus-group-2021", "Refusing to escalate")
    assert len(grounds) == 3
    assert {f.verdict for f in grounds} == {Verdict.NOT_STATED}
    rooftop = about("rooftop-2023", "Refusing to escalate")
    assert {f.verdict for f in rooftop} == {Verdict.MEETS}
    assert {f.code_source for f in grounds} == {"Code 2.2, 5.11"}


def test_stage_2_must_be_the_final_response_code_6_10():
    stage1, stage2 = CODE.stages
    assert about("hos-code-2024", "Stage 2 is the final response")[0].verdict is Verdict.MEETS
    not_final = code_with(stages=(stage1, stage2.model_copy(update={"final": False})))
    assert about(not_final, "Stage 2 is the final response")[0].verdict is Verdict.NOT_STATED
    onward = stage2.model_copy(update={"escalation": EscalationRule(to="stage1")})
    further = code_with(stages=(stage1, onward))
    assert about(further, "Stage 2 is the final response")[0].verdict is Verdict.FALLS_SHORT


# --- Code 2.3: time limit --------------------------------------------------------------------


def test_no_time_limit_is_more_generous_than_twelve_months_code_2_3():
    [finding] = about("feedback-policy-2021", "Time limit for making a complaint")
    assert finding.verdict is Verdict.GOES_BEYOND
    assert finding.verdict not in GAPS


# --- governance -------------------------------------------------------------------------------


def test_board_reporting_without_a_frequency_is_not_read_as_annual_code_9_7():
    [finding] = about("southern-housing-2020", "Reporting to the governing body")
    assert finding.verdict is Verdict.NOT_STATED
    assert "how often is not stated" in finding.promise
    [annual] = about(
        "southern-housing-2020", "Annual complaints performance and service improvement report"
    )
    assert annual.verdict is Verdict.NOT_STATED
