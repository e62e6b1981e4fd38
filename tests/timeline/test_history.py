"""A record's history: append-only, numbered per record, only for records that exist."""

import datetime

import pytest
from django.db import IntegrityError

from putright.cases.services import Actor
from putright.timeline import errors
from putright.timeline.errors import RecordInputError
from putright.timeline.models import Entry
from putright.timeline.selectors import record_history
from putright.timeline.services import record_event
from tests.timeline_sample.models import SampleRecord

from .conftest import at

pytestmark = pytest.mark.django_db


def note(sample, actor, text, **extra):
    return record_event(
        record_type="sample",
        record_id=sample.pk,
        organisation=sample.organisation,
        kind="note",
        actor=actor,
        data={"text": text},
        **extra,
    )


def test_events_are_numbered_in_order_per_record(sample, owner, landlord, clock):
    clock(2026, 3, 2, 9)
    other = SampleRecord.objects.create(organisation=landlord, title="Another")

    note(sample, Actor(owner), "First", occurred_at=at(2026, 3, 1, 9))
    note(other, Actor.system(), "Elsewhere")
    note(sample, Actor.system(), "Second")

    history = record_history(record_type="sample", record_id=sample.pk)
    assert [(e.sequence, e.data["text"]) for e in history] == [(1, "First"), (2, "Second")]
    assert history[0].actor == owner
    assert history[0].occurred_at == at(2026, 3, 1, 9)
    assert history[0].recorded_at == at(2026, 3, 2, 9)
    assert history[1].actor is None
    assert history[1].actor_label == "deadline sweep"
    assert [e.sequence for e in record_history(record_type="sample", record_id=other.pk)] == [1]


def test_an_entry_can_never_be_changed_or_removed(sample, owner):
    entry = note(sample, Actor(owner), "What happened")
    entries = Entry.objects.filter(pk=entry.pk)

    entry.data = {"text": "Rewritten"}
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    with pytest.raises(TypeError, match="append-only"):
        entries.update(kind="other")
    with pytest.raises(TypeError, match="append-only"):
        entries.delete()
    with pytest.raises(TypeError, match="append-only"):
        Entry.objects.bulk_create([entry], ignore_conflicts=True)
    assert Entry.objects.get(pk=entry.pk).data == {"text": "What happened"}


def test_two_entries_cannot_share_a_number(sample, owner):
    entry = note(sample, Actor(owner), "First")

    with pytest.raises(IntegrityError):
        Entry.objects.create(
            record_type="sample",
            record_id=sample.pk,
            organisation=sample.organisation,
            sequence=entry.sequence,
            kind="note",
            occurred_at=entry.occurred_at,
            recorded_at=entry.recorded_at,
        )


def test_an_unknown_kind_of_record_is_refused(sample, owner):
    with pytest.raises(RecordInputError) as refused:
        record_event(
            record_type="spaceship",
            record_id=sample.pk,
            organisation=sample.organisation,
            kind="note",
            actor=Actor(owner),
        )
    assert refused.value.message == errors.UNKNOWN_TYPE.format(record_type="spaceship")


def test_a_record_that_does_not_exist_is_refused(sample, owner):
    with pytest.raises(RecordInputError) as refused:
        record_event(
            record_type="sample",
            record_id=sample.pk + 1000,
            organisation=sample.organisation,
            kind="note",
            actor=Actor(owner),
        )
    assert refused.value.message == f"There is no sample record {sample.pk + 1000}."
    assert not Entry.objects.exists()


def test_a_record_is_written_to_only_under_its_own_organisation(sample, owner, other_landlord):
    with pytest.raises(RecordInputError) as refused:
        record_event(
            record_type="sample",
            record_id=sample.pk,
            organisation=other_landlord,
            kind="note",
            actor=Actor(owner),
        )
    assert refused.value.fields == {
        "organisation": f"Sample record {sample.pk} belongs to another organisation."
    }


def test_an_event_cannot_have_happened_in_the_future(sample, owner, clock):
    now = clock(2026, 3, 2, 9)

    with pytest.raises(RecordInputError) as refused:
        note(sample, Actor(owner), "Tomorrow", occurred_at=now + datetime.timedelta(days=1))
    assert refused.value.message == errors.FUTURE
