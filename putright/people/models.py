"""A customer, how to reach them and what they need; and whoever acts for them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models


class ContactMethod(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    TEXT = "text", "Text message"


class Tenure(models.TextChoices):
    TENANT = "tenant", "Tenant"
    LEASEHOLDER = "leaseholder", "Leaseholder"
    SHARED_OWNER = "shared_owner", "Shared owner"
    APPLICANT = "applicant", "Applicant"
    NON_RESIDENT = "non_resident", "Non-resident"
    CARE_CUSTOMER = "care_customer", "Care customer"
    UNKNOWN = "unknown", "Not known"


class Person(models.Model):
    """A customer of one organisation."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    property_reference = models.CharField(max_length=40, blank=True)
    preferred_contact = models.CharField(
        max_length=10, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )
    contact_times = models.CharField(max_length=200, blank=True)
    tenure = models.CharField(max_length=20, choices=Tenure.choices, default=Tenure.UNKNOWN)
    accessibility_needs = models.TextField(blank=True)
    reasonable_adjustments = models.TextField(blank=True)
    equality_consent = models.BooleanField(default=False)
    equality_data = models.JSONField(
        default=dict, blank=True, help_text="Only with consent: age band, disability, ethnicity..."
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class Relationship(models.TextChoices):
    ADVOCATE = "advocate", "Advocate"
    FAMILY = "family", "Family member or friend"
    MP_COUNCILLOR = "mp_councillor", "MP or councillor"
    SOLICITOR = "solicitor", "Solicitor"
    LEGAL_REPRESENTATIVE = "legal_representative", "Legal representative"


class Authority(models.TextChoices):
    HELD = "held", "Authority held"
    REQUESTED = "requested", "Authority requested"
    NOT_NEEDED = "not_needed", "Not needed (legal representative)"


class Representative(models.Model):
    """Someone acting for a customer; what may be shared with them depends on ``authority``."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    authority = models.CharField(
        max_length=20, choices=Authority.choices, default=Authority.REQUESTED
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"

    @property
    def may_receive_case_details(self) -> bool:
        """Details of the case may be shared only with authority, or with a legal representative."""
        return self.authority in (Authority.HELD, Authority.NOT_NEEDED)


class ContactWay(models.TextChoices):
    """The ways a restriction may leave open (a case's channels, less the Ombudsman's)."""

    LETTER = "letter", "Letter"
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"
    WEB_FORM = "web_form", "Web form"
    IN_PERSON = "in_person", "In person"
    SOCIAL_MEDIA = "social_media", "Social media"


class RestrictionLevel(models.TextChoices):
    WARNING = "warning", "Warning about behaviour"
    RESTRICTION = "restriction", "Contact restricted"


class ContactRestrictionQuerySet(models.QuerySet["ContactRestriction"]):
    def in_force(self, on: datetime.date) -> ContactRestrictionQuerySet:
        """Restrictions (and warnings) that apply on the day ``on`` (one lifted does not)."""
        return (
            self.filter(starts_on__lte=on)
            .filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=on))
            .filter(lifted_reason="")
        )


class ContactRestriction(models.Model):
    """A warning or restriction on how a customer may contact the landlord (unacceptable
    behaviour). Complaints are still handled: the restriction says how, not whether."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="contact_restrictions"
    )
    level = models.CharField(max_length=20, choices=RestrictionLevel.choices)
    behaviour = models.TextField(help_text="What happened that this answers, in plain words.")
    arrangements = models.TextField(
        help_text="How the customer may contact us meanwhile, e.g. e-mail only, to one named officer."
    )
    starts_on = models.DateField()
    review_on = models.DateField(help_text="When it must be looked at again.")
    ends_on = models.DateField(null=True, blank=True, help_text="Leave empty until it is lifted.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal = models.TextField(blank=True, help_text="Any appeal against it and its outcome.")
    created_at = models.DateTimeField(auto_now_add=True)

    # -- the structured record (putright/people/restrictions.py) -----------------------
    pack = models.CharField(max_length=60, blank=True, help_text="The policy it was decided under.")
    categories = models.JSONField(default=list, blank=True, help_text="The pack's categories.")
    measures = models.JSONField(default=list, blank=True, help_text="The pack's measures.")
    channels = models.JSONField(
        default=list, blank=True, help_text="The only ways of contact allowed (a measure)."
    )
    issue_limit = models.PositiveSmallIntegerField(null=True, blank=True)
    issue_period_days = models.PositiveSmallIntegerField(null=True, blank=True)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_times = models.CharField(max_length=200, blank=True)
    reasons = models.TextField(blank=True, help_text="Why it was decided, and who was consulted.")
    adjustments = models.TextField(
        blank=True, help_text="The reasonable adjustments considered beside the decision."
    )
    review_days = models.PositiveSmallIntegerField(null=True, blank=True)
    letter_on = models.DateField(null=True, blank=True, help_text="The day its letter was issued.")
    appeal_by = models.DateField(null=True, blank=True)
    appeal_received_at = models.DateTimeField(null=True, blank=True)
    appeal_grounds = models.TextField(blank=True)
    appeal_decider = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_outcome = models.CharField(
        max_length=20,
        blank=True,
        choices=[("upheld", "Appeal upheld"), ("not_upheld", "Appeal not upheld")],
    )
    appeal_decided_at = models.DateTimeField(null=True, blank=True)
    appeal_explanation = models.TextField(blank=True)
    lifted_reason = models.TextField(blank=True)
    needs_finishing = models.BooleanField(
        default=False,
        help_text="Carried over from free text: its categories and measures are still to be set.",
    )

    objects = ContactRestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_on__gte=models.F("starts_on")),
                name="restriction_review_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="restriction_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} from {self.starts_on:%d %B %Y}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.starts_on and self.review_on and self.review_on < self.starts_on:
            errors["review_on"] = "The review must be on or after the day it starts."
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "It must end on or after the day it starts."
        if errors:
            raise ValidationError(errors)

    @property
    def channel_words(self) -> str:
        """The only ways of contact left open, in words ('' if the restriction names none)."""
        return " or ".join(
            ContactWay(c).label.lower() for c in self.channels if c in ContactWay.values
        )

    def review_overdue(self, on: datetime.date) -> bool:
        return self.review_on < on

    def status(self, on: datetime.date) -> str:
        """``upcoming``, ``in_force``, ``under_appeal``, ``lifted`` (ended before or on ``on``;
        a warning whose time to change is over has ``expired``)."""
        if self.lifted_reason:
            return "lifted"
        if self.starts_on > on:
            return "upcoming"
        if self.ends_on is not None and self.ends_on < on:
            return "expired" if self.level == RestrictionLevel.WARNING else "lifted"
        if self.appeal_received_at and not self.appeal_decided_at:
            return "under_appeal"
        return "in_force"


class BehaviourIncident(models.Model):
    """Behaviour recorded against a person: what happened, when, who saw it, and whether it
    went to the police. Recording it restricts nothing."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="incidents")
    occurred_on = models.DateField()
    categories = models.JSONField(default=list, blank=True)
    description = models.TextField()
    witnesses = models.CharField(max_length=300, blank=True)
    police_referred_on = models.DateField(null=True, blank=True)
    police_reference = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"Incident on {self.occurred_on:%d %B %Y}"


class PersonLetter(models.Model):
    """A letter about a person rather than a case (a warning, a restriction, a review, an
    appeal's outcome): kept as sent, its PDF made from the HTML."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="letters")
    restriction = models.ForeignKey(
        ContactRestriction, null=True, blank=True, on_delete=models.CASCADE, related_name="letters"
    )
    template = models.CharField(max_length=60)
    subject = models.CharField(max_length=300)
    html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.subject


class FollowerRole(models.TextChoices):
    """Who follows a case: the customer, or someone acting for them."""

    CUSTOMER = "customer", "The customer"
    REPRESENTATIVE = "representative", "Someone acting for the customer"
