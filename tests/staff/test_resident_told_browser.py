"""What a resident is told, through the pages, in Debian's Chromium (issue: the Code's rules
in every interface, and letters that are right and plain).

A customer who prefers the phone complains; the handler acknowledges, extends in their own
words and answers. The letters are previewed (the preview is the letter, not a blank frame),
sent in writing with a call beside them, and read back as PDF: plain titles, dates as dates,
the pack's words not its codes, the Ombudsman's details with the extension and the answer.
The resident's portal says what was actually sent. The stage 1 handler may not answer
stage 2, and the assignment page proposes someone else. A landlord whose policy offers no
extension shows no "Extend". Every page is checked with axe-core (WCAG 2.2 AA).
"""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from putright.accounts.models import Role, User
from putright.cases.models import Case, EventKind
from putright.cases.services import Actor, case_receive
from putright.letters.models import Correspondence
from putright.people.models import Person

from . import test_browser
from .conftest import PASSWORD, give_role
from .test_browser import CHROMIUM, Handler
from .test_journey_browser import decide_overall, fill_point, screenshot, sign_in

chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium (/usr/bin/chromium) is not installed"
    ),
]

ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
CODES = re.compile(r"\b[a-z]+_[a-z_]+\b")  # an id such as window_lapsed or third_party


def pdf_text(handler: Handler, url: str) -> str:
    response = handler.page.request.get(handler.base_url + url)
    assert response.status == 200, url
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    return "\n".join(page.extract_text() for page in reader.pages)


def preview_text(handler: Handler) -> str:
    return handler.page.frame_locator("iframe.app-letter-preview").locator("body").inner_text()


def send_letter(handler: Handler, title: str) -> Correspondence:
    """Preview the letter whose due-list entry starts with ``title``, check it, send it."""
    page = handler.page
    handler.tab("Correspondence")
    page.get_by_role("link", name=re.compile(f"^Preview and send {re.escape(title)}")).click()
    handler.audit()
    assert handler.heading().startswith(title), handler.heading()
    text = preview_text(handler)
    assert "Dear Sam Rivers" in text, text  # the preview is the letter, not a blank frame
    assert "1 High Street" in text, text
    assert not ISO_DATE.search(text), text
    assert ".." not in text, text
    count = Correspondence.objects.count()
    send = page.get_by_role("button", name="Send this letter")
    send.scroll_into_view_if_needed()  # the letter's frame above settles before the click
    with page.expect_navigation():
        send.click()
    handler.audit()
    assert Correspondence.objects.count() > count, page.locator("main").inner_text()
    return Correspondence.objects.order_by("-pk").first()


def test_a_resident_is_told_in_writing_what_happened_and_by_whom(
    chromium, live_server, caseworker, complaints_manager, code_org, organisation_on
):
    handler = Handler(chromium, live_server.url)
    page = chromium
    slh = organisation_on("south-liverpool-homes-2021")
    give_role(caseworker, slh, Role.COMPLAINT_HANDLER)
    reviewer = User.objects.create_user(
        "reviewer", password=PASSWORD, display_name="Rowan Reviewer"
    )
    give_role(reviewer, code_org, Role.COMPLAINTS_MANAGER)

    customer = Person.objects.create(
        organisation=code_org,
        name="Sam Rivers",
        email="sam@example.org",
        phone="07700 900123",
        preferred_contact="phone",
        address="1 High Street\nTownley",
        postcode="TN1 1AA",
        tenure="tenant",
    )
    case = case_receive(
        organisation=code_org,
        kind="complaint",
        channel="phone",
        received_at=timezone.now(),
        summary="Damp in the bedroom never treated",
        details="The damp was reported in the spring and nobody came.",
        actor=Actor(caseworker),
        customer=customer,
    )
    reference = case.reference
    slh_case = case_receive(
        organisation=slh,
        kind="complaint",
        channel="phone",
        received_at=timezone.now(),
        summary="Fence not repaired",
        actor=Actor(caseworker),
        customer=Person.objects.create(organisation=slh, name="Lee", email="lee@example.org"),
    )

    sign_in(handler, "handler")

    # -- point 6: a policy with no extension offers no "Extend" -------------------------------
    handler.go(f"/cases/{slh_case.reference}/")
    assert "Extend" not in handler.buttons()
    assert page.get_by_role("link", name="Extend", exact=True).count() == 0

    # -- acknowledge; extend in the handler's own words (Code 6.4) -----------------------------
    handler.go(f"/cases/{reference}/")
    handler.action("Acknowledge")
    page.get_by_label("E-mail", exact=True).check()
    handler.click("Acknowledge")
    assert "Acknowledged." in handler.banner()

    handler.action("Extend")
    assert page.locator("input[name=reason]").count() == 0  # the Code lists no reasons
    page.get_by_label("How many more working days?").fill("5")
    handler.click("Extend")
    assert "Choose a reason above, or explain it here." not in handler.errors()
    assert "Explain" in page.locator(".govuk-form-group--error").inner_text()
    page.get_by_label("Explain it to the customer").fill(
        "A damp specialist has to survey the bedroom before we can answer."
    )
    screenshot(page, "told-extend")
    handler.click("Extend")
    assert "Deadline extended." in handler.banner()

    # -- respond at stage 1 ---------------------------------------------------------------------
    handler.action("Respond")
    decide_overall(page, "Upheld", "We did not treat the damp when it was reported.")
    fill_point(page, 1, "Damp never treated", "Upheld", "The repair was never booked.")
    handler.click("Respond")
    assert "Response recorded." in handler.banner()

    # -- point 9 and 8: preview, send, read back as PDF -----------------------------------------
    send_letter(handler, "We need a little more time to reply")
    extension = Correspondence.objects.get(event_sequence__isnull=False, template="extension")
    text = pdf_text(handler, f"/cases/{reference}/letter-pdf/{extension.pk}/")
    assert "A damp specialist has to survey the bedroom" in text
    assert "Housing Ombudsman" in text  # with any extension (Code 6.5)
    assert not ISO_DATE.search(text)
    assert not CODES.search(text), CODES.findall(text)

    send_letter(handler, "Our response to your complaint")
    letters = list(Correspondence.objects.order_by("pk"))
    response = next(c for c in letters if c.template == "response")
    # In writing, by e-mail (the customer has an address), with a call beside it (point 3).
    assert response.channel == "email"
    assert any(c.template == "response:call" and c.status == "to_call" for c in letters)
    text = pdf_text(handler, f"/cases/{reference}/letter-pdf/{response.pk}/")
    assert "Dear Sam Rivers" in text
    assert "1 High Street" in text
    assert "Our reference: " + reference in text
    assert "The repair was never booked." in text
    assert "Housing Ombudsman" in text
    assert "template" not in text.lower()
    assert not ISO_DATE.search(text)
    assert ".." not in text
    screenshot(page, "told-correspondence")

    # -- point 3: the portal says what was actually sent ---------------------------------------
    resident_context = chromium.context.browser.new_context(viewport={"width": 1024, "height": 900})
    resident_page = resident_context.new_page()
    resident_page.set_default_timeout(15000)
    resident = Handler(resident_page, live_server.url)
    resident.go("/resident/follow/")
    resident_page.get_by_label("Reference").fill(reference)
    resident_page.get_by_label("E-mail address or phone number").fill("sam@example.org")
    resident.click("Send me a code")
    message = next(m for m in mail.outbox if m.subject.startswith("Your code"))
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    resident_page.get_by_label("Enter the 6-digit code").fill(code)
    resident.click("Continue")
    shown = resident_page.locator("main").inner_text()
    assert "We sent you our Stage 1 response by e-mail on" in shown, shown
    assert not ISO_DATE.search(shown)
    screenshot(resident_page, "told-portal")
    assert not resident.failed, resident.failed
    resident_context.close()

    # -- point 1: the stage 1 handler may not answer stage 2; someone else is proposed ---------
    handler.go(f"/cases/{reference}/")
    handler.action("Escalate")
    handler.click("Escalate")
    assert "Escalated." in handler.banner()
    assert "Respond" not in handler.buttons()
    handler.go(f"/cases/{reference}/assign/")
    hint = page.locator("#id_handler-hint").inner_text()
    assert "Rowan Reviewer" in hint
    assert "Hana Handler" not in hint
    handler.go(f"/cases/{reference}/respond/")
    decide_overall(page, "Not upheld", "Nothing to add.")
    fill_point(page, 1, "Damp never treated", "Not upheld", "Nothing to add.")
    handler.click("Respond")
    refusal = handler.errors()
    assert "answered this case at Stage 1" in refusal, refusal
    assert (
        not Case.objects.get(pk=case.pk)
        .events.filter(kind=EventKind.RESPONDED, stage="stage2")
        .exists()
    )
    screenshot(page, "told-stage2-refused")

    assert not handler.failed, handler.failed
    assert len(handler.audited) >= 12, handler.audited
