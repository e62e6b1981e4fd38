"""A petition on a case: who signed it, what was checked at receipt, and what each signatory
was sent. The case is the one complaint (its customer is the lead petitioner); its
chronology holds one event per change and per batch of letters."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Petition(models.Model):
    """The petition behind a case of kind ``petition``."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="petition")
    against_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The member of staff the petition is about, if any.",
    )
    issues_clear_at = models.DateTimeField(null=True, blank=True)
    issues_clear_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issues_clear_note = models.TextField(blank=True)
    lead_contacted_at = models.DateTimeField(null=True, blank=True)
    escalation_decision = models.CharField(
        max_length=20,
        blank=True,
        choices=[("stage2", "Escalated"), ("further_advice", "Further advice given")],
    )
    escalation_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalation_decided_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Petition on {self.case_id}"


class Signature(models.TextChoices):
    SEEN = "seen", "Signature seen"
    NOT_SEEN = "not_seen", "No signature"


class Signatory(models.Model):
    """One person who signed (or leads) the petition, as written on it."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatories")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(help_text="Its line on the petition, from 1.")
    lead = models.BooleanField(default=False)
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    signature = models.CharField(max_length=10, choices=Signature.choices)
    unhappy = models.BooleanField(default=False, help_text="Unhappy with the response.")
    unhappy_reason = models.TextField(blank=True)
    representative = models.BooleanField(default=False)
    representative_agreed_at = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "number"], name="petition_line_once"),
            models.UniqueConstraint(fields=["petition", "person"], name="petition_person_once"),
            models.UniqueConstraint(
                fields=["petition"],
                condition=models.Q(lead=True),
                name="petition_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def missing(self) -> list[str]:
        """What Southern 4.11.1 asks of every signatory that is not on the petition."""
        gaps = [
            label
            for label, value in (("name", self.name), ("address", self.address))
            if not value.strip()
        ]
        if not self.postcode.strip():
            gaps.append("postcode")
        if self.signature != Signature.SEEN:
            gaps.append("signature")
        return gaps


class Batch(models.Model):
    """Letters sent to many petitioners at once: one event on the case lists them."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
        UPDATE = "update", "Progress update"
        RESPONSE = "response", "Written response"
        ESCALATION = "escalation", "Escalation to stage 2"

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="batches")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    event_sequence = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.letters.count()} letters)"


class Letter(models.Model):
    """One petitioner's copy of a batch, sent the way they prefer."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="letters")
    signatory = models.ForeignKey(Signatory, on_delete=models.PROTECT, related_name="letters")
    channel = models.CharField(max_length=20)
    status = models.CharField(max_length=30)
    recipient = models.CharField(max_length=300, blank=True)
    call = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=300)
    html = models.TextField()

    class Meta:
        ordering = ["batch", "signatory__number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "signatory"], name="petition_letter_once")
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.signatory}"
