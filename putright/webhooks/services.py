"""Webhooks out: subscriptions, what each event says, and delivering it with retries.

The case chronology is the outbox. ``deliveries_collect`` (job ``webhook-events``) reads the
events recorded since each subscription's cursor, makes one ``Delivery`` per event and
subscription (unique, so looking twice makes nothing new) and queues its sending with
``enqueue_with_change``: the delivery and its task exist together, after the change that
recorded the event committed. ``delivery_attempt`` posts it, signed (``signing.py``), records
the attempt (answer, duration, next retry) and, on failure, sets the next try after an
exponential back-off; ``deliveries_retry`` (job ``webhook-retries``) queues those due.
"""

from __future__ import annotations

import datetime
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from putright.accounts.access import require_organisation_role
from putright.accounts.actors import Actor
from putright.cases.errors import CaseInputError, CaseStateError
from putright.cases.models import Case, Event, EventKind
from putright.organisations.models import Organisation
from putright.queueing import enqueue_with_change

from . import signing
from .models import (
    Attempt,
    Delivery,
    DeliveryStatus,
    EventType,
    PersonalData,
    Subscription,
)

#: The event of a case's chronology each webhook event type is made from.
EVENT_TYPES: dict[str, str] = {
    EventKind.RECEIVED: EventType.CASE_RECEIVED,
    EventKind.ACKNOWLEDGED: EventType.CASE_ACKNOWLEDGED,
    EventKind.RESPONDED: EventType.CASE_RESPONDED,
    EventKind.ESCALATION_REQUESTED: EventType.CASE_ESCALATED,
    EventKind.CLOSED: EventType.CASE_CLOSED,
    EventKind.AWARD_PAID: EventType.AWARD_PAID,
}
KINDS_FOR: dict[str, str] = {value: key for key, value in EVENT_TYPES.items()}

#: Tries before a delivery is given up; the wait before try n+1 is FIRST_RETRY * 2**(n-1),
#: at most MAX_WAIT (30 s, 1, 2, 4 ... minutes: about 8 hours in all).
MAX_ATTEMPTS = 10
FIRST_RETRY = datetime.timedelta(seconds=30)
MAX_WAIT = datetime.timedelta(hours=4)
TIMEOUT_SECONDS = 10
#: An event is settled once recorded this long ago: a transaction that committed late (an
#: older id committed after a newer one) is still read, because the cursor stays behind it.
SETTLE = datetime.timedelta(minutes=2)

BAD_URL = "Give an https:// address (http:// only where PUTRIGHT_WEBHOOKS_ALLOW_HTTP is on)."
BAD_EVENTS = "Choose at least one of: {choices}."
BAD_PERSONAL = "Personal data may be only: {choices}."
NO_SUBSCRIPTION = "There is no webhook subscription {subscription_id}."
RECORD_TYPE = "webhook_subscription"


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failed try."""
    wait: datetime.timedelta = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return wait if wait < MAX_WAIT else MAX_WAIT


# -- subscriptions ----------------------------------------------------------------------


def _check(url: str, event_types: list[str], personal_data: list[str]) -> None:
    problems: dict[str, str] = {}
    parts = urlsplit(url.strip())
    allow_http = getattr(settings, "PUTRIGHT_WEBHOOKS_ALLOW_HTTP", False)
    if not parts.hostname or parts.scheme not in (("https", "http") if allow_http else ("https",)):
        problems["url"] = BAD_URL
    if not event_types or set(event_types) - set(EventType.values):
        problems["event_types"] = BAD_EVENTS.format(choices=", ".join(EventType.values))
    if set(personal_data) - set(PersonalData.values):
        problems["personal_data"] = BAD_PERSONAL.format(choices=", ".join(PersonalData.values))
    if problems:
        raise CaseInputError("The subscription cannot be saved.", fields=problems)


@transaction.atomic
def subscription_add(
    *,
    organisation: Organisation,
    url: str,
    event_types: list[str],
    actor: Actor,
    personal_data: list[str] | None = None,
    secret: str = "",
    description: str = "",
) -> Subscription:
    """A new subscription; events recorded from now on are sent to it, signed with its secret."""
    if actor.user is not None:
        require_organisation_role(actor.user, organisation, "webhooks-manage")
    personal = sorted(set(personal_data or []))
    _check(url, event_types, personal)
    latest = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    subscription = Subscription.objects.create(
        organisation=organisation,
        url=url.strip(),
        secret=secret.strip() or signing.new_secret(),
        event_types=sorted(set(event_types)),
        personal_data=personal,
        description=description.strip()[:200],
        cursor=latest,
        created_by=actor.user,
    )
    _history(subscription, "added", actor, _described(subscription))
    return subscription


@transaction.atomic
def subscription_remove(*, subscription: Subscription, actor: Actor) -> Subscription:
    """Stop sending to a subscription; what it was sent stays listed."""
    if actor.user is not None:
        require_organisation_role(actor.user, subscription.organisation, "webhooks-manage")
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not subscription.active:
        raise CaseStateError("That subscription was already removed.")
    subscription.active = False
    subscription.removed_at = timezone.now()
    subscription.save(update_fields=["active", "removed_at"])
    Delivery.objects.filter(subscription=subscription, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None
    )
    _history(subscription, "removed", actor, _described(subscription))
    return subscription


def _described(subscription: Subscription) -> dict[str, Any]:
    return {
        "url": subscription.url,
        "event_types": subscription.event_types,
        "personal_data": subscription.personal_data,
    }


def _history(subscription: Subscription, kind: str, actor: Actor, data: dict[str, Any]) -> None:
    from putright.timeline.services import record_event

    record_event(
        record_type=RECORD_TYPE,
        record_id=subscription.pk,
        organisation=subscription.organisation,
        kind=kind,
        actor=actor,
        data=data,
    )


# -- what an event says ------------------------------------------------------------------


def payload_for(subscription: Subscription, event: Event) -> dict[str, Any]:
    """What the subscription is told of an event: the case's reference, kind, stage, status,
    dates and outcome; its customer's name, contact details or summary only where allowed."""
    case: Case = event.case
    data = event.data or {}
    body: dict[str, Any] = {
        "organisation": case.organisation.slug,
        "reference": case.reference,
        "kind": case.kind,
        "stage": event.stage or case.stage,
        "status": case.status,
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
        "received_at": case.received_at,
        "deemed_received_on": case.deemed_received_on,
    }
    if event.kind == EventKind.RESPONDED:
        body["outcome"] = data.get("outcome", "")
        body["final"] = bool(data.get("final"))
    if event.kind == EventKind.ESCALATION_REQUESTED:
        body["to_stage"] = data.get("to_stage", "")
        body["route"] = data.get("route", "")
    if event.kind == EventKind.CLOSED:
        body["closure_reason"] = data.get("reason", "")
    if event.kind == EventKind.AWARD_PAID:
        body["award"] = {"id": data.get("award_id"), "paid": data.get("paid", "")}
    allowed = set(subscription.personal_data)
    customer = case.customer
    if customer is not None and not case.anonymous:
        if PersonalData.CUSTOMER_NAME in allowed:
            body["customer_name"] = customer.name
        if PersonalData.CUSTOMER_CONTACT in allowed:
            body["customer_email"] = customer.email
            body["customer_phone"] = customer.phone
            body["customer_postcode"] = customer.postcode
    if PersonalData.SUMMARY in allowed:
        body["summary"] = case.summary
    return {
        "type": EVENT_TYPES[event.kind],
        "timestamp": event.recorded_at,
        "data": body,
    }


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# -- collecting and sending ----------------------------------------------------------------


def deliveries_collect(*, now: datetime.datetime | None = None) -> int:
    """Make a delivery for each event after each active subscription's cursor; how many new."""
    now = now or timezone.now()
    made = 0
    for subscription_id in Subscription.objects.filter(active=True).values_list("pk", flat=True):
        made += _collect_for(subscription_id, now)
    return made


@transaction.atomic
def _collect_for(subscription_id: int, now: datetime.datetime) -> int:
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("organisation")
        .get(pk=subscription_id)
    )
    if not subscription.active:
        return 0
    kinds = [KINDS_FOR[t] for t in subscription.event_types if t in KINDS_FOR]
    events = list(
        Event.objects.filter(
            pk__gt=subscription.cursor,
            kind__in=kinds,
            case__organisation_id=subscription.organisation_id,
        )
        .select_related("case__organisation", "case__customer")
        .order_by("pk")[:1000]
    )
    already = set(
        Delivery.objects.filter(
            subscription=subscription, event_id__in=[e.pk for e in events]
        ).values_list("event_id", flat=True)
    )
    made = 0
    for event in events:
        if event.pk in already:
            continue
        delivery = Delivery.objects.create(
            subscription=subscription,
            event=event,
            event_type=EVENT_TYPES[event.kind],
            webhook_id=f"msg_{uuid.uuid4().hex}",
            payload=_json(payload_for(subscription, event)),
            next_attempt_at=now,
        )
        _queue(delivery)
        made += 1
    # Move the cursor only past events recorded long enough ago that none older can still
    # commit; those after it are looked at again, and their deliveries exist already.
    settled = (
        Event.objects.filter(pk__gt=subscription.cursor, recorded_at__lt=now - SETTLE)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if len(events) == 1000:
        settled = min(settled or 0, events[-1].pk)
    if settled and settled > subscription.cursor:
        subscription.cursor = settled
        subscription.save(update_fields=["cursor"])
    return made


def _queue(delivery: Delivery) -> None:
    from .tasks import deliver_webhook

    enqueue_with_change(deliver_webhook, delivery.pk)


def deliveries_retry(*, now: datetime.datetime | None = None) -> int:
    """Queue each delivery whose next try is due; how many."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, subscription__active=True
        ).values_list("pk", flat=True)[:500]
    )
    for delivery_id in due:
        with transaction.atomic():
            _queue(Delivery(pk=delivery_id))
    return len(due)


@dataclass(frozen=True)
class Answer:
    code: int | None
    error: str
    duration_ms: int


def post(url: str, body: bytes, signed: dict[str, str]) -> Answer:
    """POST the body; the answer's status, or what went wrong, and how long it took."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "PutRight-Webhooks", **signed},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            code: int | None = response.status
            error = ""
    except urllib.error.HTTPError as exc:
        code, error = exc.code, ""
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        code, error = None, f"{type(exc).__name__}: {reason}"[:300]
    return Answer(code, error, int((time.monotonic() - started) * 1000))


def delivery_attempt(*, delivery_id: int, now: datetime.datetime | None = None) -> Attempt | None:
    """Try to deliver once if it is due (none if not): claimed, posted outside any transaction,
    then recorded with its answer and, on failure, the next try."""
    now = now or timezone.now()
    # Claim it: a second worker taking the same delivery finds it not yet due.
    lease = now + datetime.timedelta(seconds=TIMEOUT_SECONDS * 3)
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now,
        subscription__active=True,
    ).update(next_attempt_at=lease)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    signed = signing.headers(
        delivery.subscription.secret, delivery.webhook_id, int(now.timestamp()), body
    )
    answer = post(delivery.subscription.url, body, signed)
    return _record(delivery_id, answer, now)


@transaction.atomic
def _record(delivery_id: int, answer: Answer, now: datetime.datetime) -> Attempt:
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    delivery.attempts += 1
    succeeded = answer.code is not None and 200 <= answer.code < 300
    next_retry = None
    if succeeded:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        next_retry = now + backoff(delivery.attempts)
        delivery.next_attempt_at = next_retry
    delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    try:
        return Attempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            at=now,
            duration_ms=answer.duration_ms,
            response_code=answer.code,
            error=answer.error or ("" if succeeded else f"HTTP {answer.code}"),
            next_retry_at=next_retry,
        )
    except IntegrityError:  # pragma: no cover - the claim makes a second record impossible
        raise


def subscription_test(*, subscription: Subscription, actor: Actor) -> Attempt:
    """Send a ``webhook.test`` event now, signed like the others, and record the attempt."""
    if actor.user is not None:
        require_organisation_role(actor.user, subscription.organisation, "webhooks-manage")
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.create(
            subscription=subscription,
            event=None,
            event_type="webhook.test",
            webhook_id=f"msg_{uuid.uuid4().hex}",
            payload={
                "type": "webhook.test",
                "timestamp": now.isoformat(),
                "data": {"organisation": subscription.organisation.slug},
            },
            next_attempt_at=now,
        )
    attempt = delivery_attempt(delivery_id=delivery.pk, now=now)
    assert attempt is not None
    if not attempt.succeeded:  # a test is not retried: its answer is the point
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, next_attempt_at=None
        )
        Attempt.objects.filter(pk=attempt.pk).update(next_retry_at=None)
        attempt.next_retry_at = None
    return attempt
