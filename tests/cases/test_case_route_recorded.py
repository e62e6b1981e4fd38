"""A refusal records the ombudsman the case goes to, not the organisation's default (issue 17,
point 4): a care customer's complaint about care at a landlord whose default is the Housing
Ombudsman is signposted to the Local Government and Social Care Ombudsman."""

import pytest

from putright.cases.models import EventKind
from putright.cases.services import (
    Actor,
    case_decide_eligibility,
    case_refuse_escalation,
    case_respond,
)

pytestmark = pytest.mark.django_db

CARE = "Care services (Care Plus)"


def test_an_eligibility_refusal_records_the_route_of_a_complaint_about_care(
    receive, clock, handler
):
    clock(2026, 3, 2, 9)
    case = receive("housing-plus-group-2021", received_at=clock(2026, 3, 2, 9), service_area=CARE)
    assert case.organisation.ombudsman_route == "housing_ombudsman"

    case = case_decide_eligibility(
        case=case,
        actor=Actor(handler),
        accepted=False,
        exclusion="court_proceedings",
        reason="The matter is before the county court.",
    )

    decided = case.events.get(kind=EventKind.ELIGIBILITY_DECIDED)
    assert decided.data["ombudsman_route"] == "lgsco"


def test_an_escalation_refusal_records_the_route_of_a_complaint_about_care(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("housing-plus-group-2021", received_at=clock(2026, 3, 2, 9), service_area=CARE)
    clock(2026, 3, 10, 9)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Reasons.")
    clock(2026, 3, 12, 9)

    case = case_refuse_escalation(
        case=case,
        actor=Actor(handler),
        ground="no_new_evidence",
        explanation="Nothing new was raised.",
    )

    refused = case.events.get(kind=EventKind.ESCALATION_REFUSED)
    assert refused.data["ombudsman_route"] == "lgsco"


def test_a_complaint_about_repairs_at_the_same_landlord_records_its_default(
    receive, clock, handler
):
    clock(2026, 3, 2, 9)
    case = receive(
        "housing-plus-group-2021", received_at=clock(2026, 3, 2, 9), service_area="Repairs"
    )

    case = case_decide_eligibility(
        case=case,
        actor=Actor(handler),
        accepted=False,
        exclusion="court_proceedings",
        reason="The matter is before the county court.",
    )

    decided = case.events.get(kind=EventKind.ELIGIBILITY_DECIDED)
    assert decided.data["ombudsman_route"] == "housing_ombudsman"
