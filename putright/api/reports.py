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


class RestrictionQuery(In):
    organisation: Text = Field(
        description="The organisation's slug (a group includes its members)."
    )
    start: datetime.date = Field(description="First day of the period.")
    end: datetime.date = Field(description="Last day of the period (included).")


class CountOut(Schema):
    id: str = Field(description="The policy's id of the category, measure or outcome.")
    label: str = Field(description="In the policy's words.")
    count: int


class RestrictionReportOut(Schema):
    report: str = Field(description="restrictions")
    organisation: OrganisationRef
    organisations: list[str]
    period: PeriodOut
    warnings: int = Field(description="Warnings given in the period.")
    restrictions: int = Field(description="Restrictions imposed in the period.")
    by_category: list[CountOut] = Field(
        description="Restrictions imposed, by category of behaviour (one with two counts twice)."
    )
    by_measure: list[CountOut] = Field(description="Restrictions imposed, by measure.")
    reviews_held: int
    reviews_on_time: int = Field(description="Reviews held by the day they were due.")
    review_outcomes: list[CountOut] = Field(description="keep, vary or lift.")
    appeals_decided: int
    appeals_upheld: int
    appeals_on_time: int
    in_force_at_end: int = Field(description="Restrictions in force on the last day.")
    to_finish: int = Field(description="Carried over from free text, still to finish.")


@router.get(
    "/reports/restrictions",
    response={200: RestrictionReportOut, **errors(403, 404)},
    operation_id="reports_restrictions",
)
def reports_restrictions(request: HttpRequest, query: Query[RestrictionQuery]) -> Any:
    """Unacceptable behaviour in counts for the period: warnings and restrictions by category
    and measure, reviews held on time, appeals upheld. Counts only: never a person, so a board
    member reads them as any other report reader."""
    from putright.reports.restrictions import labelled, restriction_counts
    from putright.reports.service import check_period, organisation_and_members

    user = user_of(request)
    organisation = report_organisation(user, query.organisation)
    try:
        check_period(query.start, query.end)
    except ReportInputError as error:
        raise CaseInputError(
            error.message, fields={error.field or "request": error.message}
        ) from None
    members = organisation_and_members(organisation)
    found = labelled(
        restriction_counts([o.pk for o in members], query.start, query.end), members, query.end
    )
    c = found.counts
    return {
        "report": "restrictions",
        "organisation": {"slug": organisation.slug, "name": organisation.name},
        "organisations": [o.slug for o in members],
        "period": {"start": query.start, "end": query.end},
        "warnings": c.warnings,
        "restrictions": c.restrictions,
        "by_category": found.by_category,
        "by_measure": found.by_measure,
        "reviews_held": c.reviews_held,
        "reviews_on_time": c.reviews_on_time,
        "review_outcomes": found.review_outcomes,
        "appeals_decided": c.appeals_decided,
        "appeals_upheld": c.appeals_upheld,
        "appeals_on_time": c.appeals_on_time,
        "in_force_at_end": c.in_force_at_end,
        "to_finish": c.to_finish,
    }


class HazardClockOut(Schema):
    organisation: str
    phase: str = Field(description="The hazards pack's phase the hazard fell under.")
    step: str = Field(description="The clock: investigate, summary, safety work ...")
    met: int
    missed: int
    running: int


class HazardMonthOut(Schema):
    month: str = Field(description="YYYY-MM, by when the landlord became aware.")
    recognised: int
    confirmed: int
    dismissed: int
    emergency: int
    significant: int
    made_safe: int
    without_statutory_clocks: int
    clocks_met: int
    clocks_missed: int
    clocks_running: int


class HazardReportOut(Schema):
    report: str = Field(description="hazards")
    organisation: OrganisationRef
    organisations: list[str]
    period: PeriodOut
    recognised: int = Field(description="Hazards the landlord became aware of in the period.")
    by_origin: dict[str, int] = Field(description="screen, hand or flag.")
    confirmed: int
    dismissed: int
    suspected: int = Field(description="Neither confirmed nor dismissed yet.")
    by_kind: dict[str, int]
    statutory: int = Field(description="Under the statutory clocks (social rented tenancies).")
    without_statutory_clocks: int
    clocks: list[HazardClockOut] = Field(description="Each clock met, missed or running.")
    made_safe: int
    median_hours_to_safe: float | None
    longest_hours_to_safe: float | None
    months: list[HazardMonthOut] = Field(description="The board's monthly list: counts only.")


@router.get(
    "/reports/hazards",
    response={200: HazardReportOut, **errors(403, 404)},
    operation_id="reports_hazards",
)
def reports_hazards(request: HttpRequest, query: Query[RestrictionQuery]) -> Any:
    """Hazards under Awaab's Law for the period (by when the landlord became aware):
    recognised, confirmed and dismissed, each clock met, missed or running by phase, hours to
    made safe, and the board's monthly list. Counts only: never a person or an address."""
    from putright.hazards.reports import hazard_report
    from putright.reports.service import check_period, organisation_and_members

    user = user_of(request)
    organisation = report_organisation(user, query.organisation)
    try:
        check_period(query.start, query.end)
    except ReportInputError as error:
        raise CaseInputError(
            error.message, fields={error.field or "request": error.message}
        ) from None
    members = organisation_and_members(organisation)
    figures = hazard_report(organisations=members, start=query.start, end=query.end).as_dict()
    for name in ("start", "end"):
        figures.pop(name)
    return {
        "report": "hazards",
        "organisation": {"slug": organisation.slug, "name": organisation.name},
        "period": {"start": query.start, "end": query.end},
        **figures,
    }
