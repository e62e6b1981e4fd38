"""The remedies and compensation pages in Debian's Chromium, each checked with axe-core.

Skipped only when /usr/bin/chromium is missing; the browser is never downloaded.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone

import putright.staff
from putright.accounts.models import Role, User
from putright.cases.services import Actor, case_receive
from putright.people.models import Person
from putright.remedies.models import Award, AwardStatus
from putright.remedies.services import ComponentIn, action_add, award_propose

from .conftest import PASSWORD, at, give_role

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(putright.staff.__file__).parent / "static" / "vendor" / "axe" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium (/usr/bin/chromium) is not installed"
    ),
]


def audit(page, axe: str) -> None:
    page.wait_for_load_state("load")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} "
        + "; ".join(n["target"][0] for n in v["nodes"] if n["target"])
        for v in result["violations"]
    ]
    assert not problems, f"{page.url}:\n" + "\n".join(problems)
    assert result["passes"]


def test_the_remedies_pages_pass_axe(live_server, monkeypatch, caseworker, organisation_on):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    org = organisation_on("south-liverpool-homes-2021")
    give_role(caseworker, org, Role.COMPLAINT_HANDLER)
    give_role(caseworker, org, Role.COMPLAINTS_MANAGER)
    officer = give_role(User.objects.create_user("officer"), org, Role.COMPLAINT_HANDLER)
    customer = Person.objects.create(organisation=org, name="Pat Resident", tenure="tenant")
    case = case_receive(
        organisation=org,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 2, 10),
        summary="The repair never happened",
        actor=Actor(caseworker),
        customer=customer,
    )
    action = action_add(
        case=case,
        actor=Actor(caseworker),
        description="Fix the boiler",
        owner=caseworker,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    pending = award_propose(
        case=case,
        actor=Actor(officer),
        components=[ComponentIn(kind="time_trouble_distress", amount_pence=5000, band="medium")],
        reasoning="Two missed visits.",
    )
    assert pending.status == AwardStatus.PENDING_APPROVAL
    base = f"/cases/{case.reference}"
    axe = AXE.read_text(encoding="utf-8")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15000)
        try:
            page.goto(live_server.url + "/work/")
            page.get_by_label("Username").fill("handler")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state("load")

            # Awards awaiting approval, from the menu: the list, the decision, its errors.
            page.get_by_role("navigation", name="Menu").get_by_role(
                "link", name="Approvals"
            ).click()
            assert page.locator(".govuk-summary-card").count() == 1
            audit(page, axe)
            page.get_by_role("link", name=f"Approve £50.00 on {case.reference}").click()
            audit(page, axe)
            page.get_by_label("When did this happen?").fill("2099-01-01 10:00")
            page.get_by_role("button", name="Approve").click()
            assert "not in the future" in page.locator(".govuk-error-summary").inner_text()
            audit(page, axe)

            page.goto(f"{live_server.url}{base}/?tab=remedies")
            audit(page, axe)
            page.get_by_role("link", name="Approve £50.00").click()
            audit(page, axe)
            assert page.get_by_label("Yes, approve it").is_checked()
            page.get_by_role("button", name="Record the decision").click()
            assert "You approved" in page.locator(".govuk-notification-banner").inner_text()
            audit(page, axe)
            page.goto(f"{live_server.url}/approvals/")
            assert "No awards are waiting for your approval." in page.locator("main").inner_text()
            audit(page, axe)

            # Each form, and each with its errors shown.
            for name in ("Record a remedy", "Add an action"):
                page.goto(f"{live_server.url}{base}/?tab=remedies")
                page.get_by_role("button", name=name).click()
                audit(page, axe)
                page.locator("form button[type=submit]").last.click()
                assert page.locator(".govuk-error-summary").count() == 1
                audit(page, axe)

            page.goto(f"{live_server.url}{base}/remedy-actions/{action.pk}/complete/")
            audit(page, axe)

            page.goto(f"{live_server.url}{base}/awards/")
            audit(page, axe)
            page.get_by_role("button", name="Add another part").click()
            audit(page, axe)
            page.get_by_label("Amount in pounds").first.fill("12.345")
            page.get_by_role("button", name="Propose compensation").click()
            assert "at most two decimal places" in page.locator(".govuk-error-summary").inner_text()
            audit(page, axe)

            page.goto(f"{live_server.url}{base}/awards/{pending.pk}/offer/")
            audit(page, axe)
            page.goto(f"{live_server.url}{base}/awards/{pending.pk}/pay/")
            audit(page, axe)
            page.get_by_label("Amount offset against arrears (optional)").fill("99")
            page.get_by_role("button", name="Record payment").click()
            assert page.locator(".govuk-error-summary").count() == 1
            audit(page, axe)
            assert Award.objects.get(pk=pending.pk).status == AwardStatus.APPROVED
        finally:
            connections.close_all()
            browser.close()
