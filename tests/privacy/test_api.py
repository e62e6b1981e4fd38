"""The data protection API: the officer records a request, reads its month explained,
exports, downloads the zip (recorded) and releases; decides an erasure with reasons; managers
place and lift legal holds; the retention schedule with its last runs."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.utils import timezone

from putright.accounts.models import AccessLog, Role
from putright.cases.models import Case
from putright.people.models import Person
from putright.privacy.models import DataRequest, LegalHold, RetentionPeriod, RetentionRun

pytestmark = pytest.mark.django_db

DPO = Role.DATA_PROTECTION_OFFICER


def record(api, person, kind):
    answer = api.post(f"/people/{person.pk}/data-requests", {"kind": kind})
    assert answer.status_code == 201, answer.content
    return answer.json()["request"]


def test_a_subject_access_request_from_recording_to_release(dp_apis, dp_pat, dp_officer):
    person, _cases = dp_pat
    api = dp_apis[DPO]
    made = record(api, person, "subject_access")
    assert made["status"] == "received"
    assert made["due_on"] == "2026-04-02"  # one calendar month from Monday 2 March
    assert made["due_explained"].startswith(
        "Give the person a copy of their data: within 1 calendar month of the request"
    )
    assert "The corresponding date 1 month later is Thu 2 Apr 2026." in made["due_explained"]
    assert [e["kind"] for e in made["history"]][:1] == ["received"]

    listed = api.get("/privacy/requests", {"organisation": "north-homes"}).json()["requests"]
    assert [(r["id"], r["person"], r["due_on"]) for r in listed] == [
        (made["id"], "Pat Example", "2026-04-02")
    ]

    early = api.get(f"/privacy/requests/{made['id']}/export")
    assert early.status_code == 409
    assert "export the data first" in early.json()["error"]["message"]
    refused = api.post(f"/privacy/requests/{made['id']}/release", {})
    assert refused.status_code == 409

    exported = api.post(f"/privacy/requests/{made['id']}/export", {"version": made["version"]})
    assert exported.status_code == 201, exported.content
    body = exported.json()["request"]
    assert body["status"] == "exported"
    assert body["download"] == f"/api/v1/privacy/requests/{made['id']}/export"
    assert body["redactions"] == DataRequest.objects.get(pk=made["id"]).redactions

    before = AccessLog.objects.filter(action="subject access export downloaded").count()
    download = api.get(f"/privacy/requests/{made['id']}/export")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert {"index.pdf", "data.json"} <= set(archive.namelist())
    data = json.loads(archive.read("data.json"))
    assert len(data["cases"]) == 3
    assert archive.read("index.pdf").startswith(b"%PDF")
    logged = AccessLog.objects.filter(action="subject access export downloaded")
    assert logged.count() == before + 1
    assert logged.latest("at").user == dp_officer

    released = api.post(f"/privacy/requests/{made['id']}/release", {"version": body["version"]})
    assert released.status_code == 201
    done = released.json()["request"]
    assert done["status"] == "released"
    assert [e["kind"] for e in done["history"]] == [
        "received",
        "clock_started",
        "exported",
        "clock_stopped",
        "released",
    ]


def test_an_erasure_needs_reasons_and_leaves_the_cases_counting(dp_apis, dp_pat):
    person, _cases = dp_pat
    api = dp_apis[DPO]
    made = record(api, person, "erasure")
    assert made["due_on"] is None

    bare = api.post(f"/privacy/requests/{made['id']}/decide", {"decision": "refuse"})
    assert bare.status_code == 400
    assert bare.json()["error"]["fields"] == {"reasons": "Give the reasons for the decision."}

    stale = api.post(
        f"/privacy/requests/{made['id']}/decide",
        {"decision": "erase", "reasons": "No longer needed", "version": made["version"] + 1},
    )
    assert stale.status_code == 409
    assert "Someone else changed this request" in stale.json()["error"]["message"]

    erased = api.post(
        f"/privacy/requests/{made['id']}/decide",
        {"decision": "erase", "reasons": "No reason to keep it", "version": made["version"]},
    )
    assert erased.status_code == 201, erased.content
    assert "anonymised" in erased.json()["message"]
    assert erased.json()["request"]["status"] == "erased"
    assert erased.json()["request"]["reasons"] == "No reason to keep it"
    person.refresh_from_db()
    assert person.name == f"Anonymised person {person.pk}"
    assert person.email == ""
    assert Case.objects.filter(customer=person).count() == 3

    again = api.post(
        f"/privacy/requests/{made['id']}/decide", {"decision": "refuse", "reasons": "Changed"}
    )
    assert again.status_code == 409


def test_only_the_officer_of_the_persons_organisation(dp_apis, dp_pat):
    person, _ = dp_pat
    made = record(dp_apis[DPO], person, "subject_access")
    handler = dp_apis[Role.COMPLAINT_HANDLER]
    outsider = dp_apis["outsider"]
    assert handler.post(f"/people/{person.pk}/data-requests", {"kind": "erasure"}).status_code == (
        403
    )
    assert outsider.post(f"/people/{person.pk}/data-requests", {"kind": "erasure"}).status_code == (
        404
    )
    assert handler.get(f"/privacy/requests/{made['id']}").status_code == 403
    assert outsider.get(f"/privacy/requests/{made['id']}").status_code == 404
    assert outsider.get("/privacy/requests/999999").status_code == 404
    assert handler.get("/privacy/requests").status_code == 403
    assert outsider.get("/privacy/requests", {"organisation": "north-homes"}).status_code == 404
    # the outsider is an officer of their own organisation: they see none of North's requests
    assert outsider.get("/privacy/requests").json() == {"requests": []}
    assert DataRequest.objects.count() == 1


def test_bad_input_is_refused_with_a_message(dp_apis, dp_pat):
    person, _ = dp_pat
    api = dp_apis[DPO]
    wrong = api.post(f"/people/{person.pk}/data-requests", {"kind": "forget-me"})
    assert wrong.status_code == 400
    assert "kind" in wrong.json()["error"]["fields"]
    future = api.post(
        f"/people/{person.pk}/data-requests",
        {"kind": "erasure", "received_at": "2030-01-01T10:00:00Z"},
    )
    assert future.status_code == 400
    assert future.json()["error"]["fields"] == {"received_at": "In the future."}
    made = record(api, person, "erasure")
    not_sar = api.post(f"/privacy/requests/{made['id']}/export", {})
    assert not_sar.status_code == 409
    assert not_sar.json()["error"]["message"] == "This is not a subject access request."


def test_a_legal_hold_stops_an_erasure_until_lifted(dp_apis, dp_pat):
    person, cases = dp_pat
    case = cases[0]
    manager = dp_apis[Role.MANAGER]
    assert dp_apis[Role.COMPLAINT_HANDLER].post(
        f"/cases/{case.reference}/legal-hold", {"reason": "A claim"}
    ).status_code == (403)
    assert dp_apis["outsider"].post(
        f"/cases/{case.reference}/legal-hold", {"reason": "A claim"}
    ).status_code == (404)
    no_reason = manager.post(f"/cases/{case.reference}/legal-hold", {})
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["fields"] == {"reason": "Required."}

    placed = manager.post(f"/cases/{case.reference}/legal-hold", {"reason": "A disrepair claim"})
    assert placed.status_code == 201
    assert placed.json()["on_hold"] is True
    assert manager.post(f"/cases/{case.reference}/legal-hold", {"reason": "x"}).status_code == 409

    made = record(dp_apis[DPO], person, "erasure")
    held = dp_apis[DPO].post(
        f"/privacy/requests/{made['id']}/decide", {"decision": "erase", "reasons": "Asked"}
    )
    assert held.status_code == 409
    assert case.reference in held.json()["error"]["message"]
    assert Person.objects.get(pk=person.pk).name == "Pat Example"

    lifted = dp_apis[DPO].post(f"/cases/{case.reference}/legal-hold-lift", {"reason": "Settled"})
    assert lifted.status_code == 201
    assert lifted.json()["on_hold"] is False
    assert LegalHold.objects.get().lift_reason == "Settled"
    kinds = list(Case.objects.get(pk=case.pk).events.values_list("kind", flat=True))
    assert {"legal_hold_placed", "legal_hold_lifted"} <= set(kinds)


def test_the_retention_schedule_with_the_organisations_own_periods_and_last_runs(dp_apis, dp_org):
    RetentionPeriod.objects.create(
        organisation=dp_org, record_type="files", months=24, reason="Photographs kept two years"
    )
    RetentionRun.objects.create(
        organisation=dp_org,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        counts={"cases": 4},
    )
    answer = dp_apis[DPO].get("/privacy/retention", {"organisation": "north-homes"})
    assert answer.status_code == 200
    periods = {p["record_type"]: p for p in answer.json()["periods"]}
    assert (periods["files"]["months"], periods["files"]["own"]) == (24, True)
    assert periods["files"]["basis"] == "Photographs kept two years"
    assert periods["closed_cases"]["own"] is False
    assert answer.json()["runs"][0]["counts"] == {"cases": 4}
    assert (
        dp_apis[Role.MANAGER].get("/privacy/retention", {"organisation": "north-homes"}).status_code
        == 403
    )
    assert (
        dp_apis["outsider"].get("/privacy/retention", {"organisation": "north-homes"}).status_code
        == 404
    )
    assert dp_apis[DPO].get("/privacy/retention", {"organisation": "nowhere"}).status_code == 404
    assert dp_apis[DPO].get("/privacy/retention").status_code == 400
