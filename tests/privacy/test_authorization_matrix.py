"""Who may do what with personal data: every data protection endpoint and page, for every
role in the person's organisation and for an outsider holding every role elsewhere.

The data protection officer of the person's organisation alone reads and acts on requests
and the retention schedule (other roles there: 403; an outsider: 404, whether or not it
exists). A legal hold is placed and lifted by managers and the officer on a case they see;
those who cannot see the case are told it does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from putright.accounts.access import CASE_READERS, MANAGERS, PRIVACY_ACTIONS
from putright.accounts.models import Role
from putright.actions.privacy import LEGAL_HOLD_ACTIONS
from putright.actions.privacy import PRIVACY_ACTIONS as DECLARED
from putright.api.api import api
from putright.cases.services import Actor, case_close, case_receive
from putright.people.models import Person
from putright.privacy.models import DataRequest, LegalHold, RequestStatus
from putright.privacy.requests import legal_hold_place, request_record
from putright.staff.urls import urlpatterns
from tests.api.conftest import at

pytestmark = pytest.mark.django_db

DPO = Role.DATA_PROTECTION_OFFICER
USERS = [*Role.values, "outsider"]


def officer_only(ok: int) -> Callable[[str], int]:
    def expected(user: str) -> int:
        if user == DPO:
            return ok
        return 404 if user == "outsider" else 403

    return expected


def hold_takers(ok: int) -> Callable[[str], int]:
    def expected(user: str) -> int:
        if user == "outsider" or user not in CASE_READERS:
            return 404  # they cannot see the (unrestricted, unassigned) case
        return ok if user in MANAGERS | {DPO} else 403

    return expected


@pytest.fixture
def world(dp_org, dp_users):
    """A person with one closed case; an erasure request, a subject access request just
    received and one exported for review; a second case on a legal hold."""
    officer = Actor(dp_users[DPO])
    handler = Actor(dp_users[Role.COMPLAINT_HANDLER])
    person = Person.objects.create(organisation=dp_org, name="Pat Example", tenure="tenant")
    cases = []
    for day in (2, 3):
        case = case_receive(
            organisation=dp_org,
            kind="complaint",
            channel="phone",
            received_at=at(2026, 2, day, 10),
            summary="The boiler",
            actor=handler,
            customer=person,
        )
        cases.append(case_close(case=case, actor=handler, reason="resolved"))
    legal_hold_place(case=cases[1], reason="A claim", actor=officer)
    erasure = request_record(person=person, kind="erasure", actor=officer)
    received = request_record(person=person, kind="subject_access", actor=officer)
    exported = request_record(person=person, kind="subject_access", actor=officer)
    exported.export.save("subject-access-test.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    DataRequest.objects.filter(pk=exported.pk).update(
        status=RequestStatus.EXPORTED, exported_at=timezone.now()
    )
    return {
        "person": person.pk,
        "case": cases[0].reference,
        "held": cases[1].reference,
        "erasure": erasure.pk,
        "received": received.pk,
        "exported": exported.pk,
    }


# (method, path, body, expected) with {placeholders} from the world
ENDPOINTS: dict[str, tuple[str, str, dict[str, Any] | None, Callable[[str], int]]] = {
    "privacy_requests": (
        "get",
        "/privacy/requests?organisation=north-homes",
        None,
        officer_only(200),
    ),
    "privacy_request_record": (
        "post",
        "/people/{person}/data-requests",
        {"kind": "subject_access"},
        officer_only(201),
    ),
    "privacy_request_read": ("get", "/privacy/requests/{received}", None, officer_only(200)),
    "privacy_request_decide": (
        "post",
        "/privacy/requests/{erasure}/decide",
        {"decision": "refuse", "reasons": "The case is still needed"},
        officer_only(201),
    ),
    "privacy_request_export": (
        "post",
        "/privacy/requests/{received}/export",
        {},
        officer_only(201),
    ),
    "privacy_request_release": (
        "post",
        "/privacy/requests/{exported}/release",
        {},
        officer_only(201),
    ),
    "privacy_request_download": (
        "get",
        "/privacy/requests/{exported}/export",
        None,
        officer_only(200),
    ),
    "privacy_retention": (
        "get",
        "/privacy/retention?organisation=north-homes",
        None,
        officer_only(200),
    ),
    "case_legal_hold": (
        "post",
        "/cases/{case}/legal-hold",
        {"reason": "A claim"},
        hold_takers(201),
    ),
    "case_legal_hold_lift": (
        "post",
        "/cases/{held}/legal-hold-lift",
        {"reason": "Settled"},
        hold_takers(201),
    ),
}


def test_every_data_protection_permission_is_a_declared_action_at_its_path():
    declared = [*DECLARED, *LEGAL_HOLD_ACTIONS]
    assert {a.permission for a in declared} == set(PRIVACY_ACTIONS)
    paths = set(api.get_openapi_schema()["paths"])
    for action in declared:
        assert f"/api/v1{action.path}" in paths, action.name


def test_every_data_protection_endpoint_is_in_the_matrix():
    mine = {
        operation["operationId"]
        for path, methods in api.get_openapi_schema()["paths"].items()
        for operation in methods.values()
        if path.startswith(("/api/v1/privacy/", "/api/v1/cases/{reference}/legal-hold"))
        or path.endswith("/data-requests")
    }
    assert mine == set(ENDPOINTS)


@pytest.mark.parametrize("operation", sorted(ENDPOINTS))
@pytest.mark.parametrize("user", USERS)
def test_endpoint_matrix(world, dp_apis, operation, user):
    method, path, body, expected = ENDPOINTS[operation]
    client = dp_apis[user]
    url = path.format(**world)
    if method == "get":
        base, _, query = url.partition("?")
        params = dict(p.split("=") for p in query.split("&")) if query else {}
        answer = client.get(base, params)
    else:
        answer = client.post(url, body)
    assert answer.status_code == expected(user), (user, answer.content[:300])
    if answer.status_code >= 400:
        assert answer.json()["error"]["message"]
    if operation == "case_legal_hold":
        placed = LegalHold.objects.filter(case__reference=world["case"]).exists()
        assert placed == (answer.status_code == 201)


# -- the pages: (method, path, form, expected) ----------------------------------------------

PAGES: dict[str, tuple[str, str, dict[str, Any] | None, Callable[[str], int]]] = {
    "privacy-requests": ("get", "/privacy/requests/", None, officer_only(200)),
    "privacy-request": ("get", "/privacy/requests/{received}/", None, officer_only(200)),
    "privacy-decide": (
        "post",
        "/privacy/requests/{erasure}/decide/",
        {"decision": "refuse", "reasons": "Still needed"},
        officer_only(302),
    ),
    "privacy-export": ("post", "/privacy/requests/{received}/export/", {}, officer_only(302)),
    "privacy-release": ("post", "/privacy/requests/{exported}/release/", {}, officer_only(302)),
    "privacy-download": ("get", "/privacy/requests/{exported}/download/", None, officer_only(200)),
    "privacy-retention": (
        "get",
        "/privacy/retention/?organisation=north-homes",
        None,
        officer_only(200),
    ),
    "privacy-request-record": (
        "post",
        "/people/{person}/data-requests/",
        {"kind": "erasure"},
        officer_only(302),
    ),
    "legal-hold": ("post", "/cases/{case}/legal-hold/", {"reason": "A claim"}, hold_takers(302)),
    "legal-hold-lift": (
        "post",
        "/cases/{held}/legal-hold-lift/",
        {"reason": "Settled"},
        hold_takers(302),
    ),
}


def test_every_data_protection_page_is_in_the_matrix():
    from putright.staff.views import privacy

    assert {p.name for p in privacy.urlpatterns} == set(PAGES)
    assert {p.name for p in urlpatterns if getattr(p, "name", None) in PAGES} <= set(PAGES)


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("user", USERS)
def test_page_matrix(world, dp_users, client, page, user):
    method, path, form, expected = PAGES[page]
    client.force_login(dp_users[user])
    url = path.format(**world)
    want = expected(user)
    if page == "privacy-requests" and user == "outsider":
        want = 200  # the outsider is an officer elsewhere: their own list, without these
    if method == "post":
        shown = client.get(url)
        assert shown.status_code == (200 if want == 302 else want), (user, shown.status_code)
        answer = client.post(url, form)
    else:
        answer = client.get(url)
    assert answer.status_code == want, (user, answer.content.decode()[-800:])
    if page == "privacy-requests" and user == "outsider":
        assert "Pat Example" not in answer.content.decode()
    if want == 200 and page != "privacy-download":
        assert b'class="govuk-heading-l"' in answer.content
