"""The self-assessment, the annual report and the board pack."""

from __future__ import annotations

import pytest
from django.test import Client

from putright.accounts.models import Membership, Role, User
from putright.organisations.services import organisation_create
from putright.reports.documents import (
    previous_period,
    provisions_in,
    save_entry,
    self_assessment,
)

from .conftest import d

PARAMS = {"organisation": "code-homes", "start": "2025-04-01", "end": "2026-03-31"}


def signed_in(organisation, role: str) -> Client:
    user = User.objects.create_user(f"doc-{role}")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_provision_sources():
    assert provisions_in("Code 8.1-8.3, 9.5-9.7") == ["8.1", "8.2", "8.3", "9.5", "9.6", "9.7"]
    assert provisions_in("Code 6.2") == ["6.2"]
    assert provisions_in("Code 3.7, 6.5") == ["3.7", "6.5"]


def test_previous_period():
    assert previous_period(d(2026, 1, 1), d(2026, 3, 31)) == (d(2025, 10, 1), d(2025, 12, 31))
    assert previous_period(d(2025, 4, 1), d(2026, 3, 31)) == (d(2024, 4, 1), d(2025, 3, 31))
    assert previous_period(d(2026, 1, 10), d(2026, 1, 19)) == (d(2025, 12, 31), d(2026, 1, 9))


def test_self_assessment_has_nine_sections_prefilled(code_org, year):
    assessment = self_assessment(code_org, d(2025, 4, 1), d(2026, 3, 31))
    assert [s.number for s in assessment.sections] == list(range(1, 10))
    rows = {p.id: p for s in assessment.sections for p in s.provisions}
    # The Code pack meets itself; the measured performance shows late responses.
    assert rows["6.3"].compliance == "partly"
    assert "10 of 13" in rows["6.3"].evidence
    assert "late" in rows["6.3"].commentary
    assert rows["6.2"].suggested_compliance == "partly"
    assert rows["5.3"].compliance == "yes"
    assert "Escalations refused" in rows["5.11"].evidence
    assert rows["1.1"].compliance_label == "Not a requirement"


def test_a_pack_that_falls_short_is_marked_no(db, now):
    org = organisation_create(
        slug="informal", name="Informal", policy_pack="rooftop-2023", reference_prefix="INF"
    )
    rows = {
        p.id: p
        for s in self_assessment(org, d(2025, 4, 1), d(2026, 3, 31)).sections
        for p in s.provisions
    }
    assert rows["5.2"].compliance == "no"  # an informal stage before stage 1
    assert "The Code requires" in rows["5.2"].commentary


def test_the_landlords_words_win(code_org, year):
    save_entry(
        code_org, 2026, "6.3", compliance="yes", evidence="Our audit.", commentary="", user=None
    )
    rows = {
        p.id: p
        for s in self_assessment(code_org, d(2025, 4, 1), d(2026, 3, 31)).sections
        for p in s.provisions
    }
    assert rows["6.3"].compliance == "yes"
    assert rows["6.3"].evidence == "Our audit."
    assert "late" in rows["6.3"].commentary  # not overridden: still the suggestion
    with pytest.raises(ValueError, match="no provision"):
        save_entry(code_org, 2026, "99.1", compliance="yes", evidence="", commentary="", user=None)


@pytest.mark.parametrize("document", ["self-assessment", "annual", "board-pack"])
def test_document_pages_and_pdfs(code_org, year, document):
    board = signed_in(code_org, Role.BOARD_MEMBER)
    page = board.get(f"/reports/documents/{document}/", PARAMS)
    assert page.status_code == 200, page.content[:500]
    assert b"Change<span" not in page.content  # a board member cannot edit
    pdf = board.get(f"/reports/documents/{document}.pdf", PARAMS)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_a_manager_edits_the_self_assessment_and_the_annual_report(code_org, year):
    manager = signed_in(code_org, Role.COMPLAINTS_MANAGER)
    query = "?organisation=code-homes&start=2025-04-01&end=2026-03-31"
    response = manager.post(
        f"/reports/documents/self-assessment/{query}",
        {
            "provision": "9.5",
            "compliance": "yes",
            "evidence": "Cllr Ada Byron is our MRC.",
            "commentary": "",
        },
    )
    assert response.status_code == 302
    page = manager.get(f"/reports/documents/self-assessment/{query}")
    assert b"Cllr Ada Byron is our MRC." in page.content
    manager.post(
        f"/reports/documents/annual/{query}",
        {"section": "learning", "text": "We retrained the repairs team."},
    )
    assert (
        b"We retrained the repairs team."
        in manager.get(f"/reports/documents/annual/{query}").content
    )
    board = signed_in(code_org, Role.BOARD_MEMBER)
    refused = board.post(f"/reports/documents/annual/{query}", {"section": "learning", "text": "x"})
    assert refused.status_code == 403


def test_equality_page(code_org, year):
    board = signed_in(code_org, Role.BOARD_MEMBER)
    response = board.get("/reports/equality/", PARAMS)
    assert response.status_code == 200
    assert b"No tenant population" in response.content
