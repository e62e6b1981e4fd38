"""The clock sweep chases each overdue clock on a record once, and its owner is e-mailed once."""

import pytest

from putright.cases.models import Event
from putright.cases.services import Actor
from putright.jobs import job_named, load_task
from putright.timeline.models import Clock, Entry, EntryKind
from putright.timeline.services import clock_stop, sweep_clocks

from .conftest import at

pytestmark = pytest.mark.django_db


def chases(sample) -> list[Entry]:
    return list(
        Entry.objects.filter(record_type="sample", record_id=sample.pk, kind=EntryKind.CHASED)
    )


def test_a_clock_is_not_chased_on_its_last_day(
    start_review, sample, clock, mailoutbox, django_capture_on_commit_callbacks
):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))  # due Mon 9 Mar
    clock(2026, 3, 9, 23, 59)

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_clocks() == 0

    assert chases(sample) == []
    assert mailoutbox == []


def test_an_overdue_clock_is_chased_once_and_its_owner_told_once(
    start_review, sample, owner, clock, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://complaints.example.org"
    clock(2026, 3, 2, 11)
    review = start_review(at(2026, 3, 2, 10))
    clock(2026, 3, 10, 7)

    with django_capture_on_commit_callbacks(execute=True):
        first = sweep_clocks()
    clock(2026, 3, 10, 7, 15)
    with django_capture_on_commit_callbacks(execute=True):
        again = sweep_clocks()

    assert (first, again) == (1, 0)
    [chase] = chases(sample)
    assert chase.actor is None
    assert chase.actor_label == "deadline sweep"
    assert chase.occurred_at == at(2026, 3, 10, 7)
    assert chase.data["clock_id"] == review.pk
    assert chase.data["source"] == "Sample policy, section 4.2"
    review.refresh_from_db()
    assert review.chased_at == at(2026, 3, 10, 7)
    assert review.completed_at is None  # still owed: chasing does not stop it
    [mail] = mailoutbox
    assert mail.to == ["hana@example.org"]
    assert (
        mail.subject
        == f"Reminder: Review the sample record on Sample record {sample.pk} is overdue"
    )
    assert "Review the sample record was due by Mon 9 Mar 2026." in mail.body
    assert "Policy: Sample policy, section 4.2." in mail.body
    assert f"https://complaints.example.org/sample-records/{sample.pk}/" in mail.body
    assert "Noise nuisance" not in mail.body  # what the record says stays out of e-mail


def test_a_clock_in_hours_is_chased_once_its_hour_has_passed(start_review, sample, clock):
    clock(2026, 3, 6, 17)
    start_review(at(2026, 3, 6, 16, 30), unit="hours", amount=24)

    clock(2026, 3, 7, 16, 29)
    assert sweep_clocks() == 0
    clock(2026, 3, 7, 16, 30)
    assert sweep_clocks() == 1


def test_a_stopped_clock_is_not_chased(start_review, sample, owner, clock):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))
    clock(2026, 3, 9, 15)
    clock_stop(
        record_type="sample",
        record_id=sample.pk,
        organisation=sample.organisation,
        step="review",
        actor=Actor(owner),
    )
    clock(2026, 3, 12, 9)

    assert sweep_clocks() == 0
    assert chases(sample) == []


def test_an_owner_who_may_no_longer_see_the_record_is_not_told(
    start_review, sample, owner, clock, mailoutbox, django_capture_on_commit_callbacks
):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))
    owner.memberships.all().delete()
    clock(2026, 3, 10, 7)

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_clocks() == 1

    assert len(chases(sample)) == 1
    assert mailoutbox == []


def test_the_periodic_job_sweeps_the_clocks(start_review, sample, clock):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))
    clock(2026, 3, 10, 7)
    job = job_named("record-clocks-sweep")

    load_task(job).enqueue()  # the test settings run tasks at once
    load_task(job).enqueue()

    assert job.seconds == 15 * 60
    assert len(chases(sample)) == 1
    assert Clock.objects.get().chased_at is not None


def test_the_clock_sweep_leaves_cases_alone(receive, start_review, clock):
    clock(2026, 3, 2, 11)
    case = receive("hos-code-2024", received_at=at(2026, 3, 2, 10))
    start_review(at(2026, 3, 2, 10))
    events = list(Event.objects.filter(case=case).values_list("kind", flat=True))
    clock(2026, 4, 30, 9)

    assert sweep_clocks() == 1

    assert list(Event.objects.filter(case=case).values_list("kind", flat=True)) == events


def test_a_clock_that_cannot_be_chased_does_not_stop_the_others(
    start_review, sample, landlord, clock, caplog
):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))
    Clock.objects.create(  # a kind of record no longer installed
        record_type="retired",
        record_id=1,
        organisation=landlord,
        step="review",
        label="Review the retired record",
        unit="working_days",
        amount=1,
        started_at=at(2026, 3, 2, 10),
        due_on=at(2026, 3, 3).date(),
        due_at=at(2026, 3, 4, 0),  # due first, so swept first
    )
    clock(2026, 3, 10, 7)

    assert sweep_clocks() == 1

    assert len(chases(sample)) == 1
    assert "the clock sweep failed on clock" in caplog.text
    assert Clock.objects.get(record_type="retired").chased_at is None
