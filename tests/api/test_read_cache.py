"""Reading a case: the answer as the ORM reads it and Django Ninja renders it, its ETag,
and never a stale answer.

Every kind of writer changes the case some other way (an action, a note, a remedy, a link
made from another case, the sweep, the date, an edit behind the services' back); after
each, the next read must be exactly what reading the case afresh gives, with a new ETag.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest

from putright.accounts.models import AccessLog, ApiToken, Role, User
from putright.accounts.tokens import token_revoke
from putright.api.api import api
from putright.api.cases import case_detail
from putright.api.cases import render as _render
from putright.api.schemas import CaseOut
from putright.cases.access import access_case
from putright.cases.models import Case, CaseIssue, CaseMember
from putright.cases.services import Actor, case_receive, sweep
from putright.organisations.services import organisation_add_closure_day, organisation_create
from putright.people.models import Person

from .conftest import Api, api_for, at, make_user

MANAGER = Role.COMPLAINTS_MANAGER
HANDLER = Role.COMPLAINT_HANDLER


def ninja_render(data: dict[str, Any]) -> bytes:
    """What Django Ninja renders for a CaseOut answer: validated, dumped, encoded by the
    API's renderer."""
    dumped = CaseOut.model_validate(data).model_dump()
    rendered: bytes = api.renderer.render(None, dumped, response_status=200)  # type: ignore[arg-type]
    return rendered


def fresh(user: User, case: Case) -> bytes:
    """The answer as the ORM reads and Django Ninja renders it, with no cache involved."""
    return ninja_render(case_detail(access_case(user, case.reference, record=False), user))


def read(client: Api, case: Case, **headers: str):
    return client.client.get(f"/api/v1/cases/{case.reference}", **client.headers(), **headers)


def answer(client: Api, case: Case) -> bytes:
    response = read(client, case)
    assert response.status_code == 200, response.content
    return response.content


def test_a_second_read_is_the_same_answer_and_etag(apis, users, receive):
    case = receive()
    first = read(apis[HANDLER], case)
    assert first.content == fresh(users[HANDLER], case)
    second = read(apis[HANDLER], case)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_reading_a_case_costs_the_same_queries_however_long_its_chronology(
    apis, receive, django_assert_num_queries
):
    case = receive()
    answer(apis[HANDLER], case)
    for n in range(20):
        _act(apis[HANDLER], case, "note", {"text": f"Note {n}"})
    # The token with its user and their roles, and the one query for the case with its
    # events, issues and links: never a query per event.
    with django_assert_num_queries(2):
        answer(apis[HANDLER], case)


def _act(client: Api, case: Case, action: str, body: dict[str, Any]) -> None:
    response = client.post(f"/cases/{case.reference}/{action}", body)
    assert response.status_code in (200, 201), response.content


def _acknowledge(apis, users, case, clock) -> None:
    _act(apis[HANDLER], case, "acknowledge", {"method": "email"})


def _note(apis, users, case, clock) -> None:
    _act(apis[HANDLER], case, "note", {"text": "Rang the customer back"})


def _remedy(apis, users, case, clock) -> None:
    _act(apis[HANDLER], case, "remedies", {"kind": "apology", "description": "We are sorry."})


def _award(apis, users, case, clock) -> None:
    body = {
        "components": [{"kind": "goodwill", "amount_pence": 5000, "description": "Missed visits"}],
        "reasoning": "The impact of three missed visits",
    }
    _act(apis[HANDLER], case, "awards", body)


def _linked_from_another_case(apis, users, case, clock) -> None:
    other = Case.objects.exclude(pk=case.pk).get(summary="Another matter")
    _act(apis[HANDLER], other, "link", {"other": case.reference, "kind": "related"})


def _a_day_passes(apis, users, case, clock) -> None:
    clock(2026, 3, 24, 10)  # the day after the response was due: missed now


def _customer_edited(apis, users, case, clock) -> None:
    Person.objects.filter(pk=case.customer_id).update(phone="07700 900999")


def _handler_renamed(apis, users, case, clock) -> None:
    User.objects.filter(pk=users[HANDLER].pk).update(display_name="Hana Renamed")


def _issue_edited(apis, users, case, clock) -> None:
    CaseIssue.objects.filter(case=case).update(description="Edited in the admin")


def _closure_day(apis, users, case, clock) -> None:
    organisation_add_closure_day(
        organisation=case.organisation, date=datetime.date(2026, 3, 18), name="Office move"
    )


WRITERS: dict[str, Callable[..., None]] = {
    "an action": _acknowledge,
    "a note": _note,
    "a remedy": _remedy,
    "a compensation award": _award,
    "a link made from another case": _linked_from_another_case,
    "a day passing": _a_day_passes,
    "the customer's details edited directly": _customer_edited,
    "the handler renamed": _handler_renamed,
    "an issue edited directly": _issue_edited,
    "a closure day": _closure_day,
}


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_every_change_is_in_the_next_read(apis, users, receive, clock, writer):
    case = receive()
    CaseIssue.objects.create(case=case, number=1, description="The repair was missed")
    receive(summary="Another matter")
    case = Case.objects.get(pk=case.pk)
    case.handler = users[HANDLER]
    case.save(update_fields=["handler"])
    before = read(apis[MANAGER], case)
    assert read(apis[MANAGER], case)["ETag"] == before["ETag"]

    writer(apis, users, Case.objects.get(pk=case.pk), clock)

    after = read(apis[MANAGER], case)
    assert after.content != before.content
    assert after["ETag"] != before["ETag"]
    assert after.content == fresh(users[MANAGER], Case.objects.get(pk=case.pk))


def test_what_the_sweep_does_is_in_the_next_read(clock, org, receive, customer):
    southern = organisation_create(
        slug="southern", name="Southern", policy_pack="southern-housing-2020"
    )
    reader = make_user("southern_manager", southern, Role.COMPLAINTS_MANAGER)
    client = api_for(reader)
    clock(2026, 3, 2, 10)
    case = receive(
        organisation=southern,
        person=Person.objects.create(organisation=southern, name="Sam Resident"),
        kind="dissatisfaction",
        received_at=at(2026, 3, 2, 10),
    )
    clock(2026, 3, 9, 7)
    before = answer(client, case)

    assert sweep().actions >= 1

    after = answer(client, case)
    assert after != before
    assert after == fresh(reader, Case.objects.get(pk=case.pk))
    assert "chased" in [e["kind"] for e in json.loads(after)["events"]]


@pytest.mark.parametrize("reader", [MANAGER, Role.PANEL_MEMBER])
def test_answers_are_rendered_as_django_ninja_renders_them(apis, users, cases, reader):
    named = cases["named"]
    _act(apis[MANAGER], named, "note", {"text": "Panel meets on Friday"})
    _act(apis[MANAGER], cases["ordinary"], "link", {"other": named.reference, "kind": "related"})
    # The linked case put to the panel too: a reader is only shown links to cases they see.
    CaseMember.objects.create(
        case=cases["ordinary"], user=users[Role.PANEL_MEMBER], role="panel_member"
    )
    CaseIssue.objects.create(case=named, number=1, description="Damp", outcome="upheld")
    data = case_detail(access_case(users[reader], named.reference, record=False), users[reader])
    assert data["links"]
    assert data["issues"]
    assert data["customer"] is not None

    assert _render(None, CaseOut, data) == ninja_render(data)  # type: ignore[arg-type]
    assert answer(apis[reader], named) == ninja_render(data)


def test_a_case_without_customer_or_staff_and_awkward_text_reads_as_afresh(clock, org, users, apis):
    case = case_receive(
        organisation=org,
        kind="complaint",
        channel="web_form",
        received_at=at(2026, 3, 2, 10),
        summary='Quotes " and \\ backslashes, accents é, emoji 🏠',
        actor=Actor.system(),
        customer=None,
        flags=["anonymous"],
    )
    _act(apis[HANDLER], case, "note", {"text": 'Line one\nline two, "quoted", tab\there ✓'})
    assert Case.objects.get(pk=case.pk).handler_id is None

    assert answer(apis[MANAGER], case) == fresh(users[MANAGER], case)
    assert json.loads(answer(apis[MANAGER], case))["customer"] is None


def test_etag_answers_304_until_the_case_changes(apis, receive):
    case = receive()
    handler = apis[HANDLER]
    first = read(handler, case)
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"

    unchanged = read(handler, case, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    assert read(handler, case, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304

    _act(handler, case, "note", {"text": "Called back"})
    changed = read(handler, case, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert [e["kind"] for e in changed.json()["events"]][-1] == "note"


def test_reading_a_restricted_case_is_logged_every_time_even_when_unchanged(apis, cases):
    restricted = cases["restricted"]
    manager = apis[MANAGER]
    etag = read(manager, restricted)["ETag"]
    assert answer(manager, restricted)
    assert read(manager, restricted, HTTP_IF_NONE_MATCH=etag).status_code == 304

    logged = AccessLog.objects.filter(
        case_reference=restricted.reference, action="read restricted case"
    )
    assert logged.count() == 3


def test_what_a_reader_may_see_is_decided_on_every_read(apis, users, cases):
    named = cases["named"]
    panel = json.loads(answer(apis[Role.PANEL_MEMBER], named))
    full = json.loads(answer(apis[MANAGER], named))
    again = json.loads(answer(apis[Role.PANEL_MEMBER], named))

    assert panel["customer"]["redacted"] is True
    assert "phone" not in panel["customer"] or panel["customer"]["phone"] in ("", None)
    assert full["customer"]["phone"] == "07700 900123"
    assert again == panel
    for outsider in ("outsider", Role.BOARD_MEMBER):
        assert read(apis[outsider], named).status_code == 404
    assert read(apis[HANDLER], cases["restricted"]).status_code == 404


def test_a_revoked_token_is_refused_on_the_next_read(users, receive):
    case = receive()
    client = api_for(users[HANDLER])
    assert answer(client, case)
    token_revoke(token=ApiToken.objects.get(user=users[HANDLER]))
    assert read(client, case).status_code == 401


def test_an_expired_token_is_refused_at_once(users, receive, clock):
    case = receive()
    client = api_for(users[HANDLER], days=1)
    assert answer(client, case)
    clock(2026, 3, 17, 10, 1)
    assert read(client, case).status_code == 401


def test_an_unknown_case_is_404_in_the_api_error_shape(handler_api):
    response = handler_api.get("/cases/NOPE-2026-00001")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_answer_of_the_day_before_is_not_served_after_midnight(apis, users, receive, clock):
    case = receive()
    clock(2026, 3, 16, 23, 59)
    answer(apis[HANDLER], case)
    clock(2026, 3, 17, 0, 1)
    assert answer(apis[HANDLER], case) == fresh(users[HANDLER], case)
