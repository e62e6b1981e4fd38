"""The words kept for each case, which search reads through an index (``rules.py``)."""

from __future__ import annotations

import datetime

from django.db import models

#: ``due_or_last`` of a case with nothing due: the constant ``cases.models.DueOrLast`` uses.
NO_DUE_DATE = datetime.date(9999, 12, 31)


class CaseText(models.Model):
    """One row per case: ``public`` (its customer's name and its summary) and ``private``
    (those with the customer's address and postcode), as plain words (``rules.documents``).

    On PostgreSQL each has its ``simple`` tsvector stored beside it (``public_tsv``,
    ``private_tsv``, generated columns the model does not name) with a GIN index; on SQLite
    the FTS5 table
    ``search_casetext_fts`` mirrors them (kept by triggers). Written by ``index.refresh``.

    ``due_or_last`` is the case's place in the queue's order (its next due date, or
    ``NO_DUE_DATE``), kept beside the words so that a word common in one organisation's
    cases and rare elsewhere is listed in that order from this table alone
    (``queries.py``); it follows the case's ``next_due_on`` (``signals.py``).
    """

    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # The case's organisation, so the words only some readers may search are limited to the
    # organisations where they may see contact details inside the one index read.
    organisation_id = models.BigIntegerField(db_index=False)
    public = models.TextField(blank=True)
    private = models.TextField(blank=True)
    due_or_last = models.DateField(default=NO_DUE_DATE)

    class Meta:
        indexes = [models.Index(fields=["due_or_last", "case"], name="search_casetext_due")]
        verbose_name = "case words"
        verbose_name_plural = "case words"

    def __str__(self) -> str:
        return f"words of case {self.case_id}"
