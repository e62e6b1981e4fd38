"""The page of compensation against the ombudsman's remedies guidance, and its CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from putright.accounts.access import AccessDeniedError, NotVisibleError, record_access

from .access import visible_references
from .guidance import as_csv, remedies_report
from .service import organisation_and_members
from .views import Params, _can_list_cases, _forbidden, _user, index_with_errors


@login_required
@require_http_methods(["GET"])
def remedies_guidance(request: HttpRequest) -> HttpResponse:
    """Offers against the ombudsman's figure by stage and service area; stage 2's raises."""
    user = _user(request)
    try:
        params = Params(request, user)
    except NotVisibleError as error:
        raise Http404(str(error)) from None
    except AccessDeniedError as error:
        return _forbidden(request, error)
    if params.errors or params.organisation is None:
        return index_with_errors(request, user, params, params.errors)
    organisation = params.organisation
    report = remedies_report(organisation_and_members(organisation), params.start, params.end)
    name = f"ombudsman-remedies-{organisation.slug}-{params.start}-{params.end}.csv"
    if request.GET.get("format") == "csv":
        record_access(user, "exported a report", detail=name)
        response = HttpResponse(as_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    cases_allowed = _can_list_cases(user, organisation)
    below = sorted({i for row in report.rows[:-1] for i in row.below_case_ids})
    return render(
        request,
        "reports/remedies_guidance.html",
        {
            "organisation": organisation,
            "params": params,
            "report": report,
            "total": report.rows[-1],
            "rows": report.rows[:-1],
            "raises": report.raises,
            "below_references": visible_references(user, below) if cases_allowed else [],
            "raised_references": visible_references(user, report.raises.raised_case_ids)
            if cases_allowed
            else [],
            "csv_url": reverse("reports:remedies-guidance") + "?" + params.query(format="csv"),
        },
    )
