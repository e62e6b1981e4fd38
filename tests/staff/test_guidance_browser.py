"""A handler records losses and proposes compensation beside the Ombudsman's figure, in
Debian's Chromium, every page checked with axe-core against WCAG 2.2 AA.

The Housing Ombudsman's Guidance on remedies (pack hos-remedies-2026), for compensation it
orders from 1 April 2026: 6 days of complete loss of heating at £15 a day and one missed
appointment at £15 give £105; an award below it is warned about and the reason recorded.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from putright.cases.services import Actor, case_receive
from putright.people.models import Person
from putright.remedies.models import Award

from . import test_browser
from .conftest import PASSWORD
from .test_browser import CHROMIUM, Handler

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium (/usr/bin/chromium) is not installed"
    ),
]


chromium = test_browser.chromium  # the browser fixture


def record_a_loss(handler: Handler) -> None:
    handler.page.locator("a", has_text="Record a loss").click()
    handler.audit()
    assert handler.heading() == "Record a loss"


def test_losses_the_ombudsmans_figure_and_an_award_below_it(
    chromium, live_server, caseworker, code_org
):
    today = timezone.localdate()
    if today < datetime.date(2026, 4, 15):
        pytest.skip("the Ombudsman's 2026 guidance applies from 1 April 2026")
    customer = Person.objects.create(organisation=code_org, name="Pat Resident", postcode="L24 1AA")
    case = case_receive(
        organisation=code_org,
        kind="complaint",
        channel="phone",
        received_at=timezone.now() - datetime.timedelta(days=12),
        summary="No heating for a week and nobody came",
        actor=Actor(caseworker),
        customer=customer,
    )
    start = today - datetime.timedelta(days=10)
    handler = Handler(chromium, live_server.url)
    page = chromium
    handler.go("/work/")
    page.get_by_label("Username").fill("handler")
    page.get_by_label("Password").fill(PASSWORD)
    handler.click("Sign in")

    handler.go(f"/cases/{case.reference}/awards/")
    assert handler.heading() == "Propose compensation"
    record_a_loss(handler)
    handler.click("Record the loss")
    assert "Choose what the customer lost." in handler.errors()
    page.get_by_label("Complete loss of heating").check()
    page.get_by_label("When did it start?").fill(start.isoformat())
    page.get_by_label("When did it end? (optional)").fill(
        (start + datetime.timedelta(days=5)).isoformat()
    )
    handler.click("Record the loss")
    assert "Loss recorded" in handler.banner()
    record_a_loss(handler)
    page.get_by_label("Missed appointment").check()
    page.get_by_label("When did it start?").fill((start + datetime.timedelta(days=2)).isoformat())
    handler.click("Record the loss")

    figure = page.locator("#ombudsman-figure").inner_text()
    assert "£105" in figure
    assert "Complete loss of heating: 6 days at £15 = £90" in figure

    page.locator("#id_components-0-kind_2").check()  # goodwill
    page.get_by_label("Amount in pounds").fill("50")
    page.get_by_label("Why this amount?").fill("For the cold and the missed visit.")
    handler.click("Propose compensation")
    assert "£50 is below the Ombudsman's figure of £105" in handler.errors()
    page.get_by_label("If you are offering less than the Ombudsman's figure, why? (optional)").fill(
        "A heater was lent on the first day."
    )
    handler.click("Propose compensation")
    assert "compensation proposed" in handler.banner()
    award = Award.objects.get(case=case)
    assert award.below_guidance_reason == "A heater was lent on the first day."
    assert award.guidance["total_pence"] == 10500
    assert not handler.failed
