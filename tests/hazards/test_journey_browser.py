"""A resident's portal complaint about mould, with asthma mentioned, raises a hazard; staff
confirm it, record the investigation, send the written summary and record the safety work,
in Debian's Chromium, every page checked with axe-core against WCAG 2.2 AA. Screenshots of
the pages are kept under /tmp/hazard-journey/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from putright.accounts.models import Membership, Role, User
from putright.cases.models import Case
from putright.hazards.models import Hazard
from putright.organisations.services import organisation_create
from tests.staff import test_browser
from tests.staff.test_browser import CHROMIUM, Handler

chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]

SHOTS = Path("/tmp/hazard-journey")
PASSWORD = "a-long-staff-password"
WORDS = (
    "There is black mold all over the wall behind the bed and the ceiling has black spots. "
    "My son has asthma and he is coughing every night."
)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def make_complaint(who: Handler, slug: str) -> str:
    """Through the portal, answering each page as it comes; the reference given at the end."""
    page = who.page
    who.go(f"/resident/{slug}/")
    who.click("Start now")
    for _ in range(12):
        heading = who.heading()
        if heading.startswith("What would you like"):
            page.get_by_label("Make a complaint").check()
        elif "for yourself" in heading:
            page.get_by_label("It is for me").check()
        elif page.get_by_label("In a few words, what is your complaint about?").count():
            page.get_by_label("In a few words, what is your complaint about?").fill(
                "Mould in my son's bedroom"
            )
        elif page.get_by_label("What happened?").count():
            page.get_by_label("What happened?").fill(WORDS)
        elif heading.startswith("What would put"):
            page.get_by_label("What would put things right?").fill("Treat it and fix the cause.")
        elif heading == "Your contact details":
            page.get_by_label("Full name").fill("Jo Tenant")
            page.get_by_label("E-mail address").fill("jo@example.org")
            page.get_by_label("E-mail", exact=True).check()
        elif heading.startswith("Check your answers"):
            who.click("Send complaint")
            break
        who.click("Continue")
    panel = page.locator(".govuk-panel").inner_text()
    found = re.search(r"[A-Z0-9]+-\d{4}-\d{5}", panel)
    assert found, panel
    return found.group(0)


def test_a_mould_complaint_with_asthma_is_flagged_and_handled_under_awaabs_law(
    transactional_db, chromium, live_server
):
    organisation = organisation_create(
        slug="meadow", name="Meadow Homes", policy_pack="hos-code-2024"
    )
    staff = User.objects.create_user("handler", password=PASSWORD, display_name="Hana Handler")
    Membership.objects.create(user=staff, organisation=organisation, role=Role.COMPLAINT_HANDLER)
    who = Handler(chromium, live_server.url)
    page = chromium
    # A shared machine can be slow to answer the first pages: wait longer than the default.
    page.set_default_timeout(60000)
    page.set_default_navigation_timeout(60000)

    # -- 1. flagged: the resident's own words raise a suspected hazard ----------------------------
    reference = make_complaint(who, organisation.slug)
    hazard = Hazard.objects.get(case__reference=reference)
    assert (hazard.kind, hazard.status) == ("damp_mould", "suspected")

    who.go("/sign-in/")
    page.get_by_label("Username").fill("handler")
    page.get_by_label("Password").fill(PASSWORD)
    who.click("Sign in")
    who.go(f"/cases/{reference}/")
    card = page.locator(f"#hazard-{hazard.pk}")
    text = card.inner_text()
    assert "Damp and mould" in text
    assert "\u201cmold\u201d" in text
    assert "Respiratory illness" in text
    card.get_by_text("Why this date").first.click()
    assert "working days here skip weekends and bank holidays only" in card.inner_text().lower()
    shot(page, "1-flagged")

    # -- 2. confirm, with an error beside the field first -----------------------------------------
    card.get_by_role("link", name=re.compile("^Confirm the hazard")).click()
    who.audit()
    assert who.heading() == "Confirm the hazard"
    page.get_by_label("When it happened").fill("2035-01-01T10:00")
    who.click("Confirm the hazard")
    assert "That time is in the future" in page.locator("#occurred_at-error").inner_text()
    shot(page, "2-confirm-error")
    page.get_by_label("When it happened").fill("")
    who.click("Confirm the hazard")
    assert "Hazard confirmed as significant" in page.content()

    # -- 3. the investigation ends: the summary and safety work clocks start ------------------------
    card = page.locator(f"#hazard-{hazard.pk}")
    card.get_by_role("link", name=re.compile("^Record the investigation")).click()
    who.audit()
    page.get_by_label("What the investigation found").fill(
        "Mould on the north wall of the bedroom; the extractor fan in the bathroom has failed."
    )
    who.click("Record the investigation")
    card = page.locator(f"#hazard-{hazard.pk}")
    assert "Send the tenant the written summary" in card.inner_text()
    assert "Do the safety work" in card.inner_text()

    # -- 4. the written summary to the tenant, as a letter -------------------------------------------
    card.get_by_role("link", name=re.compile("^Send the written summary")).click()
    who.audit()
    page.get_by_label("What we will do, and when").fill(
        "Treat the mould this week and replace the extractor fan."
    )
    shot(page, "4-summary")
    who.click("Send the written summary")
    card = page.locator(f"#hazard-{hazard.pk}")
    assert "What we found about the hazard in your home" in card.inner_text()

    # -- 5. the safety work ---------------------------------------------------------------------------
    card.get_by_role("link", name=re.compile("^Record the home made safe")).click()
    who.audit()
    page.get_by_label("What was done").fill("Mould treated; fan replaced.")
    who.click("Record the home made safe")
    card = page.locator(f"#hazard-{hazard.pk}")
    assert "made safe" in card.inner_text().lower()
    shot(page, "5-made-safe")

    hazard.refresh_from_db()
    assert hazard.status == "made_safe"
    assert hazard.letters.count() == 1
    case = Case.objects.get(reference=reference)
    assert case.status == "open"  # the complaint goes on alongside
    assert not who.failed
