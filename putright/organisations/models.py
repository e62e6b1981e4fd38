"""An organisation: a landlord, its policy pack, its calendar and its ombudsman."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from putright.domain.calendar import DEFAULT_CUTOFF
from putright.domain.floor import FLOOR_RULE_IDS, FLOOR_RULES

#: Paths under /resident/ that are not an organisation's portal: no organisation may take them.
RESERVED_SLUGS = frozenset({"follow"})
RESERVED_SLUG = "The slug {slug!r} is a page of the resident portal; choose another."


def validate_slug_free(slug: str) -> None:
    """Refuse a slug that would clash with a portal page (/resident/<slug>/)."""
    if slug in RESERVED_SLUGS:
        raise ValidationError(RESERVED_SLUG.format(slug=slug), code="reserved")


UNKNOWN_FLOOR_RULE = "There is no Code minimum {rule!r}. Known: {known}."


def validate_floor_rules(value: object) -> None:
    """Refuse anything but a list of known floor rule ids (``domain.floor.FLOOR_RULES``)."""
    known = ", ".join(rule.id for rule in FLOOR_RULES)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("A list of Code minimums is expected.", code="invalid")
    for rule in value:
        if rule not in FLOOR_RULE_IDS:
            raise ValidationError(
                UNKNOWN_FLOOR_RULE.format(rule=rule, known=known), code="unknown_rule"
            )


def pack_in_force(schedule: Iterable[Iterable[Any]], day: datetime.date) -> str | None:
    """The pack a schedule of ``[from ISO date or None, pack]`` puts in force on ``day``."""
    chosen = None
    for start, pack in schedule:
        if start is None or datetime.date.fromisoformat(start) <= day:
            chosen = pack
    return chosen


class CalendarRegion(models.TextChoices):
    ENGLAND = "ENG", "England"
    WALES = "WLS", "Wales"
    SCOTLAND = "SCT", "Scotland"
    NORTHERN_IRELAND = "NIR", "Northern Ireland"


class OmbudsmanRoute(models.TextChoices):
    HOUSING_OMBUDSMAN = "housing_ombudsman", "Housing Ombudsman"
    LGSCO = "lgsco", "Local Government and Social Care Ombudsman"
    TRIBUNAL = "tribunal", "First-tier Tribunal (Property Chamber)"


class QualitySelection(models.TextChoices):
    """How a quarter's sample of formal responses is chosen for the quality review."""

    RANDOM = "random", "At random"
    BY_HANDLER = "by_handler", "Spread evenly across the people who sent them"
    BY_SERVICE_AREA = "by_service_area", "Spread evenly across service areas"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_slug_free])
    reference_prefix = models.CharField(
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,7}$", "Use 2-8 capital letters or digits.")],
        help_text="Starts every case reference, e.g. HSH-2026-00042.",
    )
    policy_pack = models.CharField(
        max_length=60,
        default="hos-code-2024",
        help_text="The pack in force today. To change it from a date, add a change of policy "
        "below (or run putright org set-policy): cases received before keep their pack.",
    )
    policy_schedule = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="[[from, pack], ...]: the original pack (from null) and each adoption not "
        "withdrawn, copied from the policy adoptions so today's pack is known without a query.",
    )
    code_floor_off = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_floor_rules],
        help_text="The Code minimums PutRight does not apply on top of the pack (default: none).",
    )
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
    contact_phone = models.CharField(
        max_length=40,
        blank=True,
        help_text="The number residents call to make a complaint (on the complaints page).",
    )
    contact_address = models.TextField(
        blank=True,
        help_text="Where residents write to or call in to make a complaint, one line of the "
        "address per line (on the complaints page).",
    )
    quality_sample_size = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="How many formal responses are reviewed for quality each quarter.",
    )
    quality_sample_selection = models.CharField(
        max_length=20,
        choices=QualitySelection.choices,
        default=QualitySelection.RANDOM,
        help_text="How the quarter's responses to review are chosen.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Self:
        """Loaded with the pack in force today: a change scheduled for a date takes effect on
        that date with no one running anything (the stored value catches up on the next save).
        """
        instance = super().from_db(db, field_names, values, **kwargs)
        loaded = instance.__dict__
        if loaded.get("policy_schedule") and "policy_pack" in loaded:
            today = pack_in_force(instance.policy_schedule, timezone.localdate())
            if today:
                instance.policy_pack = today
        return instance


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


class Recorded(models.Model):
    """Who recorded a change and when: a PutRight user, or a label (e.g. the command line)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(
        max_length=100, blank=True, help_text="e.g. 'command line (jo)'"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True

    @property
    def recorded_by_name(self) -> str:
        user = self.recorded_by
        name = str(getattr(user, "display_name", "") or user) if user is not None else ""
        return name or self.recorded_by_label


class PolicyAdoption(Recorded):
    """The organisation moves to a pack from a date: cases deemed received on or after it
    take the pack; cases received before keep the pack they started under.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="policy_adoptions"
    )
    policy_pack = models.CharField(max_length=60)
    replaces = models.CharField(max_length=60, help_text="The pack in force the day before.")
    from_date = models.DateField(
        help_text="Cases deemed received on or after this day take the pack."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_by_label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["organisation", "from_date", "recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "from_date"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="policy_adoption_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy_pack} from {self.from_date:%d %b %Y} (replaces {self.replaces})"


class FloorChange(Recorded):
    """One of the Code's minimums switched on or off for an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="floor_changes"
    )
    rule = models.CharField(max_length=40, help_text="A Code minimum (domain.floor.FLOOR_RULES).")
    applies = models.BooleanField(help_text="Whether PutRight applies it after this change.")

    class Meta:
        ordering = ["organisation", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.rule} {'on' if self.applies else 'off'}"
