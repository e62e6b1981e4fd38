"""A sample record: an organisation's, with a title."""

from __future__ import annotations

from django.db import models


class SampleRecord(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT)
    title = models.CharField(max_length=100)

    class Meta:
        app_label = "timeline_sample"

    def __str__(self) -> str:
        return self.title
