"""The Ombudsman pages: record a determination with its findings and orders from the case,
complete an order with evidence, tell the Ombudsman, and read the log overdue first."""

from __future__ import annotations

import pytest
from django.test import Client

from putright.accounts.models import AccessLog, Role
from putright.ombudsman.models import Determination, Order

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


DETERMINATION = {
    "kind": "determination",
    "determined_on": "2026-03-12",
    "appeal_by": "2026-04-09",
    "ombudsman_reference": "202512345",
    "findings-0-point": "The response to reports of damp",
    "findings-0-category": "Damp and mould",
    "findings-0-finding": "severe_maladministration",
    "findings-1-point": "The handling of repairs",
    "findings-1-category": "Repairs",
    "findings-1-finding": "maladministration",
    "findings-2-point": "The complaint handling",
    "findings-2-category": "Complaint handling",
    "findings-2-finding": "service_failure",
    "orders-0-kind": "order",
    "orders-0-text": "Pay the resident £750",
    "orders-0-owner": "manager",
    "orders-0-within_days": "20",
    "orders-0-counts": "working",
    "orders-0-amount": "750",
    "orders-1-kind": "order",
    "orders-1-text": "Inspect the property for damp",
    "orders-1-owner": "manager",
    "orders-1-due_on": "2026-04-10",
}


def test_the_case_page_offers_the_ombudsman_section(case, users):
    page = client_for(users[Role.COMPLAINT_HANDLER]).get(f"/cases/{case.reference}/")
    assert page.status_code == 200
    assert b"Record a determination" in page.content
    form = client_for(users[Role.COMPLAINT_HANDLER]).get(f"/cases/{case.reference}/ombudsman/")
    assert b"The case is open at Stage 1: tell the Ombudsman" in form.content
    # A role that may not record sees no links to record.
    page = client_for(users[Role.DATA_PROTECTION_OFFICER]).get(f"/cases/{case.reference}/")
    assert b"Record a determination" not in page.content


def test_a_determination_is_recorded_from_its_page_then_an_order_is_done_and_told(case, users):
    handler = client_for(users[Role.COMPLAINT_HANDLER])
    form = handler.get(f"/cases/{case.reference}/ombudsman/?kind=determination")
    assert form.status_code == 200
    assert b"Point 6" in form.content
    sent = handler.post(
        f"/cases/{case.reference}/ombudsman/", {**DETERMINATION, "version": case.version}
    )
    determination = Determination.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == f"/ombudsman/determinations/{determination.pk}/"
    page = handler.get(sent["Location"])
    assert b"Severe maladministration" in page.content
    assert b"Order 2" in page.content
    inspect = Order.objects.get(number=2)
    owner = client_for(users[Role.MANAGER])
    missing = owner.post(f"/ombudsman/orders/{inspect.pk}/complete/", {"evidence": ""})
    assert missing.status_code == 400
    assert b'id="evidence-error"' in missing.content
    done = owner.post(
        f"/ombudsman/orders/{inspect.pk}/complete/", {"evidence": "Survey report of 16 March"}
    )
    assert done.status_code == 302
    told = handler.post(f"/ombudsman/orders/{inspect.pk}/tell/", {})
    assert told.status_code == 302
    order_page = handler.get(f"/ombudsman/orders/{inspect.pk}/")
    assert b"Done and the Ombudsman told" in order_page.content
    assert b"Survey report of 16 March" in order_page.content
    log = handler.get("/ombudsman/determinations/")
    assert case.reference.encode() in log.content


def test_a_bad_row_is_shown_beside_its_own_row(case, users):
    handler = client_for(users[Role.COMPLAINT_HANDLER])
    bad = {
        **DETERMINATION,
        "findings-1-point": "",
        "findings-4-point": "A point on row five",
        "findings-4-category": "Repairs",
        "findings-4-finding": "",
        "orders-1-amount": "lots",
        "version": case.version,
    }
    sent = handler.post(f"/cases/{case.reference}/ombudsman/", bad)
    assert sent.status_code == 400
    assert b'id="orders-1-amount-error"' in sent.content
    assert Determination.objects.count() == 0
    del bad["orders-1-amount"]
    sent = handler.post(f"/cases/{case.reference}/ombudsman/", bad)
    assert sent.status_code == 400
    assert (
        b'id="findings-4-finding-error"' in sent.content
        or b'id="findings-1-point-error"' in sent.content
    )


def test_the_dpo_may_not_record_and_an_outsider_finds_nothing(case, users):
    assert (
        client_for(users[Role.DATA_PROTECTION_OFFICER])
        .get(f"/cases/{case.reference}/ombudsman/")
        .status_code
        == 403
    )
    assert (
        client_for(users["outsider"]).get(f"/cases/{case.reference}/ombudsman/").status_code == 404
    )
    handler = client_for(users[Role.COMPLAINT_HANDLER])
    handler.post(f"/cases/{case.reference}/ombudsman/", {**DETERMINATION, "version": case.version})
    order = Order.objects.get(number=2)
    assert client_for(users["outsider"]).get(f"/ombudsman/orders/{order.pk}/").status_code == 404
    assert (
        client_for(users[Role.BOARD_MEMBER]).get(f"/ombudsman/orders/{order.pk}/").status_code
        == 404
    )


def test_reading_a_restricted_cases_determination_is_logged(case, users):
    from putright.cases.models import Case

    Case.objects.filter(pk=case.pk).update(conduct=True)
    manager = client_for(users[Role.COMPLAINTS_MANAGER])
    # The manager cannot see a case about staff conduct, so cannot own its orders.
    refused = manager.post(
        f"/cases/{case.reference}/ombudsman/", {**DETERMINATION, "version": case.version}
    )
    assert refused.status_code == 400
    assert b'id="orders-0-owner-error"' in refused.content
    mine = {**DETERMINATION, "orders-0-owner": "", "orders-1-owner": "", "version": case.version}
    assert manager.post(f"/cases/{case.reference}/ombudsman/", mine).status_code == 302
    determination = Determination.objects.get()
    before = AccessLog.objects.filter(action="read restricted case").count()
    assert manager.get(f"/ombudsman/determinations/{determination.pk}/").status_code == 200
    assert AccessLog.objects.filter(action="read restricted case").count() == before + 1
    # The log lists its findings and orders: a read of the restricted case too.
    assert manager.get("/ombudsman/determinations/").status_code == 200
    assert AccessLog.objects.filter(action="read restricted case").count() == before + 2
    assert (
        client_for(users[Role.COMPLAINT_HANDLER])
        .get(f"/ombudsman/determinations/{determination.pk}/")
        .status_code
        == 404
    )


def test_an_enquiry_with_no_case_opens_the_complaint(org, users):
    handler = client_for(users[Role.COMPLAINT_HANDLER])
    assert handler.get("/ombudsman/enquiries/").status_code == 200
    empty = handler.post("/ombudsman/enquiries/", {"organisation": org.slug})
    assert empty.status_code == 400
    assert b'id="customer_name-error"' in empty.content
    sent = handler.post(
        "/ombudsman/enquiries/",
        {
            "organisation": org.slug,
            "customer_name": "Sam Tenant",
            "summary": "Roof leak",
            "asked": "Please raise a complaint",
            "due_on": "2026-03-30",
        },
    )
    assert sent.status_code == 302
    assert sent["Location"].startswith("/cases/")


def test_the_headline_reads_right_for_a_report_reader_and_is_refused_to_others(case, users, org):
    from django.core.management import call_command

    from tests.ombudsman.test_import import FILE

    call_command("ombudsman", "import", str(FILE), stdout=__import__("io").StringIO())
    handler = client_for(users[Role.COMPLAINT_HANDLER])
    handler.post(f"/cases/{case.reference}/ombudsman/", {**DETERMINATION, "version": case.version})
    board = client_for(users[Role.BOARD_MEMBER])
    page = board.get("/ombudsman/headline/?start=2023-01-01&end=2026-12-31")
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 received, 0 appealed" in text
    assert "2 orders, 0 recommendations; £750.00 ordered" in text
    assert "Severe maladministration: 1" in text
    assert "North Homes beside 2 other landlords of its type (Housing association)" in text
    assert "Pat Resident" not in text
    assert board.get("/ombudsman/headline/?start=2026-13-01").status_code == 400
    assert client_for(users[Role.COMPLAINT_HANDLER]).get("/ombudsman/headline/").status_code == 403


def test_the_admin_shows_the_casework_read_only_and_only_on_cases_one_may_see(case, users):
    from putright.accounts.models import User

    handler = client_for(users[Role.COMPLAINT_HANDLER])
    handler.post(f"/cases/{case.reference}/ombudsman/", {**DETERMINATION, "version": case.version})
    admin = User.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    client = client_for(admin)
    listing = client.get("/admin/ombudsman/order/")
    assert listing.status_code == 200
    assert b"Inspect the property" not in listing.content or b"add" not in listing.content
    assert client.get("/admin/ombudsman/order/add/").status_code == 403
    order = Order.objects.get(number=2)
    assert (
        client.post(f"/admin/ombudsman/order/{order.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Order.objects.filter(pk=order.pk).exists()


def test_the_evidence_page_shows_the_bundles_index_and_records_the_sending(case, users):
    from putright.ombudsman.models import Contact

    handler = client_for(users[Role.COMPLAINT_HANDLER])
    handler.post(
        f"/cases/{case.reference}/ombudsman/",
        {
            "kind": "evidence_request",
            "asked": "Send the file",
            "due_on": "2026-03-30",
            "version": case.version,
        },
    )
    contact = Contact.objects.get()
    page = handler.get(f"/ombudsman/contacts/{contact.pk}/evidence/")
    assert b"Chronology of events" in page.content
    assert f"/cases/{case.reference}/ombudsman-bundle/".encode() in page.content
    empty = handler.post(f"/ombudsman/contacts/{contact.pk}/evidence/", {"covering_letter": ""})
    assert empty.status_code == 400
    assert b"Write the covering letter" in empty.content
    sent = handler.post(
        f"/ombudsman/contacts/{contact.pk}/evidence/", {"covering_letter": "Dear Ombudsman"}
    )
    assert sent.status_code == 302
    contact.refresh_from_db()
    assert contact.covering_letter == "Dear Ombudsman"


@pytest.mark.parametrize("document", ["annual", "board-pack"])
def test_the_annual_report_and_board_pack_carry_the_ombudsman_section(case, users, document):
    handler = client_for(users[Role.COMPLAINT_HANDLER])
    handler.post(f"/cases/{case.reference}/ombudsman/", {**DETERMINATION, "version": case.version})
    board = client_for(users[Role.BOARD_MEMBER])
    page = board.get(
        f"/reports/documents/{document}/",
        {"organisation": "north-homes", "start": "2026-01-01", "end": "2026-03-31"},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "findings and our compliance with its orders" in text
    assert "Severe maladministration: 1" in text
    assert case.reference not in text
