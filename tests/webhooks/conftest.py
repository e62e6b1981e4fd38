"""Fixtures: an organisation with one user per role, a customer, and an HTTP server on a
thread that records what it is sent and answers as it is told (500 once, then 200)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from putright.accounts.models import Role
from putright.organisations.services import organisation_create
from putright.people.models import Person
from tests.api.conftest import at, make_user

NOW = (2026, 3, 16, 10)


@dataclass
class Receiver:
    url: str = ""
    answers: list[int] = field(default_factory=list)  # the status of each request, then 200
    received: list[dict] = field(default_factory=list)


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(
                {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            )
            status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield state
    server.shutdown()
    server.server_close()


def body_of(request: dict) -> dict:
    return json.loads(request["body"])


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
    return Person.objects.create(
        organisation=org,
        name="Pat Resident",
        email="pat@example.org",
        phone="07700 900123",
        postcode="NT1 1AA",
    )
