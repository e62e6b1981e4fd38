"""Staff report pages: charts with the same figures as accessible tables beneath, and exports.

Report readers (``access.can_read_reports``) see the figures; the links to the cases
behind a figure show only to those who may see that organisation's cases, and the list
they open holds only cases the reader may see. A board member sees no case.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from putright.accounts.access import (
    CASE_READERS,
    AccessDeniedError,
    NotVisibleError,
    can_read_reports,
    organisations_for,
    roles_in,
)
from putright.accounts.models import User
from putright.organisations.models import Organisation

from .access import record_export, report_organisation, visible_references
from .charts import performance_charts, period_sources, tsm_charts
from .export import XLSX_CONTENT_TYPE, as_csv, as_xlsx, filename, long_date, title
from .grouping import DIMENSIONS
from .measures import (
    ALL_FIGURES,
    COMPENSATION_STAGES,
    PERFORMANCE_FIGURES,
    TSM_FIGURES,
    Figure,
)
from .models import Compliance
from .pdf import document_pdf as pdf_of
from .periods import default_period, last_financial_year
from .restrictions import labelled, restriction_counts
from .service import (
    REPORTS,
    Report,
    ReportInputError,
    build,
    check_dimensions,
    check_period,
    load,
    parse_date,
)

PERFORMANCE_SECTIONS = (
    ("Stage 1", [k for k in PERFORMANCE_FIGURES if k.startswith("stage1.")]),
    ("Stage 2", [k for k in PERFORMANCE_FIGURES if k.startswith("stage2.")]),
    (
        "Compensation",
        [k for k in PERFORMANCE_FIGURES if k.startswith("compensation.") and k.count(".") == 1],
    ),
    *(
        (
            f"Compensation at {name}",
            [k for k in PERFORMANCE_FIGURES if k.startswith(f"compensation.{key}.")],
        )
        for key, name in COMPENSATION_STAGES
    ),
    ("Satisfaction", [k for k in PERFORMANCE_FIGURES if k.startswith("tp09.")]),
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def readable_organisations(user: User) -> list[Organisation]:
    return [o for o in organisations_for(user).order_by("name") if can_read_reports(user, o)]


class Params:
    """What a report page was asked for, read from the query string.

    Without a period, the page opens on one that holds the organisation's complaints
    (:func:`putright.reports.periods.default_period`), and ``period_reason`` says which."""

    def __init__(self, request: HttpRequest, user: User) -> None:
        self.errors: dict[str, str] = {}
        get = request.GET
        self.slug = get.get("organisation", "")
        self.by: tuple[str, ...] = ()
        self.organisation: Organisation | None = None
        self.period_reason = ""
        if not self.slug:
            readable = readable_organisations(user)
            if len(readable) == 1:
                self.slug = readable[0].slug
            else:
                self.errors["organisation"] = "Choose an organisation."
        if self.slug:
            self.organisation = report_organisation(user, self.slug)
        if get.get("start") or get.get("end"):
            default_start, default_end = last_financial_year(timezone.localdate())
        else:
            chosen = default_period(
                [self.organisation] if self.organisation else readable_organisations(user),
                timezone.localdate(),
            )
            default_start, default_end = chosen.start, chosen.end
            self.period_reason = chosen.reason
        self.start = default_start
        self.end = default_end
        try:
            self.start = parse_date(get.get("start") or default_start, "start")
        except ReportInputError as error:
            self.errors["start"] = error.message
        try:
            self.end = parse_date(get.get("end") or default_end, "end")
        except ReportInputError as error:
            self.errors["end"] = error.message
        try:
            self.by = check_dimensions(get.getlist("by"))
        except ReportInputError as error:
            self.errors["by"] = error.message
        if "start" in self.errors or "end" in self.errors or "by" in self.errors:
            pass
        elif self.end < self.start:
            self.errors["end"] = "The period must end on or after the day it starts."
        else:
            try:  # the same limits as every report: the years the calendar covers, at most 11
                check_period(self.start, self.end)
            except ReportInputError as error:
                self.errors[error.field or "start"] = error.message

    def query(self, **extra: Any) -> str:
        pairs: list[tuple[str, str]] = [
            ("organisation", self.slug),
            ("start", self.start.isoformat()),
            ("end", self.end.isoformat()),
        ]
        pairs += [("by", b) for b in self.by]
        for key, value in extra.items():
            if isinstance(value, list | tuple):
                pairs += [(key, str(v)) for v in value]
            else:
                pairs.append((key, str(value)))
        return urlencode(pairs)


def _forbidden(request: HttpRequest, error: Exception) -> HttpResponse:
    return render(request, "staff/no_permission.html", {"what": "read these reports"}, status=403)


def _can_list_cases(user: User, organisation: Organisation) -> bool:
    return bool(roles_in(user, organisation.pk) & CASE_READERS)


def _cell(figure: Figure | None, link: str | None) -> dict[str, Any]:
    if figure is None:
        return {"text": "-", "detail": "", "url": None}
    detail = ""
    if figure.numerator is not None and figure.denominator is not None:
        detail = f"{figure.numerator:,} of {figure.denominator:,}"
    has_cases = (
        ALL_FIGURES[figure.key].has_cases and figure.case_ids is not None and len(figure.case_ids)
    )
    return {"text": figure.display(), "detail": detail, "url": link if has_cases else None}


def figure_table(
    report: Report, keys: list[str], params: Params | DocumentParams, cases_allowed: bool
) -> dict[str, Any]:
    """Figures as rows and groups (then all) as columns, each cell maybe linking to its cases."""
    groups = report.rows()
    columns = [" / ".join(g.labels) for g in report.groups] + ["All"] if report.by else ["Value"]
    rows = []
    for key in keys:
        cells = []
        for group in groups:
            link = None
            if cases_allowed:
                link = (
                    reverse("reports:cases", args=[report.kind])
                    + "?"
                    + params.query(figure=key, key=list(group.key))
                )
            cells.append(_cell(group.figures.get(key), link))
        rows.append(
            {
                "key": key,
                "label": ALL_FIGURES[key].label,
                "description": ALL_FIGURES[key].description,
                "cells": cells,
            }
        )
    return {"columns": columns, "rows": rows}


#: A figure shown beside another on the TSM page's cards, rather than on a card of its own.
BESIDE = {
    "ch02.stage1": ("ch02.stage1_policy", "Within the landlord's policy timescale"),
    "ch02.stage2": ("ch02.stage2_policy", "Within the landlord's policy timescale"),
}
#: Counts the TSM table gives that need no card (their rates per 1,000 homes have one).
NO_CARD = {"ch01.stage1", "ch01.stage2"}


def tsm_cards(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline cards: each measure's total, CH02 with the landlord's own timescale."""
    rows = {row["key"]: row for row in table["rows"]}
    shown_beside = {key for key, _label in BESIDE.values()}
    cards = []
    for row in table["rows"]:
        if row["key"] in NO_CARD or row["key"] in shown_beside:
            continue
        card = {"label": row["label"], "cell": row["cells"][-1], "beside": None}
        if row["key"] in BESIDE and BESIDE[row["key"]][0] in rows:
            key, label = BESIDE[row["key"]]
            card["beside"] = {"label": label, "cell": rows[key]["cells"][-1]}
        cards.append(card)
    return cards


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = readable_organisations(user)
    if not organisations:
        return render(request, "staff/no_permission.html", {"what": "read reports"}, status=403)
    period = default_period(organisations, timezone.localdate())
    return render(
        request,
        "reports/index.html",
        {
            "organisations": organisations,
            "start": period.start,
            "end": period.end,
            "period_reason": period.reason,
            "dimensions": DIMENSIONS,
            "documents": DOCUMENTS,
        },
    )


DOCUMENTS = (
    ("self-assessment", "Complaint Handling Code self-assessment"),
    ("annual", "Annual complaints performance and service improvement report"),
    ("board-pack", "Quarterly board pack"),
)


def index_with_errors(
    request: HttpRequest, user: User, params: Params, errors: dict[str, str], kind: str = ""
) -> HttpResponse:
    """The reports page again, with what was wrong beside its field (400)."""
    context: dict[str, Any] = {
        "organisations": readable_organisations(user),
        "start": params.start,
        "end": params.end,
        "dimensions": DIMENSIONS,
        "documents": DOCUMENTS,
        "errors": errors,
    }
    if kind:
        context["kind"] = kind
    return render(request, "reports/index.html", context, status=400)


@login_required
def report_page(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in REPORTS:
        raise Http404("There is no such report.")
    user = _user(request)
    try:
        params = Params(request, user)
    except NotVisibleError as error:
        raise Http404(str(error)) from None
    except AccessDeniedError as error:
        return _forbidden(request, error)
    if params.errors or params.organisation is None:
        return index_with_errors(request, user, params, params.errors, kind)
    try:
        loaded = load(params.organisation, params.start, params.end)
        report = build(
            kind, params.organisation, params.start, params.end, by=params.by, loaded=loaded
        )
    except ReportInputError as error:
        errors = {error.field or "organisation": error.message}
        return index_with_errors(request, user, params, errors, kind)
    cases_allowed = _can_list_cases(user, params.organisation)
    if kind == "tsm":
        sections = [("Tenant Satisfaction Measures", list(TSM_FIGURES))]
    else:
        sections = list(PERFORMANCE_SECTIONS)
    sources = period_sources(loaded)
    charts = tsm_charts(sources) if kind == "tsm" else performance_charts(sources)
    restrictions = None
    if kind == "performance":
        restrictions = labelled(
            restriction_counts([o.pk for o in loaded.organisations], params.start, params.end),
            loaded.organisations,
            params.end,
        )
    tables = [
        {"caption": caption, **figure_table(report, keys, params, cases_allowed)}
        for caption, keys in sections
    ]
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "title": title(report),
            "kind": kind,
            "params": params,
            "charts": charts,
            "restrictions": restrictions,
            "period_reason": params.period_reason,
            "tables": tables,
            "figure_count": sum(len(t["rows"]) * len(t["columns"]) for t in tables),
            "cards": tsm_cards(tables[0]) if kind == "tsm" else [],
            "dimensions": DIMENSIONS,
            "csv_url": reverse("reports:export", args=[kind, "csv"]) + "?" + params.query(),
            "xlsx_url": reverse("reports:export", args=[kind, "xlsx"]) + "?" + params.query(),
            "json_url": f"/api/v1/reports/{kind}?" + params.query(),
            "grouped_by_quarter": reverse("reports:report", args=[kind])
            + "?"
            + urlencode(
                {
                    "organisation": params.slug,
                    "start": params.start,
                    "end": params.end,
                    "by": "quarter",
                }
            ),
            "cases_allowed": cases_allowed,
            "breakdowns": report.breakdowns,
            "documents": DOCUMENTS,
            "plain_query": urlencode(
                {"organisation": params.slug, "start": params.start, "end": params.end}
            ),
        },
    )


@login_required
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in REPORTS or fmt not in ("csv", "xlsx"):
        raise Http404("There is no such export.")
    user = _user(request)
    try:
        params = Params(request, user)
    except NotVisibleError as error:
        raise Http404(str(error)) from None
    except AccessDeniedError as error:
        return _forbidden(request, error)
    if params.errors or params.organisation is None:
        message = "; ".join(params.errors.values())
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    try:
        report = build(kind, params.organisation, params.start, params.end, by=params.by)
    except ReportInputError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    if fmt == "csv":
        response = HttpResponse(as_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(as_xlsx(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(report, fmt)}"'
    record_export(user, report, fmt)
    return response


@login_required
def cases(request: HttpRequest, kind: str) -> HttpResponse:
    """The cases behind one figure of one group, among those the reader may see."""
    if kind not in REPORTS:
        raise Http404("There is no such report.")
    user = _user(request)
    try:
        params = Params(request, user)
    except NotVisibleError as error:
        raise Http404(str(error)) from None
    except AccessDeniedError as error:
        return _forbidden(request, error)
    key = request.GET.get("figure", "")
    if params.errors or params.organisation is None or key not in ALL_FIGURES:
        raise Http404("There is no such figure.")
    if not _can_list_cases(user, params.organisation):
        return render(request, "staff/no_permission.html", {"what": "see cases"}, status=403)
    report = build(kind, params.organisation, params.start, params.end, by=params.by)
    group = tuple(request.GET.getlist("key"))
    if len(group) != len(params.by):
        group = ()
    figure = report.figure(key, group)
    if figure is None and group:
        figure = next((g.figures.get(key) for g in report.groups if g.key == group), None)
    if figure is None:
        raise Http404("There is no such figure.")
    found = visible_references(user, figure.case_ids)
    labels = next((g.labels for g in report.groups if g.key == group), ())
    return render(
        request,
        "reports/cases.html",
        {
            "report": report,
            "title": title(report),
            "figure": figure,
            "label": ALL_FIGURES[key].label,
            "group": ", ".join(
                f"{DIMENSIONS[d]}: {v}" for d, v in zip(params.by, labels, strict=False)
            ),
            "references": found,
            "hidden": (len(figure.case_ids) if figure.case_ids is not None else 0) - len(found),
            "back": reverse("reports:report", args=[kind]) + "?" + params.query(),
        },
    )


# -- equality and the documents -------------------------------------------------------


def _period_or_error(
    request: HttpRequest, user: User, document: str | None = None
) -> Params | HttpResponse:
    try:
        params = Params(request, user)
    except NotVisibleError as error:
        raise Http404(str(error)) from None
    except AccessDeniedError as error:
        return _forbidden(request, error)
    if not params.errors and params.organisation is not None and document == "board-pack":
        from .documents import previous_period

        # The board pack compares the period with the one before it: that too must be one
        # a report can cover.
        before_start, before_end = previous_period(params.start, params.end)
        try:
            check_period(before_start, before_end)
        except ReportInputError as error:
            params.errors["start"] = (
                f"{error.message} The board pack compares the period with the one before it "
                f"({long_date(before_start)} to {long_date(before_end)}), so start later."
            )
    if params.errors or params.organisation is None:
        errors = params.errors or {"organisation": "Choose an organisation."}
        return index_with_errors(request, user, params, errors)
    return params


@login_required
def equality(request: HttpRequest) -> HttpResponse:
    from .equality import equality_report

    user = _user(request)
    params = _period_or_error(request, user)
    if isinstance(params, HttpResponse):
        return params
    assert params.organisation is not None
    report = equality_report(params.organisation, params.start, params.end)
    return render(
        request,
        "reports/equality.html",
        {
            "report": report,
            "title": f"Equality and reach: {params.organisation.name}, "
            f"{long_date(params.start)} to {long_date(params.end)}",
            "params": params,
        },
    )


def _can_edit(user: User, organisation: Organisation) -> bool:
    from putright.accounts.access import MANAGERS
    from putright.accounts.models import Role

    return bool(roles_in(user, organisation.pk) & (MANAGERS | {Role.ADMINISTRATOR}))


class DocumentParams:
    """The period of a document produced outside a request (the console)."""

    def __init__(
        self, organisation: Organisation, start: datetime.date, end: datetime.date
    ) -> None:
        self.organisation: Organisation | None = organisation
        self.slug = organisation.slug
        self.start = start
        self.end = end
        self.by: tuple[str, ...] = ()
        self.errors: dict[str, str] = {}

    def query(self, **extra: Any) -> str:
        return urlencode(
            {
                "organisation": self.slug,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
            }
        )


def document_context(document: str, params: Params | DocumentParams) -> dict[str, Any]:
    from . import documents as docs

    assert params.organisation is not None
    organisation, start, end = params.organisation, params.start, params.end
    if document == "self-assessment":
        return {"assessment": docs.self_assessment(organisation, start, end)}
    if document == "annual":
        annual = docs.annual_report(organisation, start, end)
        return {
            "annual": annual,
            "assessment": annual.assessment,
            "texts": annual.texts,
            "tsm_table": figure_table(annual.tsm, list(TSM_FIGURES), params, False),
            "quarter_tables": [
                {"caption": caption, **figure_table(annual.by_quarter, keys, params, False)}
                for caption, keys in PERFORMANCE_SECTIONS
            ],
            "area_table": {
                "caption": "Stage 1 by service area",
                **figure_table(
                    annual.by_service_area,
                    [
                        "stage1.received",
                        "stage1.responded_on_time_share",
                        "stage1.upheld",
                        "stage1.partly_upheld",
                        "stage1.not_upheld",
                    ],
                    params,
                    False,
                ),
            },
            "breakdowns": annual.performance.breakdowns,
            "equality": annual.equality,
        }
    pack = docs.board_pack(organisation, start, end)
    return {
        "pack": pack,
        "texts": pack.texts,
        "area_table": {
            "caption": "Stage 1 by service area this period",
            **figure_table(
                pack.by_service_area,
                ["stage1.received", "stage1.responded_on_time_share", "stage1.overdue_now"],
                params,
                False,
            ),
        },
        "breakdowns": pack.performance.breakdowns,
    }


@login_required
def document(request: HttpRequest, document: str) -> HttpResponse:
    from . import documents as docs

    if document not in docs.DOCUMENT_TITLES:
        raise Http404("There is no such document.")
    user = _user(request)
    params = _period_or_error(request, user, document)
    if isinstance(params, HttpResponse):
        return params
    assert params.organisation is not None
    editable = _can_edit(user, params.organisation)
    if request.method == "POST":
        if not editable:
            return render(
                request, "staff/no_permission.html", {"what": "change this document"}, status=403
            )
        try:
            if document == "self-assessment":
                docs.save_entry(
                    params.organisation,
                    params.end.year,
                    request.POST.get("provision", ""),
                    compliance=request.POST.get("compliance", ""),
                    evidence=request.POST.get("evidence", "")[:5000],
                    commentary=request.POST.get("commentary", "")[:5000],
                    user=user,
                )
            else:
                docs.save_text(
                    params.organisation,
                    params.end.year,
                    document,
                    request.POST.get("section", ""),
                    request.POST.get("text", "")[:20000],
                    user,
                )
        except ValueError as error:
            return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
        from django.contrib import messages
        from django.shortcuts import redirect

        messages.success(request, "Saved.")
        return redirect(reverse("reports:document", args=[document]) + "?" + params.query())
    title_text = (
        f"{docs.DOCUMENT_TITLES[document]}: {params.organisation.name}, "
        f"{long_date(params.start)} to {long_date(params.end)}"
    )
    context = {
        "document": document,
        "title": title_text,
        "params": params,
        "editable": editable,
        "organisation": params.organisation,
        "start": params.start,
        "end": params.end,
        "pdf_url": reverse("reports:document-pdf", args=[document]) + "?" + params.query(),
        "period_reason": params.period_reason,
        "compliance_choices": list(Compliance.choices),
        **document_context(document, params),
    }
    if request.GET.get("print") == "1":
        return render(request, "reports/document_print.html", {**context, "editable": False})
    return render(request, "reports/document.html", context)


@login_required
def document_pdf(request: HttpRequest, document: str) -> HttpResponse:
    from django.template.loader import render_to_string

    from . import documents as docs

    if document not in docs.DOCUMENT_TITLES:
        raise Http404("There is no such document.")
    user = _user(request)
    params = _period_or_error(request, user, document)
    if isinstance(params, HttpResponse):
        return params
    assert params.organisation is not None
    context = {
        "document": document,
        "title": f"{docs.DOCUMENT_TITLES[document]}: {params.organisation.name}, "
        f"{long_date(params.start)} to {long_date(params.end)}",
        "params": params,
        "editable": False,
        "organisation": params.organisation,
        "start": params.start,
        "end": params.end,
        **document_context(document, params),
    }
    html = render_to_string(
        "reports/document_print.html", {**context, "pdf": True}, request=request
    )
    pdf = pdf_of(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{document}-{params.organisation.slug}-{params.start}-{params.end}.pdf"'
    )
    return response
