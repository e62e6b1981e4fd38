"""The quality review's summary: ``GET /api/v1/quality/summary``.

Wired with ``api.add_router("/", quality.router)``. Readers are those who read reports
(a board member included); the scores by the person who sent each response are given only
to those who review responses (``may_review_quality``), so a board member reads no name.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from putright.accounts.access import may_review_quality
from putright.quality.services import quarter_of
from putright.quality.summary import SPANS, Group, quality_summary
from putright.reports.access import report_organisation

from .reference import user_of
from .schemas import In, Text, errors

router = Router(tags=["quality"])


class QualityQuery(In):
    organisation: Text = Field(description="The organisation's slug.")
    quarters: int = Field(
        4, description="How many quarters, up to and including the current one: 1, 2, 4 or 8."
    )

    @field_validator("quarters")
    @classmethod
    def _a_span_shown(cls, value: int) -> int:
        if value not in SPANS:
            raise ValueError("Give 1, 2, 4 or 8.")
        return value


class QualityGroupOut(Schema):
    label: str
    reviewed: int
    code: float | None = Field(None, description="The Code's checklist met, from 0 to 1")
    standards: float | None = Field(None, description="The landlord's standards, from 0 to 1")
    overall: float | None = Field(None, description="The two, equally weighted")


class ItemOut(Schema):
    item: str
    met: float | None = Field(None, description="The share of responses reviewed that met it")


class StandardOut(Schema):
    standard: str
    mark: float | None = Field(None, description="The average mark, from 1 to 4")


class QualitySummaryOut(Schema):
    organisation: str
    first_quarter: datetime.date
    last_quarter: datetime.date
    sampled: int
    reviewed: int
    overall: QualityGroupOut
    by_quarter: list[QualityGroupOut]
    by_service_area: list[QualityGroupOut]
    by_stage: list[QualityGroupOut]
    by_handler: list[QualityGroupOut] = Field(
        [], description="Only for those who review responses; empty for others"
    )
    checklist: list[ItemOut]
    standards: list[StandardOut]


def _group(group: Group) -> dict[str, Any]:
    return {
        "label": group.label,
        "reviewed": group.reviewed,
        "code": group.code,
        "standards": group.standards,
        "overall": group.overall,
    }


@router.get(
    "/quality/summary",
    response={200: QualitySummaryOut, **errors(403, 404)},
    operation_id="quality_summary",
)
def quality_summary_get(request: HttpRequest, query: Query[QualityQuery]) -> Any:
    """The quality review of formal responses over the last quarters: scores against the
    Code's checklist and the landlord's standards by quarter, service area, stage and (for
    reviewers) handler, and how often each item of the checklist was met."""
    user = user_of(request)
    organisation = report_organisation(user, query.organisation)
    last = quarter_of(timezone.localdate())
    first = last
    for _ in range(query.quarters - 1):
        first = quarter_of(first - datetime.timedelta(days=1))
    summary = quality_summary(
        organisation,
        start=first,
        end=last,
        with_handlers=may_review_quality(user, organisation),
    )
    return {
        "organisation": organisation.slug,
        "first_quarter": summary.start,
        "last_quarter": summary.end,
        "sampled": summary.sampled,
        "reviewed": summary.reviewed,
        "overall": _group(summary.overall),
        "by_quarter": [_group(g) for g in summary.by_quarter],
        "by_service_area": [_group(g) for g in summary.by_service_area],
        "by_stage": [_group(g) for g in summary.by_stage],
        "by_handler": [_group(g) for g in summary.by_handler],
        "checklist": [{"item": label, "met": met} for label, met in summary.items],
        "standards": [{"standard": label, "mark": mark} for label, mark in summary.standards],
    }
