"""Five journeys through the demo landlord, each from the front page, in Debian's Chromium.

(a) A resident complains with a photo and follows the case with a code; (b) a handler records
a phone complaint and takes it through stage 2 to closure; (c) compensation above the
proposer's authority waits for the role the policy names, who approves it; (d) a board member
downloads the reports and the board pack as PDF; (e) a handler sends a letter and opens it as a
PDF. Each moves by clicking links and buttons as its user would, on the demo's own data
(``putright demo``), and every page is checked with axe-core against WCAG 2.2 AA.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from putright.cases.models import Case, EventKind, Status
from putright.letters.models import Correspondence
from putright.organisations.models import Organisation
from putright.policies.registry import get_pack
from putright.remedies.models import Award, AwardStatus
from putright.system.demo import DemoReport, load_demo
from tests.staff import test_browser
from tests.staff.test_browser import CHROMIUM, Handler

#: Debian's Chromium driven by Playwright (tests/staff/test_browser.py's fixture).
chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium (/usr/bin/chromium) is not installed"
    ),
]


@pytest.fixture
def demo() -> DemoReport:
    """The demo landlord, as ``putright demo`` loads it."""
    return load_demo()


@pytest.fixture
def user(chromium, live_server) -> Handler:
    """Whoever is at the browser, with axe-core run on every page they land on."""
    return Handler(chromium, live_server.url)


def main_text(who: Handler) -> str:
    return who.page.locator("main").inner_text()


def sign_in_from_the_front(who: Handler, username: str, password: str) -> None:
    """From the front page: "Sign in as staff", then the username and password."""
    who.go("/")
    who.click("Sign in as staff", role="link")
    assert who.heading() == "Sign in to PutRight"
    who.page.get_by_label("Username").fill(username)
    who.page.get_by_label("Password").fill(password)
    who.click("Sign in")
    assert who.page.get_by_role("button", name=re.compile("^Sign out")).count() == 1


def sign_out(who: Handler) -> None:
    who.page.get_by_role("button", name=re.compile("^Sign out")).click()
    who.audit()


def find_case(who: Handler, reference: str) -> None:
    """Search for a reference: an exact one opens the case."""
    who.nav("Search")
    who.page.get_by_label("Reference, customer name, postcode or words").fill(reference)
    who.click("Search")
    assert who.page.url.endswith(f"/cases/{reference}/"), who.page.url


def pdf_behind(who: Handler, link) -> str:
    """The text of the PDF a link leads to, fetched with the signed-in browser's cookies."""
    href = link.get_attribute("href")
    answer = who.page.request.get(who.base_url + href if href.startswith("/") else href)
    assert answer.status == 200, href
    assert answer.headers["content-type"] == "application/pdf", href
    body = answer.body()
    assert body.startswith(b"%PDF"), href
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def answer(page, decision: str, words: str, reasons: str) -> None:
    """The decision overall and on the complaint's first point, with words to the resident."""
    page.get_by_role("group", name="What is the decision overall?").get_by_label(
        decision, exact=True
    ).check()
    page.get_by_label("Your words to the resident").fill(words)
    point = page.get_by_role("group", name=re.compile("^Point 1"))
    if point.get_by_label("What the customer raised").count():
        description = point.get_by_label("What the customer raised")
        if not description.input_value():
            description.fill("The engineer missed two appointments")
    point.get_by_label("What you found").fill(reasons)
    point.get_by_role("group", name="Decision on this point").get_by_label(
        decision, exact=True
    ).check()
    point.get_by_label("Reasons on this point").fill(reasons)


# -- (a) a resident ----------------------------------------------------------------------------


def test_a_a_resident_complains_with_a_photo_and_follows_it_with_a_code(demo, user, tmp_path):
    page = user.page
    user.go("/")
    assert user.heading() == "Make a complaint to your landlord"
    user.click("Make a complaint to Meadowbank Housing", role="link")
    assert user.heading() == "Make a complaint or tell us what you think"
    # How else to complain: the landlord's own phone number and address.
    others = main_text(user)
    assert "by phone, by letter or in person" in others
    meadowbank = Organisation.objects.get(slug="meadowbank")
    assert meadowbank.contact_phone in others
    assert meadowbank.contact_address.splitlines()[-1] in others
    assert (
        page.get_by_role("link", name=meadowbank.contact_phone)
        .get_attribute("href")
        .startswith("tel:")
    )

    user.click("Start now", role="button")
    if user.heading() == "What would you like to do?":
        page.get_by_label("Make a complaint").check()
        user.click("Continue")
    page.get_by_label("It is for me").check()
    user.click("Continue")
    page.get_by_label("In a few words, what is your complaint about?").fill(
        "Water coming through the bathroom ceiling"
    )
    user.click("Continue")
    page.get_by_label("What happened?").fill(
        "Water has dripped through the bathroom ceiling for three weeks since the flat above "
        "had a leak. Nobody has come to look."
    )
    weeks_ago = timezone.localdate() - datetime.timedelta(days=21)
    page.get_by_label("Day").fill(str(weeks_ago.day))
    page.get_by_label("Month").fill(str(weeks_ago.month))
    page.get_by_label("Year").fill(str(weeks_ago.year))
    user.click("Continue")
    page.get_by_label("What would put things right?").fill("Fix the leak and repaint.")
    user.click("Continue")

    photo = tmp_path / "ceiling.png"
    Image.new("RGB", (64, 48), (120, 110, 90)).save(photo)
    page.get_by_label("Upload a file").set_input_files(str(photo))
    user.click("Continue")

    assert user.heading() == "Your contact details"
    page.get_by_label("Full name").fill("Jo Resident")
    page.get_by_label("E-mail address").fill("jo.resident@example.org")
    page.get_by_label("E-mail", exact=True).check()
    user.click("Continue")
    user.click("Continue")  # nothing to do differently

    assert user.heading() == "Check your answers before sending your complaint"
    assert "ceiling.png" in page.locator(".govuk-summary-list").inner_text()
    user.click("Send complaint")
    panel = page.locator(".govuk-panel").inner_text()
    reference = re.search(r"MBH-\d{4}-\d{5}", panel).group(0)
    case = Case.objects.get(reference=reference)
    assert case.attachments.get().content_type == "image/png"

    # -- later, from the front page: follow it with a one-time code ------------------------
    user.go("/")
    user.click("Follow your complaint", role="link")
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("E-mail address or phone number").fill("jo.resident@example.org")
    user.click("Send me a code")
    assert user.heading() == "Enter your code"
    message = next(m for m in mail.outbox if m.subject.startswith("Your code"))
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    page.get_by_label("Enter the 6-digit code").fill(code)
    user.click("Continue")
    assert user.heading() == "Your complaint"
    followed = main_text(user)
    assert reference in followed
    assert "Water coming through the bathroom ceiling" in followed
    assert len(user.audited) >= 12


# -- (b) a complaint handler ---------------------------------------------------------------------


def test_b_a_handler_takes_a_phone_complaint_through_stage_2_to_closure(demo, user):
    page = user.page
    sign_in_from_the_front(user, "handler", demo.password)
    user.nav("Record a contact")
    page.get_by_label("Organisation").select_option(label="Meadowbank Housing")
    page.get_by_label("Phone", exact=True).first.check()
    page.get_by_label("Complaint", exact=True).check()
    page.get_by_label("Customer's full name").fill("Robin Ellis")
    page.get_by_label("E-mail address").fill("robin.ellis@example.org")
    page.get_by_label("Postcode").fill("m4 9zz")
    page.get_by_label("Summary in a few words").fill("Boiler repair missed twice")
    page.get_by_label("What happened?").fill(
        "The engineer missed two appointments and nobody called to rearrange."
    )
    happened = timezone.localdate() - datetime.timedelta(days=20)
    page.get_by_label("When did it happen?").fill(happened.isoformat())
    page.get_by_label("What would put it right?").fill("Fix the boiler and say sorry.")
    user.click("Check against the policy")
    assert "Before you save" in page.locator("#check").inner_text()
    user.click("Record the contact")
    reference = re.search(r"MBH-\d{4}-\d{5}", user.banner()).group(0)
    case = Case.objects.get(reference=reference)
    assert case.channel == "phone"
    assert user.stage() == "Complaint, Stage 1 · Open"

    user.action("Acknowledge")
    page.get_by_label("Phone").check()
    point = page.get_by_role("group", name=re.compile("^Point 1"))
    point.get_by_label("What the resident is unhappy about").fill(
        "The engineer missed two appointments"
    )
    point.get_by_label("The outcome they want").fill("A working boiler and an apology")
    user.click("Acknowledge")
    assert "Acknowledged." in user.banner()

    user.action("Respond")
    answer(
        page,
        "Partly upheld",
        "We missed two appointments. A new engineer will visit this week.",
        "The appointments were missed and nobody called to rearrange.",
    )
    user.click("Respond")
    assert "Response recorded." in user.banner()

    user.action("Escalate")
    page.get_by_label("Why does the customer remain dissatisfied?").fill(
        "The boiler still does not work after the third visit."
    )
    user.click("Escalate")
    assert user.stage() == "Complaint, Stage 2 · Open"
    user.action("Acknowledge")
    page.get_by_label("Letter").check()
    user.click("Acknowledge")
    # Someone other than who answered stage 1 answers stage 2 (the Code, 6.13).
    assert "Respond" not in user.buttons()
    sign_out(user)

    sign_in_from_the_front(user, "manager", demo.password)
    find_case(user, reference)
    user.action("Respond")
    answer(
        page,
        "Upheld",
        "We should have fixed it first time. The boiler is replaced and we apologise.",
        "A third visit did not fix the boiler: it has now been replaced.",
    )
    user.click("Respond")
    assert "Response recorded." in user.banner()
    user.action("Close")
    page.get_by_label("Resolved").check()
    user.click("Close")
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.stage == "stage2"
    assert "Closed" in user.stage()


# -- (c) compensation above authority --------------------------------------------------------


def test_c_compensation_above_authority_waits_for_the_role_the_policy_names(demo, user):
    page = user.page
    harbourside = Organisation.objects.get(slug="harbourside")
    pack = get_pack(harbourside.policy_pack)
    second = [s.id for s in pack.stages if s.formal and s.level == 2]
    case = (
        Case.objects.filter(organisation=harbourside, stage__in=second)
        .exclude(status=Status.CLOSED)
        .exclude(awards__isnull=False)
        .order_by("pk")
        .first()
    )
    assert case is not None, "the demo has an open stage 2 case at Harbourside"

    # The complaints manager may not award £1,200 at stage 2: the policy asks the EMT.
    sign_in_from_the_front(user, "manager", demo.password)
    find_case(user, case.reference)
    user.tab("Remedies")
    user.click("Propose compensation", role="button")
    part = page.get_by_role("group", name="Part 1")
    part.get_by_label("Financial loss").check()
    part.get_by_label("Amount in pounds").fill("1200.00")
    part.get_by_label("Description").fill("A carpet and a bed ruined by the leak")
    part.get_by_label("Evidence").fill("Receipts for the replacements")
    page.get_by_label("Why this amount?").fill("The cost of replacing what the leak ruined.")
    user.click("Propose compensation")
    award = Award.objects.get(case=case)
    assert award.status == AwardStatus.PENDING_APPROVAL
    assert "£1,200.00" in main_text(user)
    sign_out(user)

    # The board member decides awards above £5,000 only: this one is not theirs.
    sign_in_from_the_front(user, "board", demo.password)
    user.nav("Approvals")
    assert f"£1,200.00 on {case.reference}" not in main_text(user)
    sign_out(user)

    # The senior manager (the policy's EMT) approves it.
    sign_in_from_the_front(user, "senior", demo.password)
    user.nav("Approvals")
    page.get_by_role("link", name=f"Approve £1,200.00 on {case.reference}").click()
    user.audit()
    user.click("Approve")
    award.refresh_from_db()
    assert award.status != AwardStatus.PENDING_APPROVAL
    assert "You approved" in user.banner()


# -- (d) the reports and the board pack ----------------------------------------------------------


def test_d_a_board_member_downloads_the_reports_and_the_board_pack_as_pdf(demo, user):
    page = user.page
    sign_in_from_the_front(user, "board", demo.password)
    user.nav("Reports")
    assert user.heading() == "Reports"
    page.get_by_label("Organisation").select_option(label="Harbourside Homes")
    user.click("Performance report")
    assert "Harbourside Homes" in main_text(user)
    for name in (
        "Quarterly board pack",
        "Annual complaints performance and service improvement report",
    ):
        user.click(name, role="link")
        assert "Harbourside Homes" in user.heading(), name
        text = pdf_behind(user, page.get_by_role("link", name="Download as PDF"))
        assert "Harbourside Homes" in text, name
        page.go_back()
        user.audit()


# -- (e) a letter ------------------------------------------------------------------------------


def test_e_a_handler_sends_a_letter_and_opens_it_as_a_pdf(demo, user):
    page = user.page
    case = (
        Case.objects.filter(
            organisation__slug="meadowbank",
            status=Status.OPEN,
            events__kind=EventKind.ACKNOWLEDGED,
            correspondence__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    assert case is not None, "the demo has an acknowledged case with no letter sent"
    sign_in_from_the_front(user, "handler", demo.password)
    find_case(user, case.reference)
    user.tab("Correspondence")
    page.get_by_role("link", name=re.compile("^Preview and send")).first.click()
    user.audit()
    before = Correspondence.objects.filter(case=case).count()
    send = page.get_by_role("button", name="Send this letter")
    send.scroll_into_view_if_needed()
    with page.expect_navigation():
        send.click()
    user.audit()
    letter = Correspondence.objects.filter(case=case).order_by("-pk").first()
    assert Correspondence.objects.filter(case=case).count() > before
    user.tab("Correspondence")
    text = pdf_behind(user, page.get_by_role("link", name=letter.subject).first)
    assert f"Dear {case.customer.name}" in text
    assert case.reference in text


# -- what a newcomer meets when something is not there -----------------------------------------


def test_pages_that_are_not_there_are_the_products_own(demo, user):
    """Django's debug pages are off: an address with nothing behind it, or a case the board
    member may not open, is a styled "Page not found" that says what to do next."""
    page = user.page
    user.go("/no-such-page/")
    assert user.heading() == "Page not found"
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('.govuk-service-navigation')).backgroundColor"
    )
    assert colour not in ("", "rgba(0, 0, 0, 0)"), colour  # GOV.UK Frontend's stylesheet
    user.click("Go to the start", role="link")
    assert user.heading() == "Make a complaint to your landlord"

    case = Case.objects.filter(organisation__slug="meadowbank").order_by("pk").first()
    sign_in_from_the_front(user, "board", demo.password)
    answer = page.goto(f"{user.base_url}/cases/{case.reference}/")
    assert answer.status == 404
    user.audit()
    assert user.heading() == "Page not found"
    assert "URLconf" not in page.content()
    user.click("Go to your work", role="link")
