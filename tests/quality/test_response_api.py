"""A complaint defined point by point at acknowledgement and answered point by point."""

from __future__ import annotations

import pytest

from putright.accounts.models import Role
from putright.cases.models import CaseIssue, ComplaintPoint, EventKind
from putright.remedies.models import RemedyAction

DEFINITION = [
    {
        "description": "The kitchen tap leaked for six weeks before it was repaired",
        "outcome_sought": "Compensation for the water damage to the cupboard",
    },
    {
        "description": "Two repair appointments were missed without a call",
        "outcome_sought": "An apology from the contractor",
    },
    {
        "description": "The call centre did not log the first report",
        "outcome_sought": "Know why the report was lost",
    },
]


def _acknowledged(api, case):
    answer = api.post(f"/cases/{case.reference}/acknowledge", {"definition": DEFINITION})
    assert answer.status_code == 200, answer.json()
    return answer.json()


def _answers(points):
    return [
        {
            "point": points[0],
            "finding": "The repair took 42 days against a target of 20.",
            "outcome": "upheld",
            "reasons": "Our repairs policy gives 20 working days for a routine repair.",
            "remedy": "We will pay £75 compensation for the damaged cupboard.",
            "actions": [
                {"text": "Replace the cupboard base", "owner": "manager", "due_on": "2026-04-10"}
            ],
        },
        {
            "point": points[1],
            "finding": "The contractor missed both appointments.",
            "outcome": "upheld",
            "reasons": "Our service standards promise a call if an appointment is missed.",
            "remedy": "The contractor's manager has written an apology, enclosed.",
        },
        {
            "point": points[2],
            "finding": "The first call was logged against a neighbour's address.",
            "outcome": "partly_upheld",
            "reasons": "The report was recorded, but at the wrong address; this is why it "
            "was lost.",
            "remedy": "We have corrected the record and retrained the adviser.",
        },
    ]


def test_the_definition_is_kept_point_by_point_with_ids(handler_api, cases):
    case = cases["ordinary"]

    answer = _acknowledged(handler_api, case)

    assert [p["point"] for p in answer["definition"]] == [1, 2, 3]
    assert answer["definition"][1]["outcome_sought"] == "An apology from the contractor"
    assert answer["definition"][0]["stage"] == case.stage
    assert ComplaintPoint.objects.filter(case=case).count() == 3


def test_a_response_missing_a_decision_on_a_defined_point_is_refused(handler_api, cases):
    case = cases["ordinary"]
    points = [p["point"] for p in _acknowledged(handler_api, case)["definition"]]

    answer = handler_api.post(
        f"/cases/{case.reference}/respond",
        {"outcome": "upheld", "text": "We got this wrong.", "issues": _answers(points)[:2]},
    )

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert "Point 3" in error["message"]
    assert "Code 6.7" in error["message"]
    assert not CaseIssue.objects.filter(case=case).exists()
    assert not case.events.filter(kind=EventKind.RESPONDED).exists()


def test_each_point_answered_with_its_parts_and_the_action_tracked(handler_api, cases, users):
    case = cases["ordinary"]
    points = [p["point"] for p in _acknowledged(handler_api, case)["definition"]]

    answer = handler_api.post(
        f"/cases/{case.reference}/respond",
        {"outcome": "upheld", "text": "We got this wrong.", "issues": _answers(points)},
    )

    assert answer.status_code == 200, answer.json()
    issues = answer.json()["issues"]
    assert [i["point"] for i in issues] == points
    assert issues[0]["finding"].startswith("The repair took 42 days")
    assert issues[0]["remedy"].startswith("We will pay £75")
    action = issues[0]["actions"][0]
    assert (action["text"], action["owner"], action["due_on"]) == (
        "Replace the cupboard base",
        str(users[Role.MANAGER]),
        "2026-04-10",
    )
    tracked = RemedyAction.objects.get(pk=action["remedy_action"])
    assert tracked.owner == users[Role.MANAGER]
    assert tracked.completed_on is None
    assert tracked.remedy is not None
    assert tracked.remedy.issue.number == issues[0]["number"]


def test_a_one_point_complaint_is_answered_as_a_whole(handler_api, cases):
    case = cases["ordinary"]
    handler_api.post(
        f"/cases/{case.reference}/acknowledge",
        {
            "definition": [
                {"description": "The boiler was not repaired", "outcome_sought": "A repair"}
            ]
        },
    )

    answer = handler_api.post(
        f"/cases/{case.reference}/respond",
        {"outcome": "upheld", "text": "The boiler repair was late; it is now done."},
    )

    assert answer.status_code == 200, answer.json()
    (issue,) = answer.json()["issues"]
    assert (issue["point"], issue["outcome"]) == (1, "upheld")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"point": 9}, "issues[0].point"),
        ({"actions": [{"text": "Fix it", "due_on": "2026-01-01"}]}, "issues[0].actions[0].due_on"),
        ({"actions": [{"text": "Fix it", "owner": "nobody-here"}]}, "issues[0].actions[0].owner"),
    ],
)
def test_bad_parts_are_refused_with_the_field(handler_api, cases, change, field):
    case = cases["ordinary"]
    _acknowledged(handler_api, case)
    issue = {"point": 1, "outcome": "upheld", "reasons": "Late.", **change}

    answer = handler_api.post(
        f"/cases/{case.reference}/respond",
        {"outcome": "upheld", "text": "Late.", "issues": [issue]},
    )

    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]


def test_an_acknowledgement_without_a_definition_still_works(handler_api, cases):
    answer = handler_api.post(f"/cases/{cases['ordinary'].reference}/acknowledge", {})

    assert answer.status_code == 200
    assert answer.json()["definition"] == []


def test_what_the_response_lacked_is_kept_with_it_as_advice(handler_api, cases):
    case = cases["ordinary"]
    _acknowledged(handler_api, case)
    answers = _answers([1, 2, 3])
    answers[1]["remedy"] = ""  # upheld, with nothing to put it right
    answers[0]["actions"][0]["due_on"] = None  # an action without a date

    answer = handler_api.post(
        f"/cases/{case.reference}/respond",
        {"outcome": "upheld", "text": "We got this wrong.", "issues": answers},
    )

    assert answer.status_code == 200, answer.json()
    responded = case.events.get(kind=EventKind.RESPONDED)
    advice = {item["provision"]: item["message"] for item in responded.data["advice"]}
    assert advice["7.1"].startswith("Point 2 is upheld")
    assert advice["6.6"].startswith("The action on point 1 (Replace the cupboard base)")
    # Without a date the action is stated in the response but cannot be tracked.
    (issue,) = [i for i in answer.json()["issues"] if i["point"] == 1]
    assert issue["actions"][0]["remedy_action"] is None
    assert not RemedyAction.objects.filter(case=case).exists()
