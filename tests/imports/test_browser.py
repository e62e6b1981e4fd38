"""In Debian's Chromium: the sample export imported, a complaints manager opens a closed and
an open imported case; each page shows the history at its own dates and is checked with
axe-core (WCAG 2.2 AA) under the Content-Security-Policy. Screenshots under /tmp/import-pages/."""

from __future__ import annotations

from pathlib import Path

import pytest

from putright.accounts.models import Membership, Role, User
from putright.imports.models import ImportedCase
from putright.imports.services import import_cases
from tests.staff import test_browser
from tests.staff.test_browser import CHROMIUM, Handler

from .conftest import SAMPLE_EXPORT

chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

PASSWORD = "a-long-staff-password"
SHOTS = Path("/tmp/import-pages")


def test_imported_cases_read_like_any_case_in_the_pages(chromium, live_server, today, org, mapping):
    manager = User.objects.create_user("manager", display_name="Manny Manager")
    manager.set_password(PASSWORD)
    manager.save()
    Membership.objects.create(user=manager, organisation=org, role=Role.COMPLAINTS_MANAGER)
    import_cases(organisation=org, path=SAMPLE_EXPORT, mapping=mapping, dry_run=False)
    closed = ImportedCase.objects.get(source_reference="CMP100000").case
    still_open = ImportedCase.objects.get(source_reference="CMP100295").case
    who = Handler(chromium, live_server.url)
    who.go("/sign-in/")
    who.page.get_by_label("Username").fill("manager")
    who.page.get_by_label("Password").fill(PASSWORD)
    who.click("Sign in")
    SHOTS.mkdir(parents=True, exist_ok=True)
    who.go(f"/cases/{closed.reference}/")
    history = who.page.locator(".moj-timeline").inner_text()
    # CMP100000: logged Wed 27 Nov 2024 14:45, escalated, answered at stage 2 and closed.
    assert "Wed 27 Nov 2024, 14:45" in history
    assert "by import, source reference CMP100000" in history
    assert "Closed" in history
    who.page.screenshot(path=str(SHOTS / "closed.png"), full_page=True)
    who.go(f"/cases/{still_open.reference}/")
    deadlines = who.page.locator("table").first.inner_text()
    assert "Overdue" in deadlines or "Due" in deadlines
    who.page.get_by_text("Why this date").first.click()
    assert "Counted from" in who.page.locator(".app-explanation").first.inner_text()
    who.page.screenshot(path=str(SHOTS / "open.png"), full_page=True)
    assert not who.failed
