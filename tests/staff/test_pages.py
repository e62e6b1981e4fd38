"""The staff pages through Django's test client: what a handler sees and what they may do."""

from __future__ import annotations

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from putright.accounts.models import Role, User
from putright.cases.models import Case, EventKind, Status
from putright.cases.selectors import case_deadlines
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_add_note,
    case_escalate,
    case_receive,
    case_respond,
)
from putright.domain.compliance import VERDICT_LABELS, check_against_code
from putright.people.models import Person
from putright.policies.registry import code_pack, get_pack
from putright.staff.models import SavedQueue
from putright.staff.views.queues import step_names

from .conftest import PASSWORD, at, contact_form, give_role
from .html import parse, radio_values

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday(clock):
    clock(2026, 3, 9, 12)  # a Monday, in term: no bank holidays nearby


def received(organisation, handler, *, when=None, **extra):
    """A case recorded through the service, for a new customer unless one is given."""
    customer = extra.pop("customer", None) or Person.objects.create(
        organisation=organisation,
        name=extra.pop("name", "Pat Resident"),
        email="pat@example.org",
        postcode=extra.pop("postcode", "L24 1AA"),
        tenure="tenant",
    )
    return case_receive(
        organisation=organisation,
        kind=extra.pop("kind", "complaint"),
        channel="phone",
        received_at=when or at(2026, 3, 2, 10),
        summary=extra.pop("summary", "The repair never happened and nobody called me back"),
        actor=Actor(handler),
        customer=customer,
        **extra,
    )


# -- signing in and out ---------------------------------------------------------------------


def test_sign_in_and_out(client, caseworker):
    page = client.get("/sign-in/")
    assert page.status_code == 200
    assert "Sign in to PutRight" in page.text

    signed_in = client.post("/sign-in/", {"username": "handler", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("staff:work")
    work = client.get("/work/")
    assert work.status_code == 200
    assert parse(work.content).find("h1").text == "My work"
    assert "Sign out Hana Handler" in work.text

    signed_out = client.post("/sign-out/")
    assert signed_out.status_code == 302
    assert signed_out["Location"] == reverse("staff:sign-in")
    again = client.get("/work/")
    assert again.status_code == 302
    assert again["Location"].startswith("/sign-in/")


def test_a_wrong_password_shows_the_error_beside_the_form(client, caseworker):
    page = client.post("/sign-in/", {"username": "handler", "password": "nope"})
    assert page.status_code == 200
    tree = parse(page.content)
    assert "Enter a correct username and password" in tree.find(cls="govuk-error-summary").text
    assert client.get("/work/").status_code == 302


def test_five_wrong_passwords_lock_the_account(client, caseworker):
    for _ in range(4):
        page = client.post("/sign-in/", {"username": "handler", "password": "wrong"})
        assert page.status_code == 200
        assert "Enter a correct username and password" in page.text
    fifth = client.post("/sign-in/", {"username": "handler", "password": "wrong"})
    assert fifth.status_code == 429
    assert AccessAttempt.objects.get(username="handler").failures_since_start == 5

    # Even the right password is refused now, with the locked page.
    sixth = client.post("/sign-in/", {"username": "handler", "password": PASSWORD})
    assert sixth.status_code == 429
    assert "Your account is locked for 15 minutes" in sixth.text
    assert client.get("/work/").status_code == 302  # not signed in


def test_a_lock_is_per_account_not_per_office(client, caseworker, complaints_manager):
    complaints_manager.set_password(PASSWORD)
    complaints_manager.save()
    for _ in range(5):
        client.post("/sign-in/", {"username": "handler", "password": "wrong"})
    # A colleague at the same address still signs in.
    page = client.post("/sign-in/", {"username": "manager", "password": PASSWORD})
    assert page.status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/work/",
        "/cases/",
        "/cases/MBH-2026-00001/",
        "/cases/MBH-2026-00001/acknowledge/",
        "/record/",
        "/search/?q=anything",
        "/organisations/",
        "/policies/hos-code-2024/",
    ],
)
def test_every_page_needs_sign_in(client, path):
    page = client.get(path)
    assert page.status_code == 302
    assert page["Location"].startswith("/sign-in/?next=")


def test_saving_a_filter_needs_sign_in(client):
    page = client.post("/cases/save-filter/", {"query": "kind=complaint"})
    assert page.status_code == 302
    assert page["Location"].startswith("/sign-in/")
    assert not SavedQueue.objects.exists()


# -- the case page --------------------------------------------------------------------------


def test_the_case_page_shows_who_what_is_due_and_why(
    staff_client, caseworker, code_org, vulnerable_customer
):
    person, representative = vulnerable_customer
    case = received(
        code_org,
        caseworker,
        customer=person,
        representative=representative,
        flags=["safeguarding", "vulnerability"],
    )
    case = case_acknowledge(case=case, actor=Actor(caseworker), occurred_at=at(2026, 3, 3, 11))

    page = staff_client.get(f"/cases/{case.reference}/")
    assert page.status_code == 200
    tree = parse(page.content)

    identity = tree.find(cls="moj-identity-bar").text
    for shown in (
        "Robin Clarke",
        "Leaseholder",
        "L19 2BB",
        "Prefers phone, mornings only",
        "Represented by Sam Advocate (Advocate, authority held)",
        "Accessibility needs: Large print letters",
        "Adjustments: Call before visiting",
        "Safeguarding",
        "Vulnerability",
    ):
        assert shown in identity, shown

    assert tree.find("h1").text == case.summary
    summary = tree.find(cls="govuk-summary-list").text
    assert "Complaint, Stage 1" in summary
    assert "Housing Ombudsman Complaint Handling Code (2024)" in summary

    # Deadlines: each with a RAG label and the reason for its date.
    table = tree.find("table")
    rows = list(table.find("tbody").find_all("tr"))
    deadlines = case_deadlines(case)
    assert len(rows) == len(deadlines) == 2
    acknowledge, respond = rows
    assert "Acknowledge, define and log the complaint" in acknowledge.text
    assert acknowledge.find(cls="app-rag").text == "Done"
    assert "Send the stage 1 response" in respond.text
    assert respond.find(cls="app-rag").text == "On track"
    assert "app-rag--green" in respond.find(cls="app-rag").classes
    assert respond.find("summary").text == "Why this date"
    why = respond.find(cls="app-explanation").text
    assert why == re.sub(r"\s+", " ", deadlines[1].explanation.text())
    assert "Counted from" in why
    assert "Code 6.3" in why
    assert deadlines[1].due.strftime("%a %-d %b %Y") in respond.text

    # The chronology as a timeline, newest first.
    titles = [e.text for e in tree.find_all(cls="moj-timeline__title")]
    assert titles == ["Acknowledged", "Received"]
    assert "by Hana Handler" in tree.find(cls="moj-timeline").text

    # Actions as page-header buttons; the policy's next step first.
    buttons = [a.text for a in tree.find(cls="moj-page-header-actions__actions").find_all("a")]
    assert buttons == ["Request investigation", "Respond", "Extend"]


def test_an_overdue_deadline_is_red(staff_client, caseworker, code_org, clock):
    case = received(code_org, caseworker, when=at(2026, 3, 2, 10))
    clock(2026, 3, 16, 12)  # the 5 working days to acknowledge are long gone
    tree = parse(staff_client.get(f"/cases/{case.reference}/").content)
    first = tree.find("tbody").find("tr")
    assert first.find(cls="app-rag").text == "Overdue"
    assert "app-rag--red" in first.find(cls="app-rag").classes


def test_a_deadline_due_within_two_days_is_amber(staff_client, caseworker, code_org, clock):
    case = received(code_org, caseworker, when=at(2026, 3, 2, 10))  # acknowledge by Mon 9 Mar
    clock(2026, 3, 7, 12)
    tree = parse(staff_client.get(f"/cases/{case.reference}/").content)
    rag = tree.find("tbody").find("tr").find(cls="app-rag")
    assert rag.text == "Due soon"
    assert "app-rag--amber" in rag.classes


def test_the_case_tabs(staff_client, caseworker, code_org):
    case = received(code_org, caseworker)
    case_acknowledge(case=case, actor=Actor(caseworker), method="letter")
    for tab, heading in [
        ("details", "What the customer said"),
        ("correspondence", "Correspondence"),
        ("remedies", "Remedies"),
        ("linked", "Linked cases"),
        ("nonsense", "What the customer said"),
    ]:
        page = staff_client.get(f"/cases/{case.reference}/?tab={tab}")
        assert page.status_code == 200
        tree = parse(page.content)
        assert heading in [h.text for h in tree.find_all("h2")], tab
    tree = parse(staff_client.get(f"/cases/{case.reference}/?tab=correspondence").content)
    assert "Acknowledged by letter" in tree.find("main").text
    current = tree.find(cls="moj-sub-navigation__link", aria_current="page")
    assert current.text == "Correspondence"


# -- actions ----------------------------------------------------------------------------------


def test_an_invalid_action_shows_the_errors_beside_the_fields(staff_client, caseworker, code_org):
    case = received(code_org, caseworker)
    page = staff_client.post(
        f"/cases/{case.reference}/respond/", {"version": case.version, "text": ""}
    )
    assert page.status_code == 400
    tree = parse(page.content)
    assert tree.find("title").text.startswith("Error: ")
    summary = tree.find(cls="govuk-error-summary")
    assert "There is a problem" in summary.text
    links = {a.attrs["href"]: a.text for a in summary.find_all("a")}
    # Each error links to its field: the first radio of a group, or the text box.
    assert links == {
        "#id_outcome_0": "This field is required.",
        "#id_text": "This field is required.",
    }
    assert tree.has("input", id="id_outcome_0")
    text_group = tree.find("textarea", id="id_text").closest(cls="govuk-form-group")
    assert "govuk-form-group--error" in text_group.classes
    assert "This field is required." in text_group.find(cls="govuk-error-message").text
    assert "id_text-error" in tree.find("textarea", id="id_text").attrs["aria-describedby"]
    outcome_group = tree.find("input", id="id_outcome_0").closest(cls="govuk-form-group")
    assert "govuk-form-group--error" in outcome_group.classes
    assert "This field is required." in outcome_group.find(cls="govuk-error-message").text
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert not case.events.filter(kind=EventKind.RESPONDED).exists()


def test_a_rule_of_the_policy_is_shown_beside_its_field(staff_client, caseworker, code_org):
    case = received(code_org, caseworker)
    page = staff_client.post(
        f"/cases/{case.reference}/extend/",
        {"version": case.version, "working_days": 11, "explanation": "Waiting for a survey."},
    )
    assert page.status_code == 400
    tree = parse(page.content)
    group = tree.find("input", id="id_working_days").closest(cls="govuk-form-group")
    assert "govuk-form-group--error" in group.classes
    assert "10" in group.find(cls="govuk-error-message").text


def test_a_valid_action_saves_and_says_so(staff_client, caseworker, code_org):
    case = received(code_org, caseworker)
    form = staff_client.get(f"/cases/{case.reference}/acknowledge/")
    assert form.status_code == 200
    assert radio_values(parse(form.content), "method") == ["letter", "email", "phone"]
    page = staff_client.post(
        f"/cases/{case.reference}/acknowledge/",
        {"version": case.version, "method": "email"},
        follow=True,
    )
    assert page.redirect_chain == [(f"/cases/{case.reference}/", 302)]
    tree = parse(page.content)
    assert "Acknowledged." in tree.find(cls="govuk-notification-banner").text
    assert tree.find(cls="moj-timeline__title").text == "Acknowledged"


def test_a_stale_version_keeps_the_input_and_explains(staff_client, caseworker, code_org):
    case = received(code_org, caseworker)
    seen = case.version
    # Someone else adds a note while the handler writes the response.
    case_add_note(case=case, actor=Actor(caseworker), text="Called the customer back")
    text = "We are sorry: the repair was booked late. It is now done."
    page = staff_client.post(
        f"/cases/{case.reference}/respond/",
        {"version": seen, "outcome": "upheld", "text": text},
    )
    assert page.status_code == 400
    tree = parse(page.content)
    summary = tree.find(cls="govuk-error-summary").text
    assert "changed" in summary.lower()
    assert "Your entries are kept below" in summary
    assert tree.find("textarea", id="id_text").text == text
    assert tree.find("input", id="id_outcome_0").attrs.get("checked") is not None  # upheld
    current = Case.objects.get(pk=case.pk).version
    assert tree.find("input", name="version").attrs["value"] == str(current)
    assert not Case.objects.get(pk=case.pk).events.filter(kind=EventKind.RESPONDED).exists()

    # Having looked, they save again and it goes through.
    again = staff_client.post(
        f"/cases/{case.reference}/respond/",
        {"version": current, "outcome": "upheld", "text": text},
    )
    assert again.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.AWAITING_ESCALATION


def test_the_extension_form_offers_the_packs_reasons(
    staff_client, caseworker, code_org, southern_org
):
    for organisation in (code_org, southern_org):
        case = received(organisation, caseworker)
        page = staff_client.get(f"/cases/{case.reference}/extend/")
        assert page.status_code == 200
        stage = get_pack(organisation.policy_pack).stage(case.stage)
        expected = [r.id for r in stage.extension_for(None).reasons]
        assert radio_values(parse(page.content), "reason") == expected
        labels = [
            label.text for label in parse(page.content).find_all("label", cls="govuk-radios__label")
        ]
        assert labels == [r.label for r in stage.extension_for(None).reasons]
        assert "at most 10 working days" in page.text


@pytest.mark.parametrize(
    ("outcome", "routes"),
    [
        ("upheld", ["compensation_review", "senior_manager_review"]),
        (
            "partly_upheld",
            ["compensation_review", "senior_manager_review", "complaint_review_panel"],
        ),
        ("not_upheld", ["compensation_review", "senior_manager_review", "complaint_review_panel"]),
    ],
)
def test_the_escalation_form_offers_only_routes_allowed_for_this_case(
    staff_client, caseworker, southern_org, outcome, routes
):
    case = received(southern_org, caseworker)
    case_respond(case=case, actor=Actor(caseworker), outcome=outcome, text="Our decision.")
    page = staff_client.get(f"/cases/{case.reference}/escalate/")
    assert page.status_code == 200
    assert radio_values(parse(page.content), "route") == routes
    # A route that is not offered is refused if sent anyway.
    if "complaint_review_panel" not in routes:
        refused = staff_client.post(
            f"/cases/{case.reference}/escalate/",
            {
                "version": Case.objects.get(pk=case.pk).version,
                "route": "complaint_review_panel",
                "reasons": "Still unhappy",
            },
        )
        assert refused.status_code == 400
        group = (
            parse(refused.content).find("input", id="id_route_0").closest(cls="govuk-form-group")
        )
        assert "govuk-form-group--error" in group.classes


def test_the_escalation_form_has_no_routes_where_the_next_stage_has_none(
    staff_client, caseworker, code_org
):
    case = received(code_org, caseworker)
    case_respond(case=case, actor=Actor(caseworker), outcome="upheld", text="Our decision.")
    tree = parse(staff_client.get(f"/cases/{case.reference}/escalate/").content)
    assert radio_values(tree, "route") == []
    assert "Optional: the customer does not have to give reasons." in tree.text


def test_refusing_escalation_offers_the_packs_grounds(
    manager_client, caseworker, complaints_manager, southern_org
):
    case = received(southern_org, caseworker)
    case_respond(case=case, actor=Actor(caseworker), outcome="upheld", text="Our decision.")
    page = manager_client.get(f"/cases/{case.reference}/refuse-escalation/")
    assert page.status_code == 200
    grounds = get_pack("southern-housing-2020").stage("stage1").escalation.refusal_grounds
    assert radio_values(parse(page.content), "ground") == [g.id for g in grounds]
    assert radio_values(parse(page.content), "ground") == ["outside_remit", "another_route"]


def test_a_role_that_may_not_act_gets_403(staff_client, caseworker, southern_org):
    case = received(southern_org, caseworker)
    case_respond(case=case, actor=Actor(caseworker), outcome="upheld", text="Our decision.")
    # Refusing an escalation is a manager's decision.
    page = staff_client.get(f"/cases/{case.reference}/refuse-escalation/")
    assert page.status_code == 403
    assert "You cannot do this" in page.text
    posted = staff_client.post(
        f"/cases/{case.reference}/refuse-escalation/",
        {"version": case.version, "ground": "outside_remit", "explanation": "No."},
    )
    assert posted.status_code == 403
    assert Case.objects.get(pk=case.pk).status == Status.AWAITING_ESCALATION
    # Nor is it offered on the case page.
    tree = parse(staff_client.get(f"/cases/{case.reference}/").content)
    assert "Refuse escalation" not in tree.find("main").text


def test_an_investigator_may_add_a_note_but_not_respond(client, caseworker, code_org):
    investigator = User.objects.create_user("ivy", display_name="Ivy Investigator")
    give_role(investigator, code_org, Role.INVESTIGATING_OFFICER)
    case = received(code_org, caseworker)
    from putright.cases.services import case_request_investigation

    case_request_investigation(
        case=case, actor=Actor(caseworker), team="Repairs", investigator=investigator
    )
    client.force_login(investigator)
    assert client.get(f"/cases/{case.reference}/").status_code == 200
    assert client.get(f"/cases/{case.reference}/respond/").status_code == 403
    assert client.get(f"/cases/{case.reference}/note/").status_code == 200
    # A case they are not named on is not there at all.
    other = received(code_org, caseworker)
    assert client.get(f"/cases/{other.reference}/").status_code == 404


def test_another_organisations_case_is_not_found(staff_client, caseworker, organisation_on):
    elsewhere = organisation_on("rooftop-2023")
    case = received(elsewhere, caseworker)
    assert staff_client.get(f"/cases/{case.reference}/").status_code == 404
    assert staff_client.get(f"/cases/{case.reference}/acknowledge/").status_code == 404
    posted = staff_client.post(
        f"/cases/{case.reference}/acknowledge/", {"version": case.version, "method": "email"}
    )
    assert posted.status_code == 404
    assert not Case.objects.get(pk=case.pk).events.filter(kind=EventKind.ACKNOWLEDGED).exists()
    # Nor is it found by search.
    assert staff_client.get(f"/search/?q={case.reference}").status_code == 200


def test_an_unknown_action_is_not_found(staff_client, caseworker, code_org):
    case = received(code_org, caseworker)
    assert staff_client.get(f"/cases/{case.reference}/explode/").status_code == 404


# -- my work, the queue, search -----------------------------------------------------------------


def test_my_work_shows_what_is_overdue_due_today_and_this_week(
    staff_client, caseworker, code_org, clock
):
    from putright.cases.services import case_assign

    overdue = received(code_org, caseworker, when=at(2026, 2, 23, 10), summary="Overdue one")
    today = received(code_org, caseworker, when=at(2026, 3, 2, 10), summary="Due today one")
    week = received(code_org, caseworker, when=at(2026, 3, 5, 10), summary="Due this week one")
    for case in (overdue, today, week):
        case_assign(case=case, actor=Actor(caseworker), handler=caseworker)
    received(code_org, caseworker, summary="Not mine")

    tree = parse(staff_client.get("/work/").content)
    tables = {t.find("caption").text: t.text for t in tree.find_all("table")}
    assert "Overdue one" in tables["My overdue cases"]
    assert "Due today one" in tables["Due today"]
    assert "Due this week one" in tables["Due in the next 7 days"]
    assert "Not mine" not in tree.find("main").text
    counts = tree.find("main").text
    assert "1 overdue" in counts
    assert "1 due today" in counts


def test_my_work_counts_the_teams_cases_by_due_date_stage_and_step(
    staff_client, caseworker, complaints_manager, code_org, southern_org
):
    today = datetime.date(2026, 3, 9)  # the Monday of the clock above
    plan = [
        # (organisation, due in days or None, handler, closed)
        (code_org, -3, caseworker, False),
        (code_org, -1, None, False),
        (code_org, 0, complaints_manager, False),
        (code_org, 5, None, False),
        (code_org, 7, caseworker, False),
        (code_org, 8, None, False),
        (code_org, None, None, False),
        (southern_org, -2, None, False),
        (southern_org, 0, caseworker, False),
        (southern_org, 2, None, True),  # closed: not counted
    ]
    for number, (organisation, days, handler, closed) in enumerate(plan):
        case = received(organisation, caseworker, summary=f"Team case {number}")
        Case.objects.filter(pk=case.pk).update(
            next_due_on=None if days is None else today + datetime.timedelta(days=days),
            next_due_step="stage1:respond" if days is not None else "",
            handler=handler,
            status=Status.CLOSED if closed else Status.OPEN,
        )

    main = parse(staff_client.get("/work/").content).find("main")
    team = main.find("ul", cls="govuk-list").text
    assert "3 overdue" in team
    assert "2 due today" in team
    assert "4 due in the next 7 days" in team  # today counts in, as in the queue's filter
    assert "5 open cases without a handler" in team
    mine = main.find("div", cls="govuk-grid-row").text
    assert mine == "1 overdue 1 due today 1 due this week"
    tables = {t.find("caption").text: t for t in main.find_all("table")}
    by_stage = [
        [cell.text for cell in row.find_all("td")]
        for row in tables["Open cases by stage"].find("tbody").find_all("tr")
    ]
    stage1 = get_pack("hos-code-2024").stage("stage1").label
    southern_stage1 = get_pack("southern-housing-2020").stage("stage1").label
    assert by_stage == [
        [f"{code_org.name}: {stage1}", "7"],
        [f"{southern_org.name}: {southern_stage1}", "2"],
    ]
    by_step = [
        [cell.text for cell in row.find_all("td")]
        for row in tables["Due within a week, by step"].find("tbody").find_all("tr")
    ]
    # Five due within the week (or overdue) at the first landlord and two at the second, by
    # the policy's own names for the step; the case due in eight days is not among them.
    respond = {
        pack: ": ".join(step_names(pack, "stage1", "respond"))
        for pack in ("hos-code-2024", "southern-housing-2020")
    }
    assert by_step == [
        [respond["hos-code-2024"], "5"],
        [respond["southern-housing-2020"], "2"],
    ]


@pytest.fixture
def thirty_cases(caseworker, code_org):
    cases = []
    for number in range(30):
        cases.append(
            received(
                code_org,
                caseworker,
                when=at(2026, 2, 2 + number % 25, 10),
                summary=f"Case number {number:02d}",
                name=f"Customer {number:02d}",
                flags=["safeguarding"] if number % 10 == 0 else [],
                kind="service_request" if number == 29 else "complaint",
            )
        )
    return cases


def _references(content: bytes) -> list[str]:
    table = parse(content).find("table")
    return [a.text for a in table.find("tbody").find_all("a")]


def test_the_queue_is_paginated_and_sortable(staff_client, thirty_cases):
    first = staff_client.get("/cases/?all=1")
    assert first.status_code == 200
    stages = {
        next(iter(r.find_all("td"))).text: list(r.find_all("td"))[3].text
        for r in parse(first.content).find("tbody").find_all("tr")
    }
    assert set(stages.values()) == {"Stage 1"}  # the policy's name, not its id
    assert "30 cases" in first.text
    assert len(_references(first.content)) == 25
    pagination = parse(first.content).find("nav", cls="govuk-pagination")
    assert "1 of 2" in pagination.text
    second = staff_client.get("/cases/?all=1&sort=due&page=2")
    assert len(_references(second.content)) == 5
    assert not set(_references(first.content)) & set(_references(second.content))

    by_reference = _references(staff_client.get("/cases/?all=1&sort=reference").content)
    assert by_reference == sorted(c.reference for c in thirty_cases)[:25]
    backwards = _references(staff_client.get("/cases/?all=1&sort=-reference").content)
    assert backwards == sorted((c.reference for c in thirty_cases), reverse=True)[:25]

    # The column heading toggles the order.
    tree = parse(staff_client.get("/cases/?all=1&sort=reference").content)
    link = tree.find("table").find("thead").find("a", cls="govuk-link")
    assert "sort=-reference" in link.attrs["href"]
    assert link.parent.attrs["aria-sort"] == "ascending"


def test_the_queue_puts_cases_with_nothing_due_last_either_way(staff_client, thirty_cases):
    # Two more cases with nothing due, and three due on one day: ties go by id.
    nothing_due = [thirty_cases[3].pk, thirty_cases[17].pk]
    Case.objects.filter(pk__in=nothing_due).update(next_due_on=None)
    same_day = [thirty_cases[5].pk, thirty_cases[6].pk, thirty_cases[20].pk]
    Case.objects.filter(pk__in=same_day).update(next_due_on=datetime.date(2026, 3, 12))
    cases = list(Case.objects.all())
    assert sum(c.next_due_on is None for c in cases) == 3  # the service request too

    def in_due_order(descending: bool) -> list[str]:
        dated = sorted(
            (c for c in cases if c.next_due_on is not None),
            key=lambda c: (c.next_due_on, c.pk),
            reverse=descending,
        )
        undated = sorted((c for c in cases if c.next_due_on is None), key=lambda c: c.pk)
        return [c.reference for c in [*dated, *(reversed(undated) if descending else undated)]]

    for sort, descending in (("due", False), ("-due", True)):
        shown = [
            *_references(staff_client.get(f"/cases/?all=1&sort={sort}").content),
            *_references(staff_client.get(f"/cases/?all=1&sort={sort}&page=2").content),
        ]
        assert shown == in_due_order(descending), sort
    overdue = _references(staff_client.get("/cases/?due=overdue").content)
    assert (
        overdue
        == [
            c.reference
            for c in sorted(cases, key=lambda c: (c.next_due_on or datetime.date.max, c.pk))
            if c.next_due_on is not None and c.next_due_on < datetime.date(2026, 3, 9)
        ][:25]
    )


def test_the_queue_filters(staff_client, thirty_cases):
    flagged = _references(staff_client.get("/cases/?flags=safeguarding").content)
    assert sorted(flagged) == sorted(c.reference for c in thirty_cases if c.safeguarding)
    assert len(flagged) == 3
    kind = _references(staff_client.get("/cases/?kind=service_request").content)
    assert kind == [thirty_cases[29].reference]
    text = _references(staff_client.get("/cases/?text=Case+number+07").content)
    assert text == [thirty_cases[7].reference]
    closed = staff_client.get("/cases/?status=closed")  # service requests are redirected
    assert _references(closed.content) == [thirty_cases[29].reference]
    # The filter form shows what was chosen.
    tree = parse(staff_client.get("/cases/?flags=safeguarding&kind=complaint").content)
    assert tree.find("input", name="flags", value="safeguarding").attrs.get("checked") is not None


def test_the_saved_filter_opens_the_queue(staff_client, caseworker, thirty_cases):
    page = staff_client.post("/cases/save-filter/", {"query": "flags=safeguarding&sort=reference"})
    assert page.status_code == 302
    assert SavedQueue.objects.get(user=caseworker).query == "flags=safeguarding&sort=reference"

    opened = staff_client.get("/cases/")
    assert opened.status_code == 302
    assert opened["Location"] == "/cases/?flags=safeguarding&sort=reference"
    assert len(_references(staff_client.get(opened["Location"]).content)) == 3
    # "Show all cases" still shows all.
    assert "30 cases" in staff_client.get("/cases/?all=1").text


def test_search_by_reference_name_and_postcode(staff_client, caseworker, code_org):
    case = received(code_org, caseworker, name="Jordan Byrne", postcode="SO14 7FF")
    other = received(code_org, caseworker, name="Casey Doyle", postcode="L24 1AA")

    exact = staff_client.get(f"/search/?q={case.reference.lower()}")
    assert exact.status_code == 302
    assert exact["Location"] == f"/cases/{case.reference}/"

    for query in ("SO14 7FF", "so14 7ff", "Jordan", "byrne"):
        page = staff_client.get("/search/", {"q": query})
        assert page.status_code == 200
        assert _references(page.content) == [case.reference], query
    words = staff_client.get("/search/", {"q": "nobody called"})
    assert sorted(_references(words.content)) == sorted([case.reference, other.reference])
    nothing = staff_client.get("/search/", {"q": "no such thing"})
    assert "0 results" in nothing.text


# -- recording a contact ---------------------------------------------------------------------


def test_record_a_contact_checks_before_saving(staff_client, caseworker, code_org):
    form = staff_client.get("/record/")
    assert form.status_code == 200
    assert "Organisation" in form.text

    checked = staff_client.post("/record/", {**contact_form(), "check": "1"})
    assert checked.status_code == 200
    assert not Case.objects.exists()
    assert not Person.objects.filter(name="Alex Kowalski").exists()
    check = parse(checked.content).find(id="check")
    assert "Deadlines it will start" in check.text
    # Received Monday 9 March at noon: acknowledge within 5 working days.
    assert "Acknowledge, define and log the complaint: Mon 16 Mar 2026" in check.text
    assert "Send the stage 1 response" in check.text
    assert "Eligibility check" in check.text
    assert "Within the 12-month time limit" in check.text
    assert "Legal proceedings have started" in check.text
    # What was typed is still there.
    assert parse(checked.content).find("input", id="id_name").attrs["value"] == "Alex Kowalski"

    recorded = staff_client.post("/record/", {**contact_form(), "record": "1"})
    assert recorded.status_code == 302
    case = Case.objects.get()
    assert recorded["Location"] == f"/cases/{case.reference}/"
    assert case.customer.name == "Alex Kowalski"
    assert case.customer.postcode == "L24 1AA"
    assert case.service_area == "Damp and mould"
    page = staff_client.get(recorded["Location"])
    assert f"Recorded as {case.reference}." in page.text


def test_record_a_contact_flags_an_old_matter(staff_client, caseworker, code_org):
    checked = staff_client.post(
        "/record/", {**contact_form(matter_occurred_on="2024-01-10"), "check": "1"}
    )
    check = parse(checked.content).find(id="check").text
    assert "May be excluded" in check
    assert "more than 12 months before receipt" in check


def test_record_a_contact_shows_errors_beside_fields(staff_client, caseworker, code_org):
    page = staff_client.post("/record/", {**contact_form(name="", summary=""), "record": "1"})
    assert page.status_code == 400
    tree = parse(page.content)
    summary = tree.find(cls="govuk-error-summary").text
    assert "Enter the customer's name, or tick Anonymous under Flags." in summary
    group = tree.find("input", id="id_summary").closest(cls="govuk-form-group")
    assert "govuk-form-group--error" in group.classes
    assert not Case.objects.exists()


def test_record_a_contact_needs_a_role_that_receives(client, code_org):
    panel = User.objects.create_user("panel", display_name="Pat Panel")
    give_role(panel, code_org, Role.PANEL_MEMBER)
    client.force_login(panel)
    assert client.get("/record/").status_code == 403


# -- organisations and policies ---------------------------------------------------------------


def test_organisations_and_their_policies(staff_client, code_org, southern_org):
    page = staff_client.get("/organisations/")
    assert page.status_code == 200
    tree = parse(page.content)
    rows = tree.find("tbody").text
    assert code_org.name in rows
    assert southern_org.name in rows
    links = [a.attrs["href"] for a in tree.find("tbody").find_all("a")]
    assert "/policies/hos-code-2024/" in links


def test_the_policy_page_shows_timescales_and_findings(staff_client, caseworker):
    page = staff_client.get("/policies/southern-housing-2020/")
    assert page.status_code == 200
    tree = parse(page.content)
    text = tree.find("main").text
    assert "Stages and timescales" in text
    assert re.search(r"\b1 working days? from receipt", text)  # acknowledge within 1 day
    assert "10 working days from receipt" in text
    assert (
        "Complaint Review Panel: Send the panel's decision in the Stage 2 response letter" in text
    )
    assert "at most 10 working days" in text
    # Every finding against the Code, with its verdict as a coloured tag.
    expected = check_against_code(get_pack("southern-housing-2020"), code_pack())
    assert expected
    rows = list(tree.find_all("table"))[-1].find("tbody").find_all("tr")
    shown = [(next(r.find_all("td")).text, r.find(cls="govuk-tag").text) for r in rows]
    assert shown == [(f.topic, VERDICT_LABELS[f.verdict]) for f in expected]

    code = staff_client.get("/policies/hos-code-2024/")
    assert "5 working days from receipt" in code.text
    assert "10 working days from the acknowledgement" in code.text
    assert "20 working days from the acknowledgement" in code.text


def test_an_unknown_policy_is_not_found(staff_client):
    assert staff_client.get("/policies/no-such-pack/").status_code == 404


def test_a_case_moves_through_its_stages_on_the_page(staff_client, caseworker, code_org):
    """The header buttons follow the case: acknowledge first, then respond, then escalate."""
    case = received(code_org, caseworker)

    def buttons():
        tree = parse(staff_client.get(f"/cases/{case.reference}/").content)
        return [a.text for a in tree.find(cls="moj-page-header-actions__actions").find_all("a")]

    assert buttons() == ["Acknowledge", "Request investigation", "Respond"]
    case = case_acknowledge(case=case, actor=Actor(caseworker))
    case = case_respond(case=case, actor=Actor(caseworker), outcome="upheld", text="Sorry.")
    assert buttons()[0] == "Escalate"
    case = case_escalate(case=case, actor=Actor(caseworker))
    tree = parse(staff_client.get(f"/cases/{case.reference}/").content)
    assert "Complaint, Stage 2" in tree.find(cls="govuk-summary-list").text
    # Not "Respond" for the stage 1 responder: someone else considers stage 2.
    assert buttons() == ["Acknowledge", "Request investigation", "Extend"]
    case = case_acknowledge(case=case, actor=Actor(caseworker))
    reviewer = User.objects.create_user("reviewer")  # someone else considers stage 2
    case = case_respond(case=case, actor=Actor(reviewer), outcome="upheld", text="Fixed.")
    # The final response is sent: closing comes first, and nothing offers to respond again.
    assert buttons()[0] == "Close"
    page = staff_client.get(f"/cases/{case.reference}/").text
    for gone in ("/respond/", "/extend/", "/request-investigation/"):
        assert gone not in page


def test_a_postcode_typed_without_its_space_finds_the_case():
    # Search reads a postcode in the one form the people service keeps it in.
    from putright.search.rules import as_postcode

    assert as_postcode("so147ff") == "SO14 7FF"
    assert as_postcode("L241AA") == "L24 1AA"
    assert as_postcode("repair") == ""  # other text is words, not a postcode
