"""The remedies, actions and compensation pages through Django's test client."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.urls import reverse

from putright.accounts.models import Role, User
from putright.cases.models import Case, CaseIssue, EventKind
from putright.cases.services import Actor, case_receive, case_record_contact
from putright.people.models import Person
from putright.remedies.models import Award, AwardStatus, Remedy, RemedyAction, RemedyKind
from putright.remedies.services import ComponentIn, award_propose
from putright.staff.remedies_forms import parse_pence

from .conftest import at, give_role
from .html import parse, radio_values

pytestmark = pytest.mark.django_db

SLH = "south-liverpool-homes-2021"
ROOFTOP = "rooftop-2023"


@pytest.fixture(autouse=True)
def _monday(clock):
    clock(2026, 3, 9, 12)


def received(organisation, user: User) -> Case:
    customer = Person.objects.create(
        organisation=organisation, name="Pat Resident", postcode="L24 1AA", tenure="tenant"
    )
    return case_receive(
        organisation=organisation,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 2, 10),
        summary="The repair never happened",
        actor=Actor(user),
        customer=customer,
    )


@pytest.fixture
def slh_org(organisation_on, caseworker, complaints_manager):
    org = organisation_on(SLH)
    give_role(caseworker, org, Role.COMPLAINT_HANDLER)
    give_role(complaints_manager, org, Role.COMPLAINTS_MANAGER)
    return org


@pytest.fixture
def slh_case(slh_org, caseworker):
    return received(slh_org, caseworker)


@pytest.fixture
def code_case(code_org, caseworker):
    return received(code_org, caseworker)


def url(name: str, case: Case, *args) -> str:
    return reverse(f"staff:{name}", args=[case.reference, *args])


def tab(client, case: Case):
    response = client.get(reverse("staff:case", args=[case.reference]) + "?tab=remedies")
    assert response.status_code == 200
    return parse(response.content)


def summary_errors(page) -> str:
    return page.find(cls="govuk-error-summary").text


def field_error(page, field_id: str) -> str:
    return page.find(id=f"{field_id}-error").text


def assert_back_on_the_tab(response, case: Case) -> None:
    if response.status_code == 400:
        raise AssertionError(summary_errors(parse(response.content)))
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:case", args=[case.reference]) + "?tab=remedies"


def banner(client, response) -> str:
    return (
        parse(client.get(response["Location"]).content).find(cls="govuk-notification-banner").text
    )


def slh_award(case: Case, user: User, pence: int = 5000, band: str = "medium") -> Award:
    return award_propose(
        case=case,
        actor=Actor(user),
        components=[ComponentIn(kind="time_trouble_distress", amount_pence=pence, band=band)],
        reasoning="Two missed visits.",
    )


# -- amounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pence"),
    [("0.29", 29), ("125.5", 12550), ("£1,234.56", 123456), ("10", 1000), (" 0.10 ", 10)],
)
def test_amounts_are_read_exactly_into_pence(text, pence):
    assert parse_pence(text) == pence


@pytest.mark.parametrize("text", ["12.345", "1e3", "-5", "ten", "1.2.3", "", "2000000"])
def test_amounts_that_are_not_pounds_and_pence_are_refused(text):
    with pytest.raises(forms.ValidationError):
        parse_pence(text)


# -- the tab ------------------------------------------------------------------------------------


def test_the_tab_offers_the_remedy_actions_to_a_handler(client, caseworker, code_case):
    client.force_login(caseworker)
    page = tab(client, code_case)
    links = {a.text: a.attrs["href"] for a in page.find_all("a", cls="govuk-button")}
    assert links["Record a remedy"] == url("remedy-record", code_case)
    assert links["Add an action"] == url("remedy-action-add", code_case)
    assert links["Propose compensation"] == url("award-propose", code_case)


def test_someone_who_may_only_read_sees_no_buttons_and_is_refused(client, code_org, code_case):
    reader = User.objects.create_user("dpo")
    give_role(reader, code_org, Role.DATA_PROTECTION_OFFICER)
    client.force_login(reader)
    page = tab(client, code_case)
    assert "Record a remedy" not in page.text
    for name in ("remedy-record", "remedy-action-add", "award-propose"):
        response = client.get(url(name, code_case))
        assert response.status_code == 403
        assert "You cannot do this" in response.content.decode()
    response = client.post(url("remedy-record", code_case), {"kind": "apology", "description": "x"})
    assert response.status_code == 403
    assert not Remedy.objects.exists()


def test_a_case_of_another_landlord_is_not_found(client, caseworker, organisation_on):
    other = organisation_on("rooftop-2023")
    case = received(other, caseworker)
    stranger = User.objects.create_user("stranger")
    client.force_login(stranger)
    assert client.get(url("remedy-record", case)).status_code == 404
    assert client.get(url("award-pay", case, 1)).status_code == 404


# -- remedies and actions --------------------------------------------------------------------


def test_recording_a_remedy_against_an_issue(client, caseworker, code_case):
    CaseIssue.objects.create(case=code_case, number=1, description="Missed repair visit")
    client.force_login(caseworker)
    page = parse(client.get(url("remedy-record", code_case)).content)
    assert radio_values(page, "kind") == list(RemedyKind.values)
    assert page.find("fieldset").find("legend").text == "What kind of remedy?"
    assert "1. Missed repair visit" in page.find("select", name="issue").text

    response = client.post(url("remedy-record", code_case), {"kind": "apology", "description": ""})
    assert response.status_code == 400
    page = parse(response.content)
    assert "Describe the remedy" in summary_errors(page) or "required" in summary_errors(page)
    assert page.find(id="id_description-error")

    response = client.post(
        url("remedy-record", code_case),
        {"kind": "apology", "description": "We are sorry the visit was missed.", "issue": "1"},
    )
    assert_back_on_the_tab(response, code_case)
    assert "Remedy recorded." in banner(client, response)
    remedy = Remedy.objects.get()
    assert (remedy.kind, remedy.issue.number) == ("apology", 1)
    assert code_case.events.filter(kind=EventKind.REMEDY_RECORDED).exists()
    assert "We are sorry the visit was missed." in tab(client, code_case).text


def test_adding_and_completing_an_action(client, caseworker, code_case):
    client.force_login(caseworker)
    page = parse(client.get(url("remedy-action-add", code_case)).content)
    owners = [o.attrs.get("value") for o in page.find("select", name="owner").find_all("option")]
    assert "handler" in owners

    # The service refuses a past date: the message sits beside the field.
    response = client.post(
        url("remedy-action-add", code_case),
        {"description": "Fix the boiler", "owner": "handler", "due_on": "2026-03-01"},
    )
    assert response.status_code == 400
    page = parse(response.content)
    assert "The due date is in the past." in summary_errors(page)
    assert "Give a date from today." in field_error(page, "id_due_on")

    response = client.post(
        url("remedy-action-add", code_case),
        {"description": "Fix the boiler", "owner": "handler", "due_on": "2026-03-20"},
    )
    assert_back_on_the_tab(response, code_case)
    action = RemedyAction.objects.get()
    assert (action.owner, action.due_on) == (caseworker, datetime.date(2026, 3, 20))

    complete = tab(client, code_case).find(
        "a", href=url("remedy-action-complete", code_case, action.pk)
    )
    assert complete.text.startswith("Complete")

    response = client.post(url("remedy-action-complete", code_case, action.pk), {"evidence": ""})
    assert response.status_code == 400
    assert parse(response.content).find(id="id_evidence-error")

    response = client.post(
        url("remedy-action-complete", code_case, action.pk), {"evidence": "Job 123 signed off"}
    )
    assert_back_on_the_tab(response, code_case)
    action.refresh_from_db()
    assert (action.completed_on, action.evidence) == (
        datetime.date(2026, 3, 9),
        "Job 123 signed off",
    )
    assert not tab(client, code_case).has(
        "a", href=url("remedy-action-complete", code_case, action.pk)
    )

    # Completing it twice: the service's refusal is shown, nothing changes.
    response = client.post(
        url("remedy-action-complete", code_case, action.pk), {"evidence": "Again"}
    )
    assert response.status_code == 400
    assert "This action was completed on Mon 9 Mar 2026." in summary_errors(parse(response.content))


def test_an_owner_must_see_the_case(client, caseworker, code_case):
    client.force_login(caseworker)
    response = client.post(
        url("remedy-action-add", code_case),
        {"description": "Fix it", "owner": "nobody", "due_on": "2026-03-20"},
    )
    assert response.status_code == 400
    assert not RemedyAction.objects.exists()


# -- proposing compensation ----------------------------------------------------------------------


def part(index: int = 0, **values) -> dict[str, str]:
    return {f"components-{index}-{k}": v for k, v in values.items()}


def test_the_proposal_form_offers_the_packs_bands_and_the_calculators_range(
    client, caseworker, slh_case
):
    client.force_login(caseworker)
    page = parse(client.get(url("award-propose", slh_case)).content)
    assert radio_values(page, "components-0-band") == ["low", "medium", "high"]
    labels = [label.text for label in page.find_all("label", cls="govuk-radios__label")]
    assert "Medium level: financial or equivalent, £20 - £100" in labels
    # No Right to Repair in this pack: no statutory part, no days late.
    assert "statutory" not in radio_values(page, "components-0-kind")
    assert not page.has("input", name="components-0-days_late")
    # The acknowledgement is overdue: one missed deadline moves the range up a band.
    assert "Deadlines we missed 1" in page.text
    suggestion = page.find(id="suggestion").text
    assert "£20 to £100" in suggestion
    assert "we missed 1 complaint-handling" in suggestion

    # The facts move the suggestion up a band each: a vulnerable customer, more occasions.
    Case.objects.filter(pk=slh_case.pk).update(vulnerability=True)
    response = client.post(
        url("award-propose", slh_case),
        {"rows": "1", "occasions": "2", "months_affected": "1", "reasoning": "", "calculate": "1"},
    )
    assert response.status_code == 200
    page = parse(response.content)
    assert not page.has(cls="govuk-error-summary")
    suggestion = page.find(id="suggestion").text
    assert "Over £100" in suggestion
    assert "High level" in suggestion
    assert "the customer is vulnerable" in suggestion
    assert page.find("input", name="occasions").attrs["value"] == "2"


def test_adding_a_part_keeps_what_was_entered(client, caseworker, slh_case):
    client.force_login(caseworker)
    response = client.post(
        url("award-propose", slh_case),
        {"rows": "1", "occasions": "1", "months_affected": "0", "reasoning": "Why", "add_part": "1"}
        | part(0, kind="goodwill", amount="15.00"),
    )
    assert response.status_code == 200
    page = parse(response.content)
    assert not page.has(cls="govuk-error-summary")
    assert page.find("input", name="rows").attrs["value"] == "2"
    assert page.has("input", name="components-1-amount")
    assert page.find("input", name="components-0-amount").attrs["value"] == "15.00"
    chosen = page.find("input", name="components-0-kind", value="goodwill")
    assert chosen.attrs.get("checked") is not None


def test_errors_in_a_part_are_shown_beside_it(client, caseworker, slh_case):
    client.force_login(caseworker)
    base = {"rows": "2", "occasions": "1", "months_affected": "0", "reasoning": "Because"}

    response = client.post(url("award-propose", slh_case), base)
    assert response.status_code == 400
    assert "Add at least one part to the award." in summary_errors(parse(response.content))

    response = client.post(
        url("award-propose", slh_case),
        base | part(0, kind="goodwill", amount="12.345"),
    )
    assert response.status_code == 400
    page = parse(response.content)
    assert "at most two decimal places" in field_error(page, "id_components-0-amount")
    assert "Part 1:" in summary_errors(page)

    # The band's limits are the pack's: the service's refusal lands on the amount.
    response = client.post(
        url("award-propose", slh_case),
        base
        | part(0, kind="goodwill", amount="5")
        | part(1, kind="time_trouble_distress", band="low", amount="50.00"),
    )
    assert response.status_code == 400
    page = parse(response.content)
    assert "£50 is outside the Low level" in summary_errors(page)
    assert "Outside the band." in field_error(page, "id_components-1-amount")

    response = client.post(
        url("award-propose", slh_case), base | part(1, kind="financial_loss", amount="30")
    )
    assert response.status_code == 400
    assert "Required for a financial loss." in field_error(
        parse(response.content), "id_components-1-evidence"
    )
    assert not Award.objects.exists()


def test_an_award_above_the_handlers_authority_waits_for_the_right_role(
    client, caseworker, complaints_manager, slh_case
):
    client.force_login(caseworker)
    response = client.post(
        url("award-propose", slh_case),
        {"rows": "2", "occasions": "2", "months_affected": "0", "reasoning": "Two missed visits."}
        | part(0, kind="time_trouble_distress", band="medium", amount="50")
        | part(1, kind="financial_loss", amount="20.10", evidence="Receipt for a heater"),
    )
    assert_back_on_the_tab(response, slh_case)
    assert "waits for approval by the Complaint Manager" in banner(client, response)
    award = Award.objects.get()
    assert (award.status, award.total_pence, award.approval_by) == (
        AwardStatus.PENDING_APPROVAL,
        7010,
        "complaint_manager",
    )
    assert sorted(award.components.values_list("amount_pence", flat=True)) == [2010, 5000]

    # The handler may not approve it: no link, and the page refuses.
    assert not tab(client, slh_case).has(
        "a", href=url("award-decide", slh_case, award.pk) + "?approve=yes"
    )
    assert client.get(url("award-decide", slh_case, award.pk)).status_code == 403

    client.force_login(complaints_manager)
    page = tab(client, slh_case)
    assert page.has("a", href=url("award-decide", slh_case, award.pk) + "?approve=yes")
    assert page.has("a", href=url("award-decide", slh_case, award.pk) + "?approve=no")
    page = parse(client.get(url("award-decide", slh_case, award.pk) + "?approve=yes").content)
    assert "checked" in page.find("input", name="approve", value="yes").attrs
    assert "Receipt for a heater" in page.text
    response = client.post(
        url("award-decide", slh_case, award.pk), {"approve": "yes", "note": "Fair."}
    )
    assert_back_on_the_tab(response, slh_case)
    award.refresh_from_db()
    assert (award.status, award.decided_by) == (AwardStatus.APPROVED, complaints_manager)

    # Deciding again is refused with the service's reason.
    response = client.post(url("award-decide", slh_case, award.pk), {"approve": "no", "note": ""})
    assert response.status_code == 400
    assert "not waiting for approval" in summary_errors(parse(response.content))


def test_offer_acceptance_and_payment_with_an_arrears_offset(
    client, caseworker, complaints_manager, slh_case
):
    award = slh_award(slh_case, complaints_manager)
    client.force_login(caseworker)
    page = tab(client, slh_case)
    assert page.has("a", href=url("award-offer", slh_case, award.pk))
    # Offered before it is paid.
    assert not page.has("a", href=url("award-pay", slh_case, award.pk))

    response = client.post(url("award-offer", slh_case, award.pk), {})
    assert_back_on_the_tab(response, slh_case)
    assert "£50 offered to the customer" in banner(client, response)
    page = tab(client, slh_case)
    # This pack pays without waiting for acceptance.
    assert page.has("a", href=url("award-pay", slh_case, award.pk))
    assert page.has("a", href=url("award-answer", slh_case, award.pk) + "?accepted=yes")
    assert page.has("a", href=url("award-answer", slh_case, award.pk) + "?accepted=no")

    response = client.post(
        url("award-answer", slh_case, award.pk), {"accepted": "yes", "note": "Happy"}
    )
    assert_back_on_the_tab(response, slh_case)
    award.refresh_from_db()
    assert award.status == AwardStatus.ACCEPTED

    page = parse(client.get(url("award-pay", slh_case, award.pk)).content)
    assert radio_values(page, "method") == ["bank_transfer", "voucher", "rent_credit", "non_cash"]
    assert page.find("legend").text == "How was it paid?"
    assert page.has("input", name="arrears_offset")

    response = client.post(
        url("award-pay", slh_case, award.pk), {"method": "cheque", "arrears_offset": ""}
    )
    assert response.status_code == 400
    assert page.has("input", value="bank_transfer")

    response = client.post(
        url("award-pay", slh_case, award.pk), {"method": "rent_credit", "arrears_offset": "60"}
    )
    assert response.status_code == 400
    assert "Out of range." in field_error(parse(response.content), "id_arrears_offset")

    response = client.post(
        url("award-pay", slh_case, award.pk), {"method": "rent_credit", "arrears_offset": "10.50"}
    )
    assert_back_on_the_tab(response, slh_case)
    assert "£10.50 went to their arrears" in banner(client, response)
    award.refresh_from_db()
    assert (award.status, award.paid_pence, award.arrears_offset_pence, award.method) == (
        AwardStatus.PAID,
        3950,
        1050,
        "rent_credit",
    )
    assert not tab(client, slh_case).has("a", href=url("award-pay", slh_case, award.pk))

    response = client.post(url("award-pay", slh_case, award.pk), {"method": "bank_transfer"})
    assert response.status_code == 400
    assert "already paid" in summary_errors(parse(response.content))


def test_a_refused_approval_can_never_be_paid(client, caseworker, complaints_manager, slh_case):
    award = slh_award(slh_case, caseworker)
    client.force_login(complaints_manager)
    response = client.post(
        url("award-decide", slh_case, award.pk), {"approve": "no", "note": "Too much"}
    )
    assert_back_on_the_tab(response, slh_case)
    page = tab(client, slh_case)
    assert not page.has("a", href=url("award-pay", slh_case, award.pk))
    assert not page.has("a", href=url("award-offer", slh_case, award.pk))
    response = client.post(url("award-pay", slh_case, award.pk), {"method": "bank_transfer"})
    assert response.status_code == 400
    assert "Approval for this award was refused" in summary_errors(parse(response.content))


def test_right_to_repair_and_payment_only_after_acceptance(client, caseworker, organisation_on):
    org = organisation_on(ROOFTOP)
    give_role(caseworker, org, Role.COMPLAINT_HANDLER)
    case = received(org, caseworker)
    client.force_login(caseworker)
    page = parse(client.get(url("award-propose", case)).content)
    assert "statutory" in radio_values(page, "components-0-kind")
    assert not page.has("input", name="components-0-band")  # no bands in this pack
    assert "£10.00 plus £2.00 a day late, at most £50.00" in page.find(id="suggestion").text

    response = client.post(
        url("award-propose", case),
        {"rows": "1", "occasions": "1", "months_affected": "0", "reasoning": "Repair late."}
        | part(0, kind="statutory", days_late="5"),
    )
    assert_back_on_the_tab(response, case)
    award = Award.objects.get()
    assert (award.status, award.total_pence) == (AwardStatus.APPROVED, 2000)

    # Paid only once accepted: no link yet, and the rule is named if tried.
    assert not tab(client, case).has("a", href=url("award-pay", case, award.pk))
    response = client.post(url("award-pay", case, award.pk), {"method": "bank_transfer"})
    assert response.status_code == 400
    assert "has not been offered to the customer yet" in summary_errors(parse(response.content))

    client.post(url("award-offer", case, award.pk), {})
    assert not tab(client, case).has("a", href=url("award-pay", case, award.pk))
    response = client.post(url("award-pay", case, award.pk), {"method": "bank_transfer"})
    assert response.status_code == 400
    assert "only once the customer has accepted" in summary_errors(parse(response.content))
    response = client.post(
        url("award-answer", case, award.pk), {"accepted": "no", "note": "Not enough"}
    )
    assert_back_on_the_tab(response, case)
    award.refresh_from_db()
    assert award.status == AwardStatus.REFUSED
    assert not tab(client, case).has("a", href=url("award-pay", case, award.pk))


def test_without_compensation_rules_every_method_and_no_offset(client, caseworker, code_case):
    award = award_propose(
        case=code_case,
        actor=Actor(caseworker),
        components=[ComponentIn(kind="goodwill", amount_pence=2500)],
        reasoning="Goodwill.",
    )
    client.force_login(caseworker)
    page = parse(client.get(url("award-pay", code_case, award.pk)).content)
    assert radio_values(page, "method") == [
        "bank_transfer",
        "cheque",
        "rent_credit",
        "voucher",
        "non_cash",
    ]
    assert not page.has("input", name="arrears_offset")


def test_an_award_of_another_case_is_not_found(client, caseworker, code_case, code_org):
    other = received(code_org, caseworker)
    award = award_propose(
        case=other,
        actor=Actor(caseworker),
        components=[ComponentIn(kind="goodwill", amount_pence=2500)],
        reasoning="Goodwill.",
    )
    client.force_login(caseworker)
    assert client.get(url("award-offer", code_case, award.pk)).status_code == 404
    assert client.get(url("remedy-action-complete", code_case, 999)).status_code == 404


# -- the version the page was drawn from, and when it happened -------------------------------------


def hidden_version(page) -> str:
    return page.find("input", name="version").attrs["value"]


def someone_else_changes(case: Case, user: User) -> None:
    case_record_contact(case=case, actor=Actor(user), summary="Rang the customer")


def test_a_remedy_saved_over_someone_elses_change_is_refused_and_kept(
    client, caseworker, code_case
):
    client.force_login(caseworker)
    page = parse(client.get(url("remedy-record", code_case)).content)
    version = hidden_version(page)
    assert version == str(Case.objects.get(pk=code_case.pk).version)
    assert page.has("input", name="occurred_at")
    someone_else_changes(code_case, caseworker)

    response = client.post(
        url("remedy-record", code_case),
        {"kind": "apology", "description": "We are sorry.", "version": version},
    )

    assert response.status_code == 400
    page = parse(response.content)
    assert "Someone else changed this case" in summary_errors(page)
    assert "Your entries are kept below" in summary_errors(page)
    assert page.find("textarea", name="description").text.strip() == "We are sorry."
    assert not Remedy.objects.exists()
    # Saving again, now on the current version, is deliberate and works.
    current = hidden_version(page)
    assert current == str(int(version) + 1)
    response = client.post(
        url("remedy-record", code_case),
        {"kind": "apology", "description": "We are sorry.", "version": current},
    )
    assert_back_on_the_tab(response, code_case)
    assert Remedy.objects.count() == 1


def test_an_award_proposed_over_someone_elses_change_is_refused(
    client, complaints_manager, slh_case
):
    client.force_login(complaints_manager)
    page = parse(client.get(url("award-propose", slh_case)).content)
    version = hidden_version(page)
    someone_else_changes(slh_case, complaints_manager)
    response = client.post(
        url("award-propose", slh_case),
        {
            "rows": "1",
            "version": version,
            "occasions": "1",
            "months_affected": "0",
            "reasoning": "Two missed visits.",
            **part(kind="time_trouble_distress", band="medium", amount="50"),
            "propose": "1",
        },
    )
    assert response.status_code == 400
    page = parse(response.content)
    assert "Someone else changed this case" in page.find(cls="govuk-error-summary").text
    assert hidden_version(page) == str(int(version) + 1)
    assert not Award.objects.exists()


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("award-offer", {}),
        ("award-pay", {"method": "bank_transfer"}),
    ],
)
def test_an_award_step_over_someone_elses_change_is_refused(
    client, caseworker, complaints_manager, slh_case, name, body
):
    award = slh_award(slh_case, complaints_manager)
    client.force_login(caseworker)
    version = hidden_version(parse(client.get(url(name, slh_case, award.pk)).content))
    someone_else_changes(slh_case, complaints_manager)
    response = client.post(url(name, slh_case, award.pk), {**body, "version": version})
    assert response.status_code == 400
    assert "Someone else changed this case" in summary_errors(parse(response.content))
    award.refresh_from_db()
    assert award.status == AwardStatus.APPROVED


def test_a_future_time_is_refused_beside_the_field(client, caseworker, code_case):
    client.force_login(caseworker)
    response = client.post(
        url("remedy-record", code_case),
        {"kind": "apology", "description": "Sorry", "occurred_at": "2026-03-10 09:00"},
    )
    assert response.status_code == 400
    page = parse(response.content)
    assert "not in the future" in field_error(page, "id_occurred_at")
    # Before the case was received: the service's refusal, beside the field too.
    response = client.post(
        url("remedy-record", code_case),
        {"kind": "apology", "description": "Sorry", "occurred_at": "2026-03-01 09:00"},
    )
    assert response.status_code == 400
    page = parse(response.content)
    assert "before the case was received" in field_error(page, "id_occurred_at")
    assert not Remedy.objects.exists()


def test_when_it_happened_is_recorded_on_the_event_and_the_award(
    client, caseworker, complaints_manager, slh_case
):
    award = slh_award(slh_case, complaints_manager)
    award.proposed_at = award.decided_at = at(2026, 3, 3, 9)
    award.save(update_fields=["proposed_at", "decided_at"])
    client.force_login(caseworker)
    response = client.post(
        url("award-offer", slh_case, award.pk), {"occurred_at": "2026-03-04 10:00"}
    )
    assert_back_on_the_tab(response, slh_case)
    response = client.post(
        url("award-answer", slh_case, award.pk),
        {"accepted": "yes", "note": "On the phone", "occurred_at": "2026-03-05 15:30"},
    )
    assert_back_on_the_tab(response, slh_case)
    award.refresh_from_db()
    assert award.offered_at == at(2026, 3, 4, 10)
    assert award.answered_at == at(2026, 3, 5, 15, 30)
    accepted = slh_case.events.get(kind=EventKind.AWARD_ACCEPTED)
    assert accepted.occurred_at == at(2026, 3, 5, 15, 30)
    assert accepted.recorded_at == at(2026, 3, 9, 12)
    # Completing an action: done on the day it happened.
    action_response = client.post(
        url("remedy-action-add", slh_case),
        {
            "description": "Fix the boiler",
            "owner": "handler",
            "due_on": "2026-03-20",
            "occurred_at": "2026-03-05 16:00",
        },
    )
    assert_back_on_the_tab(action_response, slh_case)
    action = RemedyAction.objects.get()
    response = client.post(
        url("remedy-action-complete", slh_case, action.pk),
        {"evidence": "Job 1", "occurred_at": "2026-03-06 11:00"},
    )
    assert_back_on_the_tab(response, slh_case)
    action.refresh_from_db()
    assert action.completed_on == datetime.date(2026, 3, 6)
    # Not before it was added.
    other = client.post(
        url("remedy-action-add", slh_case),
        {"description": "Paint", "owner": "handler", "due_on": "2026-03-20"},
    )
    assert_back_on_the_tab(other, slh_case)
    later = RemedyAction.objects.get(description="Paint")
    response = client.post(
        url("remedy-action-complete", slh_case, later.pk),
        {"evidence": "Job 2", "occurred_at": "2026-03-06 11:00"},
    )
    assert response.status_code == 400
    assert "That is before the action was added (Mon 9 Mar 2026)." in field_error(
        parse(response.content), "id_occurred_at"
    )
