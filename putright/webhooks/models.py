"""Webhook subscriptions of an organisation, each delivery and each attempt to deliver it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EventType(models.TextChoices):
    """What a housing system can be told, each from one kind of event in a case's chronology."""

    CASE_RECEIVED = "case.received", "Case received"
    CASE_ACKNOWLEDGED = "case.acknowledged", "Case acknowledged"
    CASE_RESPONDED = "case.responded", "Case responded to"
    CASE_ESCALATED = "case.escalated", "Case escalated"
    CASE_CLOSED = "case.closed", "Case closed"
    AWARD_PAID = "award.paid", "Award paid"


class PersonalData(models.TextChoices):
    """What a subscription may carry beyond the case's reference, kind, stage, dates and outcome."""

    CUSTOMER_NAME = "customer_name", "The customer's name"
    CUSTOMER_CONTACT = "customer_contact", "The customer's e-mail, phone and postcode"
    SUMMARY = "summary", "The case's summary in the customer's words"


class Subscription(models.Model):
    """A URL told of some kinds of event in an organisation's cases, signed with its secret."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    url = models.URLField(max_length=500)
    # Kept as given: signing needs the secret itself (never shown again after it is made).
    secret = models.CharField(max_length=200)
    event_types = models.JSONField(default=list)
    personal_data = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    #: The events already looked at: those after it are the next to send.
    cursor = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent or retried"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed: no more retries"


class Delivery(models.Model):
    """One event to tell one subscription about, with its payload as first written."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey("cases.Event", null=True, on_delete=models.PROTECT, related_name="+")
    event_type = models.CharField(max_length=40)
    webhook_id = models.CharField(max_length=60, unique=True)
    payload = models.JSONField()
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.subscription.url}"


class Attempt(models.Model):
    """One try at delivering: when, how long, the answer, and when the next try is due."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_once")
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"

    @property
    def succeeded(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300
