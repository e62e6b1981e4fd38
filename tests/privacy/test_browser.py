"""Through the pages, in Debian's Chromium: the data protection officer records a subject
access request for a person with three cases, reads its due date explained (one calendar
month), exports, reviews the redactions, downloads the zip and releases it; then records an
erasure request, which a legal hold on one case stops until it is lifted, is told beside the
field that a decision needs reasons, erases with reasons,
and the person's cases still show in the case list as "Anonymised person N". Every page is
checked with axe-core (WCAG 2.2 AA) under the Content-Security-Policy. Screenshots are kept
under /tmp/privacy-journey/."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone

from putright.accounts.models import AccessLog, Membership, Role, User
from putright.cases.models import Case
from putright.cases.services import Actor, case_close, case_receive
from putright.meetings.models import Attendee, Meeting
from putright.organisations.services import organisation_create
from putright.people.models import Person
from putright.privacy.models import DataRequest
from tests.staff import test_browser
from tests.staff.test_browser import CHROMIUM, Handler

chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

PASSWORD = "a-long-staff-password"
SHOTS = Path("/tmp/privacy-journey")


def staff(username: str, name: str, organisation, role: str) -> User:
    user = User.objects.create_user(username, display_name=name, email=f"{username}@example.org")
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def shot(who: Handler, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    who.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def three_closed_cases(organisation, handler: User) -> tuple[Person, list[Case]]:
    pat = Person.objects.create(
        organisation=organisation,
        name="Pat Example",
        email="pat@example.org",
        phone="07700 900123",
        address="1 Long Road",
        postcode="NT1 1AA",
        tenure="tenant",
    )
    cases = []
    for days in (90, 80, 70):
        case = case_receive(
            organisation=organisation,
            kind="complaint",
            channel="web_form",
            received_at=timezone.now() - datetime.timedelta(days=days),
            summary=f"The boiler broke again ({days} days ago)",
            details="My neighbour Sam Other saw the engineer leave without fixing it.",
            actor=Actor(handler),
            customer=pat,
        )
        cases.append(case_close(case=case, actor=Actor(handler), reason="resolved"))
    # Sam, a neighbour, came to a visit on the first case: another resident's name.
    start = timezone.now() - datetime.timedelta(days=85)
    visit = Meeting.objects.create(
        organisation=organisation,
        case=cases[0],
        kind="visit",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        location="1 Long Road",
        uid="visit-1@putright.test",
        status="held",
        held_at=start,
        created_at=start,
    )
    Attendee.objects.create(meeting=visit, name="Sam Other", part="other")
    return pat, cases


def test_the_officer_answers_a_subject_access_request_and_erases_a_person(chromium, live_server):
    organisation = organisation_create(
        slug="north-homes", name="North Homes", policy_pack="hos-code-2024"
    )
    handler = staff("hana", "Hana Handler", organisation, Role.COMPLAINT_HANDLER)
    staff("dora", "Dora Officer", organisation, Role.DATA_PROTECTION_OFFICER)
    pat, cases = three_closed_cases(organisation, handler)
    who = Handler(chromium, live_server.url)
    page = who.page

    who.go("/sign-in/")
    page.get_by_label("Username").fill("dora")
    page.get_by_label("Password").fill(PASSWORD)
    who.click("Sign in")
    who.nav("Data protection")
    assert who.heading() == "Requests about people's data"
    assert "No requests recorded." in page.content()

    # A subject access request, from the person's page.
    who.go(f"/people/{pat.pk}/")
    who.click("Record a data protection request", role="link")
    assert who.heading() == "Record a data protection request"
    page.get_by_label("A copy of their data (subject access)").check()
    shot(who, "01-record")
    who.click("Record the request")
    request = DataRequest.objects.get()
    assert who.heading() == f"Subject access request {request.pk}"
    assert "It must be answered within one calendar month." in page.content()
    assert "(3 cases)" in page.content()
    page.get_by_text("Why this date").click()
    why = page.locator(".app-explanation").inner_text()
    assert "within 1 calendar month of the request" in why
    assert "UK GDPR Art. 12(3)" in why
    shot(who, "02-request-due")

    who.click("Export the data")
    listed = DataRequest.objects.get(pk=request.pk).redactions
    assert listed
    assert {r["redacted"] for r in listed} == {"Sam Other"}
    assert f"Exported: review the {len(listed)} redaction" in page.content()
    redactions = page.locator("#redactions + table tbody tr")
    assert redactions.count() == len(listed)
    assert "Sam Other" in redactions.first.inner_text()
    shot(who, "03-exported-redactions")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download the export (zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(waiting.value.path()).read_bytes()))
    assert {"index.pdf", "data.json"} <= set(archive.namelist())
    assert archive.read("index.pdf").startswith(b"%PDF")
    data = json.loads(archive.read("data.json"))
    assert len(data["cases"]) == 3
    assert "Sam Other" not in json.dumps(data)
    assert AccessLog.objects.filter(action="subject access export downloaded").count() == 1

    who.click("I have reviewed the redactions: release to the person")
    assert "Released to the person: the month's clock is stopped." in page.content()
    assert "Released to the person" in page.locator(".govuk-summary-list").inner_text()
    shot(who, "04-released")

    # An erasure request: refused without reasons, then erased with them.
    who.go(f"/people/{pat.pk}/")
    who.click("Record a data protection request", role="link")
    page.get_by_label("To be erased (forgotten)").check()
    who.click("Record the request")
    erasure = DataRequest.objects.get(kind="erasure")
    assert who.heading() == f"Erasure request {erasure.pk}"
    # A disrepair claim is expected on the second case: a legal hold keeps it.
    held = cases[1].reference
    who.go(f"/cases/{held}/")
    who.click("Place a legal hold", role="link")
    assert who.heading() == "Place a legal hold"
    who.click("Place the hold")
    assert "Say why the case is kept." in page.locator("#reason-error").inner_text()
    page.get_by_label("Why the case is kept").fill("A disrepair claim is expected")
    who.click("Place the hold")
    assert "On a legal hold since" in page.locator("#legal-hold").inner_text()
    shot(who, "05-case-on-hold")
    who.go(f"/privacy/requests/{erasure.pk}/decide/")
    page.get_by_label("Erase: anonymise the person; their cases still count").check()
    page.get_by_label("The reasons").fill("Asked to be forgotten")
    who.click("Record the decision")
    assert f"Cases {held} are on a legal hold: lift it first" in who.errors()
    assert Person.objects.get(pk=pat.pk).name == "Pat Example"
    who.go(f"/cases/{held}/")
    who.click("Lift the legal hold", role="link")
    page.get_by_label("Why the hold ends").fill("The claim was settled")
    who.click("Lift the hold")
    assert "Place a legal hold" in page.locator("#legal-hold").inner_text()

    who.go(f"/privacy/requests/{erasure.pk}/")
    who.click("Decide the erasure request", role="link")
    page.get_by_label("Refuse the request").check()
    who.click("Record the decision")
    assert "Give the reasons for the decision." in who.errors()
    assert "Give the reasons for the decision." in page.locator("#reasons-error").inner_text()
    shot(who, "06-refuse-without-reasons")
    page.get_by_label("Erase: anonymise the person; their cases still count").check()
    page.get_by_label("The reasons").fill("No claim or open case: nothing left to keep.")
    who.click("Record the decision")
    assert "The person is anonymised" in page.content()
    assert "Erased by anonymising" in page.locator(".govuk-summary-list").inner_text()
    shot(who, "07-erased")

    who.nav("Cases")
    anonymised = f"Anonymised person {pat.pk}"
    for case in cases:
        row = page.locator("tr", has_text=case.reference)
        assert anonymised in row.inner_text()
    assert "Pat Example" not in page.content()
    shot(who, "08-queue-anonymised")

    who.nav("Data protection")
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    who.go("/privacy/retention/")
    assert who.heading() == "Retention schedule"
    shot(who, "09-retention")
    assert Case.objects.filter(customer=pat).count() == 3
    assert not who.failed, who.failed
