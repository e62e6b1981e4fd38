"""The front page and the health check."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET

from putright import __version__
from putright.organisations.models import Organisation

from .models import Heartbeat, WorkerProcess

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Staff go to their work; a resident finds their landlord's complaints page, or follows
    a complaint; everyone else sees what PutRight is and where to sign in."""
    if request.user.is_authenticated:
        return redirect("staff:work")
    organisations = Organisation.objects.order_by("name").only("name", "slug")
    return render(
        request, "system/home.html", {"version": __version__, "organisations": organisations}
    )


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: GOV.UK Frontend's."""
    return redirect(static("vendor/govuk/assets/images/favicon.ico"), permanent=True)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Up or down, for load balancers and anyone else: ``{"status": "up"}``, or 503 with
    ``{"status": "down"}`` when the database does not answer. Signed-in staff users (Django's
    *staff status*) also see the version, the database, the workers and the queue."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("health check: the database does not answer: %s", error)
        return JsonResponse({"status": "down"}, status=503)
    user = getattr(request, "user", None)
    if not (user is not None and user.is_authenticated and user.is_staff):
        return JsonResponse({"status": "up"})
    return JsonResponse({"status": "up", **details()})


def details() -> dict[str, object]:
    """What staff users see beside up or down."""
    from django_tasks_db.models import DBTaskResult

    from .workers import lost_after

    last = Heartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    alive = WorkerProcess.objects.filter(seen_at__gte=timezone.now() - lost_after())
    return {
        "version": __version__,
        "database": {"status": "ok", "vendor": connection.vendor},
        "worker": {
            "last_heartbeat": last.isoformat() if last else None,
            "alive": alive.count(),
        },
        "tasks": {
            "queued": DBTaskResult.objects.ready().count(),
            "running": DBTaskResult.objects.running().count(),
            "failed": DBTaskResult.objects.failed().count(),
        },
    }
