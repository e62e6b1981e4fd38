"""Lessons learnt from a case, and the organisation's rolling action plan of improvements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Scope(models.TextChoices):
    INDIVIDUAL = "individual", "Individual (this case)"
    SYSTEMIC = "systemic", "Systemic (how we work)"


class Lesson(models.Model):
    """A lesson learnt from a case: its root cause (from the pack's taxonomy), whether it is
    about this case alone or how the organisation works, and what was learnt. A lesson with no
    issue is the case's lessons-learned report as a whole."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="lessons")
    issue = models.ForeignKey(
        "cases.CaseIssue", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cause = models.CharField(max_length=60, help_text="A root cause id of the case's pack.")
    service_area = models.CharField(max_length=100, blank=True)
    scope = models.CharField(max_length=20, choices=Scope.choices)
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["organisation", "recorded_at"], name="lesson_by_org")]

    def __str__(self) -> str:
        return f"Lesson {self.pk} on {self.case_id}"


class Source(models.TextChoices):
    CASE = "case", "A complaint"
    OMBUDSMAN = "ombudsman", "An Ombudsman order or recommendation"
    REVIEW = "review", "A review or deep dive"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"


class Publication(models.TextChoices):
    NONE = "", "Not written"
    AWAITING = "awaiting", "Waiting for approval"
    PUBLISHED = "published", "Published"


class ImprovementAction(models.Model):
    """One action of the rolling action plan: what will change, who owns it and by when, its
    completion, and whether it worked when reviewed a set time later.

    Its progress notes are entries in its timeline history (append-only); its clocks (the due
    date, the effectiveness review) are the timeline's, on the owner's My work.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    source_reference = models.CharField(
        max_length=100, blank=True, help_text="The Ombudsman's case or the review it came from."
    )
    cause = models.CharField(max_length=60, blank=True)
    service_area = models.CharField(max_length=100, blank=True)
    text = models.TextField(help_text="What will change.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)
    completion_note = models.TextField(blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    effective = models.BooleanField(null=True, blank=True)
    effectiveness_note = models.TextField(blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    public_text = models.TextField(
        blank=True, help_text="What we learnt and changed, for residents."
    )
    publication = models.CharField(
        max_length=20, choices=Publication.choices, default=Publication.NONE, blank=True
    )
    public_written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="improvement_plan"),
            models.Index(
                fields=["organisation", "published_on"],
                condition=Q(publication="published"),
                name="improvement_published",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(completed_on__isnull=False),
                name="improvement_completed_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"Improvement action {self.pk}"

    @property
    def reviewed(self) -> bool:
        return self.effective is not None
