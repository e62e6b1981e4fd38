"""Reports: the Tenant Satisfaction Measures and the complaints performance report.

Wired with ``api.add_router("/", reports.router)``. Readers are the roles of
``putright.accounts.access.REPORT_READERS`` (the board member included); the references
of the cases behind each figure (``cases=true``) list only cases the reader may see, so
a board member gets the figures and no case.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from putright.cases.errors import CaseInputError
from putright.reports.access import record_export, report_organisation, visible_references
from putright.reports.export import XLSX_CONTENT_TYPE, as_csv, as_json, as_xlsx, filename
from putright.reports.service import Report, ReportInputError, build

from .reference import user_of
from .schemas import In, Text, errors

router = Router(tags=["reports"])

#: The spreadsheet and CSV forms of a report, documented beside its JSON.
EXPORTS = {
    "responses": {
        "200": {
            "description": "OK",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ReportOut"}},
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
            },
        }
    }
}


class ReportQuery(In):
    organisation: Text = Field(
        description="The organisation's slug (a group includes its members)."
    )
    start: datetime.date = Field(description="First day of the period.")
    end: datetime.date = Field(description="Last day of the period (included).")
    by: str = Field(
        "",
        description="Group by, comma-separated: organisation, service_area, category, channel, "
        "tenure, and month or quarter.",
    )
    cases: bool = Field(False, description="List the references of the cases behind each figure.")
    format: Literal["json", "csv", "xlsx"] = Field("json", description="json, csv or xlsx.")


class OrganisationRef(Schema):
    slug: str
    name: str


class PeriodOut(Schema):
    start: datetime.date
    end: datetime.date


class FigureOut(Schema):
    label: str
    unit: str = Field(description="count, share (0 to 1), rate, days or pence.")
    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None
    cases: list[str] | None = None


class GroupOut(Schema):
    key: dict[str, str]
    labels: dict[str, str]
    figures: dict[str, FigureOut]


class RefusalOut(Schema):
    kind: str = Field(description="escalation_refused or not_accepted.")
    ground: str
    label: str
    count: int
    cases: list[str] | None = None


class ReportOut(Schema):
    report: str
    title: str
    organisation: OrganisationRef
    organisations: list[str]
    period: PeriodOut
    today: datetime.date
    by: list[str]
    homes: int | None = None
    homes_year: int | None = None
    measures: dict[str, Any] | None = Field(
        None, description="TSM only: CH01, CH02 and TP09 by stage, in plain shape."
    )
    figures: dict[str, FigureOut]
    groups: list[GroupOut]
    refusals: list[RefusalOut] | None = None
    notes: list[str]


def _report(request: HttpRequest, kind: str, query: ReportQuery) -> Report:
    user = user_of(request)
    organisation = report_organisation(user, query.organisation)
    try:
        return build(kind, organisation, query.start, query.end, by=[query.by] if query.by else [])
    except ReportInputError as error:
        raise CaseInputError(
            error.message, fields={error.field or "request": error.message}
        ) from None


def _answer(request: HttpRequest, report: Report, query: ReportQuery) -> Any:
    user = user_of(request)
    if query.format == "csv":
        response = HttpResponse(as_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename(report, "csv")}"'
        record_export(user, report, "csv")
        return response
    if query.format == "xlsx":
        response = HttpResponse(as_xlsx(report), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename(report, "xlsx")}"'
        record_export(user, report, "xlsx")
        return response
    lookup = (lambda ids: visible_references(user, ids)) if query.cases else None
    return as_json(report, cases=lookup)


@router.get(
    "/reports/tsm",
    response={200: ReportOut, **errors(403, 404)},
    operation_id="reports_tsm",
    openapi_extra=EXPORTS,
)
def reports_tsm(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    """Tenant Satisfaction Measures for the period: CH01 (stage 1 and stage 2 complaints
    received per 1,000 homes), CH02 (responses within the Complaint Handling Code's
    timescales) and TP09 (satisfied with complaint handling)."""
    return _answer(request, _report(request, "tsm", query), query)


@router.get(
    "/reports/performance",
    response={200: ReportOut, **errors(403, 404)},
    operation_id="reports_performance",
    openapi_extra=EXPORTS,
)
def reports_performance(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    """Complaints performance for the period: received, acknowledged and answered on time,
    working days to respond, extensions, escalation, outcomes, refusals, compensation and
    satisfaction, optionally grouped."""
    return _answer(request, _report(request, "performance", query), query)
