"""What the resident portal keeps: one-time codes to follow a case, and satisfaction answers."""

from __future__ import annotations

from django.db import models


class CodeChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"


class FollowerRole(models.TextChoices):
    CUSTOMER = "customer", "The customer"
    REPRESENTATIVE = "representative", "Someone acting for the customer"


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


class Satisfaction(models.IntegerChoices):
    """The five-point scale of the Tenant Satisfaction Measures (TP09): 5 is the best."""

    VERY_SATISFIED = 5, "Very satisfied"
    FAIRLY_SATISFIED = 4, "Fairly satisfied"
    NEITHER = 3, "Neither satisfied nor dissatisfied"
    FAIRLY_DISSATISFIED = 2, "Fairly dissatisfied"
    VERY_DISSATISFIED = 1, "Very dissatisfied"


TP09_QUESTION = "How satisfied or dissatisfied are you with our approach to complaints handling?"


class SatisfactionResponse(models.Model):
    """A resident's answer to the TP09 question after their case closed: one per case.

    ``score`` runs from 1 (very dissatisfied) to 5 (very satisfied); TP09 counts 4 and 5
    as satisfied.
    """

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="satisfaction_response"
    )
    score = models.PositiveSmallIntegerField(choices=Satisfaction.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="satisfaction_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_score_display()}"

    @property
    def satisfied(self) -> bool:
        """Very or fairly satisfied, as TP09 counts it."""
        return self.score >= Satisfaction.FAIRLY_SATISFIED
