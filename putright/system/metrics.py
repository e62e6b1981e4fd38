"""Prometheus metrics at ``/metrics`` when ``PUTRIGHT_METRICS`` is on (prometheus-client).

Counted by each process: requests (by method, route and status) and their latency, and the
tasks its worker finished (by task and status). Read from the database at each scrape, the same
whichever process answers: tasks queued, running and failed, live workers, and each
organisation's open and overdue cases. With several gunicorn workers set
``PROMETHEUS_MULTIPROC_DIR`` to an empty folder so the per-process counts are added up
(prometheus-client's multiprocess mode); see the README.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUESTS = Counter(
    "putright_http_requests",
    "HTTP requests answered, by method, route (Django's view name) and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "putright_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route.",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
TASKS_FINISHED = Counter(
    "putright_tasks_finished",
    "Background tasks this process's worker finished, by task and status.",
    ["task", "status"],
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    if not settings.PUTRIGHT_METRICS:
        return
    method = method if method in _METHODS else "other"
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def observe_task(task_result: Any) -> None:
    if not settings.PUTRIGHT_METRICS:
        return
    name = getattr(task_result.task, "name", "") or "unknown"
    TASKS_FINISHED.labels(name, str(task_result.status)).inc()


class DatabaseCollector(Collector):
    """What the database says at the time of the scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        from putright.cases.models import Case, Status
        from putright.organisations.models import Organisation

        from .workers import lost_after

        tasks = GaugeMetricFamily(
            "putright_tasks", "Background tasks in the queue by status.", labels=["status"]
        )
        counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
        for status in ("READY", "RUNNING", "FAILED", "SUCCESSFUL"):
            tasks.add_metric([status.lower()], counts.get(status, 0))
        yield tasks

        from .models import WorkerProcess

        alive = WorkerProcess.objects.filter(seen_at__gte=timezone.now() - lost_after()).count()
        yield GaugeMetricFamily(
            "putright_workers_alive", "Workers that said they were alive lately.", value=alive
        )

        today = timezone.localdate()
        rows = (
            Case.objects.exclude(status=Status.CLOSED)
            .values_list("organisation_id")
            .annotate(
                open=Count("id"),
                overdue=Count("id", filter=Q(next_due_on__lt=today)),
            )
            .order_by()
        )
        slugs = dict(Organisation.objects.values_list("id", "slug"))
        open_cases = GaugeMetricFamily(
            "putright_cases_open", "Open cases by organisation.", labels=["organisation"]
        )
        overdue = GaugeMetricFamily(
            "putright_cases_overdue",
            "Open cases with a deadline already passed, by organisation.",
            labels=["organisation"],
        )
        seen = set()
        for organisation_id, n_open, n_overdue in rows:
            slug = slugs.get(organisation_id, str(organisation_id))
            seen.add(slug)
            open_cases.add_metric([slug], n_open)
            overdue.add_metric([slug], n_overdue)
        for slug in sorted(set(slugs.values()) - seen):
            open_cases.add_metric([slug], 0)
            overdue.add_metric([slug], 0)
        yield open_cases
        yield overdue


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus' text format; 404 unless PUTRIGHT_METRICS is on, 401 without
    the bearer token when PUTRIGHT_METRICS_TOKEN is set."""
    if not settings.PUTRIGHT_METRICS:
        return HttpResponse("Not found\n", status=404, content_type="text/plain")
    token = settings.PUTRIGHT_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            response = HttpResponse("A bearer token is needed\n", status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            response["Content-Type"] = "text/plain"
            return response
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    body = generate_latest(counted) + generate_latest(database)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
