"""The history of any record (append-only entries) and the clocks running on it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.query import ModelIterable


class EntryKind(models.TextChoices):
    """The kinds of entry the timeline itself writes; a record type adds its own."""

    CLOCK_STARTED = "clock_started", "Clock started"
    CLOCK_STOPPED = "clock_stopped", "Clock stopped"
    CHASED = "chased", "Chased"


class EntryText(models.Model):
    """Someone's words that an entry of a record's history refers to by id (``{"$text":
    id}`` in its data): kept out of the append-only history so that erasure and retention
    can empty them."""

    record_type = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    body = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["record_type", "record_id"], name="entry_text_of_record")]

    def __str__(self) -> str:
        return f"Text {self.pk} of {self.record_type} {self.record_id}"


class EntryQuerySet(models.QuerySet["Entry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("entries are append-only; they cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("entries are append-only; they cannot be deleted")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Entry]:
        if kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts"):
            raise TypeError("entries are append-only; they cannot be upserted")
        from .personal_text import store

        objs = list(objs)
        restore = store(objs)
        try:
            return super().bulk_create(objs, *args, **kwargs)
        finally:
            for entry, data in restore:
                entry.data = data

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._iterable_class is ModelIterable and self._result_cache:
            from .personal_text import resolve

            resolve(self._result_cache)


class Entry(models.Model):
    """One fact in a record's history. Never updated or deleted.

    Personal data stays out of ``data`` where it can: people are referred to by id.
    """

    record_type = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=100, blank=True, help_text="e.g. 'deadline sweep'")
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["record_type", "record_id", "sequence"]
        verbose_name_plural = "entries"
        constraints = [
            # Also the index of a record's history in order.
            models.UniqueConstraint(
                fields=["record_type", "record_id", "sequence"], name="entry_sequence_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "occurred_at"], name="entry_kind_when")]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} #{self.sequence} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("entries are append-only; they cannot be updated")
        from .personal_text import store

        ((_, data),) = store([self])
        try:
            super().save(*args, **kwargs)
        finally:
            self.data = data

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("entries are append-only; they cannot be deleted")

    @property
    def kind_label(self) -> str:
        """The kind in words: the timeline's own label, else the id in words."""
        try:
            return str(EntryKind(self.kind).label)
        except ValueError:
            return self.kind.replace("_", " ").capitalize()


class ClockUnit(models.TextChoices):
    """What a clock counts (``putright.domain.clocks.ClockUnit``)."""

    WORKING_DAYS = "working_days", "Working days"
    CALENDAR_DAYS = "calendar_days", "Calendar days"
    HOURS = "hours", "Hours"
    STATUTORY_WORKING_DAYS = "statutory_days", "Working days (statutory)"
    CALENDAR_MONTHS = "calendar_months", "Calendar months"


class Clock(models.Model):
    """A deadline of one step on a record: who owes it, when it falls due and why.

    ``due_on`` and ``due_at`` are derived from the rest by the domain when the clock starts
    (and again when the organisation's calendar changes); they are kept for My work and the
    sweep. ``due_at`` is the moment it becomes overdue (the end of ``due_on`` for days).
    """

    record_type = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    step = models.CharField(max_length=60, help_text="The step of the record's pack, by id.")
    label = models.CharField(
        max_length=200, help_text="What is due, e.g. 'Review the restriction'."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clocks",
    )
    team = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=20, choices=ClockUnit.choices)
    amount = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    counted_from = models.CharField(
        max_length=200, blank=True, help_text="What the clock counts from, in words."
    )
    receipt = models.BooleanField(
        default=False, help_text="Counts from a customer's request: the cut-off applies."
    )
    due_on = models.DateField()
    due_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    chased_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="The rule or clause cited.")

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "step"],
                condition=Q(completed_at__isnull=True),
                name="clock_open_once_per_step",
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="clock_amount_positive"),
        ]
        indexes = [
            # My work: an owner's open clocks in due order.
            models.Index(
                fields=["owner", "due_at", "id"],
                condition=Q(completed_at__isnull=True),
                name="clock_open_by_owner",
            ),
            # The sweep: open clocks not yet chased, in due order.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(completed_at__isnull=True, chased_at__isnull=True),
                name="clock_to_chase",
            ),
            models.Index(fields=["record_type", "record_id"], name="clock_of_record"),
            models.Index(
                fields=["organisation", "due_at"],
                condition=Q(completed_at__isnull=True),
                name="clock_open_by_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.record_type} {self.record_id})"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None
