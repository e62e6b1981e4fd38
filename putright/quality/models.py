"""A quarter's sample of formal responses and each response's review."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReviewSample(models.Model):
    """The formal responses of one quarter chosen for review, with how they were chosen."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="quality_samples"
    )
    quarter_start = models.DateField(help_text="The first day of the quarter.")
    size = models.PositiveSmallIntegerField()
    selection = models.CharField(max_length=20)
    responses_in_quarter = models.PositiveIntegerField(default=0)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField()

    class Meta:
        ordering = ["-quarter_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "quarter_start"], name="one_sample_a_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: responses of the quarter from {self.quarter_start}"


class ResponseReview(models.Model):
    """One formal response scored against the Code's checklist and the landlord's standards."""

    sample = models.ForeignKey(ReviewSample, on_delete=models.CASCADE, related_name="reviews")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    response_sequence = models.PositiveIntegerField(help_text="The response's event in the case.")
    stage = models.CharField(max_length=60)
    stage_level = models.PositiveSmallIntegerField()
    responded_on = models.DateField()
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who sent the response.",
    )
    service_area = models.CharField(max_length=100, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    #: Each item of the Code's checklist (``checklist.CODE_CHECKLIST``): met or not.
    checklist = models.JSONField(default=dict, blank=True)
    tone = models.PositiveSmallIntegerField(null=True, blank=True)
    plain_english = models.PositiveSmallIntegerField(null=True, blank=True)
    accuracy = models.PositiveSmallIntegerField(null=True, blank=True)
    comments = models.TextField(blank=True)
    code_score = models.FloatField(null=True, blank=True)
    standards_score = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["responded_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "case", "response_sequence"], name="review_a_response_once"
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.case} response {self.response_sequence}"

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None
