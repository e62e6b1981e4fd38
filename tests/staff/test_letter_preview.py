"""The letter preview shows exactly what will be sent (issue 17, point 9): the page's frame
holds the letter's whole HTML, and in a browser the handler reads the letter in it."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

import putright.staff
from putright.cases.models import EventKind
from putright.cases.services import Actor, case_acknowledge
from putright.letters.models import Correspondence
from putright.letters.services import letter_preview

from .conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(putright.staff.__file__).parent / "static" / "vendor" / "axe" / "axe.min.js"

pytestmark = pytest.mark.django_db(transaction=True)


class Frames(HTMLParser):
    """The ``srcdoc`` of every iframe on a page, as the browser reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.srcdocs: list[str] = []

    @classmethod
    def of(cls, page: str) -> str:
        frames = cls()
        frames.feed(page)
        return frames.srcdocs[0]

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.srcdocs.append(dict(attrs).get("srcdoc") or "")


@pytest.fixture
def acknowledged(receive, clock, caseworker):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    return case_acknowledge(case=case, actor=Actor(caseworker))


def test_the_preview_frame_holds_the_whole_letter_that_will_be_sent(staff_client, acknowledged):
    sequence = acknowledged.events.get(kind=EventKind.ACKNOWLEDGED).sequence
    _subject, html = letter_preview(acknowledged, sequence=sequence)

    page = staff_client.get(f"/cases/{acknowledged.reference}/letters/{sequence}/")
    frames = Frames()
    frames.feed(page.content.decode())

    assert frames.srcdocs == [html]
    assert "Dear Pat Resident," in frames.srcdocs[0]
    assert "Yours sincerely" in frames.srcdocs[0]


def test_the_preview_opens_as_the_pdf_that_will_be_sent(staff_client, acknowledged):
    sequence = acknowledged.events.get(kind=EventKind.ACKNOWLEDGED).sequence

    pdf = staff_client.get(f"/cases/{acknowledged.reference}/letters/{sequence}/?format=pdf")

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert Correspondence.objects.count() == 0  # looking is not sending


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed")
def test_in_a_browser_the_handler_reads_the_letter_before_sending_it(
    live_server, acknowledged, monkeypatch, tmp_path
):
    from django.db import connection, connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    sequence = acknowledged.events.get(kind=EventKind.ACKNOWLEDGED).sequence
    shots = Path(os.environ.get("PUTRIGHT_SCREENSHOTS_DIR", tmp_path))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        try:
            page.goto(f"{live_server.url}/work/")
            page.get_by_label("Username").fill("handler")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.goto(f"{live_server.url}/cases/{acknowledged.reference}/letters/{sequence}/")
            letter = page.frame_locator("iframe[title='The letter as it will be sent']")

            text = letter.locator("body").inner_text()
            page.add_script_tag(url="/static/vendor/axe/axe.min.js")
            violations = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                ".then(r => r.violations.map(v => v.id + ': ' + v.help))",
                ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
            )
            page.screenshot(path=str(shots / "letter-preview.png"), full_page=True)
        finally:
            connections.close_all()
            browser.close()

    assert violations == []
    assert "Dear Pat Resident," in text
    assert acknowledged.reference in text
    assert "Going to the Housing Ombudsman" in text
    assert "Yours sincerely" in text


def test_the_preview_says_how_the_letter_will_go_and_offers_large_print_as_needed(
    staff_client, acknowledged
):
    customer = acknowledged.customer
    customer.preferred_contact = "phone"
    customer.phone = "07700 900123"
    customer.accessibility_needs = "Large print letters"
    customer.save()
    sequence = acknowledged.events.get(kind=EventKind.ACKNOWLEDGED).sequence
    url = f"/cases/{acknowledged.reference}/letters/{sequence}/"

    first = staff_client.get(url).content.decode()
    chosen = staff_client.get(url + "?shown=1").content.decode()

    assert "It will be e-mailed to pat@example.org." in first
    assert "you will also be asked to call them on 07700 900123" in first
    assert "letter--large" in Frames.of(first)  # large print, as the customer's needs ask
    assert "letter--large" not in Frames.of(chosen)  # the handler chose the standard print
