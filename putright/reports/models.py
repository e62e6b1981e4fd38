"""What reporting keeps: the tenant population (for equality analysis) and the landlord's words."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PopulationCount(models.Model):
    """How many tenants (or homes) of an organisation fall in a group, imported as counts.

    ``dimension`` is an equality-data key (``age_band``, ``disability``, ``ethnicity``...),
    ``tenure``, or ``postcode_district`` (homes per district, for geography).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="population"
    )
    year = models.PositiveSmallIntegerField()
    dimension = models.CharField(max_length=60)
    group = models.CharField(max_length=100)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["organisation", "year", "dimension", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "dimension", "group"], name="population_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} {self.dimension}={self.group}: {self.count}"


class Compliance(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    NOT_ASSESSED = "", "Not yet assessed"


class SelfAssessmentEntry(models.Model):
    """The landlord's own assessment of one provision of the Code for one year."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="self_assessment"
    )
    year = models.PositiveSmallIntegerField(help_text="The year the reporting period ends in.")
    provision = models.CharField(max_length=10)
    compliance = models.CharField(max_length=10, choices=Compliance.choices, blank=True)
    evidence = models.TextField(blank=True)
    commentary = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "year", "provision"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "provision"], name="self_assessment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} provision {self.provision}"


class ReportText(models.Model):
    """The landlord's own words in a document (service improvements, the board's response)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="report_texts"
    )
    year = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=60)
    text = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "section"], name="report_text_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} {self.section}"
