"""In a browser, as staff would: behaviour recorded, a warning, a restriction decided by the
role the policy names, its review on the decider's My work, an appeal given to a senior
manager of another directorate and decided by them, each letter a PDF; axe-core checks every
page. Dates are checked against a count by hand of working days (weekends and England's
bank holidays)."""

from __future__ import annotations

import datetime
import re

import holidays
import pytest
from django.utils import timezone

from putright.accounts.models import Role, User
from putright.cases.services import Actor, case_receive
from putright.people.models import ContactRestriction, Person, PersonLetter
from tests.staff.conftest import PASSWORD, give_role
from tests.staff.test_browser import CHROMIUM, LAUNCH_ARGS, Handler, sign_in_again

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]

HPG = "housing-plus-group-2021"


@pytest.fixture
def chromium(monkeypatch):
    """A page in Debian's Chromium, as ``tests/staff/test_browser.py`` makes one; the page's
    Content-Security-Policy is bypassed only so that axe-core can be injected."""
    from django.db import connection, connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            connections.close_all()
            context.close()
            browser.close()


def by_hand(start: datetime.date, working_days: int) -> datetime.date:
    """The Nth working day after ``start``: weekdays that are not England's bank holidays."""
    england = holidays.country_holidays("GB", subdiv="ENG", years=range(start.year, start.year + 2))
    day, counted = start, 0
    while counted < working_days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in england:
            counted += 1
    return day


def words(day: datetime.date) -> str:
    return day.strftime("%a %-d %b %Y")


def staff(username: str, organisation, role: str, directorate: str = "") -> User:
    user = User.objects.create_user(username, display_name=username.title(), password=PASSWORD)
    user.directorate = directorate
    user.save()
    return give_role(user, organisation, role)


def test_a_warning_a_restriction_its_review_and_an_appeal_to_another_directorate(
    chromium, live_server, organisation_on
):
    org = organisation_on(HPG)
    hana = staff("hana", org, Role.COMPLAINT_HANDLER)
    staff("sam", org, Role.SENIOR_MANAGER, "Housing")
    staff("otto", org, Role.SENIOR_MANAGER, "Finance")
    staff("sue", org, Role.SENIOR_MANAGER, "housing")
    person = Person.objects.create(
        organisation=org,
        name="Alex Kowalski",
        address="50 Park View",
        postcode="CH65 8GG",
        reasonable_adjustments="Hearing loss: prefers writing",
    )
    case = case_receive(
        organisation=org,
        kind="complaint",
        channel="letter",
        received_at=timezone.now() - datetime.timedelta(hours=1),
        summary="The stairwell lights are out",
        actor=Actor(hana),
        customer=person,
    )
    today = timezone.localdate()
    handler = Handler(chromium, live_server.url)
    page = chromium

    handler.go("/work/")
    page.get_by_label("Username").fill("hana")
    page.get_by_label("Password").fill(PASSWORD)
    handler.click("Sign in")
    handler.go(f"/people/{person.pk}/")

    # -- recognise the behaviour, then a warning letter --------------------------------------
    handler.click("Record behaviour", role="link")
    assert "Hearing loss: prefers writing" in page.locator(".govuk-inset-text").inner_text()
    page.get_by_label("Unreasonable levels of contact").check()
    page.get_by_label("What happened").fill("Forty calls in a day to the repairs line.")
    page.get_by_label("When it happened").fill(today.isoformat())
    handler.click("Record behaviour")
    assert "Behaviour recorded." in handler.banner()
    handler.click("Send a warning letter", role="link")
    assert handler.heading() == "Send a warning letter"
    page.get_by_label("Unreasonable levels of contact").check()
    page.get_by_label("The behaviour, as the letter will say it").fill("Forty calls in a day.")
    page.get_by_label("The behaviour must change by").fill(
        (today + datetime.timedelta(days=14)).isoformat()
    )
    handler.click("Send a warning letter")
    assert "Warning recorded" in handler.banner()
    assert page.get_by_role("link", name=re.compile("Your behaviour towards us: a warning")).count()
    assert not page.get_by_role("link", name="Restrict contact").count()  # for the decider

    # -- a restriction, by the role the policy names ------------------------------------------
    sign_in_again(handler, "sam")
    handler.go(f"/people/{person.pk}/")
    handler.click("Restrict contact", role="link")
    page.get_by_label("Unreasonable levels of contact").check()
    page.get_by_label("The behaviour, as the letter will say it").fill("The calls went on.")
    page.get_by_label("Contact limited to a single form (writing, e-mail or telephone)").check()
    page.get_by_label("Reasons, and who was consulted").fill("With the Customer Complaint Team.")
    page.get_by_label("60 days").check()
    handler.click("Restrict contact")
    assert "Say which ways of contact stay open" in handler.errors()
    page.get_by_label("Letter", exact=True).check()
    handler.click("Restrict contact")
    restriction = ContactRestriction.objects.get(level="restriction")
    appeal_by = by_hand(today, 20)
    assert restriction.appeal_by == appeal_by
    assert f"Appeal by {appeal_by:%-d %B %Y}" in handler.banner()
    review = page.locator("summary", has_text="Review the restriction").inner_text()
    assert "60" not in review
    assert words(restriction.review_on) in review
    letter = PersonLetter.objects.get(template="restriction_imposed")
    pdf = page.request.get(f"{live_server.url}/people/{person.pk}/letters/{letter.pk}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    assert words(appeal_by) in letter.html

    # -- its review is on the decider's My work ----------------------------------------------
    handler.nav("My work")
    assert "Review the restriction" in page.locator("body").inner_text()

    # -- the case page shows it wherever staff act --------------------------------------------
    handler.go(f"/cases/{case.reference}/")
    assert "contact only by letter" in page.locator("body").inner_text()

    # -- an appeal, given to someone of another directorate ---------------------------------
    sign_in_again(handler, "hana")
    handler.go(f"/people/{person.pk}/")
    handler.click("Record an appeal", role="link")
    choices = page.locator("#decider").inner_text()
    assert "Otto (Finance)" in choices
    assert "Sam" not in choices
    assert "Sue" not in choices
    page.get_by_label("What the appeal says").fill("I called about a leak.")
    page.get_by_label("Otto (Finance)").check()
    handler.click("Record an appeal")
    assert "Appeal recorded and given to Otto." in handler.banner()

    sign_in_again(handler, "otto")
    body = page.locator("body").inner_text()
    assert "Decide the appeal against the restriction" in body
    handler.go(f"/people/{person.pk}/")
    handler.click("Decide the appeal", role="link")
    page.get_by_label("Not upheld").check()
    page.get_by_label("Explanation (it goes in the letter)").fill("Forty calls stopped others.")
    handler.click("Decide the appeal")
    assert "Appeal decided: appeal not upheld." in handler.banner()
    outcome = PersonLetter.objects.get(template="restriction_appeal_outcome")
    assert "Housing Ombudsman" in outcome.html
    assert "Otto" in outcome.html
    pdf = page.request.get(f"{live_server.url}/people/{person.pk}/letters/{outcome.pk}.pdf")
    assert pdf.body().startswith(b"%PDF")

    assert not handler.failed, handler.failed
    assert len(handler.audited) >= 12, handler.audited
