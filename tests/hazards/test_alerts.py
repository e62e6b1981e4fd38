"""A missed Awaab's Law clock is told to the roles the hazards pack names, once."""

from __future__ import annotations

import pytest
from django.core import mail

from putright.accounts.models import Role
from putright.hazards.alerts import alert_breaches
from putright.hazards.models import BreachAlert
from putright.jobs import job_named, load_task
from putright.timeline.selectors import record_history

pytestmark = pytest.mark.django_db


def test_a_missed_clock_is_told_to_the_named_roles_once(
    receive, users, clock, django_capture_on_commit_callbacks
):
    for user in users.values():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    clock(2026, 3, 2, 12)
    hazard = receive(summary="Mould in every room").hazards.get()
    assert alert_breaches() == 0  # nothing due yet
    clock(2026, 3, 17, 9)  # the 10 working days ended with Mon 16 March
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert alert_breaches() == 1
    assert alert_breaches() == 0
    (alert,) = BreachAlert.objects.filter(hazard=hazard)
    told = {u.username for u in users.values() if u.pk in alert.told}
    assert told == {Role.COMPLAINTS_MANAGER, Role.MANAGER}
    (message,) = mail.outbox
    assert "Awaab's Law clock missed" in message.subject
    assert sorted(message.to) == ["complaints_manager@example.org", "manager@example.org"]
    assert "breach_alerted" in [
        e.kind for e in record_history(record_type="hazard", record_id=hazard.pk)
    ]


def test_the_job_is_scheduled():
    assert hasattr(load_task(job_named("hazard-breach-alerts")), "enqueue")
