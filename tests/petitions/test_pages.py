"""The petition pages: the panel on the case page, recording the signatories one a line with
errors beside the field, the list of what each signatory is missing, the bulk
acknowledgement's preview, and the nominated representative."""

from __future__ import annotations

import pytest
from django.test import Client

from putright.cases.models import Event

pytestmark = pytest.mark.django_db

LINES = "\n".join(
    [
        "Ann Able; 3 Oak Road; NT1 3ZZ; yes; ann@example.org;",
        "Ben Bold; ; ; yes; ; 07700900004",
        "Cat Calm; ; NT1 5ZZ; no; cat@example.org;",
    ]
)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_case_page_leads_to_recording_the_signatories(petition_case, users):
    client = client_for(users["complaint_handler"])
    page = client.get(f"/cases/{petition_case.reference}/")
    assert page.status_code == 200
    assert "Record the petition's signatories" in page.content.decode()


def test_a_line_that_cannot_be_read_is_named_beside_the_field(petition_case, users):
    client = client_for(users["complaint_handler"])
    bad = client.post(
        f"/cases/{petition_case.reference}/petition/",
        {"signatories": "Ann Able; 3 Oak Road; NT1 3ZZ; perhaps", "lead_signature_seen": "yes"},
    )
    assert bad.status_code == 400
    assert "Line 1: say yes or no for the signature" in bad.content.decode()
    assert "Ann Able; 3 Oak Road" in bad.content.decode()  # what was typed is kept


def test_signatories_are_listed_with_what_each_is_missing(petition_case, users):
    client = client_for(users["complaint_handler"])
    done = client.post(
        f"/cases/{petition_case.reference}/petition/",
        {"signatories": LINES, "lead_signature_seen": "yes"},
    )
    assert done.status_code == 302, done.content.decode()
    page = client.get(f"/cases/{petition_case.reference}/petition/").content.decode()
    assert 'People it represents</dt><dd class="govuk-summary-list__value">4' in page
    assert "address, postcode</strong>" in page  # Ben Bold
    assert "address, signature</strong>" in page  # Cat Calm
    # An optional meeting with the petitioners is booked on the case's meetings (4.11.2).
    assert f'href="/cases/{petition_case.reference}/meetings/"' in page
    note = Event.objects.filter(case=petition_case, kind="note").last()
    assert note.data["petition"]["action"] == "recorded"
    assert [g["number"] for g in note.data["petition"]["missing"]] == [3, 4]

    preview = client.get(f"/cases/{petition_case.reference}/petition/acknowledge/")
    text = preview.content.decode()
    assert "Who gets what (4 signatories)" in text
    assert "Cannot be sent" in text  # Ben Bold: a phone number, no address to write to
    refused = client.post(f"/cases/{petition_case.reference}/petition/acknowledge/", {})
    assert refused.status_code == 400
    assert "Ben Bold has no e-mail or postal address" in refused.content.decode()

    # Correct the line, then the batch goes.
    ben = client.get(f"/cases/{petition_case.reference}/petition/")
    from putright.petitions.models import Signatory

    line = Signatory.objects.get(name="Ben Bold")
    fixed = client.post(
        f"/cases/{petition_case.reference}/petition/signatories/{line.pk}/change/",
        {"address": "4 Oak Road", "postcode": "NT1 4ZZ"},
    )
    assert fixed.status_code == 302, fixed.content.decode()
    sent = client.post(f"/cases/{petition_case.reference}/petition/acknowledge/", {})
    assert sent.status_code == 302, sent.content.decode()
    # Each petitioner's letter can be read as PDF; the download is recorded.
    from putright.accounts.models import AccessLog
    from putright.petitions.models import Letter

    letter = Letter.objects.get(signatory__name="Cat Calm")
    page = client.get(f"/cases/{petition_case.reference}/petition/").content.decode()
    assert f"/petition/letters/{letter.pk}.pdf" in page
    pdf = client.get(f"/cases/{petition_case.reference}/petition/letters/{letter.pk}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert AccessLog.objects.filter(detail=f"petition letter {letter.pk}").exists()
    assert ben.status_code == 200


def test_a_panel_member_cannot_reach_the_petition_pages(petition_case, users):
    client = client_for(users["panel_member"])
    assert client.get(f"/cases/{petition_case.reference}/petition/").status_code == 404
