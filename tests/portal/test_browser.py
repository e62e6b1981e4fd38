"""A resident makes a complaint, follows it and escalates it, in Debian's Chromium.

axe-core checks every page the resident sees against WCAG 2.2 AA. Skipped only when
/usr/bin/chromium is missing; the browser is never downloaded.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connections
from django.utils import timezone

import putright.staff
from putright.accounts.models import User
from putright.cases.models import Case, EventKind
from putright.cases.services import Actor, case_acknowledge, case_close, case_respond
from putright.letters.models import Correspondence
from putright.letters.rendering import letter_for, render_letter, render_pdf
from putright.portal.models import SatisfactionResponse

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(putright.staff.__file__).parent / "static" / "vendor" / "axe" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


class Resident:
    """A browser page that runs axe-core on every page it lands on."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.audited: list[str] = []

    def audit(self) -> None:
        self.page.wait_for_load_state("load")
        self.page.add_script_tag(url="/static/vendor/axe/axe.min.js")
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"])
            for v in result["violations"]
        ]
        assert not problems, f"{self.page.url}:\n" + "\n".join(problems)
        self.audited.append(self.page.url)

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.audit()

    def click(self, name: str, *, role: str = "button") -> None:
        self.page.get_by_role(role, name=name).first.click()
        self.audit()

    def heading(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()


def keep_letter(case, event):
    """The response letter as sent: rendered, kept as a PDF and listed for the resident."""
    spec = letter_for(case, event)
    subject, html = render_letter(case, event, spec, list(case.events.order_by("sequence")))
    letter = Correspondence(
        case=case,
        template=spec.template,
        event_sequence=event.sequence,
        subject=subject,
        channel="email",
        status="sent",
        recipient=case.customer.email,
        html=html,
        created_at=timezone.now(),
        sent_at=timezone.now(),
    )
    letter.pdf.save(f"{case.reference}.pdf", ContentFile(render_pdf(html)), save=False)
    letter.save()
    return letter


@pytest.fixture
def chromium(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # Database connections opened while Playwright ran belong to its greenlet's
            # context: close them here, or they outlive the test database.
            connections.close_all()


def test_resident_makes_follows_and_escalates_a_complaint(
    chromium, live_server, organisation_on, handler, tmp_path
):
    organisation = organisation_on("south-liverpool-homes-2021")
    # Its policy asks for reasons to escalate; the Code never does (6.12), and this
    # organisation does not apply that minimum, so the portal asks for them.
    organisation.code_floor_off = ["escalation_reasons"]
    organisation.save()
    resident = Resident(chromium, live_server.url)
    page = chromium

    # -- make a complaint ---------------------------------------------------------------
    resident.go(f"/resident/{organisation.slug}/")
    assert resident.heading() == "Make a complaint or tell us what you think"
    assert "Housing Ombudsman" in page.locator("aside").inner_text()
    resident.click("Start now", role="button")

    assert resident.heading() == "What would you like to do?"
    resident.click("Continue")  # nothing chosen: the error is shown beside the field
    assert "Choose what you would like to do." in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Make a complaint").check()
    resident.click("Continue")

    page.get_by_label("It is for me").check()
    resident.click("Continue")

    page.get_by_label("In a few words, what is your complaint about?").fill(
        "Kitchen tap still leaking"
    )
    resident.click("Continue")

    page.get_by_label("What happened?").fill(
        "The kitchen tap has leaked since January. Two visits have not fixed it."
    )
    # Past the Code's 12 months (the policy's 6 are raised to them: Code 2.3).
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    page.get_by_label("Day").fill(str(long_ago.day))
    page.get_by_label("Month").fill(str(long_ago.month))
    page.get_by_label("Year").fill(str(long_ago.year))
    resident.click("Continue")

    # The time limit is explained kindly, and does not stop the resident.
    assert resident.heading() == "We may not be able to look into this"
    page.get_by_label("Is there a reason you could not tell us sooner? (optional)").fill(
        "It has kept happening since then."
    )
    resident.click("Continue")

    page.get_by_label("What would put things right?").fill("Replace the tap this month.")
    resident.click("Continue")

    photo = tmp_path / "tap.pdf"
    photo.write_bytes(b"%PDF-1.4\n% a photo of the tap\n%%EOF\n")
    page.get_by_label("Upload a file").set_input_files(str(photo))
    resident.click("Continue")

    assert resident.heading() == "Your contact details"
    page.get_by_label("Full name").fill("Pat Resident")
    page.get_by_label("E-mail address").fill("pat@example.org")
    page.get_by_label("E-mail", exact=True).check()
    resident.click("Continue")

    page.get_by_label("Letters in large print").check()
    resident.click("Continue")

    assert resident.heading() == "Check your answers before sending your complaint"
    assert "tap.pdf" in page.locator(".govuk-summary-list").inner_text()
    resident.click("Send complaint")

    panel = page.locator(".govuk-panel").inner_text()
    reference = re.search(r"[A-Z0-9]+-\d{4}-\d{5}", panel).group(0)
    assert "We will contact you to confirm we have your complaint by" in page.content()
    case = Case.objects.get(reference=reference)
    assert case.attachments.count() == 1
    assert case.customer.accessibility_needs == "large print"

    # -- follow it with a one-time code -------------------------------------------------------
    page.get_by_role("link", name="Follow your complaint").click()
    resident.audit()
    page.get_by_label("Reference").fill(reference.lower())
    page.get_by_label("E-mail address or phone number").fill("PAT@example.org")
    resident.click("Send me a code")
    assert resident.heading() == "Enter your code"
    message = next(m for m in mail.outbox if m.subject.startswith("Your code"))
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    page.get_by_label("Enter the 6-digit code").fill(code)
    resident.click("Continue")
    assert resident.heading() == "Your complaint"
    assert "We are looking into your complaint" in page.content()

    # -- the handler acknowledges and responds; the response letter is sent -------------------
    actor = Actor(handler)
    case = case_acknowledge(case=case, actor=actor)
    case = case_respond(case=case, actor=actor, outcome="partly_upheld", text="The tap was late.")
    keep_letter(case, case.events.get(kind=EventKind.RESPONDED))

    resident.go("/resident/follow/case/")
    assert "We have replied" in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"\(PDF\)")).first.click()
    assert download.value.suggested_filename.endswith(".pdf")

    # -- take it further ------------------------------------------------------------------------
    resident.click("Take my complaint further", role="button")
    assert resident.heading() == "Take your complaint further"
    resident.click("Ask us to take it further")  # this policy asks for reasons
    assert "Tell us why you are unhappy" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Why are you unhappy with our response?").fill(
        "The tap is still leaking and nobody has been back."
    )
    resident.click("Ask us to take it further")
    assert "We have your request to take your complaint to" in page.content()
    case.refresh_from_db()
    assert case.stage == "stage2"
    assert case.events.filter(kind=EventKind.ESCALATION_REQUESTED).count() == 1

    # -- after the final response and closure: feedback ----------------------------------------
    case = case_acknowledge(case=case, actor=actor)
    reviewer = Actor(User.objects.create_user("reviewer"))  # someone else considers stage 2
    case = case_respond(case=case, actor=reviewer, outcome="upheld", text="We replaced the tap.")
    case = case_close(case=case, actor=actor, reason="resolved")
    resident.go("/resident/follow/case/")
    resident.click("Give feedback", role="button")
    page.get_by_label("Fairly satisfied").check()
    page.get_by_label("Is there anything else you would like to tell us? (optional)").fill(
        "Slow at first, then good."
    )
    resident.click("Send feedback")
    assert "Thank you for your feedback" in page.content()
    assert SatisfactionResponse.objects.get(case=case).score == 4

    assert len(resident.audited) >= 15
