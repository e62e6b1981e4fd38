"""A hazard reported inside a contact: its kind, severity, status, the words that raised it,
and the steps Awaab's Law times (each also an entry in its history, record type ``hazard``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Severity(models.TextChoices):
    EMERGENCY = "emergency", "Emergency"
    SIGNIFICANT = "significant", "Significant"


class Status(models.TextChoices):
    SUSPECTED = "suspected", "Suspected"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"
    MADE_SAFE = "made_safe", "Made safe"
    RESOLVED = "resolved", "Resolved"


class Origin(models.TextChoices):
    SCREEN = "screen", "Recognised in the contact's words"
    FLAG = "flag", "Health and safety flag at intake"
    HAND = "hand", "Raised by hand"


class Hazard(models.Model):
    """A possible or confirmed hazard in a home, alongside the case it was reported in.

    ``aware_at`` is when the landlord became aware (the contact's receipt, or the time given
    when raised by hand): every statutory clock counts from it or from ``investigated_at``.
    ``statutory`` says whether Awaab's Law's clocks run, ``coverage`` why (or why not).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="hazards")
    kind = models.CharField(max_length=40)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUSPECTED)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    triggers = models.JSONField(default=list, blank=True, help_text="The words that raised it.")
    signs = models.JSONField(
        default=list, blank=True, help_text="Signs of vulnerability or safeguarding found."
    )
    description = models.TextField(blank=True)
    pack = models.CharField(max_length=60)
    pack_version = models.CharField(max_length=40)
    phase = models.CharField(max_length=40, blank=True)
    statutory = models.BooleanField(default=True)
    coverage = models.TextField(blank=True, help_text="Why the statutory clocks run, or not.")
    aware_at = models.DateTimeField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards_owned",
    )
    team = models.CharField(max_length=100, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_reason = models.TextField(blank=True)
    investigated_at = models.DateTimeField(null=True, blank=True)
    findings = models.TextField(blank=True)
    summary_sent_at = models.DateTimeField(null=True, blank=True)
    made_safe_at = models.DateTimeField(null=True, blank=True)
    works_started_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["aware_at", "pk"]
        indexes = [
            models.Index(fields=["organisation", "aware_at"], name="hazard_by_org_aware"),
            models.Index(fields=["case"], name="hazard_of_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(severity__in=["emergency", "significant"]),
                name="hazard_severity_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Hazard {self.pk}: {self.kind} ({self.severity}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.DISMISSED, Status.RESOLVED)

    def trigger_words(self) -> list[str]:
        """The words that raised it, each once, in the order found."""
        found = [str(t.get("found", "")) for t in self.triggers if isinstance(t, dict)]
        return list(dict.fromkeys(w for w in found if w))

    def sign_labels(self) -> list[str]:
        seen: list[str] = []
        for sign in self.signs:
            label = str(sign.get("label", "")) if isinstance(sign, dict) else ""
            if label and label not in seen:
                seen.append(label)
        return seen


class HazardLetter(models.Model):
    """A letter to the tenant about a hazard (the written summary), kept as it was sent."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="letters")
    template = models.CharField(max_length=80)
    subject = models.CharField(max_length=300)
    html = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Hazard {self.hazard_id}: {self.subject}"


class BreachAlert(models.Model):
    """That the roles the pack names were told a hazard's clock was missed: once per clock."""

    clock = models.OneToOneField(
        "timeline.Clock", on_delete=models.CASCADE, related_name="hazard_breach_alert"
    )
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="breach_alerts")
    alerted_at = models.DateTimeField()
    told = models.JSONField(default=list, blank=True, help_text="The users told, by id.")

    def __str__(self) -> str:
        return f"Breach of clock {self.clock_id} on hazard {self.hazard_id}"
