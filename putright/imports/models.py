"""What an import of cases kept: each run, each source case and the case it became, and
each source person and the customer they were matched to."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    """One real run of ``putright import cases`` (a dry run keeps nothing)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="import_runs"
    )
    file_name = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64)
    mapping_name = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    #: The report's counts: rows read, cases created, unchanged, changed, refused, people ...
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class ImportedCase(models.Model):
    """A case of the source system, by its own reference, and the case it became here.

    ``row_hash`` is the hash of the row's mapped values when it was imported: the same
    reference with another hash is a changed row, reported and never overwritten."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    source_reference = models.CharField(max_length=100)
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="imported_from"
    )
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="cases")
    line = models.PositiveIntegerField(help_text="The row's line in the file it came from.")
    row_hash = models.CharField(max_length=64)
    #: The row's mapped values as imported, to say what changed in a later file.
    values = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_reference"], name="imported_case_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_reference} -> {self.case_id}"


class ImportedPerson(models.Model):
    """A person of the source system, by its own id, and the customer they are here."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=100)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_id"], name="imported_person_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.person_id}"
