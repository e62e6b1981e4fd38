"""The front page and the health check."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from putright import __version__

from .models import Heartbeat


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Staff go to their work; everyone else sees what PutRight is and where to sign in."""
    if request.user.is_authenticated:
        return redirect("staff:work")
    return render(request, "system/home.html", {"version": __version__})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database status and the worker's last heartbeat, as JSON; 503 when the database is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        last = Heartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    except DatabaseError as error:
        return JsonResponse(
            {"status": "error", "database": {"status": "unavailable", "error": str(error)}},
            status=503,
        )
    return JsonResponse(
        {
            "status": "ok",
            "version": __version__,
            "database": {"status": "ok", "vendor": connection.vendor},
            "worker": {"last_heartbeat": last.isoformat() if last else None},
        }
    )
