"""An organisation: a landlord, its policy pack, its calendar and its ombudsman."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from putright.domain.calendar import DEFAULT_CUTOFF

#: Paths under /resident/ that are not an organisation's portal: no organisation may take them.
RESERVED_SLUGS = frozenset({"follow"})
RESERVED_SLUG = "The slug {slug!r} is a page of the resident portal; choose another."


def validate_slug_free(slug: str) -> None:
    """Refuse a slug that would clash with a portal page (/resident/<slug>/)."""
    if slug in RESERVED_SLUGS:
        raise ValidationError(RESERVED_SLUG.format(slug=slug), code="reserved")


class CalendarRegion(models.TextChoices):
    ENGLAND = "ENG", "England"
    WALES = "WLS", "Wales"
    SCOTLAND = "SCT", "Scotland"
    NORTHERN_IRELAND = "NIR", "Northern Ireland"


class OmbudsmanRoute(models.TextChoices):
    HOUSING_OMBUDSMAN = "housing_ombudsman", "Housing Ombudsman"
    LGSCO = "lgsco", "Local Government and Social Care Ombudsman"
    TRIBUNAL = "tribunal", "First-tier Tribunal (Property Chamber)"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_slug_free])
    reference_prefix = models.CharField(
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,7}$", "Use 2-8 capital letters or digits.")],
        help_text="Starts every case reference, e.g. HSH-2026-00042.",
    )
    policy_pack = models.CharField(max_length=60, default="hos-code-2024")
    calendar_region = models.CharField(
        max_length=3, choices=CalendarRegion.choices, default=CalendarRegion.ENGLAND
    )
    cutoff_time = models.TimeField(default=DEFAULT_CUTOFF)
    calendar_version = models.PositiveIntegerField(
        default=1, help_text="Changes whenever the closure days change."
    )
    ombudsman_route = models.CharField(
        max_length=30, choices=OmbudsmanRoute.choices, default=OmbudsmanRoute.HOUSING_OMBUDSMAN
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HomesCount(models.Model):
    """How many homes an organisation managed in a year (for per-1,000-homes measures)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="homes")
    year = models.PositiveSmallIntegerField()
    homes = models.PositiveIntegerField()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="homes_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.homes} homes in {self.year}"


class ClosureDay(models.Model):
    """A day the organisation is closed besides bank holidays (e.g. a Christmas shutdown)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="closure_days"
    )
    date = models.DateField()
    name = models.CharField(max_length=100, default="Closure day")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="closure_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d %b %Y})"


class ReferenceCounter(models.Model):
    """The last case number used by an organisation in a year."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="reference_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.last}"
