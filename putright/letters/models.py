"""Letters sent or waiting to be sent, and organisations' own versions of the templates."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    POST = "post", "Letter by post"
    PHONE = "phone", "Phone call"
    INTERNAL = "internal", "Internal (to a team)"


class Status(models.TextChoices):
    QUEUED_FOR_PRINT = "queued_for_print", "Queued for printing"
    SENT = "sent", "Sent"
    TO_CALL = "to_call", "Call the customer"
    CALLED = "called", "Called"


def letter_path(instance: Correspondence, filename: str) -> str:
    return f"letters/{instance.case.reference}/{filename}"


class Correspondence(models.Model):
    """One letter or e-mail: what was sent, how, and the document itself."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="correspondence")
    template = models.CharField(max_length=80)
    event_sequence = models.PositiveIntegerField(
        help_text="The chronology event this letter is about."
    )
    subject = models.CharField(max_length=300)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=30, choices=Status.choices)
    recipient = models.CharField(max_length=300, blank=True)
    large_print = models.BooleanField(default=False)
    html = models.TextField()
    pdf = models.FileField(upload_to=letter_path)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "event_sequence", "template"], name="one_letter_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.subject}"


class LetterTemplate(models.Model):
    """An organisation's own version of a letter, edited as a Django template."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="letter_templates"
    )
    template = models.CharField(max_length=80, help_text="The template id, e.g. stage1_response.")
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Django template; see docs/letters.md for the context.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "template"], name="letter_override_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.template}"
