"""Screenshots of the front page, a complaints page and the main staff pages on the demo data,
kept under docs/screenshots/ (with Django's debug pages off, as the demo runs).

Skipped unless PUTRIGHT_SCREENSHOTS=1; run with

    PUTRIGHT_SCREENSHOTS=1 .venv/bin/pytest tests/staff/test_screenshots.py -p no:cacheprovider

The demo landlord is loaded into the test database, a complaint handler signs in and each
page is saved 1280 pixels wide (as tall as the page, up to a limit).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connection, connections

from putright.cases.models import Case, EventKind, Status
from putright.system.demo import load_demo

from .test_browser import CHROMIUM, LAUNCH_ARGS

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTH = 1280
MAX_HEIGHT = 2400

pytestmark = [
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("PUTRIGHT_SCREENSHOTS") != "1", reason="set PUTRIGHT_SCREENSHOTS=1"
    ),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


def shoot(page, name: str, *, max_height: int = MAX_HEIGHT) -> Path:
    page.wait_for_load_state("load")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    height = min(page.evaluate("document.documentElement.scrollHeight"), max_height)
    path = OUT / f"{name}.png"
    page.screenshot(
        path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": WIDTH, "height": height}
    )
    return path


def a_telling_case() -> Case:
    """An open stage 1 complaint, acknowledged and under investigation, for the handler."""
    candidates = (
        Case.objects.filter(
            status=Status.OPEN,
            stage="stage1",
            policy_pack="hos-code-2024",
            events__kind=EventKind.INVESTIGATION_REQUESTED,
        )
        .exclude(customer__accessibility_needs="")
        .order_by("received_at")
    )
    return candidates.first() or Case.objects.filter(status=Status.OPEN).order_by("pk").first()


def test_screenshots_of_the_main_pages(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    report = load_demo()
    OUT.mkdir(parents=True, exist_ok=True)
    case = a_telling_case()
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": WIDTH, "height": 900})
        page = context.new_page()
        base = live_server.url

        # What a resident meets: the front page, and their landlord's complaints page.
        page.goto(f"{base}/")
        saved.append(shoot(page, "front-page"))
        page.get_by_role("link", name="Make a complaint to Meadowbank Housing").click()
        saved.append(shoot(page, "complaints-page"))

        page.goto(f"{base}/sign-in/")
        saved.append(shoot(page, "sign-in", max_height=900))
        page.get_by_label("Username").fill("handler")
        page.get_by_label("Password").fill(report.password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        saved.append(shoot(page, "my-work"))

        page.goto(f"{base}/cases/?all=1")
        saved.append(shoot(page, "queue"))

        page.goto(f"{base}/cases/{case.reference}/")
        page.get_by_text("Why this date").nth(1).click()  # the response date, explained
        saved.append(shoot(page, "case"))

        page.goto(f"{base}/cases/{case.reference}/extend/")
        saved.append(shoot(page, "action-extend"))

        page.goto(f"{base}/record/")
        page.get_by_label("Organisation").select_option(label="Meadowbank Housing")
        page.get_by_label("Phone", exact=True).first.check()
        page.get_by_label("Customer's full name").fill("Jordan Byrne")
        page.get_by_label("Postcode").fill("SO14 7FF")
        page.get_by_label("Summary in a few words").fill("Damp in the bedroom has come back")
        page.get_by_label("When did it happen?").fill("2026-01-20")
        page.get_by_role("button", name="Check against the policy").click()
        saved.append(shoot(page, "record-a-contact"))

        page.goto(f"{base}/policies/southern-housing-2020/")
        saved.append(shoot(page, "policy"))
        top = page.evaluate(
            "[...document.querySelectorAll('h2')].find(h => h.textContent.includes('Code'))"
            ".getBoundingClientRect().top + window.scrollY - 20"
        )
        path = OUT / "policy-against-the-code.png"
        page.screenshot(
            path=str(path), full_page=True, clip={"x": 0, "y": top, "width": WIDTH, "height": 1400}
        )
        saved.append(path)

        # The board member signs in to the awards waiting for the board's approval.
        board = browser.new_context(viewport={"width": WIDTH, "height": 900}).new_page()
        board.goto(f"{base}/sign-in/")
        board.get_by_label("Username").fill("board")
        board.get_by_label("Password").fill(report.password)
        board.get_by_role("button", name="Sign in", exact=True).click()
        board.wait_for_load_state("load")
        if board.url.endswith("/approvals/"):
            saved.append(shoot(board, "approvals"))
        connections.close_all()  # the ones opened while Playwright's loop ran
        browser.close()

    for path in saved:
        assert path.stat().st_size > 10_000, path
