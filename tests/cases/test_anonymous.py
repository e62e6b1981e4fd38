"""Anonymous complaints follow the policy: South Liverpool Homes investigates them
"without a formal response" (policy 4.1.1), so they have no response deadline or letter,
closing is the next step, and they are still cases, counted like any other."""

import pytest

from putright.actions.cases import BY_NAME, situation
from putright.actions.catalogue import Offer
from putright.cases.errors import PolicyRuleError
from putright.cases.selectors import case_deadlines, case_events
from putright.cases.services import Actor, case_receive
from putright.letters.services import letters_due
from putright.people.models import Person

pytestmark = pytest.mark.django_db


def _anonymous(organisation_on, handler, clock, pack, customer=False):
    organisation = organisation_on(pack)
    person = (
        Person.objects.create(organisation=organisation, name="Withheld", email="a@example.org")
        if customer
        else None
    )
    return case_receive(
        organisation=organisation,
        kind="complaint",
        channel="email",
        received_at=clock(2026, 3, 2, 10),
        summary="Drug dealing from the empty flat at number 4",
        actor=Actor(handler),
        customer=person,
        flags=["anonymous"],
    )


def test_policy_4_1_1_anonymous_complaints_have_no_response_deadline(
    organisation_on, handler, clock
):
    case = _anonymous(organisation_on, handler, clock, "south-liverpool-homes-2021", True)
    deadlines = case_deadlines(case)
    assert not [d for d in deadlines if d.audience.value == "customer"]
    assert letters_due(case) == []
    now = situation(case, list(case_events(case)))
    assert BY_NAME["close"].offered(now) is Offer.NEXT
    assert BY_NAME["respond"].offered(now) is Offer.ALSO


def test_where_the_policy_answers_anonymous_complaints_one_with_contact_details_is_answered(
    organisation_on, handler, clock
):
    case = _anonymous(organisation_on, handler, clock, "hos-code-2024", True)
    steps = {d.step for d in case_deadlines(case) if d.audience.value == "customer"}
    assert {"acknowledge", "respond"} <= steps
    now = situation(case, list(case_events(case)))
    assert BY_NAME["respond"].offered(now) is Offer.NEXT


def test_with_nobody_to_write_to_there_is_nothing_to_answer(organisation_on, handler, clock):
    case = _anonymous(organisation_on, handler, clock, "hos-code-2024")
    assert not [d for d in case_deadlines(case) if d.audience.value == "customer"]


def test_a_policy_that_refuses_anonymous_complaints_says_so(
    organisation_on, handler, clock, monkeypatch
):
    from putright.cases.services import intake
    from putright.domain.policy import Anonymous
    from putright.policies.registry import get_pack

    pack = get_pack("hos-code-2024").model_copy(
        update={"anonymous": Anonymous(accepted=False, source="3.2")}
    )
    monkeypatch.setattr(intake, "get_pack", lambda _id: pack)
    with pytest.raises(PolicyRuleError) as refused:
        _anonymous(organisation_on, handler, clock, "hos-code-2024")
    assert str(refused.value) == "This policy does not accept anonymous complaints (3.2)."
