"""Review meetings and calls on a case (a Senior Manager's call, a review panel, a meeting
with petitioners), each with its attendees and its own history (record type ``meeting``), and
the review a stage 2 route holds with them (the customer's wish, the report, the panel's
summary sheet, the draft decision letter and each member's agreement)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    CALL = "call", "Call"
    VISIT = "visit", "Visit"
    PANEL_MEETING = "panel_meeting", "Panel meeting"
    PRE_MEETING = "pre_meeting", "Panel pre-meeting"
    COMPENSATION_REVIEW_CALL = "compensation_review_call", "Compensation review call"
    PETITIONERS_MEETING = "petitioners_meeting", "Meeting with the petitioners"


class Status(models.TextChoices):
    BOOKED = "booked", "Booked"
    REBOOKED = "rebooked", "Rebooked"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Part(models.TextChoices):
    CHAIR = "chair", "Chair"
    NOTE_TAKER = "note_taker", "Note-taker"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    PANEL_MEMBER = "panel_member", "Panel member"
    RESIDENT_PANEL_MEMBER = "resident_panel_member", "Resident panel member"
    AREA_MANAGER = "area_manager", "Area or contracts manager"
    HANDLER = "handler", "Case handler"
    CUSTOMER = "customer", "Customer"
    REPRESENTATIVE = "representative", "Representative"
    PETITIONER = "petitioner", "Petitioner"
    OTHER = "other", "Attending"


#: The parts that sit on a panel: they receive its pack and agree its decision letter.
PANEL_PARTS = frozenset(
    {Part.CHAIR, Part.SENIOR_MANAGER, Part.PANEL_MEMBER, Part.RESIDENT_PANEL_MEMBER}
)


class Meeting(models.Model):
    """A meeting or call on a case: when, where or how, who attends, what was minuted.

    ``uid`` and ``sequence`` are its calendar invitation's: the same UID for every update
    and cancellation, the sequence one higher each time it is sent again.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="meetings")
    review = models.CharField(max_length=60, blank=True, help_text="The pack's review id.")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=300, help_text="Where, or how (phone, video link).")
    notes = models.TextField(blank=True)
    prepares = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pre_meetings",
        help_text="The panel meeting this pre-meeting comes before.",
    )
    uid = models.CharField(max_length=200, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    held_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    minuted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minuted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["case", "starts_at"], name="meeting_of_case")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (Status.BOOKED, Status.REBOOKED)


class Attendee(models.Model):
    """Someone invited to a meeting: a member of staff, or a person (a customer, a resident
    panel member, a petitioner) with the address their invitation goes to."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    part = models.CharField(max_length=40, choices=Part.choices)
    seat = models.CharField(max_length=60, blank=True, help_text="The pack role of a panel seat.")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.part})"


class Review(models.Model):
    """A stage 2 review a pack holds with meetings (``[[reviews]]``), on one case: the
    customer's wish for a call or a visit, the report, the panel's summary sheet, and the
    draft decision letter the panel agrees before it is sent."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reviews")
    review = models.CharField(max_length=60)
    wish = models.CharField(max_length=40, blank=True, help_text="The customer asked for ...")
    wish_note = models.TextField(blank=True)
    report_sent_at = models.DateTimeField(null=True, blank=True)
    report_html = models.TextField(blank=True)
    summary_sent_at = models.DateTimeField(null=True, blank=True)
    summary_html = models.TextField(blank=True)
    letter_text = models.TextField(blank=True)
    letter_outcome = models.CharField(max_length=20, blank=True)
    letter_draft = models.PositiveIntegerField(default=0, help_text="Which draft this is.")
    letter_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "review"], name="review_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.review} on {self.case_id}"


class LetterAgreement(models.Model):
    """A panel member's agreement to one draft of the decision letter."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="agreements")
    attendee = models.ForeignKey(Attendee, on_delete=models.PROTECT, related_name="+")
    draft = models.PositiveIntegerField()
    agreed_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "attendee", "draft"], name="agreement_once_per_draft"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attendee} agreed draft {self.draft}"
