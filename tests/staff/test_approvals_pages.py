"""Awards awaiting approval: the approver's list and decision pages, under the access rules.

On South Liverpool Homes' policy an award above £5,000 at stage 2 waits for the SLH Board,
a role held by the board member, who sees reports and never a case. The board member
decides the award from these pages, seeing the award, its reasoning, the calculator's range
and the rule, and nothing of the customer or the complaint.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from putright.accounts.access import AccessDeniedError
from putright.accounts.models import Role, User
from putright.cases.models import Case, CaseMember, EventKind
from putright.cases.services import (
    Actor,
    case_escalate,
    case_receive,
    case_record_contact,
    case_respond,
)
from putright.people.models import Person
from putright.remedies.models import Award, AwardStatus
from putright.remedies.services import ComponentIn, award_offer, award_propose

from .conftest import at, give_role
from .html import parse

pytestmark = pytest.mark.django_db

SLH = "south-liverpool-homes-2021"
SECRETS = ["Pat Resident", "pat@example.org", "L24 1AA", "The repair never happened"]


@pytest.fixture(autouse=True)
def _monday(clock):
    clock(2026, 3, 9, 12)


@pytest.fixture
def slh(organisation_on):
    return organisation_on(SLH)


def person(username: str, organisation, *roles: str) -> User:
    user = User.objects.create_user(username, display_name=username.replace("_", " ").title())
    for role in roles:
        give_role(user, organisation, role)
    return user


@pytest.fixture
def staff(slh) -> dict[str, User]:
    return {
        "handler": person("hana_handler", slh, Role.COMPLAINT_HANDLER),
        "panel": person("pip_panel", slh, Role.PANEL_MEMBER),
        "emt": person("ed_emt", slh, Role.SENIOR_MANAGER),
        "board": person("bea_board", slh, Role.BOARD_MEMBER),
    }


@pytest.fixture
def stage2_case(slh, staff) -> Case:
    customer = Person.objects.create(
        organisation=slh, name="Pat Resident", email="pat@example.org", postcode="L24 1AA"
    )
    actor = Actor(staff["handler"])
    case = case_receive(
        organisation=slh,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 2, 10),
        summary="The repair never happened",
        actor=actor,
        customer=customer,
        service_area="",
    )
    case = case_respond(case=case, actor=actor, outcome="upheld", text="We are sorry.")
    case = case_escalate(case=case, actor=actor, reasons="Still damp")
    CaseMember.objects.create(case=case, user=staff["panel"], role="panel_member")
    return case


def proposed(case: Case, user: User, pence: int) -> Award:
    return award_propose(
        case=case,
        actor=Actor(user),
        components=[
            ComponentIn(
                kind="financial_loss",
                amount_pence=pence,
                description="Ruined furniture",
                evidence="Receipts",
            )
        ],
        reasoning="Months of damp destroyed the furniture.",
        occasions=3,
        months_affected=6,
    )


@pytest.fixture
def board_award(stage2_case, staff) -> Award:
    award = proposed(stage2_case, staff["panel"], 600000)
    assert (award.status, award.approval_by) == (AwardStatus.PENDING_APPROVAL, "board")
    return award


def approvals(client):
    response = client.get(reverse("staff:approvals"))
    assert response.status_code == 200
    return parse(response.content)


def menu(page) -> list[str]:
    return [a.text.strip() for a in page.find(id="navigation").find_all("a")]


def test_the_board_member_sees_the_award_and_nothing_of_the_case(client, staff, board_award):
    client.force_login(staff["board"])
    response = client.get(reverse("staff:approvals"))
    text = response.content.decode()
    page = parse(response.content)

    assert "Approvals" in menu(page)
    card = page.find(cls="govuk-summary-card")
    assert card.find("h2").text.strip() == f"£6,000.00 on {board_award.case.reference}"
    assert "Landlord on south-liverpool-homes-2021" in card.text
    assert "Stage 2 - Review by the Complaints Review Panel" in card.text
    assert "Financial loss: £6,000.00" in card.text
    assert "Ruined furniture" in card.text
    assert "Months of damp destroyed the furniture." in card.text
    assert "Pip Panel" in card.text
    assert "for time, trouble and distress" in card.text  # the calculator's range
    assert "above £5,000" in card.text
    assert "with the approval of the SLH Board (policy 4.1.9)." in card.text
    # No case: the reference is not a link, and nothing of the customer or complaint shows.
    assert not card.has("a", href=reverse("staff:case", args=[board_award.case.reference]))
    for secret in [*SECRETS, "Receipts"]:
        assert secret not in text, secret
    assert client.get(reverse("staff:case", args=[board_award.case.reference])).status_code == 404


def test_the_board_member_approves_with_a_note(client, staff, board_award):
    client.force_login(staff["board"])
    url = reverse("staff:approval-approve", args=[board_award.pk])
    page = parse(client.get(url).content)
    assert page.find("h1").text.strip() == "Approve compensation"
    assert page.has("input", name="version")
    assert page.has("input", name="occurred_at")
    for secret in SECRETS:
        assert secret not in page.text, secret

    response = client.post(url, {"note": "Agreed by the Board on 5 March"})

    assert response.status_code == 302
    assert response["Location"] == reverse("staff:approvals")
    banner = parse(client.get(response["Location"]).content)
    assert "You approved £6,000 compensation" in banner.find(cls="govuk-notification-banner").text
    assert "No awards are waiting for your approval." in banner.text
    board_award.refresh_from_db()
    assert (board_award.status, board_award.decided_by) == (AwardStatus.APPROVED, staff["board"])
    event = board_award.case.events.get(kind=EventKind.AWARD_APPROVED)
    assert (event.actor, event.data["text"]) == (staff["board"], "Agreed by the Board on 5 March")


def test_a_refused_award_is_never_offered(client, staff, board_award, stage2_case):
    client.force_login(staff["board"])
    response = client.post(
        reverse("staff:approval-refuse", args=[board_award.pk]), {"note": "Too much"}
    )
    assert response.status_code == 302
    board_award.refresh_from_db()
    assert board_award.status == AwardStatus.REJECTED
    assert stage2_case.events.filter(kind=EventKind.AWARD_REJECTED).count() == 1
    # Deciding again: the service's reason, on the page.
    response = client.post(reverse("staff:approval-approve", args=[board_award.pk]), {})
    assert response.status_code == 400
    assert (
        "not waiting for approval" in parse(response.content).find(cls="govuk-error-summary").text
    )
    client.force_login(staff["handler"])
    response = client.post(
        reverse("staff:award-offer", args=[stage2_case.reference, board_award.pk]), {}
    )
    assert response.status_code == 400
    assert "Approval for this award was refused" in response.content.decode()


def test_a_panel_member_neither_offers_an_award_nor_records_the_answer(
    client, staff, board_award, stage2_case
):
    """Offering compensation and recording the customer's answer is contact with the customer,
    whose details the panel does not see: refused in the pages as in the API."""
    CaseMember.objects.get_or_create(
        case=stage2_case, user=staff["panel"], defaults={"role": "panel_member"}
    )
    board_award.status = AwardStatus.APPROVED
    board_award.save(update_fields=["status"])
    client.force_login(staff["panel"])
    for name in ("award-offer", "award-answer"):
        response = client.post(
            reverse(f"staff:{name}", args=[stage2_case.reference, board_award.pk]), {}
        )
        assert response.status_code == 403, name
    board_award.refresh_from_db()
    assert board_award.status == AwardStatus.APPROVED
    with pytest.raises(AccessDeniedError):
        award_offer(award=board_award, actor=Actor(staff["panel"]))


def test_a_decision_over_someone_elses_change_is_refused(client, staff, board_award, stage2_case):
    client.force_login(staff["board"])
    url = reverse("staff:approval-approve", args=[board_award.pk])
    version = parse(client.get(url).content).find("input", name="version").attrs["value"]
    case_record_contact(case=stage2_case, actor=Actor(staff["handler"]), summary="Rang Pat")
    response = client.post(url, {"note": "Agreed", "version": version})
    assert response.status_code == 400
    page = parse(response.content)
    assert "Someone else changed this case" in page.find(cls="govuk-error-summary").text
    assert "Rang Pat" not in page.text
    assert page.find("input", name="version").attrs["value"] == str(int(version) + 1)
    board_award.refresh_from_db()
    assert board_award.status == AwardStatus.PENDING_APPROVAL


def test_a_future_decision_time_is_refused_beside_the_field(client, staff, board_award):
    client.force_login(staff["board"])
    response = client.post(
        reverse("staff:approval-approve", args=[board_award.pk]),
        {"occurred_at": "2026-03-10 09:00"},
    )
    assert response.status_code == 400
    assert parse(response.content).find(id="id_occurred_at-error")


def test_the_emt_sees_only_what_waits_for_the_emt_and_may_open_the_case(
    client, staff, stage2_case, board_award
):
    emt_award = proposed(stage2_case, staff["panel"], 30000)
    assert emt_award.approval_by == "emt"
    client.force_login(staff["emt"])
    page = approvals(client)
    cards = list(page.find_all(cls="govuk-summary-card"))
    assert [c.find("h2").text.strip() for c in cards] == [f"£300.00 on {stage2_case.reference}"]
    assert cards[0].has(
        "a", href=reverse("staff:case", args=[stage2_case.reference]) + "?tab=remedies"
    )
    # Not the Board's award.
    url = reverse("staff:approval-approve", args=[board_award.pk])
    response = client.post(url, {"note": "Trying"})
    assert response.status_code == 400
    assert "Only the SLH Board may approve this award." in response.content.decode()
    # The board member, in turn, does not reach the EMT's award.
    client.force_login(staff["board"])
    assert client.get(reverse("staff:approval-approve", args=[emt_award.pk])).status_code == 404
    assert len(list(approvals(client).find_all(cls="govuk-summary-card"))) == 1


def test_a_handler_has_no_approvals(client, staff, board_award):
    client.force_login(staff["handler"])
    page = parse(client.get(reverse("staff:work")).content)
    assert "Approvals" not in menu(page)
    assert client.get(reverse("staff:approvals")).status_code == 403
    response = client.get(reverse("staff:approval-approve", args=[board_award.pk]))
    assert response.status_code == 403
    response = client.post(reverse("staff:approval-approve", args=[board_award.pk]), {})
    assert response.status_code == 403
    board_award.refresh_from_db()
    assert board_award.status == AwardStatus.PENDING_APPROVAL


def test_a_board_member_of_another_landlord_sees_nothing(client, organisation_on, board_award):
    other = organisation_on("rooftop-2023")
    stranger = person("other_board", other, Role.BOARD_MEMBER)
    client.force_login(stranger)
    page = approvals(client)
    assert "No awards are waiting for your approval." in page.text
    for name in ("staff:approval-approve", "staff:approval-refuse"):
        assert client.get(reverse(name, args=[board_award.pk])).status_code == 404
        assert client.post(reverse(name, args=[board_award.pk]), {}).status_code == 404
    board_award.refresh_from_db()
    assert board_award.status == AwardStatus.PENDING_APPROVAL


def test_signed_out_visitors_are_sent_to_sign_in(client, board_award):
    response = client.get(reverse("staff:approvals"))
    assert response.status_code == 302
    assert "sign-in" in response["Location"]


def test_the_board_member_lands_on_approvals_with_no_case_pages_in_the_menu(
    client, staff, board_award
):
    client.force_login(staff["board"])
    landing = client.get(reverse("staff:work"))
    assert landing.status_code == 302
    assert landing["Location"] == reverse("staff:approvals")
    shown = menu(approvals(client))
    assert "Approvals" in shown
    assert "Reports" in shown
    for hidden in ("My work", "Cases", "Record a contact", "Search"):
        assert hidden not in shown, hidden


def test_a_board_member_with_nothing_to_decide_lands_on_the_reports(client, staff):
    client.force_login(staff["board"])
    landing = client.get(reverse("staff:work"))
    assert landing.status_code == 302
    assert landing["Location"] == reverse("reports:index")


def test_a_handler_keeps_every_case_page_in_the_menu(client, staff):
    client.force_login(staff["handler"])
    shown = menu(parse(client.get(reverse("staff:work")).content))
    for item in ("My work", "Cases", "Record a contact", "Search"):
        assert item in shown, item


def test_an_award_on_a_case_about_staff_conduct_never_reaches_the_board(
    client, staff, board_award, stage2_case
):
    Case.objects.filter(pk=stage2_case.pk).update(conduct=True)
    client.force_login(staff["board"])
    page = client.get(reverse("staff:approvals"))
    assert page.status_code == 200
    assert stage2_case.reference not in page.content.decode()
    decide = client.post(reverse("staff:approval-approve", args=[board_award.pk]), {})
    assert decide.status_code == 404
    board_award.refresh_from_db()
    assert board_award.status == AwardStatus.PENDING_APPROVAL
