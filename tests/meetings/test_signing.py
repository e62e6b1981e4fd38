"""Southern 4.7.6: the Senior Manager Review's response goes out "under the Senior Managers
name": the letter is signed by the senior manager the report went to, not the handler."""

from __future__ import annotations

import pytest

from putright.accounts.models import Role
from putright.cases.models import Event, EventKind
from putright.cases.services import Actor, case_respond
from putright.letters.rendering import letter_for, render_letter
from putright.meetings.services import review_report_send

pytestmark = pytest.mark.django_db


def response_letter(case):
    event = Event.objects.filter(case=case, kind=EventKind.RESPONDED).order_by("sequence").last()
    spec = letter_for(case, event)
    assert spec is not None
    _, html = render_letter(case, event, spec, list(case.events.order_by("sequence")))
    return html


def test_the_senior_manager_review_response_is_signed_by_the_senior_manager(
    escalated, users, clock
):
    case = escalated("senior_manager_review")
    senior = users[Role.SENIOR_MANAGER]
    handler = users[Role.COMPLAINT_HANDLER]
    clock(2026, 3, 17, 11)
    review_report_send(
        case=case, to=senior.username, html="<p>The report</p>", actor=Actor(handler)
    )
    clock(2026, 4, 2, 11)
    case.refresh_from_db()
    case = case_respond(
        case=case, actor=Actor(senior), outcome="upheld", text="We will fix the gutter."
    )
    html = response_letter(case)
    signature = html[html.index('class="signature"') :]
    assert str(senior) in signature.split("</p>")[0]


def test_another_route_is_signed_by_the_handler(escalated, users, clock):
    case = escalated("compensation_review", about=("compensation",))
    clock(2026, 3, 17, 11)
    case.refresh_from_db()
    manager = users[Role.SENIOR_MANAGER]
    case = case_respond(case=case, actor=Actor(manager), outcome="upheld", text="We agree.")
    html = response_letter(case)
    signature = html[html.index('class="signature"') :].split("</p>")[0]
    assert str(case.handler or "The complaints team") in signature
