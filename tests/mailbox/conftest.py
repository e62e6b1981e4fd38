"""Fixtures: an organisation with one user per role, a customer known by e-mail, open case,
messages as a mail client writes them, and an IMAP server on a thread."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from putright.accounts.models import Role
from putright.cases.services import Actor, case_receive
from putright.organisations.services import organisation_create
from putright.people.models import Person
from tests.api.conftest import at, make_user

from .imap_server import Mailstore, serve

NOW = (2026, 3, 16, 10)  # a Monday
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def clock(time_machine):
    def move(*args):
        time_machine.move_to(at(*args), tick=False)
        return at(*args)

    move(*NOW)
    return move


@pytest.fixture
def org(db):
    return organisation_create(slug="north-homes", name="North Homes", policy_pack="hos-code-2024")


@pytest.fixture
def other_org(db):
    return organisation_create(slug="south-homes", name="South Homes", policy_pack="hos-code-2024")


@pytest.fixture
def users(clock, org, other_org):
    made = {role.value: make_user(role.value, org, role.value) for role in Role}
    made["outsider"] = make_user("outsider", other_org, *Role.values)
    return made


@pytest.fixture
def customer(org):
    return Person.objects.create(organisation=org, name="Pat Resident", email="pat@example.org")


@pytest.fixture
def case(clock, org, users, customer):
    clock(2026, 3, 2, 10)
    made = case_receive(
        organisation=org,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 2, 10),
        summary="Repairs not done",
        customer=customer,
        actor=Actor(users["complaint_handler"]),
    )
    clock(2026, 3, 16, 10)
    return made


def make_message(
    *,
    sender: str = "Pat Resident <pat@example.org>",
    to: str = "complaints@north.example",
    subject: str = "My boiler is still broken",
    body: str = "I reported it three weeks ago and nobody came.",
    message_id: str = "<m1@mail.example.org>",
    attachment: tuple[str, str, bytes] | None = ("photo.pdf", "application/pdf", PDF),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Mon, 16 Mar 2026 09:15:00 +0000"
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    if attachment is not None:
        name, content_type, content = attachment
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


@pytest.fixture
def imap():
    store = Mailstore(user="complaints@north.example", password="s3cret pass")
    server, port = serve(store)
    store.port = port  # type: ignore[attr-defined]
    yield store
    server.shutdown()
    server.server_close()
