"""The quality review's pages: a manager draws the quarter's sample and reviews it; a board
member reads the summary, which names no one; others are refused."""

from __future__ import annotations

import pytest
from django.test import Client

from putright.accounts.models import Role
from putright.quality.models import ResponseReview, ReviewSample
from tests.staff.html import parse

from .test_review import responses  # noqa: F401  (a fixture)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reviewed_quarter(manager: Client) -> ReviewSample:
    drawn = manager.post("/quality/draw/", {"organisation": "north-homes", "quarter": "2026-01-01"})
    assert drawn.status_code == 302
    sample = ReviewSample.objects.get()
    assert drawn.url == f"/quality/samples/{sample.pk}/"
    for review in sample.reviews.all():
        page = manager.get(f"/quality/reviews/{review.pk}/")
        assert page.status_code == 200
        shown = parse(page.content).text
        assert "No letter has been sent for this response." in shown
        # Point 2 went out upheld with neither reasons nor remedy: the reviewer is told.
        assert "When it was sent, PutRight pointed out" in shown
        assert "Point 2 has a decision but no reasons" in shown
        saved = manager.post(
            f"/quality/reviews/{review.pk}/",
            {
                "checklist": ["stage", "definition", "decision"],
                "tone": "4",
                "plain_english": "3",
                "accuracy": "3",
                "comments": "Clear.",
            },
        )
        assert saved.status_code == 302
    return sample


def test_a_manager_draws_the_quarter_and_reviews_each_response(responses, users):  # noqa: F811
    manager = _client(users[Role.MANAGER])
    page = parse(manager.get("/quality/").content)
    assert "Jan-Mar 2026" in page.text

    sample = _reviewed_quarter(manager)

    listed = parse(manager.get(f"/quality/samples/{sample.pk}/").content)
    rows = listed.find(id="sample").find_all("tr")
    assert len(list(rows)) == 4  # a heading and three responses
    assert "Scored" in listed.text
    assert ResponseReview.objects.filter(comments="Clear.").count() == 3


def test_a_review_without_marks_is_refused_beside_the_field(responses, users):  # noqa: F811
    manager = _client(users[Role.MANAGER])
    manager.post("/quality/draw/", {"organisation": "north-homes", "quarter": "2026-01-01"})
    review = ResponseReview.objects.first()

    refused = manager.post(f"/quality/reviews/{review.pk}/", {"checklist": ["stage"]})

    assert refused.status_code == 400
    assert "Give a mark for tone." in parse(refused.content).find(cls="govuk-error-summary").text
    review.refresh_from_db()
    assert review.reviewed_at is None


def test_the_board_reads_the_summary_by_service_area_without_names(responses, users):  # noqa: F811
    _reviewed_quarter(_client(users[Role.MANAGER]))
    board = _client(users[Role.BOARD_MEMBER])

    answer = board.get("/quality/summary/?organisation=north-homes&quarters=2")

    assert answer.status_code == 200
    page = parse(answer.content)
    text = page.text
    assert "Quality score by service area" in text
    service_area = page.find(id="chart-by-service-area").text
    assert "Repairs" in service_area
    assert "Lettings" in service_area
    assert str(users[Role.COMPLAINT_HANDLER]) not in text
    assert "NH-2026" not in text  # no case references
    assert "chart-by-handler" not in answer.content.decode()
    managers = _client(users[Role.MANAGER]).get("/quality/summary/?organisation=north-homes")
    assert "chart-by-handler" in managers.content.decode()


def test_the_board_is_sent_to_the_summary_and_cannot_draw(responses, users):  # noqa: F811
    board = _client(users[Role.BOARD_MEMBER])
    assert board.get("/quality/").url == "/quality/summary/?organisation=north-homes"
    refused = board.post("/quality/draw/", {"organisation": "north-homes", "quarter": "2026-01-01"})
    assert refused.status_code == 403
    assert not ReviewSample.objects.exists()


@pytest.mark.parametrize("role", [Role.COMPLAINT_HANDLER, Role.INVESTIGATING_OFFICER])
def test_those_who_neither_review_nor_read_reports_are_refused(responses, users, role):  # noqa: F811
    client = _client(users[role])
    assert client.get("/quality/summary/").status_code == 403
    sample = _reviewed_quarter(_client(users[Role.MANAGER]))
    assert client.get(f"/quality/samples/{sample.pk}/").status_code == 404


def test_another_organisations_sample_is_not_found(responses, users):  # noqa: F811
    sample = _reviewed_quarter(_client(users[Role.MANAGER]))
    outsider = _client(users["outsider"])
    assert outsider.get(f"/quality/samples/{sample.pk}/").status_code == 404
    review = sample.reviews.first()
    assert outsider.get(f"/quality/reviews/{review.pk}/").status_code == 404


def test_a_bad_number_of_quarters_is_a_400_with_a_message(responses, users):  # noqa: F811
    answer = _client(users[Role.BOARD_MEMBER]).get("/quality/summary/?quarters=99")
    assert answer.status_code == 400
    assert "Choose how many quarters to show" in parse(answer.content).text


def test_a_manager_sets_how_many_responses_are_chosen_and_how(users, org):
    manager = _client(users[Role.MANAGER])

    refused = manager.post(
        "/quality/settings/", {"organisation": "north-homes", "size": "0", "selection": "random"}
    )
    assert refused.status_code == 400
    assert (
        "greater than or equal to 1" in parse(refused.content).find(cls="govuk-error-summary").text
    )

    saved = manager.post(
        "/quality/settings/",
        {"organisation": "north-homes", "size": "25", "selection": "by_handler"},
    )
    assert saved.status_code == 302
    org.refresh_from_db()
    assert (org.quality_sample_size, org.quality_sample_selection) == (25, "by_handler")
    board = _client(users[Role.BOARD_MEMBER]).post(
        "/quality/settings/", {"organisation": "north-homes", "size": "5", "selection": "random"}
    )
    assert board.status_code == 403


def test_the_reports_page_leads_to_the_quality_summary(users):
    page = _client(users[Role.BOARD_MEMBER]).get("/reports/")
    assert page.status_code == 200
    assert 'href="/quality/summary/"' in page.content.decode()
