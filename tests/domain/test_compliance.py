"""Each seed pack checked against the Code finds the real gaps in that policy."""

import pytest

from putright.domain.compliance import Verdict, check_against_code
from putright.domain.policy import builtin_registry

REGISTRY = builtin_registry()
CODE = REGISTRY.get("hos-code-2024")


def verdicts(pack_id):
    return {(f.topic, f.verdict) for f in check_against_code(REGISTRY.get(pack_id), CODE)}


def gaps(pack_id):
    return {topic for topic, verdict in verdicts(pack_id) if verdict is Verdict.FALLS_SHORT}


def test_the_code_meets_itself():
    assert {v for _, v in verdicts("hos-code-2024")} == {Verdict.MEETS}


@pytest.mark.parametrize(
    ("pack_id", "expected"),
    [
        # Service Dissatisfaction before stage 1; 6-month limit (reasons are gathered at
        # escalation, not required: procedure 4.5).
        (
            "southern-housing-2020",
            {
                "Informal stage before stage 1",
                "Time limit for making a complaint",
            },
        ),
        # Feedback with Investigation before stage 1; designated persons.
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
    assert gaps(pack_id) == expected


def test_faster_timescales_are_reported_as_going_beyond_the_code():
    assert ("Stage 1 response", Verdict.GOES_BEYOND) in verdicts("housing-plus-group-2021")
    assert ("Stage 2 response", Verdict.GOES_BEYOND) in verdicts("feedback-policy-2021")


def test_unstated_extension_limits_are_reported_as_not_stated():
    assert ("Stage 1 extension", Verdict.NOT_STATED) in verdicts("feedback-policy-2021")


def test_a_longer_extension_than_the_code_allows_falls_short():
    code = CODE.model_copy(deep=True)
    stage1 = code.stages[0]
    longer = stage1.model_copy(
        update={"extension": stage1.extension.model_copy(update={"max_days": 15})}
    )
    pack = code.model_copy(update={"id": "longer", "stages": (longer, *code.stages[1:])})

    findings = {(f.topic, f.verdict) for f in check_against_code(pack, CODE)}

    assert ("Stage 1 extension", Verdict.FALLS_SHORT) in findings


def test_a_third_formal_stage_falls_short():
    code = CODE.model_copy(deep=True)
    third = code.stages[1].model_copy(update={"id": "stage3", "label": "Stage 3", "level": 3})
    pack = code.model_copy(update={"id": "three", "stages": (*code.stages, third)})

    findings = {(f.topic, f.verdict) for f in check_against_code(pack, CODE)}

    assert ("Number of formal stages", Verdict.FALLS_SHORT) in findings
