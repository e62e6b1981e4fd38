"""The performance report with its charts, in Debian's Chromium: axe-clean (WCAG 2.2 AA), no
inline style anywhere (the Content-Security-Policy is moving to refuse them, and the test
settings report any), every chart drawn, and the long tables one click away."""

from __future__ import annotations

import os

import pytest

from putright.accounts.models import Membership, Role, User
from tests.staff.conftest import PASSWORD
from tests.staff.test_browser import CHROMIUM, Handler
from tests.staff.test_browser import chromium as chromium  # the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.database,  # the report's figures, drawn: kept in CI's PostgreSQL run
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]

QUERY = "organisation=code-homes&start=2025-04-01&end=2026-03-31"


def test_the_performance_report_reads_at_a_glance(chromium, live_server, code_org, year):
    user = User.objects.create_user("charts-manager", password=PASSWORD)
    Membership.objects.create(user=user, organisation=code_org, role=Role.COMPLAINTS_MANAGER)
    page = chromium
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    handler = Handler(page, live_server.url)
    page.goto(live_server.url + "/reports/")
    page.get_by_label("Username").fill("charts-manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    handler.go(f"/reports/performance/?{QUERY}")

    assert handler.heading().startswith("Complaints performance: Code Homes")
    images = page.locator("img.app-chart__image")
    assert images.count() == 8
    # Each drawn (an SVG the browser could read), with words for those who cannot see it.
    for i in range(images.count()):
        image = images.nth(i)
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), i
        assert image.get_attribute("alt").startswith("Bar chart: ")
    assert page.locator("main [style]").count() == 0
    assert page.locator("[style]").count() == 0
    assert page.locator("style").count() == 0
    assert not refused, refused
    assert not handler.failed, handler.failed
    # The long tables, one click away.
    tables = page.locator("#all-figures table.app-figures")
    assert not tables.first.is_visible()
    page.locator("#all-figures summary").click()
    assert tables.first.is_visible()
    handler.audit()
    # The link at the top opens them too.
    page.locator("#all-figures summary").click()
    assert not tables.first.is_visible()
    page.get_by_role("link", name="All the figures as tables").click()
    assert tables.first.is_visible()
    if os.environ.get("PUTRIGHT_SCREENSHOTS"):
        page.screenshot(path=os.environ["PUTRIGHT_SCREENSHOTS"], full_page=True)
