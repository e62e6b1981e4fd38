"""The words of a case follow its summary and its customer: a case saved, or a person saved,
writes the words of the cases concerned again, in the same transaction as the change. Its
place in the queue's order follows its next due date (a case saved with ``next_due_on``;
``cases.services.deadline_sweep.refresh_cached_dates`` updates without saving and calls
``index.follow_due`` itself)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import post_save

from . import index

CASE_FIELDS = frozenset({"summary", "customer", "customer_id"})
PERSON_FIELDS = frozenset({"name", "address", "postcode"})


def _concerns(fields: Any, watched: frozenset[str]) -> bool:
    return fields is None or bool(watched & set(fields))


def _after_case(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    fields = kwargs.get("update_fields")
    if _concerns(fields, CASE_FIELDS):
        index.refresh([instance.pk])
    elif fields is not None and "next_due_on" in fields:
        index.follow_due(instance.pk, instance.next_due_on)


def _after_person(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or kwargs.get("created"):  # a new person has no case yet
        return
    if _concerns(kwargs.get("update_fields"), PERSON_FIELDS):
        cases = apps.get_model("cases", "Case").objects.filter(customer_id=instance.pk)
        index.refresh(cases.values_list("pk", flat=True))


def connect() -> None:
    post_save.connect(_after_case, sender="cases.Case", dispatch_uid="search-case")
    post_save.connect(_after_person, sender="people.Person", dispatch_uid="search-person")
