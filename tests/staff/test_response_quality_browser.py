"""A three-point complaint from its definition to a response checked against the Code, sent
as a letter with its action tracked, and the quarter's quality review a board member reads;
every page checked with axe-core in Debian's Chromium. Screenshots under /tmp/quality/."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from putright.accounts.models import Membership, Role, User
from putright.cases.models import Case, EventKind
from putright.cases.services import Actor
from putright.letters.services import letter_send
from putright.remedies.models import RemedyAction

from . import test_browser
from .conftest import PASSWORD
from .test_browser import CHROMIUM, Handler
from .test_journey_browser import sign_in
from .test_pages import received

chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium (/usr/bin/chromium) is not installed"
    ),
]

SHOTS = Path("/tmp/quality")
POINTS = [
    (
        "The kitchen tap leaked for six weeks before it was repaired",
        "Compensation for the cupboard",
    ),
    ("Two repair appointments were missed without a call", "An apology from the contractor"),
    ("The first report was not logged", "To know why the report was lost"),
]


def sign_in_as(who: Handler, username: str) -> None:
    """Sign in (whatever page the role lands on)."""
    who.go("/sign-in/")
    who.page.get_by_label("Username").fill(username)
    who.page.get_by_label("Password").fill(PASSWORD)
    who.click("Sign in")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def decide(page, number: int, decision: str, **parts: str) -> None:
    point = page.get_by_role("group", name=f"Point {number}:")
    for label, text in parts.items():
        point.get_by_label(label.replace("_", " ").capitalize(), exact=True).fill(text)
    point.get_by_role("group", name="Decision on this point").get_by_label(
        decision, exact=True
    ).check()


def test_a_three_point_complaint_is_defined_answered_checked_sent_and_reviewed(
    chromium, live_server, caseworker, complaints_manager, code_org
):
    page = chromium
    handler = Handler(page, live_server.url)
    case = received(code_org, caseworker, service_area="Repairs")
    Membership.objects.get_or_create(
        user=complaints_manager, organisation=code_org, role=Role.COMPLAINTS_MANAGER
    )
    complaints_manager.set_password(PASSWORD)
    complaints_manager.save()
    board = User.objects.create_user("board", password=PASSWORD, display_name="Bea Board")
    Membership.objects.create(user=board, organisation=code_org, role=Role.BOARD_MEMBER)

    # -- the complaint defined at acknowledgement, point by point ---------------------------
    sign_in(handler, "handler")
    handler.go(f"/cases/{case.reference}/")
    handler.action("Acknowledge")
    page.get_by_label("E-mail", exact=True).check()
    for number, (description, sought) in enumerate(POINTS, start=1):
        point = page.get_by_role("group", name=f"Point {number} of the complaint", exact=True)
        point.get_by_label("What the resident is unhappy about").fill(description)
        point.get_by_label("The outcome they want").fill(sought)
        if number < len(POINTS):
            handler.click("Add another point")
    shot(page, "acknowledge-three-points")
    handler.click("Acknowledge")
    assert "Acknowledged." in handler.banner()
    assert [p.description for p in Case.objects.get().points.all()] == [d for d, _ in POINTS]

    # -- answered point by point, one action outstanding, checked before sending ------------
    handler.action("Respond")
    assert page.locator("#response-checks").inner_text().count("has no decision") == 3
    page.get_by_role("group", name="What is the decision overall?").get_by_label(
        "Upheld", exact=True
    ).check()
    page.get_by_label("Your words to the resident").fill(
        "We are sorry. We let you down on the repair and on the appointments."
    )
    decide(
        page,
        1,
        "Upheld",
        what_you_found="The repair took 42 days against our target of 20.",
        reasons_on_this_point="Our repairs policy gives 20 working days for a routine repair.",
        what_puts_it_right="We will pay you £75 for the damaged cupboard.",
    )
    due = timezone.localdate() + datetime.timedelta(days=14)
    first = page.get_by_role("group", name="Point 1:")
    first.get_by_label("Anything still to do (optional)").fill("Replace the cupboard base")
    first.get_by_label("Who will do it").select_option("manager")
    first.get_by_label("When it will be done").fill(due.isoformat())
    decide(
        page,
        2,
        "Upheld",
        what_you_found="The contractor missed both appointments.",
        reasons_on_this_point="Our service standards promise a call if a visit is missed.",
        what_puts_it_right="The contractor's manager has written to apologise.",
    )
    handler.click("Check the response")
    checks = page.locator("#response-checks").inner_text()
    assert "Point 3 (The first report was not logged) has no decision" in checks
    assert "Code 6.7" in checks
    assert "Reading ease" in page.locator("#reading-ease").inner_text()
    shot(page, "respond-checked")
    handler.click("Respond")
    assert "Choose the decision on this point" in handler.errors()
    assert not Case.objects.get().issues.exists()
    decide(
        page,
        3,
        "Partly upheld",
        what_you_found="Your first call was logged at your neighbour's address.",
        reasons_on_this_point="It was recorded, but at the wrong address.",
        what_puts_it_right="We have corrected the record.",
    )
    handler.click("Respond")
    assert "Response recorded." in handler.banner()
    action = RemedyAction.objects.get()
    assert (action.description, action.owner, action.due_on) == (
        "Replace the cupboard base",
        complaints_manager,
        due,
    )

    # -- sent as a letter the resident can follow --------------------------------------------
    sequence = Case.objects.get().events.get(kind=EventKind.RESPONDED).sequence
    handler.go(f"/cases/{case.reference}/letters/{sequence}/")
    shot(page, "response-letter-preview")
    assert (
        "Point 3: The first report was not logged"
        in page.frame_locator("iframe").locator("body").inner_text()
    )
    letter = letter_send(case=Case.objects.get(), sequence=sequence, actor=Actor(caseworker))
    letter.pdf.open("rb")
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(letter.pdf.read())).pages
    )
    assert "Point 3: The first report was not logged" in text
    assert f"Still to do. Replace the cupboard base, by {due:%a %-d %b %Y}." in text
    assert "Stage 2" in text
    assert "Housing Ombudsman" in text

    # -- the quarter's sample reviewed by a manager ------------------------------------------
    page.locator("button", has_text="Sign out").first.click()
    sign_in_as(handler, "manager")
    handler.go("/quality/")
    page.get_by_role("group", name="Which quarter?").locator("input").first.check()
    handler.click("Choose the responses")
    assert "chosen for review" in handler.banner()
    handler.click(f"Review {case.reference}", role="link")
    shot(page, "quality-review")
    assert page.get_by_label("It sets out the complaint as understood", exact=False).is_checked()
    for standard, mark in (("Tone", "4"), ("Plain English", "3"), ("Accuracy", "4")):
        page.get_by_role("group", name=standard).get_by_label(mark, exact=False).first.check()
    page.get_by_label("Comments for the person who sent it").fill("Clear and complete.")
    handler.click("Save the review")
    assert "Review of" in handler.banner()

    # -- the board's summary: scores by service area, no one named ---------------------------
    page.locator("button", has_text="Sign out").first.click()
    sign_in_as(handler, "board")
    handler.go("/reports/")
    handler.click(
        "How well our formal responses meet the Complaint Handling Code and our own standards",
        role="link",
    )
    assert handler.heading() == "Quality of responses: summary"
    assert "Repairs" in page.locator("#chart-by-service-area").inner_text()
    assert "Hana Handler" not in page.content()
    shot(page, "quality-summary-board")
    assert not handler.failed
