"""The portal says what was actually sent (issue 17, point 3), and names the ombudsman the
case goes to, as its letters do (point 4)."""

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from putright.cases.models import EventKind
from putright.cases.services import Actor, case_acknowledge, case_escalate, case_respond
from putright.letters.models import Channel
from putright.letters.services import letter_send
from putright.people.models import Person

from .test_portal import follow, text

pytestmark = pytest.mark.django_db(transaction=True)


def responded(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    return case_respond(case=case, actor=Actor(handler), outcome="upheld", text="We were late.")


def send(case, kind, actor):
    sequence = case.events.filter(kind=kind).order_by("-sequence")[0].sequence
    return letter_send(case=case, sequence=sequence, actor=Actor(actor))


def test_a_response_decided_but_not_yet_sent_is_not_called_sent(client, receive, clock, handler):
    case = responded(receive, clock, handler)

    page = text(follow(client, case.reference))

    assert "We sent you" not in page
    assert "We have made our decision" in page
    assert "We have decided our Stage 1 response. The letter explaining it is on its way" in page


def test_a_response_e_mailed_is_said_to_be_sent_by_e_mail_on_its_date(
    client, receive, clock, handler
):
    case = responded(receive, clock, handler)
    send(case, EventKind.RESPONDED, handler)

    page = text(follow(client, case.reference))

    assert "We have replied" in page
    assert "We sent you our Stage 1 response by e-mail on Mon 9 Mar 2026." in page


def test_a_letter_waiting_to_be_posted_is_said_to_be_on_its_way_by_post(
    client, receive, clock, handler
):
    case = responded(receive, clock, handler)
    customer = case.customer
    customer.preferred_contact = "phone"
    customer.phone = "07700 900123"
    customer.address = "12 Mersey Road"
    customer.email = ""
    customer.save()
    letter = send(case, EventKind.RESPONDED, handler)
    customer.email = "pat@example.org"  # so the resident can follow the case with a code
    customer.save()

    page = text(follow(client, case.reference))

    assert letter.channel == Channel.POST
    assert (
        "We sent you our Stage 1 response by post: we wrote it on Mon 9 Mar 2026 and it is "
        "being printed and posted to you." in page
    )
    letters = page.split("Letters we have sent you")[1].split("Contact us")[0]
    assert "Our response to your complaint" in letters
    assert "Call the customer" not in letters  # the call staff are to make is not a letter


# -- the ombudsman the case goes to ------------------------------------------------------------


def hpg_final_response(receive, clock, handler, manager, *, tenure, service_area):
    clock(2026, 3, 2, 9)
    case = receive(
        "housing-plus-group-2021", received_at=clock(2026, 3, 2, 9), service_area=service_area
    )
    Person.objects.filter(pk=case.customer_id).update(tenure=tenure)
    case.customer.refresh_from_db()
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="On time.")
    clock(2026, 3, 10, 10)
    case = case_escalate(case=case, actor=Actor(handler), reasons="The carers still come late.")
    case = case_acknowledge(case=case, actor=Actor(manager))
    clock(2026, 3, 16, 10)
    case = case_respond(case=case, actor=Actor(manager), outcome="upheld", text="We were wrong.")
    letter = send(case, EventKind.RESPONDED, manager)
    letter.pdf.open("rb")
    reader = PdfReader(io.BytesIO(letter.pdf.read()))
    return case, " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_a_care_customers_complaint_about_care_goes_to_the_lgsco_in_the_letter_and_portal(
    client, receive, clock, handler, manager
):
    case, letter = hpg_final_response(
        receive,
        clock,
        handler,
        manager,
        tenure="care_customer",
        service_area="Care services (Care Plus)",
    )
    mail.outbox.clear()

    page = text(follow(client, case.reference))

    assert "refer your complaint to the Local Government and Social Care Ombudsman" in letter
    assert "0300 061 0614" in letter
    assert "Housing Ombudsman" not in letter
    assert "Independent help: the Local Government and Social Care Ombudsman" in page
    assert "0300 061 0614" in page
    assert "Housing Ombudsman" not in page


def test_a_general_needs_tenant_of_the_same_landlord_still_goes_to_the_housing_ombudsman(
    client, receive, clock, handler, manager
):
    case, letter = hpg_final_response(
        receive, clock, handler, manager, tenure="tenant", service_area="Repairs"
    )
    mail.outbox.clear()

    page = text(follow(client, case.reference))

    assert "refer your complaint to the Housing Ombudsman" in letter
    assert "Local Government and Social Care Ombudsman" not in letter
    assert "Independent help: the Housing Ombudsman" in page
    assert "Local Government and Social Care Ombudsman" not in page


def test_a_refusal_is_said_to_be_explained_in_writing_only_once_it_was(
    client, receive, clock, handler
):
    from putright.cases.services import case_decide_eligibility

    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_decide_eligibility(
        case=case,
        accepted=False,
        actor=Actor(handler),
        exclusion="legal_proceedings",
        reason="The matter is before the county court.",
    )

    before = text(follow(client, case.reference))
    send(case, EventKind.ELIGIBILITY_DECIDED, handler)
    after = text(client.get("/resident/follow/case/"))

    assert "We wrote to explain why" not in before
    assert "Our letter explaining why is on its way to you." in before
    assert "We wrote to explain why, by e-mail on Mon 2 Mar 2026." in after


def test_a_resident_complaining_about_care_is_shown_the_lgsco_while_making_it(
    client, organisation_on
):
    from .test_portal import ANSWERS, walk

    hpg = organisation_on("housing-plus-group-2021")
    about_care = {"summary": "The carers come late", "service_area": "Care services (Care Plus)"}
    walk(client, hpg, about={**ANSWERS["about"], **about_care})

    page = text(client.get(f"/resident/{hpg.slug}/make/support/"))
    sent = send_portal(client, hpg)

    assert "Independent help: the Local Government and Social Care Ombudsman" in page
    assert "Independent help: the Local Government and Social Care Ombudsman" in text(sent)


def test_a_resident_complaining_about_repairs_is_shown_the_housing_ombudsman(
    client, organisation_on
):
    from .test_portal import ANSWERS, walk

    hpg = organisation_on("housing-plus-group-2021")
    walk(client, hpg, about={**ANSWERS["about"], "service_area": "Repairs"})

    page = text(client.get(f"/resident/{hpg.slug}/make/support/"))

    assert "Independent help: the Housing Ombudsman" in page


def send_portal(client, organisation):
    response = client.post(f"/resident/{organisation.slug}/make/check/")
    assert response.status_code == 302
    return client.get(response["Location"])
