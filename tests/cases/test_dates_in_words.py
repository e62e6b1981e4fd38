"""A date a handler or manager reads in an error is written as a date ("Mon 2 Mar 2026"),
never as ISO ("2026-03-02") (issue 17, point 8). Event data keeps ISO: it is data."""

import re

import pytest

from putright.accounts.models import Membership, Role, User
from putright.cases.errors import CaseInputError, CaseStateError, NotPermittedError, PolicyRuleError
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_escalate,
    case_receive,
    case_respond,
)
from putright.cases.services import escalation as escalation_service
from putright.people.models import Person

from .conftest import at

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def complaint(receive, clock):
    """A Code complaint received on Monday 2 March 2026 at 09:00."""
    clock(2026, 3, 2, 9)
    return receive("hos-code-2024", received_at=at(2026, 3, 2, 9))


def no_iso(error):
    texts = [error.message, *(str(v) for v in (error.fields or {}).values())]
    assert not any(ISO.search(text) for text in texts), texts


def test_an_action_before_receipt_names_the_day_received_in_words(complaint, clock, handler):
    clock(2026, 3, 4, 10)

    with pytest.raises(CaseInputError) as refused:
        case_acknowledge(case=complaint, actor=Actor(handler), occurred_at=at(2026, 3, 1, 12))

    assert refused.value.message == "That is before the case was received (Mon 2 Mar 2026)."
    assert refused.value.fields == {"occurred_at": refused.value.message}
    no_iso(refused.value)


def test_a_second_acknowledgement_names_the_first_in_words(complaint, clock, handler):
    clock(2026, 3, 3, 10)
    case = case_acknowledge(case=complaint, actor=Actor(handler))

    with pytest.raises(CaseStateError) as refused:
        case_acknowledge(case=case, actor=Actor(handler))

    assert refused.value.message == "This stage was already acknowledged on Tue 3 Mar 2026."
    no_iso(refused.value)


def test_a_second_response_names_the_first_in_words(complaint, clock, handler):
    clock(2026, 3, 3, 10)
    case = case_acknowledge(case=complaint, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    case = case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Reasons.")

    with pytest.raises(CaseStateError) as refused:
        case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Again.")

    assert refused.value.message == "A response was already sent at this stage on Mon 9 Mar 2026."
    no_iso(refused.value)


@pytest.fixture
def window_closed(receive, clock, handler):
    """Housing Plus Group's complaint answered on Mon 9 March; its 20-working-day window to
    escalate has closed by May, and late requests are at a manager's discretion."""
    clock(2026, 3, 2, 9)
    case = receive("housing-plus-group-2021", received_at=at(2026, 3, 2, 9))
    clock(2026, 3, 3, 10)
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    case = case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Reasons.")
    clock(2026, 5, 11, 10)
    return case


def test_a_late_escalation_names_the_day_the_window_closed_in_words(window_closed, handler):
    with pytest.raises(PolicyRuleError) as refused:
        case_escalate(case=window_closed, actor=Actor(handler), reasons="Still leaking.")

    assert refused.value.message == (
        "The window to escalate closed on Wed 8 Apr 2026. A manager may accept the request "
        "late: record that decision with its reason."
    )
    no_iso(refused.value)


def test_a_late_escalation_refused_outright_names_the_day_in_words(
    window_closed, handler, monkeypatch
):
    stage_of = escalation_service._stage

    def refusing(case):
        pack, stage = stage_of(case)
        rule = stage.escalation.model_copy(update={"late_requests": "refuse"})
        return pack, stage.model_copy(update={"escalation": rule})

    monkeypatch.setattr(escalation_service, "_stage", refusing)

    with pytest.raises(PolicyRuleError) as refused:
        case_escalate(case=window_closed, actor=Actor(handler), reasons="Still leaking.")

    assert refused.value.message == (
        "The window to escalate closed on Wed 8 Apr 2026; this policy refuses late requests."
    )
    no_iso(refused.value)


def test_a_late_escalation_accepted_by_someone_without_the_role_names_the_day_in_words(
    window_closed,
):
    caseworker = User.objects.create_user("caseworker")
    Membership.objects.create(
        user=caseworker, organisation=window_closed.organisation, role=Role.COMPLAINT_HANDLER
    )

    with pytest.raises(NotPermittedError) as refused:
        case_escalate(
            case=window_closed,
            actor=Actor(caseworker),
            reasons="Still leaking.",
            accept_late=True,
            late_reason="In hospital.",
        )

    assert refused.value.message == (
        "The window to escalate closed on Wed 8 Apr 2026. Accepting a late request is a "
        "manager's decision; your role (Complaint handler) cannot make it."
    )
    no_iso(refused.value)


def test_event_data_keeps_iso_dates(organisation_on, handler, clock):
    organisation = organisation_on("hos-code-2024")
    clock(2026, 3, 2, 9)
    case = case_receive(
        organisation=organisation,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 2, 9),
        summary="The repair never happened",
        actor=Actor(handler),
        customer=Person.objects.create(organisation=organisation, name="Pat Resident"),
    )

    assert case.events.get(kind="received").data["deemed_received_on"] == "2026-03-02"
