"""Importing cases: what a dry run reports, what a real run creates, and a second run."""

from __future__ import annotations

import datetime

from django.utils import timezone

from putright.cases.models import Case, Event, EventKind, Status
from putright.cases.selectors import case_deadlines
from putright.imports.models import ImportedCase, ImportRun
from putright.imports.services import BY_EMAIL, BY_NAME_POSTCODE, BY_SOURCE_ID, NEW, import_cases
from putright.people.models import Person
from putright.search.queries import search

from .conftest import SAMPLE_EXPORT, row


def run(org, mapping, path, *, dry_run=False):
    return import_cases(organisation=org, path=path, mapping=mapping, dry_run=dry_run)


def test_the_sample_imports_dry_then_for_real_then_again_with_nothing_new(today, org, mapping):
    dry = run(org, mapping, SAMPLE_EXPORT, dry_run=True)
    assert dry.rows == 300
    assert dry.created == 289
    assert dry.refused == 11
    assert Case.objects.count() == Person.objects.count() == ImportRun.objects.count() == 0
    real = run(org, mapping, SAMPLE_EXPORT)
    assert (real.created, real.open_cases, real.closed_cases) == (
        dry.created,
        dry.open_cases,
        dry.closed_cases,
    )
    assert real.customers == dry.customers
    assert Case.objects.filter(organisation=org).count() == 289
    assert ImportedCase.objects.count() == 289
    people = Person.objects.count()
    assert people == dry.customers[NEW]
    again = run(org, mapping, SAMPLE_EXPORT)
    assert (again.created, again.unchanged, again.changed) == (0, 289, [])
    assert Case.objects.count() == 289
    assert Person.objects.count() == people


def test_a_dry_run_names_the_line_column_and_why_of_every_row_it_cannot_take(today, org, mapping):
    report = run(org, mapping, SAMPLE_EXPORT, dry_run=True)
    said = {(p.line, p.column): p.why for p in report.problems}
    assert said[(5, "Date Logged")] == (
        "'31/02/2025 10:00' is not a date in the mapping's formats (%d/%m/%Y %H:%M, %d/%m/%Y)."
    )
    assert said[(13, "Complaint Type")].startswith(
        "the policy hos-code-2024 does not take a compliment"
    )
    assert said[(23, "Email")] == "'not-an-address' is not an e-mail address."
    assert said[(37, "Complaint Ref")] == "'CMP100034' is also on line 36: each case once."
    assert said[(45, "Stage 1 Response Sent")].startswith("10/03/2025 is before the date received")
    assert said[(86, "Date Closed")] == "01/01/2099 is in the future."
    assert len(report.problems) == 11


def test_history_keeps_its_original_dates_marked_as_imported(today, org, mapping, export):
    path = export(
        [
            row(
                "A1",
                Stage_1_Acknowledged="04/06/2025",
                Stage_1_Response_Sent="18/06/2025",
                Stage_1_Outcome="Upheld",
                Stage_2_Requested="25/06/2025",
                Stage_2_Acknowledged="27/06/2025",
                Stage_2_Response_Sent="21/07/2025",
                Stage_2_Outcome="Partially Upheld",
                Date_Closed="22/07/2025",
            )
        ]
    )
    run(org, mapping, path)
    case = ImportedCase.objects.get(source_reference="A1").case
    assert case.reference == "MB-2025-00001"
    assert (case.status, case.stage, case.closure_reason) == (Status.CLOSED, "stage2", "resolved")
    events = list(case.events.order_by("sequence"))
    assert [(e.kind, e.stage, e.occurred_at.date()) for e in events] == [
        (EventKind.RECEIVED, "stage1", datetime.date(2025, 6, 2)),
        (EventKind.ACKNOWLEDGED, "stage1", datetime.date(2025, 6, 4)),
        (EventKind.RESPONDED, "stage1", datetime.date(2025, 6, 18)),
        (EventKind.ESCALATION_REQUESTED, "stage1", datetime.date(2025, 6, 25)),
        (EventKind.ACKNOWLEDGED, "stage2", datetime.date(2025, 6, 27)),
        (EventKind.RESPONDED, "stage2", datetime.date(2025, 7, 21)),
        (EventKind.CLOSED, "stage2", datetime.date(2025, 7, 22)),
    ]
    assert events[5].data["outcome"] == "partly_upheld"
    assert all(e.data["imported"]["source_reference"] == "A1" for e in events)
    assert all(e.actor_label == "import, source reference A1" for e in events)
    assert timezone.localtime(case.received_at).hour == 10  # as logged, in London


def test_an_open_case_has_its_deadlines_derived_and_explained(today, org, mapping, export):
    # Received Mon 23 Nov 2026, acknowledged Wed 25 Nov: the Code's answer is due 10 working
    # days after the acknowledgement, Wed 9 Dec 2026.
    path = export([row("OPEN1", Date_Logged="23/11/2026 10:00", Stage_1_Acknowledged="25/11/2026")])
    run(org, mapping, path)
    case = ImportedCase.objects.get(source_reference="OPEN1").case
    assert case.status == Status.OPEN
    respond = next(d for d in case_deadlines(case) if d.step == "respond")
    assert respond.due == datetime.date(2026, 12, 9)
    assert "acknowledg" in str(respond.explanation).lower()
    assert case.next_due_on == datetime.date(2026, 12, 9)


def test_customers_are_matched_by_source_id_then_email_then_name_and_postcode(
    today, org, mapping, export
):
    known = Person.objects.create(
        organisation=org, name="Sam Known", email="sam@example.org", postcode="MB2 2BB"
    )
    by_name = Person.objects.create(organisation=org, name="Lee Walker", postcode="MB3 3CC")
    path = export(
        [
            row("P1", Tenant_ID="T1", Tenant_Name="Ann New", Email=""),
            row("P2", Tenant_ID="T1", Tenant_Name="Ann New (again)", Email=""),
            row("P3", Tenant_ID="", Tenant_Name="Sam K", Email="SAM@example.org"),
            row("P4", Tenant_ID="", Tenant_Name="lee  walker", Email="", Postcode="mb33cc"),
        ]
    )
    report = run(org, mapping, path)
    by_ref = {o.reference: o.customer for o in report.outcomes}
    assert by_ref == {"P1": NEW, "P2": BY_SOURCE_ID, "P3": BY_EMAIL, "P4": BY_NAME_POSTCODE}
    cases = {i.source_reference: i.case for i in ImportedCase.objects.select_related("case")}
    assert cases["P1"].customer_id == cases["P2"].customer_id
    assert cases["P3"].customer_id == known.pk
    assert cases["P4"].customer_id == by_name.pk
    assert Person.objects.count() == 3
    # A later file knows Ann by the source's id.
    later = run(org, mapping, export([row("P5", Tenant_ID="T1", Email="")]))
    assert later.outcomes[0].customer == BY_SOURCE_ID


def test_a_changed_row_is_reported_not_overwritten(today, org, mapping, export):
    run(org, mapping, export([row("C1", Stage_1_Acknowledged="04/06/2025")]))
    case = ImportedCase.objects.get(source_reference="C1").case
    report = run(
        org,
        mapping,
        export([row("C1", Stage_1_Acknowledged="05/06/2025", Summary="The leak again")]),
    )
    assert report.created == 0
    [changed] = report.changed
    assert changed.case == case.reference
    assert "acknowledged: 2025-06-04T12:00+01:00 → 2025-06-05T12:00+01:00" in changed.changes
    assert "summary: Nobody came to fix the leak → The leak again" in changed.changes
    case.refresh_from_db()
    assert case.summary == "Nobody came to fix the leak"
    assert case.events.filter(kind=EventKind.ACKNOWLEDGED).count() == 1


def test_open_cases_are_screened_for_hazards_closed_ones_are_not(today, org, mapping, export):
    from putright.hazards.models import Hazard

    path = export(
        [
            row(
                "H1", Date_Logged="30/11/2026 10:00", Summary="Black mould and damp in the bedroom"
            ),
            row("H2", Summary="Black mould and damp in the bedroom", Date_Closed="30/06/2025"),
        ]
    )
    report = run(org, mapping, path)
    assert report.hazards >= 1
    open_case = ImportedCase.objects.get(source_reference="H1").case
    closed_case = ImportedCase.objects.get(source_reference="H2").case
    assert Hazard.objects.filter(case=open_case).exists()
    assert not Hazard.objects.filter(case=closed_case).exists()


def test_imported_cases_are_found_by_search(today, org, mapping, export):
    run(org, mapping, export([row("S1", Tenant_Name="Zebedee Quartermain")]))
    case = ImportedCase.objects.get(source_reference="S1").case
    found = search(Case.objects.all(), "Quartermain", private_organisations=[org.pk])
    assert case.pk in set(found.values_list("pk", flat=True))


def test_a_service_request_is_recorded_and_redirected_like_any_other(today, org, mapping, export):
    run(org, mapping, export([row("R1", Complaint_Type="Service Request")]))
    case = ImportedCase.objects.get(source_reference="R1").case
    assert (case.status, case.closure_reason) == (Status.CLOSED, "redirected")
    assert Event.objects.filter(case=case, kind=EventKind.CLOSED).count() == 1


def test_an_unknown_case_officer_is_noted_and_the_case_imported_without_a_handler(
    today, org, mapping, export, handler
):
    from putright.accounts.models import Membership, Role

    Membership.objects.create(user=handler, organisation=org, role=Role.COMPLAINT_HANDLER)
    report = run(
        org,
        mapping,
        export([row("O1", Case_Officer="handler"), row("O2", Case_Officer="nobody")]),
    )
    cases = {i.source_reference: i.case for i in ImportedCase.objects.select_related("case")}
    assert cases["O1"].handler == handler
    assert cases["O2"].handler is None
    [note] = report.notes
    assert (note.line, note.column) == (3, "Case Officer")
