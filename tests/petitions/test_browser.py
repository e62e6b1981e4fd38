"""Through the pages, in Debian's Chromium: a petition of 30 signatories (10 lines incomplete)
is recorded from the case page, the issues confirmed clear, the lead petitioner contacted,
everyone acknowledged in one batch, answered, the unhappy petitioners recorded, escalated by a
manager through a nominated representative who agreed, and answered at stage 2 by a new
handler; every page is checked with axe-core (WCAG 2.2 AA). Screenshots are kept under
/tmp/petitions-journey/.

The clock is moved (time-machine, ticking) so the dates can be counted by hand. Received
Monday 11 January 2027 at 10:00 (Southern 4.11.2; no bank holiday until Easter 2027):
- identify the lead petitioner, 1 working day: Tuesday 12 January;
- acknowledge to all signatories, 2 working days: Wednesday 13 January;
- respond, 10 working days: 12, 13, 14, 15, 18, 19, 20, 21, 22, 25: Monday 25 January.
Escalated Tuesday 2 February 2027 (stage 2, Senior Manager Review):
- acknowledge, 1 working day: Wednesday 3 February;
- respond, 20 working days: 3, 4, 5, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 22, 23, 24, 25, 26
  February, 1, 2 March: Tuesday 2 March.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from putright.accounts.models import Role
from putright.cases.services import Actor, case_receive
from putright.organisations.services import organisation_create
from putright.people.models import Person
from putright.petitions.models import Batch, Signatory
from tests.api.conftest import at
from tests.ombudsman.test_browser import sign_in, sign_out, staff
from tests.staff import test_browser
from tests.staff.test_browser import CHROMIUM, Handler

chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

SHOTS = Path("/tmp/petitions-journey")


def shot(who: Handler, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    who.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def lines() -> str:
    """29 signatories besides the lead: every fifth without a postcode, every seventh unsigned."""
    typed = []
    for n in range(2, 31):
        postcode = "" if n % 5 == 0 else f"NT1 {n % 9}ZZ"
        signed = "no" if n % 7 == 0 else "yes"
        email = "" if n in (3, 4) else f"r{n}@example.org"
        typed.append(f"Resident {n}; {n} Oak Road; {postcode}; {signed}; {email};")
    return "\n".join(typed)


def deadline(who: Handler, label: str) -> str:
    row = who.page.locator("#deadlines + table tbody tr").filter(has_text=label).first
    return " ".join(row.inner_text().split())


def test_a_petition_of_thirty_through_the_pages(chromium, live_server, time_machine):
    time_machine.move_to(at(2027, 1, 11, 10), tick=True)
    organisation = organisation_create(
        slug="north-homes", name="North Homes", policy_pack="southern-housing-2020"
    )
    handler = staff("hana", "Hana Handler", organisation, Role.COMPLAINT_HANDLER)
    staff("mona", "Mona Manager", organisation, Role.MANAGER)
    staff("sid", "Sid Second", organisation, Role.COMPLAINT_HANDLER)
    lead = Person.objects.create(
        organisation=organisation,
        name="Lee Lead",
        email="lee@example.org",
        address="1 Oak Road",
        postcode="NT1 1AA",
    )
    case = case_receive(
        organisation=organisation,
        kind="petition",
        channel="letter",
        received_at=at(2027, 1, 11, 10),
        summary="Residents of Oak Road: the communal lift",
        actor=Actor(handler),
        customer=lead,
    )
    who = Handler(chromium, live_server.url)
    page = who.page

    sign_in(who, "hana")
    who.go(f"/cases/{case.reference}/")
    assert "Tue 12 Jan 2027" in deadline(who, "Identify the lead petitioner")
    assert "Wed 13 Jan 2027" in deadline(who, "Send the acknowledgement letter")
    assert "Mon 25 Jan 2027" in deadline(who, "Send the written response")
    who.click("Record the petition's signatories", role="link")
    assert who.heading() == "Record the petition's signatories"
    page.get_by_label("The other signatories").fill("Resident 2; 2 Oak Road; NT1 2ZZ; maybe;")
    who.click("Record the petition's signatories")
    assert "Line 1: say yes or no for the signature" in who.errors()
    shot(who, "01-record-error")
    page.get_by_label("The other signatories").fill(lines())
    who.click("Record the petition's signatories")
    assert who.heading() == "Petition: Residents of Oak Road: the communal lift"
    assert "Petition recorded with 30 signatories." in page.content()
    rows = page.locator("#signatories tbody tr")
    assert rows.count() == 30
    assert page.locator("#signatories .govuk-tag--yellow").count() == 10
    shot(who, "02-signatories")

    time_machine.move_to(at(2027, 1, 12, 9), tick=True)
    who.click("Confirm the issues are clear", role="link")
    who.click("Confirm the issues are clear")
    who.click("Record that the lead petitioner was contacted", role="link")
    page.get_by_label("How was the lead petitioner contacted?").fill("phone call")
    who.click("Record that the lead petitioner was contacted")
    assert "Recorded: the lead petitioner was contacted." in page.content()

    time_machine.move_to(at(2027, 1, 13, 11), tick=True)
    who.click("Acknowledge to every signatory", role="link")
    assert "Who gets what (30 signatories)" in page.content()
    shot(who, "03-acknowledge-preview")
    who.click("Send the acknowledgements")
    assert "Acknowledgement sent to 30 petitioners." in page.content()
    who.go(f"/cases/{case.reference}/")
    assert "Done" in deadline(who, "Identify the lead petitioner")
    ack = deadline(who, "Send the acknowledgement letter")
    assert "Wed 13 Jan 2027" in ack
    assert "Done 13 Jan" in ack
    shot(who, "04-case-deadlines")

    time_machine.move_to(at(2027, 1, 19, 10), tick=True)
    who.go(f"/cases/{case.reference}/petition/")
    who.click("Send a progress update to every signatory", role="link")
    page.get_by_label("What has happened so far").fill("An engineer visits on 21 January.")
    who.click("Send the update")

    time_machine.move_to(at(2027, 1, 22, 15), tick=True)
    who.click("Send the written response to the petitioners", role="link")
    page.get_by_label("Partly upheld").check()
    page.get_by_label("The response, with the reasons").fill(
        "The lift was out of order for too long. It is fixed and will be checked monthly."
    )
    who.click("Send the response")
    assert "Written response sent to 30 petitioners." in page.content()
    who.click("Record petitioners unhappy with the response", role="link")
    for n in (2, 3, 9):
        page.get_by_label(f"{n}. Resident {n}", exact=True).check()
    page.get_by_label("What they are unhappy about").fill("It broke again the next day.")
    who.click("Record petitioners unhappy with the response")
    assert page.locator("#signatories .govuk-tag--orange").count() == 3
    sign_out(who)

    time_machine.move_to(at(2027, 2, 2, 10), tick=True)
    sign_in(who, "mona")
    who.go(f"/cases/{case.reference}/petition/")
    who.click("Decide whether the petition goes to stage 2", role="link")
    page.get_by_label("Take it to stage 2").check()
    page.get_by_label("Reasons").fill("A senior manager should review the lift contract.")
    page.get_by_label("3. Resident 3").check()
    page.get_by_label("Who handles stage 2?").select_option(label="Sid Second")
    page.get_by_label("Senior Manager Review").check()
    who.click("Decide whether the petition goes to stage 2")
    assert "must agree" in who.errors()
    shot(who, "05-decide-error")
    page.get_by_label("Yes").check()
    page.get_by_label("3. Resident 3").check()
    page.get_by_label("Take it to stage 2").check()
    page.get_by_label("Senior Manager Review").check()
    page.get_by_label("Who handles stage 2?").select_option(label="Sid Second")
    who.click("Decide whether the petition goes to stage 2")
    assert "Escalated to stage 2" in page.content()
    assert page.locator("#signatories .govuk-tag--purple").count() == 1
    shot(who, "06-escalated")
    told = Batch.objects.get(kind="escalation")
    assert sorted(told.letters.values_list("signatory__number", flat=True)) == [2, 3, 9]
    sign_out(who)

    time_machine.move_to(at(2027, 2, 3, 10), tick=True)
    sign_in(who, "sid")
    who.go(f"/cases/{case.reference}/")
    assert "Wed 3 Feb 2027" in deadline(who, "Acknowledge the Senior Manager Review")
    who.action("Acknowledge")
    page.get_by_label("Phone call").check()  # the call with the representative (4.7)
    who.click("Acknowledge")
    shot(who, "07-stage-2-acknowledged")
    assert "Done 3 Feb" in deadline(who, "Acknowledge the Senior Manager Review")
    sign_out(who)

    time_machine.move_to(at(2027, 2, 26, 10), tick=True)
    sign_in(who, "sid")
    who.go(f"/cases/{case.reference}/")
    assert "Tue 2 Mar 2027" in deadline(who, "Send the Senior Manager Review response letter")
    who.go(f"/cases/{case.reference}/petition/")
    who.click("Send the written response to the petitioners", role="link")
    page.get_by_label("Upheld", exact=True).check()
    page.get_by_label("The response, with the reasons").fill(
        "The lift contract is changed and the lift is checked weekly."
    )
    who.click("Send the response")
    assert "Written response sent to 1 petitioners." in page.content()
    who.go(f"/cases/{case.reference}/")
    final = deadline(who, "Send the Senior Manager Review response letter")
    assert "Done 26 Feb" in final
    shot(who, "08-stage-2-answered")
    assert Signatory.objects.get(representative=True).number == 3
    assert not who.failed, who.failed
