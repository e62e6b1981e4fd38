"""A case is a record with a timeline too: a clock on it reaches its owner's My work."""

from __future__ import annotations

from putright.cases.models import EventKind
from putright.cases.services import Actor, case_receive
from putright.people.models import Person
from putright.timeline.selectors import record_history
from putright.timeline.services import clock_start

from .conftest import at


def test_a_clock_on_a_case_is_on_its_owners_my_work_and_the_case_is_unchanged(
    client, owner, landlord, clock
):
    clock(2026, 3, 2, 10)
    case = case_receive(
        organisation=landlord,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 2, 10),
        summary="Damp in the bedroom",
        customer=Person.objects.create(organisation=landlord, name="Pat Resident"),
        actor=Actor(owner),
    )
    version = case.version
    clock_start(
        record_type="case",
        record_id=case.pk,
        organisation=landlord,
        step="call_back",
        label="Call the customer back",
        unit="hours",
        amount=24,
        started_at=at(2026, 3, 2, 10),
        owner=owner,
        actor=Actor(owner),
    )

    client.force_login(owner)
    page = client.get("/work/").content.decode()
    assert "Call the customer back" in page
    assert f'href="/cases/{case.reference}/"' in page
    assert [e.kind for e in record_history(record_type="case", record_id=case.pk)] == [
        "clock_started"
    ]
    # The case's own chronology and version are as they were.
    case.refresh_from_db()
    assert case.version == version
    assert [e.kind for e in case.events.all()] == [EventKind.RECEIVED]
