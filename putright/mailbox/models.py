"""An e-mail to the complaints mailbox, kept raw as it came, with what could be read from it.

A message is a contact waiting for staff to classify (a new complaint, added to a case, or
not a complaint). One that cannot be read is kept all the same, with why, and listed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MessageStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be classified"
    UNREADABLE = "unreadable", "Could not be read"
    NEW_CASE = "new_case", "Recorded as a new case"
    ADDED_TO_CASE = "added_to_case", "Added to a case"
    NOT_A_COMPLAINT = "not_a_complaint", "Not a complaint"


#: The statuses that still need someone to look at the message.
OPEN_STATUSES = (MessageStatus.WAITING, MessageStatus.UNREADABLE)


class Source(models.TextChoices):
    IMAP = "imap", "Mailbox (IMAP)"
    WEBHOOK = "webhook", "Inbound e-mail webhook"


def raw_path(instance: IncomingMessage, filename: str) -> str:
    return f"mail/{instance.organisation_id}/{instance.key}.eml"


def attachment_path(instance: IncomingAttachment, filename: str) -> str:
    return f"mail/{instance.message.organisation_id}/{instance.message.key}/{filename}"


class IncomingMessage(models.Model):
    """One e-mail received for an organisation, once per Message-ID."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    #: SHA-256 of the Message-ID (or of the raw message when it has none): the idempotency key.
    key = models.CharField(max_length=64)
    message_id = models.CharField(max_length=998, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    mailbox = models.CharField(max_length=200, blank=True, help_text="Which mailbox, no secret.")
    raw = models.FileField(upload_to=raw_path)
    size = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(help_text="When the mailbox received it.")
    sent_at = models.DateTimeField(null=True, blank=True, help_text="The message's Date header.")
    sender_email = models.CharField(max_length=320, blank=True)
    sender_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The open case whose reference the subject carries.",
    )
    status = models.CharField(
        max_length=20, choices=MessageStatus.choices, default=MessageStatus.WAITING
    )
    problem = models.TextField(blank=True, help_text="Why it could not be read.")
    result_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why it is not a complaint.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="mail_message_once")
        ]
        indexes = [models.Index(fields=["organisation", "status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.sender_email or 'unknown sender'}: {self.subject or '(no subject)'}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class IncomingAttachment(models.Model):
    """A file that came with a message: kept if its type is accepted, else listed with why."""

    message = models.ForeignKey(
        IncomingMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, blank=True)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    refused_because = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def accepted(self) -> bool:
        return not self.refused_because
