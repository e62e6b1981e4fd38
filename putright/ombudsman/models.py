"""The landlord's casework with the Ombudsman: its contacts (an enquiry, a request for
evidence, a determination), each determination's findings and orders, and the findings the
Ombudsman publishes about the whole sector, kept apart from the landlord's own cases."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q


class ContactKind(models.TextChoices):
    """The three forms an Ombudsman contact takes (Southern 4.10)."""

    EVIDENCE_REQUEST = "evidence_request", "Investigation: evidence requested"
    ENQUIRY = "enquiry", "Enquiry: raise or escalate the complaint"
    DETERMINATION = "determination", "Determination"


class Contact(models.Model):
    """One contact from the Ombudsman about a case, as received."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="ombudsman_contacts"
    )
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    ombudsman_reference = models.CharField(max_length=60, blank=True)
    received_at = models.DateTimeField()
    asked = models.TextField(blank=True, help_text="What the Ombudsman asked, in its words.")
    due_on = models.DateField(null=True, blank=True, help_text="The Ombudsman's due date.")
    evidence_sent_at = models.DateTimeField(null=True, blank=True)
    evidence_index = models.JSONField(default=list, blank=True)
    covering_letter = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["organisation", "received_at"], name="omb_contact_when")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case_id}"

    def evidence_overdue(self, today: datetime.date) -> bool:
        return (
            self.kind == ContactKind.EVIDENCE_REQUEST
            and self.evidence_sent_at is None
            and self.due_on is not None
            and self.due_on < today
        )


class Finding(models.TextChoices):
    """The Ombudsman's findings on a complaint point, in its terms."""

    NO_MALADMINISTRATION = "no_maladministration", "No maladministration"
    SERVICE_FAILURE = "service_failure", "Service failure"
    MALADMINISTRATION = "maladministration", "Maladministration"
    SEVERE_MALADMINISTRATION = "severe_maladministration", "Severe maladministration"
    REASONABLE_REDRESS = "reasonable_redress", "Reasonable redress"
    OUTSIDE_JURISDICTION = "outside_jurisdiction", "Outside jurisdiction"


#: Findings the sector's figures count as maladministration.
MALADMINISTRATION = (Finding.MALADMINISTRATION, Finding.SEVERE_MALADMINISTRATION)


class AppealDecision(models.TextChoices):
    APPEAL = "appeal", "Ask the Ombudsman to review it"
    NO_APPEAL = "no_appeal", "Accept it: no appeal"


class Determination(models.Model):
    """The Ombudsman's decision on a case: its findings point by point and what it orders."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="ombudsman_determinations"
    )
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="determination")
    ombudsman_reference = models.CharField(max_length=60, blank=True)
    determined_on = models.DateField()
    received_on = models.DateField()
    appeal_by = models.DateField(
        null=True, blank=True, help_text="The date by which an appeal must reach the Ombudsman."
    )
    appeal_decision = models.CharField(max_length=20, choices=AppealDecision.choices, blank=True)
    appeal_reasons = models.TextField(blank=True)
    new_information = models.TextField(blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "received_on"], name="omb_determination_when")
        ]

    def __str__(self) -> str:
        return f"Determination {self.pk} on {self.case_id}"


class DeterminationFinding(models.Model):
    """One complaint point of a determination with the Ombudsman's finding and its category."""

    determination = models.ForeignKey(
        Determination, on_delete=models.CASCADE, related_name="findings"
    )
    number = models.PositiveSmallIntegerField()
    point = models.TextField()
    category = models.CharField(max_length=100)
    finding = models.CharField(max_length=30, choices=Finding.choices)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["determination", "number"], name="omb_finding_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.point[:40]}: {self.get_finding_display()}"


class OrderKind(models.TextChoices):
    ORDER = "order", "Order"
    RECOMMENDATION = "recommendation", "Recommendation"


class OrderStatus(models.TextChoices):
    OPEN = "open", "Open"
    OVERDUE = "overdue", "Overdue"
    COMPLETED = "completed", "Done: the Ombudsman not yet told"
    TOLD = "told", "Done and the Ombudsman told"


class Order(models.Model):
    """An order or recommendation of a determination: its owner, due date, any money, the
    evidence it was done and the day the Ombudsman was told."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    determination = models.ForeignKey(
        Determination, on_delete=models.PROTECT, related_name="orders"
    )
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=OrderKind.choices)
    text = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ombudsman_orders",
    )
    due_on = models.DateField()
    amount_pence = models.PositiveIntegerField(null=True, blank=True)
    award = models.OneToOneField(
        "remedies.Award",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ombudsman_order",
    )
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    ombudsman_told_on = models.DateField(null=True, blank=True)
    improvement_action = models.OneToOneField(
        "learning.ImprovementAction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ombudsman_order",
        help_text="A change of policy or training ordered: on the learning plan too.",
    )
    reminded_on = models.DateField(
        null=True, blank=True, help_text="The owner was reminded that it falls due soon."
    )
    delay_raised_at = models.DateTimeField(null=True, blank=True)
    delay_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["determination", "number"], name="omb_order_once"),
            models.CheckConstraint(
                condition=Q(ombudsman_told_on__isnull=True) | Q(completed_on__isnull=False),
                name="omb_order_told_after_done",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "due_on"],
                condition=Q(ombudsman_told_on__isnull=True),
                name="omb_order_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} of determination {self.determination_id}"

    def status(self, today: datetime.date) -> str:
        """Open, overdue, done (the Ombudsman not yet told), or done and told."""
        if self.ombudsman_told_on is not None:
            return OrderStatus.TOLD
        if self.completed_on is not None:
            return OrderStatus.COMPLETED
        return OrderStatus.OVERDUE if self.due_on < today else OrderStatus.OPEN


class SectorFinding(models.Model):
    """A finding the Ombudsman published about any landlord, imported from its decisions.

    Kept apart from the landlord's own cases; the same finding (case id, category and point)
    is one row however often it is imported.
    """

    key = models.CharField(
        max_length=64, unique=True, help_text="Hash of case id, category, point."
    )
    case_id = models.CharField(max_length=60)
    landlord = models.CharField(max_length=200)
    landlord_type = models.CharField(max_length=100, blank=True)
    decision_date = models.DateField()
    category = models.CharField(max_length=100)
    point = models.TextField()
    finding = models.CharField(max_length=30, choices=Finding.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The organisation whose name the landlord's matches, if any.",
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["decision_date", "case_id", "pk"]
        indexes = [
            models.Index(fields=["landlord_type", "category"], name="omb_sector_type_category"),
            models.Index(fields=["organisation", "decision_date"], name="omb_sector_landlord"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.category}: {self.get_finding_display()}"
