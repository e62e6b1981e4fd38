"""The baselines of ``putright bench api``, served beside PutRight's URLs by the same server.

Only ``putright.benchmarks.settings`` with ``PUTRIGHT_BENCH_BARE_VIEW=1`` routes here. Each
view goes through the same server and middleware as the API and does the least work
comparable to the API request it stands beside, written plainly with the ORM:

- ``bench/read/{reference}``: authenticate the same bearer token (its hash looked up with
  its user, revoked, expired and inactive refused), read the case with its events, answer
  JSON;
- ``bench/intake``: authenticate, then insert a case row and one event in a transaction,
  answer JSON.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as putright_urlpatterns
from putright.accounts.models import ApiToken, User
from putright.cases.models import Case, Event

BARE_READ_PATH = "bench/read"
BARE_INTAKE_PATH = "bench/intake"


def _bearer_user(request: HttpRequest) -> User | None:
    """The user of a live bearer token, read plainly with the ORM (one query)."""
    raw = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hashlib.sha256(raw.encode()).hexdigest())
        .first()
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None
    return token.user


def _unauthorised() -> JsonResponse:
    return JsonResponse({"error": "unauthorised"}, status=401)


def bare_read(request: HttpRequest, reference: str) -> JsonResponse:
    """Authenticate, read the case with its events through the ORM, answer JSON."""
    if _bearer_user(request) is None:
        return _unauthorised()
    case = Case.objects.filter(reference=reference).first()
    if case is None:
        return JsonResponse({"error": "not found"}, status=404)
    events = list(Event.objects.filter(case=case).order_by("sequence"))
    return JsonResponse(
        {
            "reference": case.reference,
            "kind": case.kind,
            "channel": case.channel,
            "stage": case.stage,
            "status": case.status,
            "received_at": case.received_at,
            "summary": case.summary,
            "details": case.details,
            "next_due_on": case.next_due_on,
            "events": [
                {
                    "sequence": e.sequence,
                    "kind": e.kind,
                    "stage": e.stage,
                    "occurred_at": e.occurred_at,
                    "recorded_at": e.recorded_at,
                    "data": e.data,
                }
                for e in events
            ],
        }
    )


@csrf_exempt
def bare_intake(request: HttpRequest) -> JsonResponse:
    """Authenticate, insert a case row and one event, answer JSON."""
    if request.method != "POST":
        return JsonResponse({"error": "POST only"}, status=405)
    user = _bearer_user(request)
    if user is None:
        return _unauthorised()
    body = json.loads(request.body)
    now = timezone.now()
    received = datetime.datetime.fromisoformat(body["received_at"])
    organisation_id = body["organisation_id"]
    with transaction.atomic():
        case = Case.objects.create(
            reference=f"BARE-{secrets.token_hex(8)}",
            organisation_id=organisation_id,
            policy_pack=body["policy_pack"],
            kind=body["kind"],
            channel=body["channel"],
            received_at=received,
            deemed_received_on=timezone.localdate(received),
            summary=body["summary"],
            details=body.get("details", ""),
            stage="stage_1",
        )
        Event.objects.create(
            case=case,
            sequence=1,
            kind="received",
            stage="stage_1",
            actor=user,
            occurred_at=received,
            recorded_at=now,
            data={"channel": body["channel"]},
        )
    return JsonResponse({"reference": case.reference, "version": case.version}, status=201)


urlpatterns = [
    path(f"{BARE_READ_PATH}/<str:reference>", bare_read, name="bench-bare-read"),
    path(BARE_INTAKE_PATH, bare_intake, name="bench-bare-intake"),
    *putright_urlpatterns,
]
