"""The letter preview under a policy that refuses inline styles (``style-src 'self'``, the
production policy once no inline style is left): in Chromium the letter in its sandboxed
frame is styled by its linked style sheet, the frame by the staff style sheet, and the
browser reports no Content-Security-Policy violation."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from putright.accounts.models import Membership, Role
from putright.cases.models import EventKind
from putright.cases.services import Actor, case_acknowledge

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a-long-staff-password"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


@pytest.fixture
def strict_policy(settings):
    """The tests' policy (axe-core's hashes and all) with inline styles refused, enforced."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["style-src"] = ["'self'"]
    settings.CONTENT_SECURITY_POLICY = policy
    return policy


@pytest.fixture
def acknowledged(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    handler.set_password(PASSWORD)
    handler.save()
    Membership.objects.get_or_create(
        user=handler, organisation=case.organisation, role=Role.COMPLAINT_HANDLER
    )
    return case_acknowledge(case=case, actor=Actor(handler))


def styles(frame, selector: str, *names: str) -> list[str]:
    return frame.locator(selector).first.evaluate(
        "(e, names) => names.map(n => getComputedStyle(e)[n])", list(names)
    )


@pytest.mark.parametrize("large_print", [False, True], ids=["standard", "large-print"])
def test_the_letter_preview_is_styled_with_no_policy_violation(
    live_server, strict_policy, acknowledged, large_print, monkeypatch, tmp_path
):
    from django.db import connection, connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    sequence = acknowledged.events.get(kind=EventKind.ACKNOWLEDGED).sequence
    choice = "&large_print=on" if large_print else ""
    url = f"{live_server.url}/cases/{acknowledged.reference}/letters/{sequence}/?shown=1{choice}"
    said: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        page.on("console", lambda message: said.append(message.text))
        # Before any script of the page's own: every violation the page's document reports.
        page.add_init_script(
            "window.violations = [];"
            " document.addEventListener('securitypolicyviolation',"
            " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        try:
            page.goto(f"{live_server.url}/sign-in/")
            page.get_by_label("Username").fill("handler")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/work/")
            answer = page.goto(url)
            assert answer is not None
            header = answer.headers["content-security-policy"]
            letter = page.frame_locator("iframe[title='The letter as it will be sent']")
            letter.locator("h1").wait_for()
            page.wait_for_load_state("load")
            body = styles(letter, "body", "fontFamily", "fontSize")
            heading = styles(letter, "h1", "fontSize")
            address = styles(letter, "address", "fontStyle")
            ombudsman = styles(letter, ".ombudsman", "borderLeftWidth", "borderLeftStyle")
            frame = styles(page, "iframe.app-letter-preview", "height", "borderTopStyle")
            violations = page.evaluate("window.violations")
            page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
        finally:
            connections.close_all()
            browser.close()

    # The header's directives come in no set order: read them by name.
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in header
    assert body == [
        '"Liberation Sans", Arial, "DejaVu Sans", sans-serif',
        "22.6667px" if large_print else "16px",
    ]  # 17pt or 12pt
    assert heading == ["29.3333px" if large_print else "21.3333px"]  # 22pt or 16pt
    assert address == ["normal"]
    assert ombudsman == ["4px", "solid"]
    assert frame == ["900px", "solid"]
    assert violations == []
    assert [text for text in said if "Content Security Policy" in text] == []
