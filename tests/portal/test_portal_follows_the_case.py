"""The portal tells a resident what the case will get and what was actually sent (issue 17,
points 3, 4 and 8): the pack in force on the day the complaint is received with the Code's
floor, the case's ombudsman on every page, and no letter called sent before it exists."""

import datetime
import re

import pytest

from putright.cases.models import EventKind
from putright.cases.selectors import case_events
from putright.cases.services import Actor, case_acknowledge, case_respond
from putright.domain.calendar import describe
from putright.letters.services import letter_send
from putright.organisations.services import organisation_adopt_policy
from putright.portal.services import progress, promised_dates

from .test_portal import ANSWERS, follow, send, text, walk

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
CARE = "Care services (Care Plus)"
LGSCO = "Independent help: the Local Government and Social Care Ombudsman"


def answered(receive, clock, handler, pack="hos-code-2024", **extra):
    clock(2026, 3, 2, 9)
    case = receive(pack, received_at=clock(2026, 3, 2, 9), **extra)
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    return case_respond(case=case, actor=Actor(handler), outcome="upheld", text="We were late.")


# -- what was sent --------------------------------------------------------------------------


def test_progress_does_not_call_a_response_sent_before_its_letter_exists(receive, clock, handler):
    case = answered(receive, clock, handler)

    said = progress(case, list(case_events(case)))

    assert "sent" not in said.text
    assert said.title == "We have made our decision"
    assert "The letter explaining it is on its way to you." in said.text


def test_progress_says_how_and_when_the_response_was_sent(receive, clock, handler):
    case = answered(receive, clock, handler)
    responded = case.events.get(kind=EventKind.RESPONDED)
    letter_send(case=case, sequence=responded.sequence, actor=Actor(handler))

    said = progress(case, list(case_events(case)))

    assert said.title == "We have replied"
    assert said.text == "We sent you our Stage 1 response by e-mail on Mon 9 Mar 2026."


def test_the_case_page_has_no_iso_date(client, receive, clock, handler):
    case = answered(receive, clock, handler)
    responded = case.events.get(kind=EventKind.RESPONDED)
    letter_send(case=case, sequence=responded.sequence, actor=Actor(handler))

    page = text(follow(client, case.reference))

    assert "Mon 9 Mar 2026" in page
    assert not ISO.search(page), page


# -- the case's ombudsman --------------------------------------------------------------------


def test_every_page_about_a_case_routed_elsewhere_names_its_ombudsman(
    client, receive, clock, handler
):
    case = answered(receive, clock, handler, pack="housing-plus-group-2021", service_area=CARE)
    assert case.organisation.ombudsman_route == "housing_ombudsman"

    page = follow(client, case.reference)
    message = client.get("/resident/follow/case/message/")

    for response in (page, message):
        assert response.context["ombudsman"]["short_name"].endswith(
            "Local Government and Social Care Ombudsman"
        )
        assert LGSCO in text(response)
        assert "Housing Ombudsman" not in text(response)


def test_checking_the_answers_about_care_names_the_ombudsman_the_case_will_go_to(
    client, organisation_on, clock
):
    clock(2026, 3, 2, 9)
    hpg = organisation_on("housing-plus-group-2021")
    walk(client, hpg, about={**ANSWERS["about"], "summary": "Carers late", "service_area": CARE})

    check = client.get(f"/resident/{hpg.slug}/make/check/")

    assert LGSCO in text(check)
    assert "Housing Ombudsman" not in text(check)


# -- the pack in force, with the Code's floor ------------------------------------------------


def test_the_preview_follows_the_pack_in_force_on_the_day_of_receipt(client, slh, clock):
    clock(2026, 3, 2, 9)
    organisation_adopt_policy(
        organisation=slh, policy_pack="hos-code-2024", from_date=datetime.date(2026, 3, 3)
    )
    # After Monday's cut-off a complaint is deemed received on Tuesday, under the Code.
    clock(2026, 3, 2, 18)
    slh.refresh_from_db()
    assert slh.policy_pack == "south-liverpool-homes-2021"

    start = text(client.get(f"/resident/{slh.slug}/"))
    visited = walk(client, slh)
    case = send(client, slh)

    assert "Use this service to make a complaint to" in start  # the Code takes complaints only
    assert "what" not in visited  # nothing to choose
    assert case.policy_pack == "hos-code-2024"


def test_the_time_limit_is_the_codes_twelve_months_where_the_policy_allows_six(client, slh, clock):
    clock(2026, 3, 2, 9)
    nine_months_ago = {
        **ANSWERS["what-happened"],
        "occurred_day": "1",
        "occurred_month": "6",
        "occurred_year": "2025",
    }

    start = text(client.get(f"/resident/{slh.slug}/"))
    visited = walk(client, slh, **{"what-happened": nine_months_ago})

    assert "in the last 12 months" in start
    assert "time-limit" not in visited


def test_the_policys_six_months_where_the_organisation_does_not_apply_the_codes_limit(
    client, slh, clock
):
    clock(2026, 3, 2, 9)
    slh.code_floor_off = ["time_limit"]
    slh.save()
    nine_months_ago = {
        **ANSWERS["what-happened"],
        "occurred_day": "1",
        "occurred_month": "6",
        "occurred_year": "2025",
    }

    visited = walk(client, slh, **{"what-happened": nine_months_ago})
    warning = text(client.get(f"/resident/{slh.slug}/make/time-limit/"))

    assert "time-limit" in visited
    assert "in the last 6 months" in warning


def test_the_dates_promised_before_starting_are_those_the_case_gets(client, slh, clock):
    clock(2026, 3, 2, 9)

    start = text(client.get(f"/resident/{slh.slug}/"))
    walk(client, slh)
    dates = promised_dates(send(client, slh))

    assert f"confirm we have it by {describe(dates['acknowledge'])}" in start
    assert f"send you our response by {describe(dates['respond'])}" in start


def test_reasons_to_escalate_are_optional_where_the_code_overrides_the_policy(
    client, receive, clock, handler
):
    clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 10, 11)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Fixed.")
    clock(2026, 3, 11, 10)
    follow(client, case.reference)

    form = client.get("/resident/follow/case/escalate/")
    done = client.post("/resident/follow/case/escalate/", {"reasons": ""})
    case.refresh_from_db()

    assert "Why are you unhappy with our response? (optional)" in text(form)
    assert done.status_code == 302
    assert case.stage == "stage2"
