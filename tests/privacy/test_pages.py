"""The data protection officer's pages: the menu item, the person's link, recording a
request, its month explained, the decision with reasons beside the field, the export with its
redactions and download (recorded), the release, the retention schedule, and legal holds on
the case page for managers."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils import timezone

from putright.accounts.models import AccessLog, Role
from putright.cases.models import Case
from putright.people.models import Person
from putright.privacy.models import DataRequest, LegalHold, RetentionRun

pytestmark = pytest.mark.django_db

DPO = Role.DATA_PROTECTION_OFFICER


@pytest.fixture
def as_user(client, dp_users):
    def login(role):
        client.force_login(dp_users[role])
        return client

    return login


def text(response):
    return response.content.decode()


def test_the_menu_and_the_persons_page_offer_data_protection_to_the_officer_only(as_user, dp_pat):
    person, _ = dp_pat
    officer = as_user(DPO)
    page = text(officer.get(f"/people/{person.pk}/"))
    assert ">Data protection</a>" in page
    assert f'href="/people/{person.pk}/data-requests/">Record a data protection request' in page
    handler = as_user(Role.COMPLAINT_HANDLER)
    page = text(handler.get(f"/people/{person.pk}/"))
    assert ">Data protection</a>" not in page
    assert "Record a data protection request" not in page
    assert handler.get("/privacy/requests/").status_code == 403
    assert handler.get(f"/people/{person.pk}/data-requests/").status_code == 403
    assert as_user("outsider").get(f"/people/{person.pk}/data-requests/").status_code == 404


def test_a_subject_access_request_from_the_persons_page_to_its_release(as_user, dp_pat, dp_users):
    person, _ = dp_pat
    officer = as_user(DPO)
    url = f"/people/{person.pk}/data-requests/"
    missing = officer.post(url, {})
    assert missing.status_code == 400
    assert 'id="kind-error"' in text(missing)
    assert "Choose what the person asked for." in text(missing)
    future = officer.post(url, {"kind": "subject_access", "received_on": "2030-01-01"})
    assert future.status_code == 400
    assert 'id="received_on-error"' in text(future)

    made = officer.post(url, {"kind": "subject_access"})
    found = DataRequest.objects.get()
    assert made["Location"] == f"/privacy/requests/{found.pk}/"
    page = text(officer.get(made["Location"]))
    assert "Thu 2 Apr 2026" in page
    assert "within 1 calendar month of the request" in page
    assert "Pat Example" in page
    assert "(3 cases)" in page
    assert "Export the data" in page

    listed = text(officer.get("/privacy/requests/"))
    assert f'href="/privacy/requests/{found.pk}/">Subject access {found.pk}</a>' in listed
    assert "Thu 2 Apr 2026" in listed

    assert officer.get(f"/privacy/requests/{found.pk}/download/").status_code == 404
    exported = officer.post(f"/privacy/requests/{found.pk}/export/", {"version": found.version})
    assert exported.status_code == 302
    page = text(officer.get(f"/privacy/requests/{found.pk}/"))
    assert "Download the export (zip)" in page
    assert "Other people's details taken out (0)" in page
    assert "release to the person" in page

    download = officer.get(f"/privacy/requests/{found.pk}/download/")
    assert download.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert {"index.pdf", "data.json"} <= set(names)
    assert AccessLog.objects.filter(
        action="subject access export downloaded", user=dp_users[DPO]
    ).exists()

    stale = officer.post(f"/privacy/requests/{found.pk}/release/", {"version": found.version})
    assert stale.status_code == 400
    assert "Someone else changed this request" in text(stale)
    found.refresh_from_db()
    released = officer.post(f"/privacy/requests/{found.pk}/release/", {"version": found.version})
    assert released.status_code == 302
    found.refresh_from_db()
    assert found.status == "released"
    page = text(officer.get(f"/privacy/requests/{found.pk}/"))
    assert "Released to the person" in page
    assert "(met 2 Mar 2026)" in page


def test_an_erasure_refused_without_reasons_shows_the_error_beside_the_field(as_user, dp_pat):
    person, _ = dp_pat
    officer = as_user(DPO)
    officer.post(f"/people/{person.pk}/data-requests/", {"kind": "erasure"})
    found = DataRequest.objects.get()
    form = officer.get(f"/privacy/requests/{found.pk}/decide/")
    assert form.status_code == 200
    assert "Erasing cannot be undone" in text(form)
    bare = officer.post(
        f"/privacy/requests/{found.pk}/decide/", {"decision": "refuse", "version": found.version}
    )
    assert bare.status_code == 400
    assert 'id="reasons-error"' in text(bare)
    assert "Give the reasons for the decision." in text(bare)
    assert 'href="#reasons"' in text(bare)

    erased = officer.post(
        f"/privacy/requests/{found.pk}/decide/",
        {"decision": "erase", "reasons": "Nothing left to keep", "version": found.version},
    )
    assert erased.status_code == 302
    person.refresh_from_db()
    assert person.name == f"Anonymised person {person.pk}"
    assert Case.objects.filter(customer=person).count() == 3
    page = text(officer.get(f"/privacy/requests/{found.pk}/"))
    assert "Nothing left to keep" in page
    assert "Decide the erasure request" not in page


def test_requests_are_for_the_officer_of_the_persons_organisation(as_user, dp_pat):
    person, _ = dp_pat
    as_user(DPO).post(f"/people/{person.pk}/data-requests/", {"kind": "subject_access"})
    found = DataRequest.objects.get()
    for path in ("", "decide/", "export/", "release/", "download/"):
        url = f"/privacy/requests/{found.pk}/{path}"
        assert as_user(Role.COMPLAINTS_MANAGER).get(url).status_code == 403, url
        assert as_user("outsider").get(url).status_code == 404, url
    assert as_user("outsider").get("/privacy/requests/?organisation=north-homes").status_code == 404
    assert as_user(Role.MANAGER).get("/privacy/retention/").status_code == 403


def test_the_retention_schedule_shows_each_period_and_the_last_runs(as_user, dp_org):
    RetentionRun.objects.create(
        organisation=dp_org,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        counts={"periods": {"files": 72}, "cases_due": 2, "cases": 2, "people": 1, "files": 3},
    )
    page = text(as_user(DPO).get("/privacy/retention/"))
    assert "Retention schedule" in page
    assert "months" in page
    assert (
        "2 cases past their period; 2 cases anonymised; 1 people anonymised; 3 files removed"
        in (page)
    )


def test_a_manager_places_and_lifts_a_legal_hold_from_the_case_page(as_user, dp_pat):
    _, cases = dp_pat
    case = cases[0]
    manager = as_user(Role.MANAGER)
    page = text(manager.get(f"/cases/{case.reference}/"))
    assert f'href="/cases/{case.reference}/legal-hold/">Place a legal hold' in page
    bare = manager.post(f"/cases/{case.reference}/legal-hold/", {"reason": " "})
    assert bare.status_code == 400
    assert 'id="reason-error"' in text(bare)
    assert "Say why the case is kept." in text(bare)
    placed = manager.post(f"/cases/{case.reference}/legal-hold/", {"reason": "A disrepair claim"})
    assert placed.status_code == 302
    page = text(manager.get(f"/cases/{case.reference}/"))
    assert "On a legal hold since" in page
    assert "A disrepair claim" in page
    assert "Lift the legal hold" in page
    lifted = manager.post(f"/cases/{case.reference}/legal-hold-lift/", {"reason": "Settled"})
    assert lifted.status_code == 302
    assert LegalHold.objects.get().lifted_at is not None

    handler = as_user(Role.COMPLAINT_HANDLER)
    assert "Place a legal hold" not in text(handler.get(f"/cases/{case.reference}/"))
    assert handler.get(f"/cases/{case.reference}/legal-hold/").status_code == 403
    assert as_user("outsider").get(f"/cases/{case.reference}/legal-hold/").status_code == 404
    assert Person.objects.filter(name="Pat Example").exists()
