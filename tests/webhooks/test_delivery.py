"""Events out: a case event is delivered, signed, to the subscription's URL; a failure is
retried after a back-off; every attempt is recorded; personal data only where allowed."""

from __future__ import annotations

import datetime
import time

import pytest
from django.test import override_settings

from putright.accounts.actors import Actor
from putright.cases.errors import CaseInputError
from putright.cases.services import case_acknowledge, case_receive
from putright.webhooks import signing
from putright.webhooks.models import Attempt, Delivery, DeliveryStatus
from putright.webhooks.services import (
    MAX_ATTEMPTS,
    backoff,
    deliveries_collect,
    delivery_attempt,
    subscription_add,
)
from tests.api.conftest import at

from .conftest import body_of

pytestmark = pytest.mark.usefixtures("http_allowed")


@pytest.fixture
def collect(django_capture_on_commit_callbacks):
    """The webhook-events job: its deliveries are sent once its change commits."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return deliveries_collect()

    return run


@pytest.fixture
def http_allowed(settings):
    settings.PUTRIGHT_WEBHOOKS_ALLOW_HTTP = True


def receive(org, customer, users):
    return case_receive(
        organisation=org,
        kind="complaint",
        channel="email",
        received_at=at(2026, 3, 16, 9),
        summary="Damp in the bedroom",
        customer=customer,
        actor=Actor(users["complaint_handler"]),
    )


def test_a_webhook_fails_once_is_retried_and_every_attempt_is_recorded(
    org, users, customer, receiver, clock, collect
):
    subscription = subscription_add(
        organisation=org,
        url=receiver.url,
        event_types=["case.received", "case.acknowledged"],
        actor=Actor(users["administrator"]),
    )
    case = receive(org, customer, users)
    receiver.answers = [500]
    # The job collects the event and queues its delivery, sent once the change commits.
    assert collect() == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    first = Attempt.objects.get()
    assert (first.number, first.response_code, first.error) == (1, 500, "HTTP 500")
    assert first.next_retry_at == at(*(2026, 3, 16, 10)) + datetime.timedelta(seconds=30)
    assert delivery.next_attempt_at == first.next_retry_at
    # Not due yet: nothing is sent.
    assert delivery_attempt(delivery_id=delivery.pk) is None
    clock(2026, 3, 16, 10, 1)
    second = delivery_attempt(delivery_id=delivery.pk)
    assert (second.number, second.response_code, second.next_retry_at) == (2, 200, None)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    # The same event, signed the same way each time, with the same id.
    assert len(receiver.received) == 2
    request = receiver.received[1]
    assert request["headers"]["webhook-id"] == delivery.webhook_id
    signing.verify(subscription.secret, request["headers"], request["body"], now=int(time.time()))
    body = body_of(request)
    assert body["type"] == "case.received"
    assert body["data"]["reference"] == case.reference
    assert body["data"]["kind"] == "complaint"
    # Collecting again makes nothing new.
    assert collect() == 0


def test_no_personal_data_unless_the_subscription_allows_it(
    org, users, customer, receiver, collect
):
    plain = subscription_add(
        organisation=org, url=receiver.url, event_types=["case.received"], actor=Actor()
    )
    named = subscription_add(
        organisation=org,
        url=receiver.url + "/named",
        event_types=["case.received"],
        personal_data=["customer_name"],
        actor=Actor(),
    )
    receive(org, customer, users)
    collect()
    plain_body = Delivery.objects.get(subscription=plain).payload
    named_body = Delivery.objects.get(subscription=named).payload
    text = str(plain_body)
    for secret in ("Pat Resident", "pat@example.org", "07700", "NT1", "Damp"):
        assert secret not in text
    assert named_body["data"]["customer_name"] == "Pat Resident"
    assert "customer_email" not in named_body["data"]


def test_only_the_kinds_subscribed_and_only_the_organisation_s_cases(
    org, other_org, users, customer, receiver, collect
):
    subscription_add(
        organisation=org, url=receiver.url, event_types=["case.acknowledged"], actor=Actor()
    )
    case = receive(org, customer, users)
    collect()
    assert not Delivery.objects.exists()
    case_acknowledge(case=case, actor=Actor(users["complaint_handler"]))
    collect()
    assert [d.event_type for d in Delivery.objects.all()] == ["case.acknowledged"]
    assert body_of(receiver.received[0])["data"]["stage"] == "stage1"


def test_a_delivery_is_given_up_after_the_last_try(org, users, customer, receiver, clock, collect):
    subscription_add(
        organisation=org, url=receiver.url, event_types=["case.received"], actor=Actor()
    )
    receive(org, customer, users)
    receiver.answers = [503] * MAX_ATTEMPTS
    collect()
    delivery = Delivery.objects.get()
    moment = at(2026, 3, 16, 10)
    for _ in range(MAX_ATTEMPTS - 1):
        moment += backoff(delivery.attempts) + datetime.timedelta(seconds=1)
        clock(*moment.timetuple()[:5])
        delivery_attempt(delivery_id=delivery.pk, now=moment)
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert Attempt.objects.filter(delivery=delivery).last().next_retry_at is None


def test_the_back_off_doubles_up_to_its_ceiling():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(40) == datetime.timedelta(hours=4)


def test_an_unreachable_url_is_recorded_as_an_error(org, users, customer, collect):
    subscription_add(
        organisation=org,
        url="http://127.0.0.1:9/nothing",
        event_types=["case.received"],
        actor=Actor(),
    )
    receive(org, customer, users)
    collect()
    attempt = Attempt.objects.get()
    assert attempt.response_code is None
    assert "Connection refused" in attempt.error or "URLError" in attempt.error


def test_a_subscription_needs_https_kinds_and_known_personal_data(org, settings):
    settings.PUTRIGHT_WEBHOOKS_ALLOW_HTTP = False
    with pytest.raises(CaseInputError) as refused:
        subscription_add(
            organisation=org,
            url="http://housing.example/hooks",
            event_types=["case.lost"],
            personal_data=["bank_details"],
            actor=Actor(),
        )
    assert set(refused.value.fields) == {"url", "event_types", "personal_data"}


def test_only_an_administrator_manages_subscriptions(org, users, receiver):
    from putright.accounts.access import AccessDeniedError

    with pytest.raises(AccessDeniedError):
        subscription_add(
            organisation=org,
            url=receiver.url,
            event_types=["case.closed"],
            actor=Actor(users["complaints_manager"]),
        )
    with override_settings():
        made = subscription_add(
            organisation=org,
            url=receiver.url,
            event_types=["case.closed"],
            actor=Actor(users["administrator"]),
        )
    from putright.timeline.models import Entry

    entry = Entry.objects.get(record_type="webhook_subscription", record_id=made.pk)
    assert (entry.kind, entry.actor) == ("added", users["administrator"])
