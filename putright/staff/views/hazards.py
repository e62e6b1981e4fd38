"""The pages of a case's hazards (Awaab's Law): raise one by hand, and each step, at the same
paths as the API with a trailing slash (``putright/actions/hazards.py``).

Each page asks its questions with the hazards pack's choices, puts every error beside its
field with a summary above (400), and on success returns to the case's hazards.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe
from pydantic import ValidationError

from putright.accounts.access import AccessDeniedError, may_act, record_access
from putright.actions.catalogue import perform_nested
from putright.actions.hazards import HAZARD_BY_NAME
from putright.cases.models import Case
from putright.errors import CaseError
from putright.hazards.models import Hazard, Origin, Severity
from putright.hazards.packs import hazard_pack_for

from .common import case_or_404, staff_user

OTHER = "other"
WHEN: dict[str, Any] = {
    "name": "occurred_at",
    "label": "When it happened",
    "hint": "Leave blank for now. It cannot be in the future, nor before the landlord became aware.",
    "type": "datetime-local",
}


def _fields(name: str, case: Case, hazard: Hazard | None) -> list[dict[str, Any]]:
    """The questions each page asks, with the hazards pack's choices."""
    pack = hazard_pack_for(case.organisation)
    severities = [(s.value, str(s.label)) for s in Severity]
    forms: dict[str, list[dict[str, Any]]] = {
        "hazard-raise": [
            {
                "name": "kind",
                "label": "Kind of hazard",
                "type": "radios",
                "choices": [(k.id, k.label) for k in pack.kinds],
            },
            {
                "name": "severity",
                "label": "Severity",
                "hint": "Emergency: an imminent and significant risk of harm (24 hours). "
                "Significant: a risk to health or safety (10 working days to investigate).",
                "type": "radios",
                "choices": severities,
            },
            {"name": "description", "label": "What was reported", "type": "textarea"},
            {
                "name": "aware_at",
                "label": "When the landlord became aware",
                "hint": "Leave blank to count from when the case was received.",
                "type": "datetime-local",
            },
        ],
        "hazard-confirm": [
            {
                "name": "severity",
                "label": "Severity",
                "hint": "A different severity restarts the clocks under its own duty, from "
                "when the landlord became aware.",
                "type": "radios",
                "choices": severities,
                "value": hazard.severity if hazard else "",
            },
            {
                "name": "owner",
                "label": "Who owes its clocks (username)",
                "hint": "Leave blank to take them yourself.",
                "type": "text",
            },
            WHEN,
        ],
        "hazard-dismiss": [
            {
                "name": "reason",
                "label": "Why is it dismissed?",
                "type": "radios",
                "choices": [(r, r) for r in pack.dismiss_reasons] + [(OTHER, "Another reason")],
            },
            {"name": "reason_other", "label": "Another reason", "type": "textarea"},
            WHEN,
        ],
        "hazard-investigated": [
            {"name": "findings", "label": "What the investigation found", "type": "textarea"},
            {**WHEN, "label": "When the investigation ended"},
        ],
        "hazard-summary-sent": [
            {
                "name": "found",
                "label": "What we found (as the tenant will read it)",
                "type": "textarea",
                "value": hazard.findings if hazard else "",
            },
            {
                "name": "will_do",
                "label": "What we will do, and when",
                "type": "textarea",
            },
            WHEN,
        ],
        "hazard-made-safe": [{"name": "note", "label": "What was done", "type": "textarea"}, WHEN],
        "hazard-works-started": [
            {"name": "note", "label": "What work started", "type": "textarea"},
            WHEN,
        ],
        "hazard-resolved": [{"name": "note", "label": "Note", "type": "textarea"}, WHEN],
    }
    return [dict(field) for field in forms[name]]


def _payload(name: str, data: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's answers in the shape of the action's input, and any error the form finds."""
    payload: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in data.items():
        if key == "csrfmiddlewaretoken":
            continue
        value = value.strip()
        if value:
            payload[key] = value
    if name == "hazard-dismiss":
        other = payload.pop("reason_other", "")
        if payload.get("reason") == OTHER:
            if other:
                payload["reason"] = other
            else:
                errors["reason_other"] = "Say what the other reason is."
                payload.pop("reason")
        if "reason" not in payload and not errors:
            errors["reason"] = "Choose why the hazard is dismissed."
    if name == "hazard-raise":
        for required, message in (
            ("kind", "Choose the kind of hazard."),
            ("severity", "Choose the severity."),
        ):
            if required not in payload:
                errors[required] = message
    return payload, errors


def _hazard(case: Case, hazard_id: int) -> Hazard:
    hazard = Hazard.objects.filter(case=case, pk=hazard_id).first()
    if hazard is None:
        raise Http404("The case has no such hazard.")
    hazard.case = case
    return hazard


MESSAGES = {
    "string_too_short": "This cannot be blank.",
    "missing": "This cannot be blank.",
}


@login_required
def hazard_action(
    request: HttpRequest, reference: str, name: str, hazard_id: int | None = None
) -> HttpResponse:
    """One step's page: its questions, each error beside its field, then the case's hazards."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    action = HAZARD_BY_NAME[name]
    hazard = _hazard(case, hazard_id) if hazard_id is not None else None
    if not may_act(user, case, name):
        what = action.label[0].lower() + action.label[1:]
        return render(request, "staff/no_permission.html", {"what": what}, status=403)
    fields = _fields(name, case, hazard)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values, errors = _payload(name, request.POST)
        if not errors:
            try:
                payload = action.schema(**values)
                done = perform_nested(action, user=user, case=case, target=hazard, payload=payload)
            except ValidationError as error:
                for item in error.errors():
                    where = str(item["loc"][0]) if item["loc"] else "request"
                    errors[where] = MESSAGES.get(item["type"], str(item["msg"]))
            except CaseError as error:
                errors.update(error.fields or {"request": error.message})
            except AccessDeniedError as error:
                errors["request"] = str(error)
            else:
                messages.success(request, action.done(done))
                return redirect(reverse("staff:case", args=[case.reference]) + f"#hazard-{done.pk}")
        if name == "hazard-dismiss" and request.POST.get("reason") == OTHER:
            values["reason"] = OTHER
            values["reason_other"] = request.POST.get("reason_other", "")
        status = 400
    known = {field["name"] for field in fields}
    for field in fields:
        field["error"] = errors.get(field["name"], "")
        field["value"] = values.get(field["name"], field.get("value", ""))
    return render(
        request,
        "staff/hazards/action.html",
        {
            "case": case,
            "hazard": hazard,
            "action": action,
            "fields": fields,
            "request_error": errors.get("request", "")
            or " ".join(v for k, v in errors.items() if k not in known and k != "request"),
            "summary": [(k if k in known else "request", v) for k, v in errors.items()],
            "kind_label": hazard_pack_for(case.organisation).kind_label(hazard.kind)
            if hazard
            else "",
        },
        status=status,
    )


@login_required
@require_safe
def hazard_letter(
    request: HttpRequest, reference: str, hazard_id: int, letter_id: int
) -> HttpResponse:
    """A letter about a hazard, as PDF (the download is recorded)."""
    from putright.accounts.access import can_see_personal_data
    from putright.letters.rendering import render_pdf

    user = staff_user(request)
    case = case_or_404(request, reference)
    hazard = _hazard(case, hazard_id)
    letter = hazard.letters.filter(pk=letter_id).first()
    if letter is None or not can_see_personal_data(user, case):
        raise Http404("No such letter.")
    record_access(
        user, "downloaded letter", case.reference, detail=f"hazard {hazard.pk} letter {letter.pk}"
    )
    response = HttpResponse(render_pdf(letter.html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{case.reference}-hazard-{hazard.pk}-letter-{letter.pk}.pdf"'
    )
    return response


@login_required
@require_safe
def hazard_report_page(request: HttpRequest) -> HttpResponse:
    """Hazards recognised, confirmed and dismissed, each clock met or missed by phase, time to
    made safe and the monthly list for the board: figures only, for those who read reports."""
    import datetime

    from django.utils import timezone

    from putright.accounts.access import REPORT_READERS, organisations_with
    from putright.hazards.reports import BOARD_COLUMNS, board_rows, hazard_report
    from putright.organisations.models import Organisation

    user = staff_user(request)
    choices = list(Organisation.objects.filter(pk__in=organisations_with(user, REPORT_READERS)))
    if not choices:
        return render(request, "staff/no_permission.html", {"what": "read reports"}, status=403)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    chosen = next((o for o in choices if o.slug == request.GET.get("organisation")), choices[0])
    dates: dict[str, datetime.date] = {}
    defaults = {"start": today.replace(month=1, day=1), "end": today}
    for name in ("start", "end"):
        given = request.GET.get(name, "").strip()
        if not given:
            dates[name] = defaults[name]
            continue
        try:
            dates[name] = datetime.date.fromisoformat(given)
        except ValueError:
            errors[name] = "Give a date, e.g. 2026-04-01."
            dates[name] = defaults[name]
    if not errors and dates["end"] < dates["start"]:
        errors["end"] = "The end of the period must be on or after its start."
    report = None
    if not errors:
        report = hazard_report(organisations=[chosen], start=dates["start"], end=dates["end"])
    return render(
        request,
        "staff/hazards/report.html",
        {
            "organisations": choices,
            "chosen": chosen,
            "start": request.GET.get("start", dates["start"].isoformat()),
            "end": request.GET.get("end", dates["end"].isoformat()),
            "errors": errors,
            "report": report,
            "clock_rows": sorted(report.clocks.items()) if report else [],
            "origins": [
                (Origin(origin).label, n)
                for origin, n in (report.by_origin if report else {}).items()
            ],
            "columns": [heading for _, heading in BOARD_COLUMNS],
            "rows": board_rows(report) if report else [],
        },
        status=400 if errors else 200,
    )


def _pages() -> list[Any]:
    from django.urls import path

    from putright.actions.hazards import HAZARD_ACTIONS

    return [
        *[
            path(action.staff_path, hazard_action, {"name": action.name}, name=action.name)
            for action in HAZARD_ACTIONS
        ],
        path("hazards/report/", hazard_report_page, name="hazard-report"),
        path(
            "cases/<str:reference>/hazards/<int:hazard_id>/letters/<int:letter_id>.pdf",
            hazard_letter,
            name="hazard-letter",
        ),
    ]


#: Each hazard action's page at its API path, and a hazard's letters (``staff/urls.py``).
urlpatterns = _pages()
