"""The admin shows record histories and clocks, and changes neither."""

import pytest

from putright.cases.services import Actor
from putright.timeline.models import Clock, Entry
from putright.timeline.services import record_event

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_admin_lists_entries_and_clocks_read_only(admin_client, start_review, sample, clock):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))
    record_event(
        record_type="sample",
        record_id=sample.pk,
        organisation=sample.organisation,
        kind="note",
        actor=Actor.system(),
    )

    entries = admin_client.get("/admin/timeline/entry/")
    clocks = admin_client.get("/admin/timeline/clock/")
    entry = admin_client.get(f"/admin/timeline/entry/{Entry.objects.first().pk}/change/")

    assert entries.status_code == clocks.status_code == entry.status_code == 200
    assert "Review the sample record" in clocks.text
    assert admin_client.get("/admin/timeline/clock/add/").status_code == 403
    changed = admin_client.post(
        f"/admin/timeline/clock/{Clock.objects.get().pk}/change/", {"label": "Something else"}
    )
    assert changed.status_code == 403
    assert Clock.objects.get().label == "Review the sample record"
