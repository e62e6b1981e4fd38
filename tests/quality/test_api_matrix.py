"""``GET /api/v1/quality/summary``, role by role: report readers read it, reviewers with the
scores by handler, a board member without anyone's name; others are refused; another
organisation's summary is not found; a bad number of quarters is a 400."""

from __future__ import annotations

import pytest

from putright.accounts.access import QUALITY_REVIEWERS, REPORT_READERS
from putright.accounts.models import Role
from putright.quality.services import review_record, sample_draw

from .test_review import QUARTER, responses  # noqa: F401  (a fixture)

PATH = "/quality/summary?organisation=north-homes&quarters=2"


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_who_reads_the_summary(responses, users, apis, role):  # noqa: F811
    sample = sample_draw(
        organisation=users[Role.MANAGER].memberships.get().organisation,
        quarter_start=QUARTER,
        actor=users[Role.MANAGER],
    )
    for review in sample.reviews.all():
        review_record(
            review=review,
            actor=users[Role.MANAGER],
            checklist={"stage": True},
            marks={"tone": 3, "plain_english": 3, "accuracy": 3},
        )

    answer = apis[role].get(PATH)

    if role not in REPORT_READERS:
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "forbidden"
        return
    assert answer.status_code == 200
    body = answer.json()
    assert body["reviewed"] == 3
    areas = {g["label"] for g in body["by_service_area"]}
    assert areas == {"Repairs", "Lettings", "Anti-social behaviour"}
    handler = str(users[Role.COMPLAINT_HANDLER])
    if role in QUALITY_REVIEWERS:
        assert [g["label"] for g in body["by_handler"]] == [handler]
    else:
        assert body["by_handler"] == []
        assert handler not in answer.content.decode()


def test_another_organisations_summary_is_not_found(apis):
    answer = apis["outsider"].get(PATH)
    assert answer.status_code == 404


def test_a_bad_number_of_quarters_is_a_400(apis):
    answer = apis[Role.BOARD_MEMBER].get("/quality/summary?organisation=north-homes&quarters=3")
    assert answer.status_code == 400
