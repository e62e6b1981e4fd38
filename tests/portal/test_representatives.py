"""Someone acting for a customer: without the customer's authority they can follow the
case and send messages, but cannot take it further or answer the satisfaction question."""

from __future__ import annotations

import pytest
from django.test import Client

from putright.actions.portal import RESIDENT, resident_may, resident_take
from putright.cases.models import EventKind
from putright.cases.services import Actor, case_acknowledge, case_close, case_respond
from putright.people.models import Authority
from putright.portal.models import FollowerRole, SatisfactionResponse

from .test_portal import ANSWERS, follow, send, text, walk

pytestmark = pytest.mark.django_db

ESCALATE = "/resident/follow/case/escalate/"
FEEDBACK = "/resident/follow/case/feedback/"


@pytest.fixture
def represented(client, slh, clock, handler):
    """A complaint made by a representative ("advocate@example.org"), then answered."""
    clock(2026, 3, 2, 9)
    walk(
        client,
        slh,
        who={"for_someone_else": "yes"},
        contact={**ANSWERS["contact"], "email": "advocate@example.org"},
    )
    case = send(client, slh)
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 10, 11)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Fixed.")
    clock(2026, 3, 11, 10)
    return case


def test_without_authority_a_representative_cannot_take_it_further(represented):
    case = represented
    assert case.representative.authority == Authority.REQUESTED
    rep = Client()
    page = text(follow(rep, case.reference, "advocate@example.org"))
    form = rep.get(ESCALATE)
    posted = rep.post(ESCALATE, {"reasons": "Not fixed"})
    case.refresh_from_db()

    assert "Take my complaint further" not in page
    assert "we need their written permission" in page
    assert form.status_code == 200
    assert "We need permission first" in text(form)
    assert "ask the person you are acting for to confirm" in text(form)
    assert "send us a message" in text(form)
    assert "The time to ask ends on Tue 24 Mar 2026" in text(form)
    assert 'name="reasons"' not in form.content.decode()
    assert posted.status_code == 403
    assert "We need permission first" in text(posted)
    assert "Housing Ombudsman" in text(posted)  # the portal layout, not a bare error
    assert case.stage == "stage1"
    assert not case.events.filter(kind=EventKind.ESCALATION_REQUESTED).exists()


def test_without_authority_a_representative_can_still_send_a_message(represented):
    case = represented
    rep = Client()
    follow(rep, case.reference, "advocate@example.org")
    sent = rep.post("/resident/follow/case/message/", {"message": "Please call Sam."})

    assert sent["Location"] == "/resident/follow/case/"
    assert "Please call Sam." in case.events.get(kind=EventKind.CONTACTED).data["summary"]


def test_with_authority_a_representative_can_take_it_further(represented):
    case = represented
    case.representative.authority = Authority.HELD
    case.representative.save()
    rep = Client()
    page = text(follow(rep, case.reference, "advocate@example.org"))
    done = rep.post(ESCALATE, {"reasons": "Still leaking."})
    case.refresh_from_db()

    assert "Take my complaint further" in page
    assert done["Location"] == "/resident/follow/case/"
    assert case.stage == "stage2"


def test_without_authority_a_representative_cannot_give_the_satisfaction_answer(
    represented, handler
):
    case = case_close(case=represented, actor=Actor(handler), reason="resolved")
    rep = Client()
    page = text(follow(rep, case.reference, "advocate@example.org"))
    form = rep.get(FEEDBACK)
    posted = rep.post(FEEDBACK, {"score": "1", "comment": "Bad"})

    assert "Give feedback" not in page
    assert form.status_code == 200
    assert "We need permission first" in text(form)
    assert 'name="score"' not in form.content.decode()
    assert posted.status_code == 403
    assert "We need permission first" in text(posted)
    assert not SatisfactionResponse.objects.exists()


def test_with_authority_a_representative_can_give_feedback(represented, handler):
    case = case_close(case=represented, actor=Actor(handler), reason="resolved")
    case.representative.authority = Authority.HELD
    case.representative.save()
    rep = Client()
    page = text(follow(rep, case.reference, "advocate@example.org"))
    sent = rep.post(FEEDBACK, {"score": "2", "comment": "Slow."})

    assert "Give feedback" in page
    assert sent["Location"] == "/resident/follow/case/"
    assert SatisfactionResponse.objects.get(case=case).score == 2


def test_the_portal_takes_its_actions_from_the_catalogue(represented):
    """Whichever page calls it, an action the customer's authority is needed for is refused
    to a representative without it, and nothing changes."""
    case = represented
    for name in ("escalate", "feedback", "see-letters"):
        assert RESIDENT[name].needs_authority
        assert not resident_may(RESIDENT[name], case, FollowerRole.REPRESENTATIVE)
        assert resident_may(RESIDENT[name], case, FollowerRole.CUSTOMER)
    with pytest.raises(PermissionError, match="authority is needed"):
        resident_take("escalate", case, FollowerRole.REPRESENTATIVE, reasons="Not fixed")
    case.refresh_from_db()
    assert case.stage == "stage1"
    resident_take("message", case, FollowerRole.REPRESENTATIVE, message="Any news?")
    assert case.events.filter(kind=EventKind.CONTACTED).count() == 1
