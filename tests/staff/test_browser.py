"""A complaint handler takes a complaint from first contact to closure, in Debian's Chromium.

Every page the handler sees is checked with axe-core against WCAG 2.2 AA. Skipped only
when /usr/bin/chromium is missing; the browser is never downloaded.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone

import putright.staff
from putright.cases.models import Case, EventKind, Status
from putright.cases.selectors import case_deadlines
from putright.letters.models import Correspondence
from putright.policies.registry import get_pack
from putright.remedies.models import Award, Remedy, RemedyAction

from .conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(putright.staff.__file__).parent / "static" / "vendor" / "axe" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium (/usr/bin/chromium) is not installed"
    ),
]

DEADLINE_ROWS = """() => [...document.querySelectorAll('#deadlines + table tbody tr')].map(tr => ({
    step: tr.cells[0].childNodes[0].textContent.trim(),
    due: tr.cells[1].innerText.trim(),
    status: tr.querySelector('.app-rag').innerText.trim(),
}))"""


#: axe-core, loaded as a file from the app's own static files: the Content-Security-Policy
#: allows scripts from the app itself and nothing inline.
AXE_URL = "/static/vendor/axe/axe.min.js"


class Handler:
    """A browser page that runs axe-core on every page it lands on."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.audited: list[str] = []
        self.axe = AXE.read_text(encoding="utf-8")
        self.failed: list[str] = []
        page.on(
            "response",
            lambda r: (
                self.failed.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )

    # -- moving about --------------------------------------------------------------------------

    def audit(self) -> None:
        self.page.wait_for_load_state("load")
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.add_script_tag(url=AXE_URL)  # a file, as the policy allows
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']}\n    "
            + "\n    ".join(f"{n['target']}: {n.get('failureSummary', '')}" for n in v["nodes"])
            for v in result["violations"]
        ]
        assert not problems, f"{self.page.url}:\n" + "\n".join(problems)
        assert result["passes"]  # axe really looked at the page
        self.audited.append(self.page.url.removeprefix(self.base_url))

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.audit()

    def click(self, name: str, *, role: str = "button") -> None:
        self.page.get_by_role(role, name=name, exact=True).first.click()
        self.audit()

    def nav(self, name: str) -> None:
        self.page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()
        self.audit()

    def action(self, name: str) -> None:
        """Open an action: a page-header button, or one of the links under 'More actions'."""
        header = self.page.locator(".moj-page-header-actions__actions").get_by_role(
            "button", name=name, exact=True
        )
        if header.count():
            header.click()
        else:
            self.page.get_by_role("link", name=name, exact=True).click()
        self.audit()
        assert self.heading() == name

    def tab(self, name: str) -> None:
        self.page.get_by_role("navigation", name="Case sections").get_by_role(
            "link", name=re.compile(f"^{re.escape(name)}")
        ).click()
        self.audit()

    # -- reading the page ------------------------------------------------------------------

    def heading(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def banner(self) -> str:
        return self.page.locator(".govuk-notification-banner").inner_text()

    def errors(self) -> str:
        return self.page.locator(".govuk-error-summary").inner_text()

    def deadlines(self) -> list[dict[str, str]]:
        return self.page.evaluate(DEADLINE_ROWS)

    def deadline(self, step: str) -> dict[str, str]:
        rows = [row for row in self.deadlines() if row["step"] == step]
        assert rows, f"no deadline {step!r} in {self.deadlines()}"
        return rows[0]

    def stage(self) -> str:
        return self.summary("Kind and stage")

    def summary(self, key: str) -> str:
        row = self.page.locator(".govuk-summary-list__row", has_text=key)
        return row.locator(".govuk-summary-list__value").inner_text().strip()

    def timeline(self) -> list[str]:
        return [t.strip() for t in self.page.locator(".moj-timeline__title").all_inner_texts()]

    def buttons(self) -> list[str]:
        return [
            t.strip()
            for t in self.page.locator(".moj-page-header-actions__actions a").all_inner_texts()
        ]


@pytest.fixture
def chromium(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # The live server answers each request in a new thread: close its connection after each
    # one, or PostgreSQL still sees sessions when the test database is dropped.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            # While Playwright's loop runs, Django keeps this thread's database connection
            # per context (asgiref treats the thread as async): close the one the test used
            # here, or PostgreSQL still has a session when the test database is dropped.
            connections.close_all()
            context.close()
            browser.close()


def due_text(deadline) -> str:
    return deadline.due.strftime("%a %-d %b %Y")


def sign_in_again(handler: Handler, username: str) -> None:
    """Sign out whoever is signed in, and sign in as ``username``."""
    handler.page.locator("button", has_text="Sign out").first.click()
    handler.page.get_by_label("Username").fill(username)
    handler.page.get_by_label("Password").fill(PASSWORD)
    handler.click("Sign in")
    assert handler.heading() == "My work"


def test_a_handler_takes_a_complaint_from_contact_to_closure(
    chromium, live_server, caseworker, complaints_manager, code_org
):
    handler = Handler(chromium, live_server.url)
    page = chromium
    pack = get_pack("hos-code-2024")

    # -- sign in ----------------------------------------------------------------------------------
    handler.go("/work/")
    assert handler.heading() == "Sign in to PutRight"
    # The page is styled: GOV.UK Frontend's stylesheet loaded from the live server.
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('.govuk-button')).backgroundColor"
    )
    assert colour in ("rgb(15, 122, 82)", "rgb(0, 112, 60)"), colour  # GOV.UK green
    page.get_by_label("Username").fill("handler")
    page.get_by_label("Password").fill("not the password")
    handler.click("Sign in")
    assert "Enter a correct username and password" in handler.errors()
    page.get_by_label("Username").fill("handler")
    page.get_by_label("Password").fill(PASSWORD)
    handler.click("Sign in")
    assert handler.heading() == "My work"
    assert page.url.endswith("/work/")

    # -- record a contact: check against the policy first, then save ----------------------------
    handler.nav("Record a contact")
    assert handler.heading() == "Record a contact"
    page.get_by_label("Phone", exact=True).first.check()
    page.get_by_label("Complaint", exact=True).check()
    page.get_by_label("Customer's full name").fill("Jordan Byrne")
    page.get_by_label("E-mail address").fill("jordan@example.org")
    page.get_by_label("Postcode").fill("so14 7ff")
    page.get_by_label("Tenure").select_option("leaseholder")
    page.get_by_label("Accessibility needs or reasonable adjustments").fill("Large print letters")
    page.get_by_label("Summary in a few words").fill("Damp in the bedroom has come back")
    page.get_by_label("What happened?").fill("It was treated in January and is back.")
    page.get_by_label("Service area").select_option("Damp and mould")
    page.get_by_label("Vulnerability").check()
    handler.click("Check against the policy")
    check = page.locator("#check").inner_text()
    assert "Before you save" in check
    assert "Deadlines it will start" in check
    assert "Acknowledge, define and log the complaint:" in check
    assert "Send the stage 1 response:" in check
    assert "Eligibility check" in check
    assert "When did it happen? The policy's time limit needs the date." in check
    assert not Case.objects.exists()  # nothing saved yet
    # What was typed is still there.
    assert page.get_by_label("Customer's full name").input_value() == "Jordan Byrne"
    page.get_by_label("When did it happen?").fill("2026-01-20")
    handler.click("Check against the policy")
    assert "Within the 12-month time limit" in page.locator("#check").inner_text()
    previewed = page.locator("#check li").first.inner_text()
    handler.click("Record the contact")

    case = Case.objects.get()
    assert handler.banner().count(f"Recorded as {case.reference}.") == 1
    assert handler.heading() == "Damp in the bedroom has come back"
    assert handler.stage() == "Complaint, Stage 1 · Open"
    identity = page.locator(".moj-identity-bar").text_content()
    for shown in (
        "Jordan Byrne",
        "Leaseholder",
        "SO14 7FF",
        "Large print letters",
        "Vulnerability",
    ):
        assert shown in identity
    acknowledge = handler.deadline("Stage 1: Acknowledge, define and log the complaint")
    assert acknowledge["status"] == "On track"
    assert acknowledge["due"] in previewed  # the date the check promised
    respond = handler.deadline("Stage 1: Send the stage 1 response")
    assert respond["status"] == "On track"
    assert handler.timeline() == ["Received"]
    # Why this date: the explanation opens beside the deadline.
    page.get_by_text("Why this date").first.click()
    why = page.locator(".app-explanation").first
    assert why.is_visible()
    assert "Code 6.2" in why.inner_text()
    assert "Counted from" in why.inner_text()
    handler.audit()
    for tab in ("Correspondence", "Remedies", "Linked cases", "Details and history"):
        handler.tab(tab)
    assert handler.buttons() == ["Acknowledge", "Request investigation", "Respond"]

    # -- acknowledge -------------------------------------------------------------------------------
    handler.action("Acknowledge")
    handler.click("Acknowledge")  # nothing chosen: the error is beside the field
    assert "This field is required." in handler.errors()
    group = page.locator(".govuk-form-group--error")
    assert "How was it acknowledged?" in group.inner_text()
    page.get_by_role("link", name="This field is required.").click()
    assert page.evaluate("document.activeElement.id") == "id_method_0"
    page.get_by_label("E-mail").check()
    handler.click("Acknowledge")
    assert "Acknowledged." in handler.banner()
    assert handler.timeline()[0] == "Acknowledged"
    ack_row = handler.deadline("Stage 1: Acknowledge, define and log the complaint")
    assert ack_row["status"] == "Done"
    assert handler.buttons() == ["Request investigation", "Respond", "Extend"]

    # -- ask a team to investigate ------------------------------------------------------------
    handler.action("Request investigation")
    page.get_by_label("Which team is asked to investigate?").fill("Repairs team")
    handler.click("Request investigation")
    assert "Investigation requested." in handler.banner()
    assert handler.timeline()[0] == "Investigation requested"
    assert "investigating: Repairs team" in handler.summary("Handler")
    assert handler.buttons() == ["Record investigation reply", "Respond", "Extend"]

    # -- extend, explained in the handler's words (the Code lists no reasons: 6.4) ------------
    before = handler.deadline("Stage 1: Send the stage 1 response")["due"]
    handler.action("Extend")
    assert page.locator("input[name=reason]").count() == 0
    page.get_by_label("How many more working days?").fill("15")
    page.get_by_label("Explain it to the customer").fill(
        "We are waiting for the roofer's report on the leak."
    )
    handler.click("Extend")  # more than the policy allows
    assert "10" in page.locator(".govuk-form-group--error").inner_text()
    assert page.get_by_label("Explain it to the customer").input_value().startswith("We are")
    page.get_by_label("How many more working days?").fill("5")
    handler.click("Extend")
    assert "Deadline extended. Tell the customer the new date." in handler.banner()
    assert handler.timeline()[0] == "Extended"
    after = handler.deadline("Stage 1: Send the stage 1 response")
    assert after["due"] != before
    extended = next(
        d for d in case_deadlines(Case.objects.get()) if d.stage == "stage1" and d.step == "respond"
    )
    assert after["due"] == due_text(extended)
    assert (
        "We are waiting for the roofer's report on the leak."
        in page.locator(".moj-timeline__item").first.inner_text()
    )

    # -- respond at stage 1 ---------------------------------------------------------------------
    handler.action("Respond")
    overall = page.get_by_role("group", name="What is the decision overall?")
    overall.get_by_label("Partly upheld").check()
    page.get_by_label("Reasons for the decision").fill(
        "The damp treatment was not done properly. We will re-treat the wall this month."
    )
    handler.click("Respond")
    assert "Response recorded." in handler.banner()
    assert handler.timeline()[0] == "Responded"
    assert "Outcome: partly upheld" in page.locator(".moj-timeline__item").first.inner_text()
    assert handler.stage() == "Complaint, Stage 1 · Responded: escalation window open"
    assert handler.deadline("Stage 1: Send the stage 1 response")["status"] == "Done"
    assert handler.buttons()[0] == "Escalate"

    # -- the customer is still unhappy: escalate ---------------------------------------------------
    handler.action("Escalate")
    assert page.locator("input[name=route]").count() == 0  # the Code's stage 2 has no routes
    page.get_by_label("Why does the customer remain dissatisfied?").fill(
        "The wall is still damp after the second visit."
    )
    handler.click("Escalate")
    assert "Escalated." in handler.banner()
    assert handler.timeline()[0] == "Escalation requested"
    assert handler.stage() == "Complaint, Stage 2 · Open"
    stage2_ack = handler.deadline("Stage 2: Acknowledge, define and log the escalation")
    assert stage2_ack["status"] == "On track"
    # Not "Respond": the policy has someone else consider stage 2.
    assert handler.buttons() == ["Acknowledge", "Request investigation", "Extend"]

    # -- acknowledge at stage 2 ------------------------------------------------------------------
    handler.action("Acknowledge")
    page.get_by_label("Letter").check()
    handler.click("Acknowledge")
    assert "Acknowledged." in handler.banner()
    assert handler.timeline()[0] == "Acknowledged"
    assert (
        handler.deadline("Stage 2: Acknowledge, define and log the escalation")["status"] == "Done"
    )
    assert handler.deadline("Stage 2: Send the stage 2 (final) response")["status"] == "On track"
    # Someone other than the stage 1 responder answers stage 2 (the Code, 6.13).
    assert "Respond" not in handler.buttons()

    # -- respond at stage 2, as the complaints manager ---------------------------------------------
    complaints_manager.set_password(PASSWORD)
    complaints_manager.save()
    sign_in_again(handler, "manager")
    handler.go(f"/cases/{case.reference}/")
    handler.action("Respond")
    overall = page.get_by_role("group", name="What is the decision overall?")
    overall.get_by_label("Upheld", exact=True).check()
    page.get_by_label("Reasons for the decision").fill(
        "We should have fixed the cause. A surveyor will visit and the work is booked."
    )
    handler.click("Respond")
    assert "Response recorded." in handler.banner()
    assert handler.timeline()[0] == "Responded"
    assert handler.deadline("Stage 2: Send the stage 2 (final) response")["status"] == "Done"
    assert handler.buttons()[0] == "Close"
    sign_in_again(handler, "handler")
    handler.go(f"/cases/{case.reference}/")

    # -- close ---------------------------------------------------------------------------------
    handler.action("Close")
    page.get_by_label("Resolved").check()
    page.get_by_label("Note (optional)").fill("Work booked; the customer is content.")
    handler.click("Close")
    assert "Case closed." in handler.banner()
    assert handler.timeline()[0] == "Closed"
    assert handler.stage() == "Complaint, Stage 2 · Closed: resolved"
    assert handler.buttons() == ["Reopen"]
    assert "Add a note" in page.locator("main").inner_text()
    case = Case.objects.get()
    assert case.status == Status.CLOSED
    assert [e.kind for e in case.events.order_by("sequence")] == [
        EventKind.RECEIVED,
        EventKind.ACKNOWLEDGED,
        EventKind.INVESTIGATION_REQUESTED,
        EventKind.EXTENDED,
        EventKind.RESPONDED,
        EventKind.ESCALATION_REQUESTED,
        EventKind.ACKNOWLEDGED,
        EventKind.RESPONDED,
        EventKind.CLOSED,
    ]
    handler.tab("Correspondence")
    assert "Acknowledged by email" in page.locator("main").inner_text()

    # -- the other pages -----------------------------------------------------------------------
    handler.nav("Cases")
    assert handler.heading() == "Cases"
    page.get_by_label("Status").select_option("closed")
    handler.click("Apply filters")
    assert case.reference in page.locator("table").inner_text()
    handler.click("Save this filter as mine")
    assert "Filter saved" in handler.banner()
    handler.nav("Search")
    page.get_by_label("Reference, customer name, postcode or words").fill("SO14 7FF")
    handler.click("Search")
    assert "1 result" in page.locator("main").inner_text()
    page.get_by_label("Reference, customer name, postcode or words").fill(case.reference)
    handler.click("Search")
    assert handler.heading() == "Damp in the bedroom has come back"
    handler.nav("My work")
    handler.nav("Organisations and policies")
    assert code_org.name in page.locator("table").inner_text()
    handler.click("hos-code-2024", role="link")
    assert handler.heading() == pack.title
    assert "10 working days from the acknowledgement" in page.locator("main").inner_text()

    # -- letters, remedies and compensation on their tabs ---------------------------------------
    now = timezone.now()
    Correspondence.objects.create(
        case=case,
        template="stage1_response",
        event_sequence=5,
        subject=f"Your complaint {case.reference}: our response",
        channel="email",
        status="sent",
        recipient="jordan@example.org",
        html="<p>Our response</p>",
        created_by=caseworker,
        created_at=now,
        sent_at=now,
    )
    remedy = Remedy.objects.create(
        case=case, kind="apology", description="We apologise for the delay.", created_at=now
    )
    RemedyAction.objects.create(
        case=case,
        remedy=remedy,
        description="Re-treat the bedroom wall",
        owner=caseworker,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    Award.objects.create(
        case=case,
        stage="stage2",
        status="offered",
        total_pence=15000,
        reasoning="Time, trouble and distress over four months.",
        proposed_by=caseworker,
        proposed_at=now,
    )
    handler.go(f"/cases/{case.reference}/?tab=correspondence")
    assert "our response" in page.get_by_role("table", name="Letters and e-mails").inner_text()
    handler.tab("Remedies")
    remedies = page.locator("main").inner_text()
    assert "We apologise for the delay." in remedies
    assert "Re-treat the bedroom wall" in remedies
    assert "£150.00" in remedies

    # -- signing out; another account is locked after five wrong passwords --------------------------
    handler.click("Sign out Hana Handler")
    assert handler.heading() == "Sign in to PutRight"
    for _ in range(5):
        page.get_by_label("Username").fill("someone")
        page.get_by_label("Password").fill("guess")
        page.get_by_role("button", name="Sign in", exact=True).click()
    handler.audit()
    assert handler.heading() == "Your account is locked for 15 minutes"

    assert not handler.failed, handler.failed  # every stylesheet, script and image loaded
    print(f"axe-core found no WCAG 2.2 AA violations on {len(handler.audited)} pages:")
    print("\n".join(dict.fromkeys(handler.audited)))
    assert len(handler.audited) >= 40, handler.audited


def test_every_action_form_and_its_errors_pass_axe(
    chromium, live_server, caseworker, complaints_manager, code_org, southern_org
):
    """The forms the journey above does not open, blank and with their errors, as a manager."""
    from putright.cases.services import Actor, case_receive, case_respond
    from putright.people.models import Person

    complaints_manager.set_password(PASSWORD)
    complaints_manager.save()

    def receive(organisation, kind="complaint"):
        customer = Person.objects.create(organisation=organisation, name="Sam Okoye")
        return case_receive(
            organisation=organisation,
            kind=kind,
            channel="email",
            received_at=timezone.now() - datetime.timedelta(hours=1),
            summary="The lift has been broken for a month",
            actor=Actor(caseworker),
            customer=customer,
        )

    open_case = receive(code_org)
    responded = receive(southern_org)
    case_respond(case=responded, actor=Actor(caseworker), outcome="not_upheld", text="No.")
    informal = receive(southern_org, kind="dissatisfaction")

    manager = Handler(chromium, live_server.url)
    page = chromium
    manager.go("/sign-in/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    manager.click("Sign in")
    assert manager.heading() == "My work"

    forms = {
        open_case.reference: [
            "assign",
            "record-investigation",
            "decide-eligibility",
            "contact",
            "note",
            "close",
            "reopen",
            "withdraw",
        ],
        responded.reference: ["escalate", "refuse-escalation"],
        informal.reference: ["make-formal"],
    }
    with_errors = {"assign", "decide-eligibility", "contact", "escalate", "refuse-escalation"}
    for reference, actions in forms.items():
        for action in actions:
            manager.go(f"/cases/{reference}/{action}/")
            if action in with_errors:
                page.locator("main form button[type=submit]").click()  # blank
                manager.audit()
                assert page.locator(".govuk-error-summary").is_visible()
    # The escalation form offers every route after a stage 1 not upheld.
    manager.go(f"/cases/{responded.reference}/escalate/")
    routes = page.locator("input[name=route]")
    assert routes.count() == 3
    # A case that is not there, and search results.
    manager.go("/cases/NO-SUCH-CASE/")
    manager.go("/search/?q=lift")
    assert "3 results" in page.locator("main").inner_text()
    manager.go("/cases/?all=1&sort=-received")
    manager.go("/policies/southern-housing-2020/")
    assert not manager.failed, manager.failed
