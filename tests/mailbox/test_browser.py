"""Through the pages, in Debian's Chromium: an e-mail with an attachment arrives through the
signed webhook, a handler finds it under "E-mail in", opens it and records it as a new case
with its attachment; a message that could not be read is listed with why. An administrator
adds a webhook subscription, sends it a test event and sees the attempt. Every page is checked
with axe-core (WCAG 2.2 AA). Screenshots are kept under /tmp/mail-journey/."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from putright.accounts.models import Membership, Role, User
from putright.cases.models import Case
from putright.mailbox.models import Source
from putright.mailbox.services import message_receive
from putright.organisations.services import organisation_create
from putright.people.models import Person
from tests.staff import test_browser
from tests.staff.test_browser import CHROMIUM, Handler

from .conftest import make_message

chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

PASSWORD = "a-long-staff-password"
SHOTS = Path("/tmp/mail-journey")


def staff(username: str, organisation, role: str) -> User:
    user = User.objects.create_user(username, display_name=username.title())
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def sign_in(who: Handler, username: str) -> None:
    who.go("/sign-in/")
    who.page.get_by_label("Username").fill(username)
    who.page.get_by_label("Password").fill(PASSWORD)
    who.click("Sign in")


def shot(who: Handler, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    who.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_email_becomes_a_case_and_a_webhook_is_tested(chromium, live_server, settings):
    settings.PUTRIGHT_WEBHOOKS_ALLOW_HTTP = True
    organisation = organisation_create(
        slug="north-homes", name="North Homes", policy_pack="hos-code-2024"
    )
    staff("hana", organisation, Role.COMPLAINT_HANDLER)
    staff("ada", organisation, Role.ADMINISTRATOR)
    Person.objects.create(organisation=organisation, name="Pat Resident", email="pat@example.org")
    message_receive(organisation=organisation, raw=make_message(), source=Source.WEBHOOK)
    message_receive(organisation=organisation, raw=b"garbled", source=Source.IMAP)
    who = Handler(chromium, live_server.url)

    sign_in(who, "hana")
    who.nav("E-mail in")
    assert who.heading() == "E-mail waiting to be classified"
    assert "Could not be read" in who.page.content()
    shot(who, "1-waiting")
    who.click("My boiler is still broken", role="link")
    assert "Pat Resident" in who.summary("Customer")
    assert "photo.pdf" in who.page.content()
    shot(who, "2-message")
    who.click("Record as a new case", role="link")
    who.page.get_by_label("Summary in a few words").fill("")
    who.click("Record the case")
    assert "There is a problem" in who.errors()
    shot(who, "3-error")
    who.page.get_by_label("Summary in a few words").fill("Boiler not repaired")
    who.click("Record the case")
    case = Case.objects.get()
    assert who.heading().startswith(case.reference) or case.reference in who.page.content()
    assert case.attachments.get().name == "photo.pdf"
    shot(who, "4-case")
    who.page.get_by_role("button", name="Sign out").click()

    received: list[bytes] = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sign_in(who, "ada")
        who.nav("Webhooks")
        who.click("Add a subscription", role="link")
        who.page.get_by_label("Address to send to").fill(
            f"http://127.0.0.1:{server.server_address[1]}/hooks"
        )
        who.page.get_by_label("Case closed").check()
        shot(who, "5-add")
        who.click("Add the subscription")
        assert who.heading() == "Subscription added"
        shot(who, "6-secret")
        who.click("See the subscription and its deliveries", role="link")
        who.click("Send a test event")
        assert "Test event delivered (HTTP 204" in who.page.content()
        shot(who, "7-deliveries")
    finally:
        server.shutdown()
        server.server_close()
    assert len(received) == 1
