"""Through the pages, in Debian's Chromium, under Southern's procedure: a Senior Manager Review
call booked in the window with its report on time, and a Complaint Review Panel convened, met,
minuted and its agreed letter sent. Every page is checked with axe-core (WCAG 2.2 AA) under the
Content-Security-Policy. Screenshots are kept under /tmp/meetings-journey/.

The clock is moved (time-machine, ticking). Stage 2 counts from the request to escalate, Tue 10
March 2026 (day 0); by hand (Good Friday 3 and Easter Monday 6 April 2026 skipped):
- the review report within 6 working days: Wed 11 (1), Thu 12, Fri 13, Mon 16, Tue 17, Wed 18
  March (6);
- the Senior Manager's call within 15: ... Mon 30 (14), Tue 31 March (15);
- the panel's summary sheet within 5: Tue 17 March (5);
- the panel meeting within 17: Wed 1 April (16), Thu 2 April (17).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from putright.accounts.models import Role
from putright.cases.models import EventKind
from putright.meetings.models import Meeting
from tests.api.conftest import at
from tests.staff import test_browser
from tests.staff.test_browser import CHROMIUM, Handler

chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

PASSWORD = "a-long-staff-password"
SHOTS = Path("/tmp/meetings-journey")


def shot(who: Handler, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    who.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def passwords(users) -> None:
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()


def sign_in(who: Handler, username: str) -> None:
    who.go("/sign-in/")
    who.page.get_by_label("Username").fill(username)
    who.page.get_by_label("Password").fill(PASSWORD)
    who.click("Sign in")


def sign_out(who: Handler) -> None:
    who.page.get_by_role("button", name="Sign out").click()


def row(who: Handler, step: str):
    return who.page.locator("tr", has_text=step)


def test_senior_manager_review_call_in_the_window_and_report_on_time(
    chromium, live_server, time_machine, escalated, users
):
    case = escalated("senior_manager_review")
    passwords(users)
    time_machine.move_to(at(2026, 3, 11, 9), tick=True)
    who = Handler(chromium, live_server.url)
    page = who.page
    sign_in(who, Role.COMPLAINT_HANDLER.value)
    who.go(f"/cases/{case.reference}/")
    who.click("See the review, its deadlines and papers", role="link")
    assert who.heading() == "Senior Manager Review"
    assert "Wed 18 Mar 2026" in row(who, "Email the full Senior Manager Review report").inner_text()
    assert "Tue 31 Mar 2026" in row(who, "Senior Manager's call or visit").inner_text()
    shot(who, "01-review")

    who.click("Record what the customer asked for", role="link")
    page.get_by_label("Visit").check()
    page.get_by_label("Anything else (optional)").fill("Mornings suit best")
    who.click("Record what the customer asked for")
    assert "Recorded: the customer asked for a visit." in page.content()

    who.go(f"/cases/{case.reference}/")
    who.click("Book a meeting or call", role="link")
    page.get_by_label("Visit").check()
    page.get_by_label("Starts").fill("2026-04-01T10:00")
    page.get_by_label("Ends").fill("2026-04-01T11:00")
    page.get_by_label("Where, or how").fill("The customer's home")
    first = page.get_by_role("group", name="Person 1", exact=True)
    first.get_by_label("Member of staff (username)").fill(Role.SENIOR_MANAGER.value)
    first.get_by_label("Their part").select_option("senior_manager")
    who.click("Book and send invitations")
    assert "On or before Tue 31 Mar 2026." in page.locator("#starts_at-error").inner_text()
    shot(who, "02-book-too-late")
    page.get_by_label("Starts").fill("2026-03-31T10:00")
    page.get_by_label("Ends").fill("2026-03-31T11:00")
    who.click("Book and send invitations")
    assert "Visit booked; invitations are on their way." in page.content()
    meeting = Meeting.objects.get(case=case)
    assert page.locator(f"#meeting-{meeting.pk}").is_visible()
    shot(who, "03-case-meetings")

    time_machine.move_to(at(2026, 3, 17, 11), tick=True)
    who.go(f"/cases/{case.reference}/review/")
    who.click("Send the report to the reviewer", role="link")
    who.click("Send the report")
    assert who.heading() == "Senior Manager Review"
    assert "Met" in row(who, "Email the full Senior Manager Review report").inner_text()
    assert "Met" in row(who, "Senior Manager's call or visit").inner_text()
    assert "Report sent Tue 17 Mar 2026" in page.content()
    shot(who, "04-report-sent")
    assert case.events.filter(kind=EventKind.STEP_DONE, data__step="review_report").exists()
    assert not who.failed


def test_a_panel_is_convened_met_minuted_and_its_agreed_letter_sent(
    chromium, live_server, time_machine, escalated, users
):
    case = escalated("complaint_review_panel", outcome="partly_upheld")
    passwords(users)
    time_machine.move_to(at(2026, 3, 11, 9), tick=True)
    who = Handler(chromium, live_server.url)
    page = who.page
    sign_in(who, Role.COMPLAINTS_MANAGER.value)
    who.go(f"/cases/{case.reference}/review/")
    assert "Tue 17 Mar 2026" in row(who, "summary sheet").inner_text()
    assert "Thu 2 Apr 2026" in row(who, "Hold the Complaint Review Panel meeting").inner_text()
    who.go(f"/cases/{case.reference}/")
    who.click("Book a meeting or call", role="link")
    page.get_by_label("Panel meeting", exact=True).check()
    page.get_by_label("Starts").fill("2026-04-02T10:00")
    page.get_by_label("Ends").fill("2026-04-02T12:00")
    page.get_by_label("Where, or how").fill("Northtown office, room 2")
    people = [
        ("senior_manager", "", "senior_manager", "senior_manager"),
        ("resident", "", "resident_panel_member", "involved_resident"),
        ("", "Sam Steering", "resident_panel_member", "involved_resident"),
        ("", "Lee Third", "resident_panel_member", "involved_resident"),
        ("bst", "", "note_taker", ""),
    ]
    for n, (username, name, part, seat) in enumerate(people, start=1):
        group = page.get_by_role("group", name=f"Person {n}", exact=True)
        if username:
            group.get_by_label("Member of staff (username)").fill(username)
        else:
            group.get_by_label("Or their name").fill(name)
            group.get_by_label("and e-mail address").fill(f"{name.split()[0].lower()}@example.org")
        group.get_by_label("Their part").select_option(part)
        if seat:
            group.get_by_label("Panel seat").select_option(seat)
    who.click("Book and send invitations")
    assert "has at most 2 Involved Resident" in page.locator(".govuk-error-summary").inner_text()
    shot(who, "11-panel-third-resident")
    fourth = page.get_by_role("group", name="Person 4", exact=True)
    fourth.get_by_label("Or their name").fill("")
    fourth.get_by_label("and e-mail address").fill("")
    fourth.get_by_label("Their part").select_option("")
    fourth.get_by_label("Panel seat").select_option("")
    who.click("Book and send invitations")
    assert "Panel meeting booked; invitations are on their way." in page.content()
    shot(who, "12-panel-booked")

    time_machine.move_to(at(2026, 3, 16, 12), tick=True)
    who.go(f"/cases/{case.reference}/review/")
    who.click("Send the summary sheet to the panel and the customer", role="link")
    who.click("Send the summary sheet")
    assert "Summary sheet sent Mon 16 Mar 2026" in page.content()

    time_machine.move_to(at(2026, 4, 2, 12, 5), tick=True)
    meeting = Meeting.objects.get(case=case, kind="panel_meeting")
    who.go(f"/cases/{case.reference}/")
    who.page.locator(f"#meeting-{meeting.pk}").get_by_role(
        "link", name="Record it was held"
    ).click()
    who.audit()
    page.get_by_label("Senior Manager").check()
    who.click("Record that the meeting was held")
    assert "Recorded: the meeting was held." in page.content()
    sign_out(who)

    sign_in(who, "bst")
    who.go(f"/cases/{case.reference}/")
    who.page.locator(f"#meeting-{meeting.pk}").get_by_role(
        "link", name="Record the minutes"
    ).click()
    who.audit()
    page.get_by_label("Minutes").fill(
        "Chair: Senior Manager. The panel heard the customer; it decided to uphold."
    )
    who.click("Record the minutes")
    assert "Minutes recorded." in page.content()
    sign_out(who)

    sign_in(who, Role.COMPLAINTS_MANAGER.value)
    who.go(f"/cases/{case.reference}/review/")
    who.click("Draft the decision letter", role="link")
    page.get_by_label("Upheld", exact=True).check()
    page.get_by_label("The letter").fill(
        "The panel met on 2 April and upholds your complaint. We will fix the damp by 30 April."
    )
    who.click("Circulate to the panel")
    assert "Waiting for: Senior Manager, Resident, Sam Steering." in page.content()
    who.click("Send the agreed decision letter", role="link")
    who.click("Send the letter")
    assert "waiting for Senior Manager, Resident, Sam Steering" in page.content()
    shot(who, "13-letter-not-agreed")
    who.go(f"/cases/{case.reference}/review/letter/agree/")
    page.get_by_label("Sam Steering").check()
    who.click("Agree this draft")
    sign_out(who)

    for member in ("resident", Role.SENIOR_MANAGER.value):
        sign_in(who, member)
        who.go(f"/cases/{case.reference}/review/")
        assert "1 High Street" not in page.content() or member != "resident"
        if member == "resident":
            shot(who, "14-resident-review-without-address")
        who.click("Agree draft 1", role="link")
        assert "upholds your complaint" in page.content()
        who.click("Agree this draft")
        sign_out(who)

    sign_in(who, Role.COMPLAINTS_MANAGER.value)
    who.go(f"/cases/{case.reference}/review/letter/send/")
    who.click("Send the letter")
    assert "Decision letter sent: the stage 2 response is recorded." in page.content()
    assert "Decision letter sent Thu 2 Apr 2026" in page.content()
    shot(who, "15-letter-sent")
    responded = case.events.filter(kind=EventKind.RESPONDED).order_by("-sequence").first()
    assert responded.data["outcome"] == "upheld"
    assert not who.failed
