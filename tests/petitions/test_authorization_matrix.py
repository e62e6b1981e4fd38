"""Every petition endpoint and page against every role, a user of another organisation, and
a petition about a member of staff.

The rules, restated: a petition is reached through its case, so those who may not see the
case get 404 (whether or not the petition exists); a user of another organisation sees
nothing. Recording and changing signatories, confirming the issues, recording the lead
contacted, writing to every petitioner, answering and recording who is unhappy are for
caseworkers; deciding an escalation is for managers (and, where the pack's
``petitions.escalation_decided_by`` is held by someone, only for them). A petition about a
member of staff is restricted like a conduct case: the complaints manager and those named on
it (its handler, the line manager) see it, and reading it is recorded.
"""

from __future__ import annotations

import pytest

from putright.accounts.access import ACTION_ROLES, PETITION_ACTIONS
from putright.accounts.models import AccessLog, Role
from putright.actions.petitions import PETITION_ACTIONS as DECLARED
from putright.api.api import api as ninja_api
from putright.cases.services import Actor
from putright.petitions import services
from putright.petitions.models import Signatory
from tests.api.conftest import api_for, make_user

from .conftest import signatories

pytestmark = pytest.mark.django_db

READERS = {
    "complaint_handler",
    "manager",
    "senior_manager",
    "complaints_manager",
    "administrator",
    "data_protection_officer",
    "api_client",
}
CASEWORKERS = {"complaint_handler", "manager", "senior_manager", "complaints_manager", "api_client"}
MANAGERS = {"manager", "senior_manager", "complaints_manager"}
USERS = [role.value for role in Role] + ["outsider"]

BODIES = {
    "petition-record": {"signatories": [{"name": "Ann Able", "postcode": "NT1 3ZZ"}]},
    "petition-signatory-add": {"name": "Zed Zebra", "address": "9 Elm Road", "postcode": "NT1 9ZZ"},
    "petition-signatory-change": {"postcode": "NT1 8ZZ"},
    "petition-signatory-remove": {"reason": "Signed twice"},
    "petition-clear": {"note": "The lift"},
    "petition-lead-contacted": {"how": "phone call"},
    "petition-acknowledge": {},
    "petition-update": {"text": "An engineer visits."},
    "petition-respond": {"outcome": "not_upheld", "text": "The lift works."},
    "petition-unhappy": {"numbers": [2]},
    "petition-decide": {"decision": "further_advice", "reasons": "Advice given."},
}


def allowed(user: str, permission: str) -> bool:
    roles = MANAGERS if permission == "petition-escalate" else CASEWORKERS
    return user in roles


def test_every_petition_action_is_in_the_matrix():
    assert {a.name for a in DECLARED} == set(BODIES)
    assert {a.permission for a in DECLARED} == PETITION_ACTIONS
    assert all(ACTION_ROLES[p] for p in PETITION_ACTIONS)
    documented = {path for path in ninja_api.get_openapi_schema()["paths"] if "/petition" in path}
    assert {f"/api/v1{a.path}" for a in DECLARED} <= documented


@pytest.mark.parametrize("action", [a for a in DECLARED], ids=lambda a: a.name)
def test_each_action_through_the_api_and_its_page(action, petition_case, users, existing_customer):
    actor = Actor(users["complaint_handler"])
    if action.name != "petition-record":
        services.petition_record(
            case=petition_case,
            actor=actor,
            signatories=[
                services.SignatoryIn(name="Ann Able", address="3 Oak Road", postcode="NT1 3ZZ")
            ],
        )
    from django.test import Client

    for user in USERS:
        path = action.path.replace("{reference}", petition_case.reference)
        page = "/" + action.staff_path.replace("<str:reference>", petition_case.reference)
        if "{signatory_id}" in path:
            line = Signatory.objects.filter(name="Ann Able").first() or services.signatory_add(
                case=petition_case, actor=actor, signatory=services.SignatoryIn(name="Ann Able")
            )
            path = path.replace("{signatory_id}", str(line.pk))
            page = page.replace("<int:signatory_id>", str(line.pk))
        client = Client()
        client.force_login(users[user])
        shown = client.get(page)
        if user not in READERS:
            assert shown.status_code == 404, (user, page)
        elif allowed(user, action.permission) or (
            action.name == "petition-record" and shown.status_code == 200
        ):
            assert shown.status_code in (200, 302), (user, page, shown.status_code)
        else:
            assert shown.status_code == 403, (user, page)
        answer = api_for(users[user]).post(path, BODIES[action.name])
        if user not in READERS:
            assert answer.status_code == 404, (user, answer.content)
        elif allowed(user, action.permission):
            assert answer.status_code not in (401, 403, 404), (user, answer.content)
        else:
            assert answer.status_code == 403, (user, answer.content)


def test_a_petition_about_staff_goes_to_their_line_manager_restricted(petition_case, users, org):
    officer = make_user("housing_officer", org, "complaint_handler")
    officer.line_manager = users["second_manager"]
    officer.save(update_fields=["line_manager"])
    handler = api_for(users["complaint_handler"])
    done = handler.post(
        f"/cases/{petition_case.reference}/petition",
        {"signatories": [{"name": "Ann Able"}], "against_staff": "housing_officer"},
    )
    assert done.status_code == 201, done.content
    petition_case.refresh_from_db()
    assert petition_case.conduct is True
    assert petition_case.handler == users["second_manager"]
    # The recorder, not named on it now, no longer sees it; the line manager and the
    # complaints manager do, and their reads are recorded.
    assert handler.get(f"/cases/{petition_case.reference}/petition").status_code == 404
    assert (
        api_for(users["manager"]).get(f"/cases/{petition_case.reference}/petition").status_code
        == 404
    )
    line_manager = api_for(users["second_manager"])
    assert line_manager.get(f"/cases/{petition_case.reference}/petition").status_code == 200
    assert (
        api_for(users["complaints_manager"])
        .get(f"/cases/{petition_case.reference}/petition")
        .status_code
        == 200
    )
    assert AccessLog.objects.filter(
        user=users["second_manager"], case_reference=petition_case.reference
    ).exists()


def test_a_member_of_staff_without_a_line_manager_is_refused_beside_the_field(
    petition_case, users, org
):
    make_user("lonely_officer", org, "complaint_handler")
    refused = api_for(users["complaint_handler"]).post(
        f"/cases/{petition_case.reference}/petition",
        {"signatories": [], "against_staff": "lonely_officer"},
    )
    assert refused.status_code == 400
    assert "no line manager" in refused.json()["error"]["fields"]["against_staff"]


def test_personal_details_are_hidden_from_those_without_a_need_to_know(
    petition_case, users, existing_customer
):
    from putright.petitions.selectors import petition_answer

    services.petition_record(
        case=petition_case,
        actor=Actor(users["complaint_handler"]),
        signatories=[services.SignatoryIn(**signatories(existing_customer)[0])],
    )
    shown = petition_answer(petition_case, personal=True)["signatories"][1]
    hidden = petition_answer(petition_case, personal=False)["signatories"][1]
    assert (shown["address"], shown["postcode"]) == ("2 Oak Road", "NT1 1AB")
    assert (hidden["address"], hidden["postcode"], hidden["name"]) == (None, None, "Sam Existing")


def test_a_petitioners_letter_is_for_those_who_see_contact_details(petition_case, users, clock):
    from django.test import Client

    from putright.petitions.models import Letter

    actor = Actor(users["complaint_handler"])
    services.petition_record(
        case=petition_case,
        actor=actor,
        signatories=[services.SignatoryIn(name="Ann Able", address="3 Oak Road")],
    )
    services.petition_acknowledge(case=petition_case, actor=actor)
    letter = Letter.objects.get(signatory__name="Ann Able")
    path = f"/cases/{petition_case.reference}/petition/letters/{letter.pk}.pdf"
    for user in USERS:
        client = Client()
        client.force_login(users[user])
        status = client.get(path).status_code
        assert status == (200 if user in READERS else 404), (user, status)
