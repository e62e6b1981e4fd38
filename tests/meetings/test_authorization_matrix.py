"""Every meetings and review endpoint, and every meetings page, against every role and a user
of another organisation.

The rules, restated: a case's meetings and review are reached through the case, so those who
may not see it get 404 (a panel member or an investigating officer not named on it, a board
member, anyone of another organisation); those who see it but whose role does not allow the
action get 403; the rest reach the service, which may still refuse with 409 or 422 for the
state of the case, never with 401, 403 or 404. Reading is for all who see the case.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from putright.accounts.access import ACTION_ROLES, MEETING_ACTIONS
from putright.accounts.models import Role
from putright.actions.meetings import MEETING_ACTIONS as DECLARED
from putright.api.api import api
from putright.cases.services import Actor
from putright.meetings import services
from putright.meetings.services import AttendeeIn
from tests.api.conftest import api_for, at

pytestmark = pytest.mark.django_db

OUTSIDER = "outsider"
USERS = [role.value for role in Role] + [OUTSIDER]
READERS = {
    Role.COMPLAINT_HANDLER,
    Role.MANAGER,
    Role.SENIOR_MANAGER,
    Role.COMPLAINTS_MANAGER,
    Role.ADMINISTRATOR,
    Role.DATA_PROTECTION_OFFICER,
    Role.API_CLIENT,
}
STEP = {"occurred_at": None}
BODIES: dict[str, dict[str, Any]] = {
    "case_meeting_book": {
        "kind": "call",
        "starts_at": "2026-03-20T10:00:00",
        "ends_at": "2026-03-20T10:30:00",
        "location": "Telephone",
        "attendees": [{"part": "senior_manager", "username": "senior_manager"}],
    },
    "case_meeting_rebook": {
        "starts_at": "2026-03-23T10:00:00",
        "ends_at": "2026-03-23T10:30:00",
        "reason": "Moved",
    },
    "case_meeting_cancel": {"reason": "Not needed"},
    "case_meeting_held": {},
    "case_meeting_minutes": {"minutes": "We talked."},
    "case_meeting_wish": {"wish": "call"},
    "case_review_report_send": {},
    "case_panel_summary_send": {},
    "case_panel_letter_draft": {"outcome": "upheld", "text": "Upheld."},
    "case_panel_letter_agree": {},
    "case_panel_letter_send": {},
}
PERMISSION = {f"case_{a.name.replace('-', '_')}": a.permission for a in DECLARED}


def operations() -> list[tuple[str, str, str]]:
    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        path = path.removeprefix("/api/v1")
        if path.startswith(("/cases/{reference}/meetings", "/cases/{reference}/review")):
            for method, operation in methods.items():
                found.append((operation["operationId"], method, path))
    return sorted(found)


def test_every_meeting_action_is_declared_permitted_and_in_this_matrix():
    assert {a.permission for a in DECLARED} == set(MEETING_ACTIONS)
    posts = {op for op, method, _ in operations() if method == "post"}
    assert posts == set(BODIES) == set(PERMISSION)


def expected(user: str, operation_id: str, method: str) -> set[int]:
    if user == OUTSIDER or user not in READERS:
        return {404}
    if method == "get":
        return {200}
    if user not in ACTION_ROLES[PERMISSION[operation_id]]:
        return {403}
    return {200, 201, 400, 409, 422}


@pytest.fixture
def world(escalated, users, clock):
    case = escalated("senior_manager_review")
    clock(2026, 3, 11, 9)
    meeting = services.meeting_book(
        case=case,
        kind="call",
        starts_at=at(2026, 3, 19, 10),
        ends_at=at(2026, 3, 19, 11),
        location="Telephone",
        attendees=[AttendeeIn(part="senior_manager", username="senior_manager")],
        actor=Actor(users[Role.COMPLAINTS_MANAGER]),
    )
    return case, meeting


@pytest.mark.parametrize(
    ("operation_id", "method", "path", "user"),
    [pytest.param(*op, user) for op in operations() for user in USERS],
)
def test_api_matrix(world, users, operation_id, method, path, user):
    case, meeting = world
    client = api_for(users[user], days=None)
    url = path.replace("{reference}", case.reference).replace("{meeting_id}", str(meeting.pk))
    answer = client.get(url) if method == "get" else client.post(url, BODIES[operation_id])
    assert answer.status_code in expected(user, operation_id, method), answer.content[:300]


def _page_rows() -> list[Any]:
    rows = [
        pytest.param(a.name, a.staff_path, a.permission, user) for a in DECLARED for user in USERS
    ]
    rows += [pytest.param("review", "cases/<str:reference>/review/", "", user) for user in USERS]
    rows += [
        pytest.param(
            "invitation", "cases/<str:reference>/meetings/<int:meeting_id>/invite.ics", "", user
        )
        for user in USERS
    ]
    return rows


@pytest.mark.parametrize(("name", "staff_path", "permission", "user"), _page_rows())
def test_staff_page_matrix(world, users, name, staff_path, permission, user):
    case, meeting = world
    client = Client()
    client.force_login(users[user])
    url = "/" + staff_path.replace("<str:reference>", case.reference).replace(
        "<int:meeting_id>", str(meeting.pk)
    )
    answer = client.get(url)
    if user == OUTSIDER or user not in READERS:
        assert answer.status_code == 404
    elif permission and user not in ACTION_ROLES[permission]:
        assert answer.status_code == 403
    else:
        assert answer.status_code == 200


def test_a_panel_member_named_on_the_panel_sees_its_meetings_but_not_contact_details(
    escalated, users, clock
):
    case = escalated("complaint_review_panel")
    clock(2026, 3, 11, 9)
    services.meeting_book(
        case=case,
        kind="panel_meeting",
        starts_at=at(2026, 3, 26, 10),
        ends_at=at(2026, 3, 26, 12),
        location="Office",
        attendees=[
            AttendeeIn(part="senior_manager", username="senior_manager", seat="senior_manager"),
            AttendeeIn(
                part="resident_panel_member", username="panel_member", seat="involved_resident"
            ),
            AttendeeIn(part="customer", person_id=case.customer_id),
        ],
        actor=Actor(users[Role.COMPLAINTS_MANAGER]),
    )
    panel = api_for(users[Role.PANEL_MEMBER], days=None)
    seen = panel.get(f"/cases/{case.reference}/meetings")
    assert seen.status_code == 200
    assert {a["email"] for a in seen.json()[0]["attendees"]} == {""}
    # Named on the panel, they still may not book or send anything.
    refused = panel.post(f"/cases/{case.reference}/meetings", BODIES["case_meeting_book"])
    assert refused.status_code == 403
