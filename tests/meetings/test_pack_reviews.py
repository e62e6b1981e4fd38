"""The packs' [[reviews]]: what each policy says of the reviews it holds with a meeting,
read from the pack and checked on load, each error naming the file and the field."""

from __future__ import annotations

import pytest

from putright.domain.errors import PackError
from putright.domain.policy import BUILTIN_DIR, builtin_registry, parse_pack

SOUTHERN = (BUILTIN_DIR / "southern-housing-2020.toml").read_text(encoding="utf-8")


def test_southern_panel_is_a_senior_manager_and_up_to_two_involved_residents():
    pack = builtin_registry().get("southern-housing-2020")
    panel = next(r for r in pack.reviews if r.id == "complaint_review_panel")
    assert [(s.role, s.min, s.max) for s in panel.seats] == [
        ("senior_manager", 1, 1),
        ("involved_resident", 0, 2),
    ]
    assert [o.value for o in panel.only_after] == ["not_upheld", "partly_upheld"]
    assert panel.meeting_step == "panel_meeting"
    assert panel.summary_step == "panel_report"
    assert panel.letter_agreed_by_panel
    review = next(r for r in pack.reviews if r.id == "senior_manager_review")
    assert review.customer_chooses == ("call", "visit")
    assert (review.meeting_step, review.report_step) == ("senior_manager_call", "review_report")


def test_slh_panel_is_a_board_member_and_a_director_deciding_four_questions():
    pack = builtin_registry().get("south-liverpool-homes-2021")
    (panel,) = pack.reviews
    assert [pack.role_title(s.role) for s in panel.seats] == [
        "SLH Board",
        "Director (decides on restrictions for unreasonable behaviour)",
    ]
    assert len(panel.questions) == 4
    assert panel.questions[0] == "The procedure has been followed correctly"
    assert panel.source == "4.1.7"


def test_rooftop_appeal_is_a_head_of_service_with_a_board_member():
    pack = builtin_registry().get("rooftop-2023")
    (review,) = pack.reviews
    assert [s.role for s in review.seats] == ["head_of_service", "board_member"]
    assert review.source == "6.3"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('role = "involved_resident"', 'role = "tenant"'),
            "reviews[2].seats[1].role: no role 'tenant' in [[roles]]",
        ),
        (
            ('meeting_step = "panel_meeting"', 'meeting_step = "tea"'),
            "reviews[2].meeting_step: no step 'tea' in stage 'stage2'",
        ),
        (
            ("min = 0\n  max = 2", "min = 3\n  max = 2"),
            "reviews[2].seats[1]: min 3 is more than max 2",
        ),
        (
            ('route = "complaint_review_panel"\nmeeting_kinds', 'route = "panel"\nmeeting_kinds'),
            "reviews[2].route: no route 'panel' in stage 'stage2'",
        ),
    ],
)
def test_a_wrong_review_is_refused_on_load_naming_the_file_and_field(change, message):
    old, new = change
    assert old in SOUTHERN
    with pytest.raises(PackError) as raised:
        parse_pack(SOUTHERN.replace(old, new), source="southern.toml")
    assert "southern.toml" in str(raised.value)
    assert message in str(raised.value)
