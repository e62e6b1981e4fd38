"""The pages of the actions the catalogue declares, as a member of staff meets them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from putright.accounts.models import Role, User
from putright.cases.models import Case, CaseLink, EventKind
from putright.cases.selectors import case_deadlines
from putright.cases.services import (
    Actor,
    case_escalate,
    case_respond,
)

from .conftest import at, give_role
from .html import parse, radio_values
from .test_pages import received

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _buttons_and_links(client, case: Case) -> str:
    return client.get(f"/cases/{case.reference}/").content.decode()


def test_the_stage_1_responder_is_not_offered_the_stage_2_answer(
    staff_client, caseworker, complaints_manager, code_org, clock
):
    clock(2026, 3, 2, 10)
    case = received(code_org, caseworker)
    case = case_respond(case=case, actor=Actor(caseworker), outcome="upheld", text="Fixed.")
    case = case_escalate(case=case, actor=Actor(caseworker))

    page = _buttons_and_links(staff_client, case)
    assert f"/cases/{case.reference}/respond/" not in page
    # By its address, the page is there, and the answer is refused with the rule.
    form = {"outcome": "upheld", "text": "Again", "points": "0", "version": str(case.version)}
    response = staff_client.post(f"/cases/{case.reference}/respond/", form)
    assert response.status_code == 400
    assert "the policy says someone else considers Stage 2" in response.content.decode()

    staff_client.force_login(complaints_manager)
    assert f"/cases/{case.reference}/respond/" in _buttons_and_links(staff_client, case)


def test_the_stage_2_answer_starts_from_the_points_answered_at_stage_1(
    staff_client, caseworker, complaints_manager, code_org, clock
):
    clock(2026, 3, 2, 10)
    case = received(code_org, caseworker)
    url = f"/cases/{case.reference}/respond/"
    staff_client.post(
        url,
        {
            "outcome": "partly_upheld",
            "text": "Our reasons.",
            "points": "2",
            "point_1_description": "Two missed visits",
            "point_1_outcome": "upheld",
            "point_2_description": "The boiler was not serviced",
            "point_2_outcome": "not_upheld",
            "version": str(case.version),
        },
    )
    case.refresh_from_db()
    assert [(i.number, i.outcome) for i in case.issues.all()] == [
        (1, "upheld"),
        (2, "not_upheld"),
    ]
    case = case_escalate(case=case, actor=Actor(caseworker))

    staff_client.force_login(complaints_manager)
    page = parse(staff_client.get(url).content)
    described = [page.find("textarea", name=f"point_{n}_description").text.strip() for n in (1, 2)]
    assert described == ["Two missed visits", "The boiler was not serviced"]
    assert page.find("input", name="points").attrs["value"] == "2"


def test_a_point_needs_both_what_was_raised_and_the_decision(staff_client, caseworker, code_org):
    case = received(code_org, caseworker)
    response = staff_client.post(
        f"/cases/{case.reference}/respond/",
        {
            "outcome": "upheld",
            "text": "Reasons",
            "points": "1",
            "point_1_description": "Two missed visits",
            "version": str(case.version),
        },
    )
    assert response.status_code == 400
    page = parse(response.content)
    assert "Choose the decision on this point." in page.find(cls="govuk-error-summary").text
    assert not Case.objects.get(pk=case.pk).issues.exists()


def test_accepting_a_late_request_is_offered_only_once_the_window_has_closed(
    staff_client, caseworker, organisation_on, clock
):
    slh = organisation_on("south-liverpool-homes-2021")
    give_role(caseworker, slh, Role.COMPLAINT_HANDLER)
    clock(2026, 3, 2, 10)
    case = received(slh, caseworker)
    case = case_respond(case=case, actor=Actor(caseworker), outcome="not_upheld", text="No.")
    url = f"/cases/{case.reference}/escalate/"
    assert 'name="accept_late"' not in staff_client.get(url).content.decode()

    clock(2026, 4, 1, 10)  # the ten working days have passed
    page = staff_client.get(url).content.decode()
    assert 'name="accept_late"' in page
    assert "(manager&#x27;s decision)" in page or "(manager's decision)" in page


def test_choosing_the_route_is_offered_then_shown_in_the_history(
    staff_client, caseworker, southern_org, clock
):
    clock(2026, 3, 2, 10)
    case = received(
        southern_org, caseworker, service_area="Repairs and Maintenance", category="Delay"
    )
    case = case_respond(case=case, actor=Actor(caseworker), outcome="upheld", text="Sorry.")
    case = case_escalate(case=case, actor=Actor.system("resident portal"), reasons="Still")
    page = staff_client.get(f"/cases/{case.reference}/").content.decode()
    header = page.split('moj-page-header-actions__actions">', 1)[1].split("</div>", 1)[0]
    assert "Choose the route" in header
    form_page = parse(staff_client.get(f"/cases/{case.reference}/choose-route/").content)
    # The panel is only for cases not (fully) upheld: not offered after an upheld answer.
    assert radio_values(form_page, "route") == ["compensation_review", "senior_manager_review"]

    response = staff_client.post(
        f"/cases/{case.reference}/choose-route/",
        {"route": "senior_manager_review", "version": str(case.version)},
    )
    assert response.status_code == 302
    page = staff_client.get(f"/cases/{case.reference}/").content.decode()
    assert "Route: Senior Manager Review" in page
    assert Case.objects.get(pk=case.pk).route == "senior_manager_review"


def test_a_step_marked_done_in_the_page_completes_its_deadline(
    staff_client, caseworker, southern_org, clock
):
    clock(2026, 3, 2, 10)
    case = received(southern_org, caseworker, kind="petition")
    page = parse(staff_client.get(f"/cases/{case.reference}/mark-step-done/").content)
    assert "identify_lead_petitioner" in radio_values(page, "step")

    response = staff_client.post(
        f"/cases/{case.reference}/mark-step-done/",
        {"step": "identify_lead_petitioner", "version": str(case.version)},
    )
    assert response.status_code == 302
    deadline = next(
        d
        for d in case_deadlines(Case.objects.get(pk=case.pk))
        if d.step == "identify_lead_petitioner"
    )
    assert deadline.completed_on == at(2026, 3, 2).date()
    page = staff_client.get(f"/cases/{case.reference}/").content.decode()
    assert "Step: Identify the lead petitioner" in page


def test_a_file_attached_in_the_page_is_in_the_history(staff_client, caseworker, code_org):
    case = received(code_org, caseworker)
    response = staff_client.post(
        f"/cases/{case.reference}/attach/",
        {
            "file": SimpleUploadedFile("photo.pdf", PDF, content_type="application/pdf"),
            "version": str(case.version),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert [a.name for a in case.attachments.all()] == ["photo.pdf"]
    assert case.events.filter(kind=EventKind.ATTACHMENT).count() == 1


def test_splitting_in_the_page_makes_linked_cases(staff_client, caseworker, code_org):
    case = received(code_org, caseworker)
    response = staff_client.post(
        f"/cases/{case.reference}/split/",
        {"summaries": "The boiler\n\nThe fence", "version": str(case.version)},
    )
    assert response.status_code == 302
    children = CaseLink.objects.filter(to_case=case).values_list("from_case__summary", flat=True)
    assert sorted(children) == ["The boiler", "The fence"]


def test_a_panel_member_is_named_on_the_case_in_the_page(
    client, caseworker, complaints_manager, code_org
):
    case = received(code_org, caseworker)
    panel = User.objects.create_user("pip_panel", display_name="Pip Panel")
    give_role(panel, code_org, Role.PANEL_MEMBER)
    client.force_login(complaints_manager)
    response = client.post(
        f"/cases/{case.reference}/add-member/",
        {"username": "pip_panel", "role": "panel_member", "version": str(case.version)},
    )
    assert response.status_code == 302
    client.force_login(panel)
    assert client.get(f"/cases/{case.reference}/").status_code == 200


def test_the_assign_page_names_whom_the_policy_gives_the_stage_to(
    staff_client, caseworker, organisation_on
):
    """Housing Plus Group's stages are handled by its complaints team: its members named."""
    from putright.accounts.models import Team, TeamMembership

    hpg = organisation_on("housing-plus-group-2021")
    give_role(caseworker, hpg, Role.COMPLAINT_HANDLER)
    team = Team.objects.create(
        organisation=hpg, slug="customer-complaints-and-feedback", name="Complaints and feedback"
    )
    officer = User.objects.create_user("cora", display_name="Cora Officer")
    give_role(officer, hpg, Role.COMPLAINT_HANDLER)
    TeamMembership.objects.create(user=officer, team=team)
    case = received(hpg, caseworker)

    page = parse(staff_client.get(f"/cases/{case.reference}/assign/").content)

    hint = page.find(id="id_handler-hint").text
    assert "Cora Officer" in hint
    assert "Hana Handler" not in hint  # not in the team


def test_every_declared_case_action_has_its_form():
    from putright.actions.cases import BY_NAME
    from putright.staff.forms import ACTION_FORMS

    assert set(ACTION_FORMS) == set(BY_NAME)


def test_extend_is_not_offered_where_the_policy_allows_no_extension(
    staff_client, caseworker, organisation_on
):
    """South Liverpool Homes' policy offers no extension: no "Extend" leading to a dead end."""
    slh = organisation_on("south-liverpool-homes-2021")
    give_role(caseworker, slh, Role.COMPLAINT_HANDLER)
    case = received(slh, caseworker)

    page = staff_client.get(f"/cases/{case.reference}/").content.decode()

    assert f"/cases/{case.reference}/extend/" not in page
    assert f"/cases/{case.reference}/respond/" in page
