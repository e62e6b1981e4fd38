"""The mail endpoints and pages against every role and a user of another organisation.

- The mailbox (the sender's address and words: personal data) is read by those who record
  contacts (complaint handlers, managers, senior managers, complaints managers, API clients)
  and administrators; nobody else sees that a message exists (404).
- Classifying a message is for those who record contacts; an administrator may read it but
  not classify it (403).
- A user of another organisation sees nothing of this one.
- The inbound webhook takes no token: its signature is its authority.
"""

from __future__ import annotations

import pytest

from putright.accounts.models import Role
from putright.api.api import api
from putright.mailbox.models import IncomingMessage, MessageStatus, Source
from putright.mailbox.services import message_receive
from tests.api.conftest import api_for

from .conftest import make_message

READERS = {
    "complaint_handler",
    "manager",
    "senior_manager",
    "complaints_manager",
    "api_client",
    "administrator",
}
CLASSIFIERS = READERS - {"administrator"}
USERS = [*Role.values, "outsider"]

BODIES = {
    "new-case": {"kind": "complaint", "summary": "Boiler"},
    "add-to-case": {"reference": "NOPE-2026-00001"},
    "not-a-complaint": {"reason": "Junk mail"},
}


def test_every_mail_endpoint_is_in_this_matrix():
    paths = {
        path.removeprefix("/api/v1")
        for path in api.get_openapi_schema()["paths"]
        if path.startswith("/api/v1/mail/")
    }
    assert paths == {
        "/mail/inbound/{organisation}",
        "/mail/messages",
        "/mail/messages/{message_id}",
        *{f"/mail/messages/{{message_id}}/{name}" for name in BODIES},
    }


@pytest.fixture
def message(org, users):
    return message_receive(organisation=org, raw=make_message(), source=Source.WEBHOOK).message


@pytest.mark.parametrize("user", USERS)
def test_reading_messages(users, message, user):
    client = api_for(users[user])
    listed = client.get("/mail/messages")
    assert listed.status_code == 200
    ids = [m["id"] for m in listed.json()]
    one = client.get(f"/mail/messages/{message.pk}")
    if user in READERS:
        assert ids == [message.pk]
        assert one.status_code == 200
        assert one.json()["sender_email"] == "pat@example.org"
    else:
        assert ids == []
        assert one.status_code == 404
        assert "pat@example.org" not in one.text


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("action", ["not-a-complaint", "new-case"])
def test_classifying_messages(users, message, user, action):
    answer = api_for(users[user]).post(f"/mail/messages/{message.pk}/{action}", BODIES[action])
    expected = 200 if user in CLASSIFIERS else 403 if user in READERS else 404
    assert answer.status_code == expected, answer.text
    status = IncomingMessage.objects.get().status
    assert (status != MessageStatus.WAITING) == (expected == 200)


@pytest.mark.parametrize("user", USERS)
def test_the_staff_pages(client, users, message, user):
    client.force_login(users[user])
    page = client.get(f"/mail/{message.pk}/")
    assert page.status_code == (200 if user in READERS else 404)
    raw = client.get(f"/mail/{message.pk}/raw/")
    assert raw.status_code == (200 if user in READERS else 404)
    listed = client.get("/mail/")
    assert (message.subject in listed.text) == (user in READERS)
    form = client.get(f"/mail/messages/{message.pk}/not-a-complaint/")
    assert form.status_code == (200 if user in READERS else 404)


def test_an_unknown_message_and_a_hidden_one_answer_alike(users, message):
    outsider = api_for(users["outsider"])
    hidden = outsider.get(f"/mail/messages/{message.pk}")
    missing = outsider.get(f"/mail/messages/{message.pk + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["message"].replace(str(message.pk), "N") == missing.json()[
        "error"
    ]["message"].replace(str(message.pk + 1000), "N")


def test_a_missing_reference_is_a_message_beside_the_field(users, message):
    answer = api_for(users["complaint_handler"]).post(
        f"/mail/messages/{message.pk}/add-to-case", BODIES["add-to-case"]
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {
        "reference": "There is no open case NOPE-2026-00001 of North Homes."
    }
