"""A Southern complaint from first contact to closure, across the staff pages and the portal.

A complaint handler records it, acknowledges it, asks a team to investigate, extends the
deadline and answers it point by point; the resident escalates it in the portal without
choosing a route; the handler chooses the stage 2 route; the handler may not answer stage 2
(the policy says someone else considers it); a complaints manager acknowledges, answers and
closes it. Every page is checked with axe-core against WCAG 2.2 AA, in Debian's Chromium.
Screenshots of the forms that matter are kept under /tmp/journey/.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from putright.accounts.models import Membership, Role, User
from putright.cases.models import Case, EventKind, Status
from putright.cases.services import Actor, case_respond
from putright.policies.registry import get_pack
from tests.conftest import at

from . import test_browser
from .conftest import PASSWORD, give_role
from .test_browser import CHROMIUM, Handler

#: Debian's Chromium driven by Playwright, as in test_browser.py (a fixture).
chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium (/usr/bin/chromium) is not installed"
    ),
]

SHOTS = Path("/tmp/journey")
PACK = "southern-housing-2020"


def sign_in(who: Handler, username: str) -> None:
    who.go("/sign-in/")
    assert who.heading() == "Sign in to PutRight"
    who.page.get_by_label("Username").fill(username)
    who.page.get_by_label("Password").fill(PASSWORD)
    who.click("Sign in")
    assert who.heading() == "My work", who.page.url


def fill_point(page, number: int, description: str, decision: str, reasons: str) -> None:
    """Fill "Point N of the complaint": what was raised, the decision and its reasons."""
    point = page.get_by_role("group", name=f"Point {number} of the complaint", exact=True)
    point.get_by_label("What the customer raised").fill(description)
    point.get_by_role("group", name="Decision on this point").get_by_label(
        decision, exact=True
    ).check()
    point.get_by_label("Reasons on this point").fill(reasons)


def decide_overall(page, decision: str, reasons: str) -> None:
    page.get_by_role("group", name="What is the decision overall?").get_by_label(
        decision, exact=True
    ).check()
    page.get_by_label("Reasons for the decision").fill(reasons)


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_a_southern_complaint_goes_from_contact_to_a_stage_2_answer_by_someone_else(
    chromium, live_server, caseworker, southern_org
):
    pack = get_pack(PACK)
    browser = chromium.context.browser
    handler = Handler(chromium, live_server.url)
    page = chromium

    # Someone other than the stage 1 handler, to consider stage 2.
    reviewer = User.objects.create_user(
        "reviewer", password=PASSWORD, display_name="Rowan Reviewer"
    )
    Membership.objects.create(
        user=reviewer, organisation=southern_org, role=Role.COMPLAINTS_MANAGER
    )

    # -- 1. the handler records a complaint ---------------------------------------------------
    sign_in(handler, "handler")
    handler.nav("Record a contact")
    assert handler.heading() == "Record a contact"
    page.get_by_label("Organisation").select_option(southern_org.slug)
    page.get_by_label("Phone", exact=True).first.check()
    page.get_by_label("Complaint", exact=True).check()
    page.get_by_label("Customer's full name").fill("Morgan Ellis")
    page.get_by_label("E-mail address").fill("morgan@example.org")
    page.get_by_label("Postcode").fill("bn1 1aa")
    page.get_by_label("Summary in a few words").fill("Boiler repair missed twice")
    page.get_by_label("What happened?").fill(
        "The engineer missed two appointments and nobody called to rearrange."
    )
    happened = timezone.localdate() - datetime.timedelta(days=20)
    page.get_by_label("When did it happen?").fill(happened.isoformat())
    page.get_by_label("What would put it right?").fill("Fix the boiler and say sorry.")
    page.get_by_label("Service area").select_option("Repairs and Maintenance")
    handler.click("Check against the policy")
    assert "Before you save" in page.locator("#check").inner_text()
    assert not Case.objects.exists()
    handler.click("Record the contact")

    case = Case.objects.get()
    reference = case.reference
    assert case.organisation_id == southern_org.pk
    assert case.policy_pack == PACK
    assert f"Recorded as {reference}." in handler.banner()
    assert handler.heading() == "Boiler repair missed twice"
    assert handler.stage() == "Complaint, Stage 1 · Open"
    assert handler.buttons() == ["Acknowledge", "Request investigation", "Respond"]

    # -- 2. acknowledge, request investigation, extend, respond per point ------------------------
    handler.action("Acknowledge")
    page.get_by_label("E-mail", exact=True).check()
    handler.click("Acknowledge")
    assert "Acknowledged." in handler.banner()

    handler.action("Request investigation")
    page.get_by_label("Which team is asked to investigate?").fill("Gas servicing team")
    handler.click("Request investigation")
    assert "Investigation requested." in handler.banner()

    handler.action("Extend")
    offered = [t.strip() for t in page.locator("label.govuk-radios__label").all_inner_texts()]
    reasons = [r.label for r in pack.stage("stage1").extension.reasons]
    assert offered == reasons
    page.get_by_label("How many more working days?").fill("5")
    page.get_by_label(reasons[0], exact=True).check()
    handler.click("Extend")
    assert "Deadline extended. Tell the customer the new date." in handler.banner()
    assert handler.timeline()[0] == "Extended"

    handler.action("Respond")
    assert page.get_by_role("group", name="Point 1 of the complaint").count() == 1
    assert page.get_by_role("group", name="Point 2 of the complaint").count() == 0
    decide_overall(
        page,
        "Partly upheld",
        "We missed the appointments; the boiler fault itself was reported to us late.",
    )
    fill_point(
        page,
        1,
        "The engineer missed two appointments",
        "Upheld",
        "Both appointments were missed without notice.",
    )
    handler.click("Add another point")
    assert handler.heading() == "Respond"
    assert not Case.objects.get().issues.exists()  # nothing saved by adding a point
    # What was typed is kept, and Point 2 is there to fill.
    point1 = page.get_by_role("group", name="Point 1 of the complaint", exact=True)
    assert (
        point1.get_by_label("What the customer raised").input_value()
        == "The engineer missed two appointments"
    )
    assert point1.get_by_label("Upheld", exact=True).is_checked()
    assert (
        page.get_by_role("group", name="What is the decision overall?")
        .get_by_label("Partly upheld")
        .is_checked()
    )
    fill_point(
        page,
        2,
        "The boiler broke because it was not serviced",
        "Not upheld",
        "The service was done in March; the fault was a new part failing.",
    )
    handler.audit()
    screenshot(page, "respond-two-points")
    handler.click("Respond")
    assert "Response recorded." in handler.banner()
    assert handler.timeline()[0] == "Responded"
    case = Case.objects.get()
    assert [(i.number, i.description, i.stage, i.outcome) for i in case.issues.all()] == [
        (1, "The engineer missed two appointments", "stage1", "upheld"),
        (2, "The boiler broke because it was not serviced", "stage1", "not_upheld"),
    ]
    assert case.issues.get(number=2).reasons.startswith("The service was done in March")
    responded = case.events.get(kind=EventKind.RESPONDED)
    assert responded.data["outcome"] == "partly_upheld"
    assert responded.data["issues"] == [
        {"issue": 1, "outcome": "upheld"},
        {"issue": 2, "outcome": "not_upheld"},
    ]
    assert handler.stage() == "Complaint, Stage 1 · Responded: escalation window open"

    # -- 3. the resident follows the case in the portal and escalates it -----------------------
    resident_context = browser.new_context(viewport={"width": 1024, "height": 900})
    resident_page = resident_context.new_page()
    resident_page.set_default_timeout(15000)
    resident = Handler(resident_page, live_server.url)
    resident.go("/resident/follow/")
    resident_page.get_by_label("Reference").fill(reference.lower())
    resident_page.get_by_label("E-mail address or phone number").fill("Morgan@example.org")
    resident.click("Send me a code")
    assert resident.heading() == "Enter your code"
    message = next(m for m in mail.outbox if m.subject.startswith("Your code"))
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    resident_page.get_by_label("Enter the 6-digit code").fill(code)
    resident.click("Continue")
    assert resident.heading() == "Your complaint"
    resident.click("Take my complaint further")
    assert resident.heading() == "Take your complaint further"
    screenshot(resident_page, "portal-escalate")
    assert resident_page.locator("input[name=route]").count() == 0  # no route for a resident
    # Southern asks why, but does not make escalation depend on it (procedure 4.5; Code 6.12).
    resident_page.get_by_label("Why are you unhappy with our response?").fill(
        "The boiler is still not fixed and I was not offered compensation for the missed days."
    )
    resident.click("Ask us to take it further")
    assert "We have your request to take your complaint to Stage 2" in resident_page.content()
    screenshot(resident_page, "portal-escalated")
    case = Case.objects.get()
    assert case.stage == "stage2"
    assert case.route == ""
    assert case.status == Status.OPEN
    escalated = case.events.get(kind=EventKind.ESCALATION_REQUESTED)
    assert escalated.data["route"] == ""
    assert "still not fixed" in escalated.data["reasons"]
    assert not resident.failed, resident.failed
    resident_context.close()

    # -- 4. back in the staff pages: stage 2 without a route; the handler chooses one ------------
    handler.go(f"/cases/{reference}/")
    assert handler.stage() == "Complaint, Stage 2 · Open"
    assert "Choose the route" in handler.buttons()
    handler.action("Choose the route")
    routes = [t.strip() for t in page.locator("label.govuk-radios__label").all_inner_texts()]
    # Stage 1 was partly upheld: the panel is open to this case as well.
    assert routes == ["Compensation Review", "Senior Manager Review", "Complaint Review Panel"]
    screenshot(page, "choose-route")
    handler.click("Choose the route")  # nothing chosen: the error is beside the field
    assert "This field is required." in handler.errors()
    assert "Which route does this stage take?" in (
        page.locator(".govuk-form-group--error").inner_text()
    )
    screenshot(page, "choose-route-error")
    page.get_by_label("Complaint Review Panel", exact=True).check()
    handler.click("Choose the route")
    assert "Route chosen." in handler.banner()
    assert handler.stage() == "Complaint, Stage 2 (complaint review panel) · Open"
    assert "Choose the route" not in handler.buttons()
    assert Case.objects.get().route == "complaint_review_panel"

    # -- 5. the stage 1 handler may not answer stage 2 ----------------------------------------
    # The case page does not offer it to them; reached by its address, it is refused.
    before = Case.objects.get()
    assert "Respond" not in handler.buttons()
    handler.go(f"/cases/{reference}/respond/")
    decide_overall(page, "Not upheld", "We have nothing to add to our stage 1 answer.")
    fill_point(page, 1, "The boiler is still not fixed", "Not upheld", "It was fixed.")
    fill_point(page, 2, "The boiler was not serviced", "Not upheld", "It was serviced.")
    handler.click("Respond")
    assert handler.heading() == "Respond"
    refusal = handler.errors()
    assert (
        "Hana Handler answered this case at Stage 1; the policy says someone else considers "
        "Stage 2" in refusal
    ), refusal
    # The reason is beside the decision, and what was typed is kept.
    assert "Someone who did not handle the earlier stage must answer." in (
        page.locator(".govuk-form-group--error").first.inner_text()
    )
    assert page.get_by_label("Reasons for the decision").input_value().startswith("We have")
    screenshot(page, "stage2-refused")
    after = Case.objects.get()
    assert after.version == before.version
    assert after.issues.count() == 2
    assert not after.events.filter(kind=EventKind.RESPONDED, stage="stage2").exists()

    # -- 6. a complaints manager acknowledges, answers per point and closes -------------------
    manager_context = browser.new_context(viewport={"width": 1280, "height": 900})
    manager_page = manager_context.new_page()
    manager_page.set_default_timeout(15000)
    manager = Handler(manager_page, live_server.url)
    sign_in(manager, "reviewer")
    manager.go(f"/cases/{reference}/")
    assert manager.stage() == "Complaint, Stage 2 (complaint review panel) · Open"
    assert manager.buttons()[0] == "Acknowledge"
    manager.action("Acknowledge")
    manager_page.get_by_label("Letter", exact=True).check()
    manager.click("Acknowledge")
    assert "Acknowledged." in manager.banner()

    manager.action("Respond")
    # The points answered at stage 1 are there to answer again.
    for number, raised in (
        (1, "The engineer missed two appointments"),
        (2, "The boiler broke because it was not serviced"),
    ):
        point = manager_page.get_by_role(
            "group", name=f"Point {number} of the complaint", exact=True
        )
        assert point.get_by_label("What the customer raised").input_value() == raised
    decide_overall(
        manager_page,
        "Upheld",
        "The panel found the repair was not completed and the customer should be compensated.",
    )
    fill_point(
        manager_page,
        1,
        "The engineer missed two appointments",
        "Upheld",
        "Both were missed; we offer £50 for them.",
    )
    fill_point(
        manager_page,
        2,
        "The boiler broke because it was not serviced",
        "Upheld",
        "The service record shows the part was never checked.",
    )
    manager.click("Respond")
    assert "Response recorded." in manager.banner()
    case = Case.objects.get()
    stage2 = [(i.description, i.outcome) for i in case.issues.filter(stage="stage2")]
    assert stage2 == [
        ("The engineer missed two appointments", "upheld"),
        ("The boiler broke because it was not serviced", "upheld"),
    ]
    answer = case.events.get(kind=EventKind.RESPONDED, stage="stage2")
    assert answer.actor_id == reviewer.pk
    assert answer.data["outcome"] == "upheld"
    assert manager.buttons()[0] == "Close"

    manager.action("Close")
    manager_page.get_by_label("Resolved").check()
    manager_page.get_by_label("Note (optional)").fill("Engineer booked; £50 offered.")
    manager.click("Close")
    assert "Case closed." in manager.banner()
    assert manager.stage() == "Complaint, Stage 2 (complaint review panel) · Closed: resolved"
    screenshot(manager_page, "case-closed")
    case = Case.objects.get()
    assert case.status == Status.CLOSED
    assert [e.kind for e in case.events.order_by("sequence")] == [
        EventKind.RECEIVED,
        EventKind.ACKNOWLEDGED,
        EventKind.INVESTIGATION_REQUESTED,
        EventKind.EXTENDED,
        EventKind.RESPONDED,
        EventKind.ESCALATION_REQUESTED,
        EventKind.ROUTE_CHOSEN,
        EventKind.ACKNOWLEDGED,
        EventKind.RESPONDED,
        EventKind.CLOSED,
    ]
    manager_context.close()

    # -- 7. every page was axe clean, and everything each page asked for loaded ---------------
    assert not handler.failed, handler.failed
    assert not manager.failed, manager.failed
    audited = handler.audited + manager.audited + resident.audited
    print(f"axe-core found no WCAG 2.2 AA violations on {len(audited)} pages:")
    print("\n".join(dict.fromkeys(audited)))
    assert any(url.startswith("/resident/") for url in resident.audited)
    assert len(audited) >= 30, audited


def test_a_handler_ticking_accept_late_is_refused_with_the_rule(
    client, clock, caseworker, complaints_manager, organisation_on
):
    """South Liverpool Homes: 10 working days to escalate; a late request is a manager's call."""
    from putright.cases.services import case_receive
    from putright.people.models import Person

    organisation = organisation_on("south-liverpool-homes-2021")
    give_role(caseworker, organisation, Role.COMPLAINT_HANDLER)
    give_role(complaints_manager, organisation, Role.COMPLAINTS_MANAGER)
    clock(2026, 3, 2, 10)
    customer = Person.objects.create(organisation=organisation, name="Pat Resident")
    case = case_receive(
        organisation=organisation,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 2, 10),
        summary="Kitchen tap still leaking",
        actor=Actor(caseworker),
        customer=customer,
    )
    clock(2026, 3, 3, 10)
    case = case_respond(case=case, actor=Actor(caseworker), outcome="not_upheld", text="Fixed.")
    assert case.stage == "stage1"
    clock(2026, 3, 25, 10)  # the window closed on 17 March

    url = f"/cases/{case.reference}/escalate/"
    form = {
        "version": str(Case.objects.get().version),
        "reasons": "It is still leaking.",
        "accept_late": "on",
        "late_reason": "The customer was in hospital.",
    }
    client.force_login(caseworker)
    page = client.get(url)
    assert page.status_code == 200
    assert "Accept this request although the window has closed" in page.text

    refused = client.post(url, form)
    assert refused.status_code == 400
    text = refused.text
    assert "There is a problem" in text
    assert (
        "The window to escalate closed on Tue 17 Mar 2026. Accepting a late request is a manager"
        in text.replace("&#x27;", "'")
    ), text
    assert "your role (Complaint handler) cannot make it" in text
    # The reason is given beside the box too.
    assert 'id="id_accept_late-error"' in text
    assert "A manager&#x27;s decision." in text
    case = Case.objects.get()
    assert case.stage == "stage1"
    assert not case.events.filter(kind=EventKind.ESCALATION_REQUESTED).exists()

    # Without the box ticked, the page says the window closed and a manager may accept it.
    unticked = client.post(url, {k: v for k, v in form.items() if k != "accept_late"})
    assert unticked.status_code == 400
    assert "A manager may accept the request late" in unticked.text

    # A manager may.
    client.force_login(complaints_manager)
    accepted = client.post(url, form)
    assert accepted.status_code == 302, accepted.text
    case = Case.objects.get()
    assert case.stage == "stage2"
    assert case.events.get(kind=EventKind.ESCALATION_REQUESTED).data["late"] is True
