"""Through the pages, in Debian's Chromium: a determination with three findings and two orders
is recorded from the case page, the owner finds an order on My work and completes it with
evidence, and the Ombudsman is told; every page is checked with axe-core (WCAG 2.2 AA) under
the Content-Security-Policy. Screenshots are kept under /tmp/ombudsman-journey/."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from putright.accounts.models import Membership, Role, User
from putright.cases.services import Actor, case_receive
from putright.ombudsman.models import Determination, Order
from putright.organisations.services import organisation_create
from putright.people.models import Person
from tests.staff import test_browser
from tests.staff.test_browser import CHROMIUM, Handler

chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

PASSWORD = "a-long-staff-password"
SHOTS = Path("/tmp/ombudsman-journey")


def staff(username: str, name: str, organisation, role: str) -> User:
    user = User.objects.create_user(username, display_name=name, email=f"{username}@example.org")
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def sign_in(who: Handler, username: str) -> None:
    who.go("/sign-in/")
    who.page.get_by_label("Username").fill(username)
    who.page.get_by_label("Password").fill(PASSWORD)
    who.click("Sign in")
    assert who.heading() == "My work"


def sign_out(who: Handler) -> None:
    who.page.get_by_role("button", name="Sign out").click()


def shot(who: Handler, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    who.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_determination_is_recorded_and_an_order_completed_and_told(chromium, live_server):
    organisation = organisation_create(
        slug="north-homes", name="North Homes", policy_pack="southern-housing-2020"
    )
    handler = staff("hana", "Hana Handler", organisation, Role.COMPLAINT_HANDLER)
    staff("owen", "Owen Owner", organisation, Role.MANAGER)
    staff("carla", "Carla Relations", organisation, Role.COMPLAINTS_MANAGER)
    customer = Person.objects.create(organisation=organisation, name="Pat Resident")
    case = case_receive(
        organisation=organisation,
        kind="complaint",
        channel="phone",
        received_at=timezone.now() - datetime.timedelta(days=60),
        summary="Damp in the bedroom for a year",
        actor=Actor(handler),
        customer=customer,
    )
    today = timezone.localdate()
    who = Handler(chromium, live_server.url)

    sign_in(who, "hana")
    who.go(f"/cases/{case.reference}/")
    who.click("Record a determination", role="link")
    assert who.heading() == "Record the Ombudsman's determination"
    page = who.page
    page.get_by_label("Date of the determination").fill(str(today - datetime.timedelta(days=2)))
    page.get_by_label("Any appeal must reach the Ombudsman by").fill(
        str(today + datetime.timedelta(days=20))
    )
    page.get_by_label("The Ombudsman's reference").fill("202512345")
    for number, (point, category, finding) in enumerate(
        [
            ("The response to reports of damp", "Damp and mould", "Severe maladministration"),
            ("The handling of the repairs", "Repairs", "Maladministration"),
            ("The complaint handling", "Complaint handling", "Service failure"),
        ],
        start=1,
    ):
        row = page.get_by_role("group", name=f"Point {number}", exact=True)
        row.get_by_label("The complaint point").fill(point)
        row.get_by_label("Category").fill(category)
        row.get_by_label("Finding").select_option(label=finding)
    first = page.get_by_role("group", name="Order or recommendation 1", exact=True)
    first.get_by_label("What the Ombudsman ordered or recommended").fill("Pay the resident £750")
    first.get_by_label("Owner").select_option(label="Owen Owner")
    first.get_by_label("Or within this many days of the determination").fill("20")
    first.get_by_label("Money ordered, in pounds (an order only)").fill("750")
    second = page.get_by_role("group", name="Order or recommendation 2", exact=True)
    second.get_by_label("What the Ombudsman ordered or recommended").fill(
        "Inspect the property for damp and mould"
    )
    second.get_by_label("Owner").select_option(label="Owen Owner")
    second.get_by_label("Due date").fill(str(today + datetime.timedelta(days=14)))
    shot(who, "01-determination-form")
    who.click("Record the determination")
    assert who.heading() == "The Ombudsman's determination"
    assert "Determination recorded with 3 findings and 2 orders." in page.content()
    findings = page.locator("table").first.locator("tbody tr")
    assert findings.count() == 3
    shot(who, "02-determination")
    determination = Determination.objects.get()
    assert determination.findings.count() == 3
    inspect = Order.objects.get(number=2)
    assert inspect.due_on == today + datetime.timedelta(days=14) or inspect.due_on > today
    sign_out(who)

    # The owner finds the order on My work and completes it with evidence.
    sign_in(who, "owen")
    table = page.locator("#record-deadlines")
    assert "Ombudsman order" in table.inner_text()
    shot(who, "03-my-work")
    page.get_by_role("link", name=str(inspect)).click()
    who.audit()
    assert who.heading() == "Order 2"
    who.click("Complete with evidence", role="button")
    assert who.heading() == "Complete the order"
    who.click("Complete the order")
    assert "Describe the evidence" in who.errors() or "required" in who.errors().lower()
    shot(who, "04-complete-error")
    page.get_by_label("Evidence that it was done").fill("Survey report: no damp found")
    who.click("Complete the order")
    assert who.heading() == "Order 2"
    assert "Done: the Ombudsman not yet told" in page.content()
    sign_out(who)

    # The handler tells the Ombudsman; the log shows it.
    sign_in(who, "hana")
    who.go(f"/ombudsman/orders/{inspect.pk}/")
    who.click("Record that the Ombudsman was told", role="button")
    who.click("Record that the Ombudsman was told")
    assert "Done and the Ombudsman told" in page.content()
    shot(who, "05-order-told")
    who.go("/ombudsman/determinations/")
    assert case.reference in page.content()
    shot(who, "06-log")
    who.go(f"/cases/{case.reference}/")
    assert "Findings and orders" in page.content()
    shot(who, "07-case")
    inspect.refresh_from_db()
    assert inspect.ombudsman_told_on == today
    assert inspect.evidence == "Survey report: no damp found"
    assert not who.failed, who.failed
