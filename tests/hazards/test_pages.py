"""The case page shows its hazards with their clocks and why each date; each step has its
page, with errors beside the field."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from putright.accounts.models import Role
from putright.hazards.models import Hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(users) -> Client:
    client = Client()
    client.force_login(users[Role.COMPLAINT_HANDLER])
    return client


@pytest.fixture
def mouldy(receive):
    return receive(summary="Black mould on the bedroom ceiling, my baby keeps coughing")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_case_page_shows_the_hazard_its_words_and_why_this_date(browser, mouldy):
    page = text(browser.get(f"/cases/{mouldy.reference}/"))
    assert "Hazards (Awaab&#x27;s Law)" in page or "Hazards (Awaab's Law)" in page
    assert "Damp and mould" in page
    assert "&ldquo;mould&rdquo;" in page
    assert "Children or a baby in the home" in page
    assert "Investigate the hazard" in page
    assert "Why this date" in page
    assert "Mon 16 Mar 2026" in page
    assert "Confirm the hazard" in page
    assert "style=" not in page.split("app-hazards", 1)[1].split("</section>", 1)[0]


def test_dismissing_without_a_reason_puts_the_error_beside_the_field(browser, mouldy):
    hazard = mouldy.hazards.get()
    url = f"/cases/{mouldy.reference}/hazards/{hazard.pk}/dismiss/"
    assert browser.get(url).status_code == 200
    sent = browser.post(url, {"reason": "other", "reason_other": ""})
    assert sent.status_code == 400
    page = text(sent)
    assert 'id="reason_other-error"' in page
    assert "Say what the other reason is." in page
    hazard.refresh_from_db()
    assert hazard.status == "suspected"


def test_confirming_in_the_future_is_an_error_beside_when(browser, mouldy):
    hazard = mouldy.hazards.get()
    sent = browser.post(
        f"/cases/{mouldy.reference}/hazards/{hazard.pk}/confirm/",
        {"severity": "significant", "occurred_at": "2030-01-01T10:00", "version": hazard.version},
    )
    assert sent.status_code == 400
    assert 'id="occurred_at-error"' in text(sent)


def test_confirm_then_dismiss_from_the_pages(browser, mouldy):
    hazard = mouldy.hazards.get()
    base = f"/cases/{mouldy.reference}/hazards/{hazard.pk}"
    done = browser.post(f"{base}/confirm/", {"severity": "significant", "version": hazard.version})
    assert done.status_code == 302
    assert done["Location"].endswith(f"#hazard-{hazard.pk}")
    hazard.refresh_from_db()
    done = browser.post(
        f"{base}/dismiss/", {"reason": "Reported by mistake", "version": hazard.version}
    )
    assert done.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "dismissed"
    assert hazard.dismissed_reason == "Reported by mistake"


def test_raising_by_hand_needs_a_kind_and_a_severity(browser, receive):
    case = receive(summary="The contractor left a mess")
    sent = browser.post(f"/cases/{case.reference}/hazards/", {"description": "Loose banister"})
    assert sent.status_code == 400
    page = text(sent)
    assert 'id="kind-error"' in page
    assert 'id="severity-error"' in page
    done = browser.post(
        f"/cases/{case.reference}/hazards/",
        {"kind": "structural", "severity": "significant", "description": "Loose banister"},
    )
    assert done.status_code == 302
    assert Hazard.objects.get(case=case).description == "Loose banister"


def test_a_role_that_may_not_dismiss_is_refused_the_page(users, org, mouldy):
    officer = users[Role.INVESTIGATING_OFFICER]
    mouldy.investigator = officer
    mouldy.save(update_fields=["investigator"])
    client = Client()
    client.force_login(officer)
    hazard = mouldy.hazards.get()
    assert client.get(f"/cases/{mouldy.reference}/hazards/{hazard.pk}/dismiss/").status_code == 403
    assert client.get(f"/cases/{mouldy.reference}/hazards/{hazard.pk}/confirm/").status_code == 200


def test_the_owner_sees_the_clock_on_my_work(browser, users, mouldy):
    hazard = mouldy.hazards.get()
    browser.post(
        f"/cases/{mouldy.reference}/hazards/{hazard.pk}/confirm/",
        {"severity": "significant", "version": hazard.version},
    )
    page = text(browser.get("/work/"))
    assert "Investigate the hazard" in page
