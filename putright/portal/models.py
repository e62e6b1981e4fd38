"""What the resident portal keeps: one-time codes to follow a case."""

from __future__ import annotations

from django.db import models

from putright.people.models import FollowerRole


class CodeChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"


class OneTimeCode(models.Model):
    """A 6-digit code sent to the e-mail or phone on a case; only its hash is kept.

    A code lasts 15 minutes and allows 5 attempts; a new code for the case ends the old ones.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="portal_codes")
    channel = models.CharField(max_length=10, choices=CodeChannel.choices)
    role = models.CharField(max_length=20, choices=FollowerRole.choices)
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"code for {self.case_id} sent by {self.channel} at {self.created_at:%H:%M}"


# The satisfaction answers belong to the case (the reports read them); kept importable here.
from putright.cases.models import TP09_QUESTION, Satisfaction, SatisfactionResponse  # noqa: E402

__all__ = [
    "TP09_QUESTION",
    "CodeChannel",
    "FollowerRole",
    "OneTimeCode",
    "Satisfaction",
    "SatisfactionResponse",
]
