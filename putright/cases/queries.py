"""Filtering cases for queues and lists: one implementation for the API and the staff pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import Case

FLAG_FIELDS = ("health_and_safety", "safeguarding", "vulnerability", "conduct", "anonymous")
DUE_WINDOWS = {
    "overdue": "Overdue",
    "today": "Due today",
    "week": "Due in the next 7 days",
    "fortnight": "Due in the next 14 days",
}


@dataclass(frozen=True)
class CaseQuery:
    organisation: str = ""
    kind: str = ""
    stage: str = ""
    status: str = ""
    handler: str = ""
    service_area: str = ""
    flags: tuple[str, ...] = ()
    due_before: datetime.date | None = None
    due: str = ""  # one of DUE_WINDOWS
    overdue: bool | None = None
    text: str = ""


def _postcode(text: str) -> str:
    """A UK postcode typed without its space (``SO147FF``) in its usual form (``SO14 7FF``)."""
    compact = text.replace(" ", "").upper()
    if 5 <= len(compact) <= 7 and compact[-3].isdigit() and compact[-2:].isalpha():
        return f"{compact[:-3]} {compact[-3:]}"
    return ""


def filter_cases(
    cases: QuerySet[Case], query: CaseQuery, *, today: datetime.date
) -> QuerySet[Case]:
    """The cases matching every given condition."""
    if query.organisation:
        cases = cases.filter(organisation__slug=query.organisation)
    for field in ("kind", "stage", "status", "service_area"):
        value = getattr(query, field)
        if value:
            cases = cases.filter(**{field: value})
    if query.handler:
        cases = cases.filter(handler__username=query.handler)
    for flag in query.flags:
        if flag in FLAG_FIELDS:
            cases = cases.filter(**{flag: True})
    if query.due_before:
        cases = cases.filter(next_due_on__lte=query.due_before)
    if query.due == "overdue" or query.overdue is True:
        cases = cases.filter(next_due_on__lt=today)
    elif query.overdue is False:
        cases = cases.exclude(next_due_on__lt=today)
    if query.due == "today":
        cases = cases.filter(next_due_on=today)
    elif query.due == "week":
        cases = cases.filter(
            next_due_on__gte=today, next_due_on__lte=today + datetime.timedelta(days=7)
        )
    elif query.due == "fortnight":
        cases = cases.filter(
            next_due_on__gte=today, next_due_on__lte=today + datetime.timedelta(days=14)
        )
    text = query.text.strip()
    if text:
        condition = (
            Q(reference__iexact=text)
            | Q(summary__icontains=text)
            | Q(customer__name__icontains=text)
            | Q(customer__postcode__iexact=text)
        )
        postcode = _postcode(text)
        if postcode:
            condition |= Q(customer__postcode__iexact=postcode)
        cases = cases.filter(condition)
    return cases
