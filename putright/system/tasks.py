"""Background tasks of the system app."""

from __future__ import annotations

import socket

from django.utils import timezone
from django_tasks import task

from .models import Heartbeat


@task()
def record_heartbeat() -> int:
    """Record that the worker ran a periodic job; returns the beat's id."""
    beat = Heartbeat.objects.create(beat_at=timezone.now(), worker=socket.gethostname()[:100])
    return beat.pk
