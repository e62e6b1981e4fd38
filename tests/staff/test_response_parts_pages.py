"""The acknowledge and respond pages: the complaint defined point by point, each point
answered with its parts, checked against the Code before it is sent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from putright.cases.models import Case, EventKind
from putright.cases.services import Actor, PointIn, case_acknowledge
from putright.remedies.models import RemedyAction

from .html import parse
from .test_pages import received

POINTS = [
    PointIn("The kitchen tap leaked for six weeks", "Compensation for the damaged cupboard"),
    PointIn("Two repair appointments were missed without a call", "An apology"),
    PointIn("The first report was not logged", "Know why the report was lost"),
]


def _defined(code_org, caseworker):
    case = received(code_org, caseworker)
    return case_acknowledge(case=case, actor=Actor(caseworker), definition=POINTS)


def test_the_acknowledge_page_takes_the_complaint_point_by_point(
    staff_client, caseworker, code_org
):
    case = received(code_org, caseworker, desired_outcome="A working tap and compensation")
    url = f"/cases/{case.reference}/acknowledge/"
    page = parse(staff_client.get(url).content)
    assert "They asked for: A working tap and compensation" in page.text

    typed = {
        "method": "letter",
        "points": "1",
        "point_1_description": "The tap leaked",
        "point_1_outcome_sought": "A repair",
        "version": str(case.version),
    }
    shown = staff_client.post(url, {**typed, "add_point": "1"})
    assert shown.status_code == 200
    page = parse(shown.content)
    assert page.find("textarea", name="point_2_description") is not None
    assert page.find("textarea", name="point_1_description").text.strip() == "The tap leaked"

    saved = staff_client.post(
        url,
        {
            **typed,
            "points": "2",
            "point_2_description": "Nobody called back",
            "point_2_outcome_sought": "",
        },
    )
    assert saved.status_code == 302
    case.refresh_from_db()
    assert [(p.number, p.description, p.outcome_sought) for p in case.points.all()] == [
        (1, "The tap leaked", "A repair"),
        (2, "Nobody called back", ""),
    ]


def test_the_respond_page_names_each_defined_point_and_blocks_a_missing_decision(
    staff_client, caseworker, code_org
):
    case = _defined(code_org, caseworker)
    url = f"/cases/{case.reference}/respond/"
    page = parse(staff_client.get(url).content)
    legends = [legend.text.strip() for legend in page.find_all("legend")]
    assert "Point 2: Two repair appointments were missed without a call" in legends
    checks = page.find(id="response-checks").text
    assert "Point 1 (The kitchen tap leaked for six weeks) has no decision" in checks
    assert "Code 6.7" in checks

    form = {
        "outcome": "upheld",
        "text": "We are sorry.",
        "points": "3",
        "point_1_outcome": "upheld",
        "point_1_reasons": "The repair took too long under our repairs policy.",
        "point_1_remedy": "We will pay compensation of £75 for the cupboard.",
        "point_2_outcome": "upheld",
        "point_2_reasons": "The contractor did not call.",
        "point_2_remedy": "The contractor apologises.",
        "version": str(case.version),
    }
    refused = staff_client.post(url, form)
    assert refused.status_code == 400
    page = parse(refused.content)
    assert "Choose the decision on this point: every point (Code 6.7)." in page.text
    assert not Case.objects.get(pk=case.pk).issues.exists()


def test_checking_shows_what_the_code_asks_and_the_reading_ease_without_saving(
    staff_client, caseworker, code_org
):
    case = _defined(code_org, caseworker)
    form = {
        "outcome": "upheld",
        "text": "We are sorry that we let you down. We have put it right.",
        "points": "3",
        "point_1_outcome": "upheld",
        "point_1_reasons": "",
        "point_1_action": "Replace the cupboard base",
        "point_2_outcome": "upheld",
        "point_2_reasons": "The contractor did not call.",
        "point_2_remedy": "The contractor apologises.",
        "point_3_outcome": "not_upheld",
        "point_3_reasons": "The report was logged at the neighbour's address.",
        "version": str(case.version),
    }
    shown = staff_client.post(f"/cases/{case.reference}/respond/check/", form)
    assert shown.status_code == 200
    page = parse(shown.content)
    checks = page.find(id="response-checks").text
    assert "Point 1 has a decision but no reasons" in checks
    assert "The action on point 1 (Replace the cupboard base) has no date" in checks
    assert "Code 6.6" in checks
    assert "has no decision" not in checks
    assert "Reading ease" in page.find(id="reading-ease").text
    # What was typed is kept, and sending goes to the respond page.
    actions = [f.attrs.get("action") for f in page.find_all("form")]
    assert f"/cases/{case.reference}/respond/" in actions
    assert page.find("input", id="id_point_1_outcome_0").attrs.get("checked") is not None
    assert not case.events.filter(kind=EventKind.RESPONDED).exists()


def test_a_response_sent_from_the_page_tracks_its_action(staff_client, caseworker, code_org):
    case = _defined(code_org, caseworker)
    due = timezone.localdate() + datetime.timedelta(days=30)
    form = {
        "outcome": "upheld",
        "text": "We are sorry.",
        "points": "3",
        "version": str(case.version),
    }
    for n, outcome in ((1, "upheld"), (2, "upheld"), (3, "partly_upheld")):
        form |= {
            f"point_{n}_outcome": outcome,
            f"point_{n}_reasons": "Our repairs policy.",
            f"point_{n}_remedy": "An apology.",
        }
    form |= {
        "point_1_action": "Replace the cupboard base",
        "point_1_action_owner": caseworker.username,
        "point_1_action_due": str(due),
    }

    sent = staff_client.post(f"/cases/{case.reference}/respond/", form)

    assert sent.status_code == 302, parse(sent.content).text[:2000]
    issues = list(Case.objects.get(pk=case.pk).issues.select_related("point"))
    assert [(i.point.number, i.outcome) for i in issues] == [
        (1, "upheld"),
        (2, "upheld"),
        (3, "partly_upheld"),
    ]
    action = RemedyAction.objects.get(case=case)
    assert (action.description, action.owner, str(action.due_on)) == (
        "Replace the cupboard base",
        caseworker,
        str(due),
    )
