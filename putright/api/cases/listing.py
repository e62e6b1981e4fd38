"""The cases you may see, filtered as the queue is, newest first, a page at a time."""

import base64
import binascii
import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query
from pydantic import field_validator

from putright.cases.errors import CaseInputError
from putright.cases.models import Case
from putright.cases.queries import (
    FLAG_FIELDS,
    SEARCH_LENGTH,
    CaseFilters,
    DueWindow,
    Flag,
    case_list,
)

from ..reference import user_of
from ..schemas import (
    CasePage,
    In,
    errors,
)
from ._router import router
from .answers import case_summary


class CaseFilter(In):
    """The list's query parameters: the staff queue's filters (``case_list``), in the API's
    names (``q`` for the queue's text)."""

    organisation: str | None = None
    kind: str | None = None
    stage: str | None = None
    status: str | None = None
    handler: str | None = None
    service_area: str | None = None
    flags: list[Flag] = Field(
        default_factory=list,
        description="Cases with every flag given (repeat the parameter: flags=a&flags=b).",
    )
    due: DueWindow | None = Field(
        None,
        description="Overdue; due today; due from today to 7 days ahead (week) or 14 (fortnight).",
    )
    due_before: datetime.date | None = None
    overdue: bool | None = None
    q: str | None = Field(
        None,
        max_length=SEARCH_LENGTH,
        description=(
            "A reference, the customer's name, words of the summary, or the customer's postcode "
            "(with or without its space) where you may see contact details."
        ),
    )
    cursor: str | None = None
    limit: int = 50

    @field_validator("flags", mode="before")
    @classmethod
    def _known_flags(cls, value: object) -> object:
        """Named against ``flags``, not against one item of it."""
        if any(flag not in FLAG_FIELDS for flag in (value if isinstance(value, list) else [value])):
            raise ValueError(f"Each flag is one of {', '.join(FLAG_FIELDS)}.")
        return value

    def filters(self) -> CaseFilters:
        return CaseFilters(
            organisation=self.organisation or "",
            kind=self.kind or "",
            stage=self.stage or "",
            status=self.status or "",
            handler=self.handler or "",
            service_area=self.service_area or "",
            flags=tuple(self.flags),
            due=self.due or "",
            due_before=self.due_before,
            overdue=self.overdue,
            text=self.q or "",
        )


def _encode_cursor(case: Case) -> str:
    raw = f"{case.received_at.isoformat()}|{case.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        moment, _, pk = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        when = datetime.datetime.fromisoformat(moment)
        if timezone.is_naive(when):
            raise ValueError(cursor)
        # The database compares times in UTC: a time that has none (year 1 or 9999 at the
        # far side of the date line) is no cursor this API gave out.
        return when.astimezone(datetime.UTC), int(pk)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise CaseInputError(
            "The cursor is not one this API gave out.", fields={"cursor": "Invalid."}
        ) from None


@router.get("/cases", response={200: CasePage, **errors()}, operation_id="cases_list")
def cases_list(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    """Cases you may see, newest first, with a cursor for the next page: the staff queue's
    filters, the same cases for the same filters."""
    if not 1 <= filters.limit <= 200:
        raise CaseInputError("limit must be between 1 and 200.", fields={"limit": "1 to 200."})
    cases = case_list(user=user_of(request), filters=filters.filters())
    if filters.cursor:
        moment, pk = _decode_cursor(filters.cursor)
        cases = cases.filter(Q(received_at__lt=moment) | Q(received_at=moment, pk__lt=pk))
    page = list(
        cases.select_related("organisation", "handler").order_by("-received_at", "-pk")[
            : filters.limit + 1
        ]
    )
    more = len(page) > filters.limit
    page = page[: filters.limit]
    return {
        "results": [case_summary(c) for c in page],
        "next_cursor": _encode_cursor(page[-1]) if more and page else None,
    }
