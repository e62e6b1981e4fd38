"""Personal data over time: legal holds, data protection requests, retention runs and the
audited redactions of history.

A legal hold keeps a case (and its customer) out of the retention job and out of erasure
until it is lifted. A data protection request (erasure or subject access) is a record on
the timeline with its own history and, for subject access, its one-calendar-month clock.
A redaction is the one audited exception to an append-only history: who removed which
words from which event, when and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LegalHold(models.Model):
    """A case kept as it is: no retention, no erasure, until the hold is lifted."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField(help_text="Why it is kept (a claim, a court order, an inquiry).")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_hold_in_force_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"Legal hold on {self.case_id}"


class RequestKind(models.TextChoices):
    ERASURE = "erasure", "Erasure"
    SUBJECT_ACCESS = "subject_access", "Subject access"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ERASED = "erased", "Erased by anonymising"
    REFUSED = "refused", "Refused"
    EXPORTED = "exported", "Exported, for review"
    RELEASED = "released", "Released to the person"


class DataRequest(models.Model):
    """A person's request about their data: to be erased, or to see it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    received_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(blank=True, help_text="The officer's reasons for the decision.")
    #: The third parties' words the export redacted, listed for the officer to review.
    redactions = models.JSONField(default=list, blank=True)
    export = models.FileField(upload_to="privacy/exports/", blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request {self.pk}"


class Redaction(models.Model):
    """Words removed from an event of a history: the one audited rewrite of an event."""

    class Source(models.TextChoices):
        CASE_EVENT = "case_event", "Case event"
        ENTRY = "entry", "Record history entry"

    source = models.CharField(max_length=20, choices=Source.choices)
    event_id = models.PositiveBigIntegerField(help_text="The event's or entry's own id.")
    keys = models.JSONField(default=list, help_text="The fields whose words were removed.")
    basis = models.CharField(max_length=20, help_text="retention or erasure")
    request = models.ForeignKey(
        DataRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    redacted_by_label = models.CharField(max_length=100, blank=True)
    redacted_at = models.DateTimeField()

    class Meta:
        ordering = ["redacted_at", "pk"]
        indexes = [models.Index(fields=["source", "event_id"], name="redaction_of_event")]

    def __str__(self) -> str:
        return f"{self.source} {self.event_id}: {', '.join(self.keys)}"


class Anonymised(models.Model):
    """A case whose personal data was removed, and why: the retention job and erasure never
    do the same case twice."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=20, help_text="retention or erasure")
    request = models.ForeignKey(
        DataRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.case_id} ({self.basis})"


class RetentionRun(models.Model):
    """One run of the retention job: what it did, in counts."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Retention {self.organisation_id} {self.started_at:%Y-%m-%d}"


class RetentionPeriod(models.Model):
    """An organisation's own period for one record type, replacing the schedule's default."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    record_type = models.CharField(max_length=40)
    months = models.PositiveIntegerField()
    reason = models.TextField(help_text="Why this organisation keeps it for this long.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "record_type"], name="one_period_per_record_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.record_type}: {self.months} months"
