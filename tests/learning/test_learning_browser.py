"""Learning from a Rooftop complaint, in Debian's Chromium, every page checked with axe-core.

The handler cannot close the answered complaint until its lessons-learned report is in (11.2,
refused with the rule named); records the lesson with a mistake first (each error beside its
field), then with an improvement action for the manager; the manager finds it on My work,
completes it and writes what changed for residents; another manager approves it; the
quarterly lessons review reads right and the public page shows the change without anyone's
details.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from putright.accounts.models import Role, User
from putright.cases.services import (
    Actor,
    IssueOutcome,
    case_acknowledge,
    case_receive,
    case_respond,
)
from putright.learning.models import ImprovementAction
from putright.organisations.services import organisation_create
from putright.people.models import Person

from ..staff import test_browser
from ..staff.conftest import PASSWORD, give_role
from ..staff.test_browser import CHROMIUM, Handler

chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium (/usr/bin/chromium) is not installed"
    ),
]

SHOTS = Path("/tmp/learning-shots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def person(username: str, name: str, organisation, *roles: str) -> User:
    user = User.objects.create_user(username, display_name=name, email=f"{username}@example.org")
    user.set_password(PASSWORD)
    user.save()
    for role in roles:
        give_role(user, organisation, role)
    return user


def sign_in(who: Handler, username: str) -> None:
    who.page.context.clear_cookies()
    who.go("/sign-in/")
    who.page.get_by_label("Username").fill(username)
    who.page.get_by_label("Password").fill(PASSWORD)
    who.click("Sign in")
    assert who.heading() == "My work", who.page.url


def test_a_rooftop_lesson_becomes_a_change_residents_can_read(chromium, live_server):
    roof = organisation_create(slug="rooftree", name="Rooftree Group", policy_pack="rooftop-2023")
    handler = person("hana", "Hana Khan", roof, Role.COMPLAINT_HANDLER)
    person("marcus", "Marcus Reid", roof, Role.COMPLAINTS_MANAGER)
    person("tom", "Tom Lewis", roof, Role.MANAGER)
    customer = Person.objects.create(
        organisation=roof,
        name="Robin Clarke",
        email="robin.clarke@example.org",
        address="4 Mill Close",
        postcode="TF1 3CC",
    )
    received = timezone.now() - datetime.timedelta(days=10)
    case = case_receive(
        organisation=roof,
        kind="complaint",
        channel="phone",
        received_at=received,
        summary="The repair to my kitchen ceiling never happened",
        details="Two appointments were booked and nobody came to either of them.",
        actor=Actor(handler),
        customer=customer,
        service_area="Repairs",
    )
    case = case_acknowledge(case=case, actor=Actor(handler), method="email")
    case = case_respond(
        case=case,
        actor=Actor(handler),
        outcome="upheld",
        text="We are sorry: both visits were missed.",
        issues=[IssueOutcome("Two missed appointments", "upheld", "Nobody came.")],
    )
    due = timezone.localdate() + datetime.timedelta(days=30)
    who = Handler(chromium, live_server.url)

    # The handler: closing is refused until the lessons-learned report is in.
    sign_in(who, "hana")
    who.go(f"/cases/{case.reference}/")
    assert "The lessons-learned report is needed before this complaint can close" in (
        who.page.inner_text("main")
    )
    who.go(f"/cases/{case.reference}/close/")
    who.page.get_by_label("Resolved", exact=True).check()
    who.click("Close")
    assert "cannot close until its lessons-learned report is recorded" in who.errors()
    assert "the policy (11.2, flowchart) makes the report a condition of closing" in who.errors()

    # The lesson: first with mistakes, each shown beside its field.
    who.go(f"/cases/{case.reference}/")
    who.click("Record lessons learnt", role="link")
    assert who.heading() == "Record lessons learnt"
    who.page.get_by_label("What was learnt").fill("")
    who.page.get_by_label("An improvement action it calls for (optional): what will change").fill(
        "Text every resident their repair slot the day before."
    )
    who.click("Record the lesson")
    assert who.heading() == "Record lessons learnt"
    errors = who.errors()
    for message in (
        "Choose a root cause.",
        "Choose whether it is about this case or about how we work.",
        "Say what was learnt.",
        "Choose who owns the action.",
        "Give the date the action is due",
    ):
        assert message in errors
    assert "Choose a root cause." in who.page.inner_text("#cause-error")
    assert "Choose who owns the action." in who.page.inner_text("#action_owner-error")
    shot(who.page, "lesson-errors")

    who.page.get_by_role("group", name="Which issue").get_by_label(
        "1. Two missed appointments (upheld)"
    ).check()
    who.page.get_by_label("Root cause").select_option(label="Missed appointment")
    who.page.get_by_label("Systemic: how we work").check()
    who.page.get_by_label("What was learnt").fill(
        "Repairs were booked without checking the operative's diary, so visits were missed."
    )
    who.page.get_by_label("Who owns the action").select_option(label="Marcus Reid")
    who.page.get_by_label("Due by").fill(due.isoformat())
    who.click("Record the lesson")
    assert "Lesson recorded." in who.banner()
    main = who.page.inner_text("main")
    assert "Missed appointment" in main
    assert "The lessons-learned report is needed" not in main
    shot(who.page, "case-with-lesson")

    # The manager: the action is on My work; complete it and write for residents.
    sign_in(who, "marcus")
    assert "Complete the improvement action" in who.page.inner_text("main")
    action = ImprovementAction.objects.get()
    who.go(f"/learning/actions/{action.pk}/")
    assert who.heading().startswith("Text every resident their repair slot")
    who.click("Complete the action", role="button")
    who.page.get_by_label("What was done").fill("The repairs system now texts the slot at 6pm.")
    who.click("Complete the action")
    assert "Its effectiveness is reviewed by" in who.banner()
    who.click("Write what changed, for residents", role="button")
    who.page.get_by_label("What we learnt and changed, for residents").fill(
        "Robin told us nobody came to fix the ceiling."
    )
    who.click("Write what changed, for residents")
    assert "must not identify anyone: remove the name Robin" in who.errors()
    who.page.get_by_label("What we learnt and changed, for residents").fill(
        "You told us repair visits were missed. We now text you your repair slot the day "
        "before, and check the operative is free before we book."
    )
    who.click("Write what changed, for residents")
    assert "published once someone else approves it" in who.banner()

    # Another manager approves it.
    sign_in(who, "tom")
    who.go(f"/learning/actions/{action.pk}/")
    who.click("Approve what changed, for residents", role="button")
    who.page.get_by_label("Yes: publish it").check()
    who.click("Approve what changed, for residents")
    assert "it is on the public page" in who.banner()

    # The quarterly lessons review reads right, and is offered as PDF.
    who.go("/learning/actions/?organisation=rooftree&status=all")
    who.click("Quarterly lessons review", role="link")
    main = who.page.inner_text("main")
    assert who.heading().startswith("Quarterly lessons review:")
    assert "1 lesson recorded: 1 about how we work (systemic), 0 about one case." in main
    assert "Missed appointment" in main
    assert case.reference in main
    assert "Actions raised (1)" in main
    assert "Actions completed (1)" in main
    assert "policy reviews all lessons learnt each quarter (source: 12.3)" in main
    shot(who.page, "quarterly-review")
    pdf = who.page.request.get(who.page.url + "&format=pdf")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"

    # The public page: the change, and nobody's details.
    who.page.context.clear_cookies()
    who.go("/resident/rooftree/what-we-changed/")
    assert who.heading() == "What we learnt from complaints and changed"
    public = who.page.inner_text("main")
    assert "We now text you your repair slot the day before" in public
    assert "Repairs: missed appointment" in public
    for secret in ("Robin", "Clarke", case.reference, "TF1 3CC", "Mill Close"):
        assert secret not in public
    shot(who.page, "public-page")
    assert not who.failed
