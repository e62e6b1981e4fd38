"""A quarter's sample of formal responses, reviewed, and the summary a board member reads."""

from __future__ import annotations

import datetime

import pytest

from putright.accounts.access import AccessDeniedError
from putright.accounts.models import Role
from putright.cases.errors import CaseStateError
from putright.cases.services import (
    Actor,
    IssueOutcome,
    PointIn,
    case_acknowledge,
    case_respond,
)
from putright.organisations.models import QualitySelection
from putright.quality.models import ResponseReview
from putright.quality.services import (
    choose,
    review_record,
    sample_draw,
    suggested_checklist,
)
from putright.quality.summary import quality_summary

from .conftest import at

QUARTER = datetime.date(2026, 1, 1)
MARKS = {"tone": 4, "plain_english": 3, "accuracy": 2}


def _answered(receive, users, *, area, handler=Role.COMPLAINT_HANDLER, when=(2026, 3, 4)):
    case = receive(service_area=area)
    actor = Actor(users[handler])
    case = case_acknowledge(
        case=case,
        actor=actor,
        definition=[PointIn("The repair was late", "A repair"), PointIn("No call back", "")],
        occurred_at=at(2026, 3, 3),
    )
    return case_respond(
        case=case,
        actor=actor,
        outcome="upheld",
        text="We are sorry.",
        issues=[
            IssueOutcome("", "upheld", "Policy says 20 days.", point=1, remedy="A repair now."),
            IssueOutcome("", "upheld", "", point=2),
        ],
        occurred_at=at(*when),
    )


@pytest.fixture
def responses(receive, users, org, clock):
    clock(2026, 4, 20, 10)
    org.quality_sample_size = 3
    org.quality_sample_selection = QualitySelection.BY_SERVICE_AREA
    org.save()
    made = [
        _answered(receive, users, area=area)
        for area in ("Repairs", "Repairs", "Repairs", "Lettings", "Anti-social behaviour")
    ]
    _answered(receive, users, area="Repairs", when=(2026, 4, 2))  # next quarter
    return made


def test_a_sample_spread_across_service_areas_takes_one_of_each_first(responses, users, org):
    sample = sample_draw(organisation=org, quarter_start=QUARTER, actor=users[Role.MANAGER])

    reviews = list(sample.reviews.all())
    assert (sample.size, sample.responses_in_quarter) == (3, 5)
    assert sorted(r.service_area for r in reviews) == [
        "Anti-social behaviour",
        "Lettings",
        "Repairs",
    ]
    assert {r.stage_level for r in reviews} == {1}
    assert {r.handler for r in reviews} == {users[Role.COMPLAINT_HANDLER]}


def test_a_quarter_is_drawn_once(responses, users, org):
    sample_draw(organisation=org, quarter_start=QUARTER, actor=users[Role.MANAGER])

    with pytest.raises(CaseStateError, match="The sample for Jan-Mar 2026 was drawn on"):
        sample_draw(organisation=org, quarter_start=QUARTER, actor=users[Role.MANAGER])


def test_only_a_manager_draws_a_sample(responses, users, org):
    with pytest.raises(AccessDeniedError):
        sample_draw(organisation=org, quarter_start=QUARTER, actor=users[Role.COMPLAINT_HANDLER])


def test_the_same_quarter_chooses_the_same_responses(responses):
    events = [r.events.get(kind="responded") for r in responses]
    first = choose(events, size=2, selection="random", seed="1:2026-01-01")
    again = choose(list(reversed(events)), size=2, selection="random", seed="1:2026-01-01")
    assert {e.pk for e in first} == {e.pk for e in again}


def test_the_record_suggests_what_the_checklist_meets(responses, users, org):
    sample = sample_draw(organisation=org, quarter_start=QUARTER, actor=users[Role.MANAGER])

    suggested = suggested_checklist(sample.reviews.first())

    assert suggested["definition"] is True
    assert suggested["decision"] is True
    assert suggested["reasons"] is False  # point 2 has no reasons
    assert suggested["remedy"] is False  # point 2 is upheld with no remedy
    assert suggested["stage"] is False  # no letter was sent


def test_a_review_is_scored_and_no_one_reviews_their_own(responses, users, org):
    sample = sample_draw(organisation=org, quarter_start=QUARTER, actor=users[Role.MANAGER])
    review = sample.reviews.first()
    checklist = {"stage": True, "definition": True, "decision": True, "escalation": True}

    review = review_record(
        review=review, actor=users[Role.MANAGER], checklist=checklist, marks=MARKS
    )

    assert review.code_score == pytest.approx(4 / 7)
    assert review.standards_score == pytest.approx((3 + 2 + 1) / 9)
    assert review.score == pytest.approx((4 / 7 + 6 / 9) / 2)
    review.handler = users[Role.COMPLAINTS_MANAGER]
    review.save()
    with pytest.raises(AccessDeniedError, match="You sent this response"):
        review_record(
            review=review,
            actor=users[Role.COMPLAINTS_MANAGER],
            checklist=checklist,
            marks=MARKS,
        )


def test_the_summary_gives_scores_by_service_area_and_names_no_one_for_the_board(
    responses, users, org
):
    sample = sample_draw(organisation=org, quarter_start=QUARTER, actor=users[Role.MANAGER])
    for review in sample.reviews.all():
        full = review.service_area == "Repairs"
        review_record(
            review=review,
            actor=users[Role.MANAGER],
            checklist={key: full for key in ("stage", "definition", "decision", "reasons")},
            marks={"tone": 4 if full else 2, "plain_english": 4, "accuracy": 4},
        )

    board = quality_summary(org, start=QUARTER, end=QUARTER, with_handlers=False)
    managers = quality_summary(org, start=QUARTER, end=QUARTER, with_handlers=True)

    areas = {g.label: round(g.overall * 100) for g in board.by_service_area}
    assert areas == {"Anti-social behaviour": 39, "Lettings": 39, "Repairs": 79}
    assert board.by_handler == []
    assert [g.label for g in managers.by_handler] == [str(users[Role.COMPLAINT_HANDLER])]
    assert [c.key for c in board.charts()] == [
        "by-quarter",
        "by-service-area",
        "by-stage",
        "checklist",
    ]
    assert ResponseReview.objects.filter(reviewed_at__isnull=False).count() == 3
