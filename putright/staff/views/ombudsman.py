"""The Ombudsman casework pages: record a contact on a case (an enquiry, a request for
evidence, a determination with its findings and orders), a determination, an order, the
determinations log (overdue first) and an enquiry with no case.

Each action's page is at its API path with a trailing slash and takes the same input
(``putright/actions/ombudsman.py``); every error is shown beside its field with a summary above.
A record on a case the viewer may not see is not found (404), and reading a restricted case's
record is logged as a read of the case.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from pydantic import ValidationError

from putright.accounts.access import (
    ACTION_ROLES,
    AccessDeniedError,
    can_see_case,
    may_act,
    organisations_with,
    record_access,
)
from putright.accounts.models import User
from putright.actions.ombudsman import (
    OMBUDSMAN_BY_NAME,
    EnquiryIn,
    OmbudsmanIn,
    case_of,
    perform_ombudsman,
)
from putright.cases.models import Case
from putright.cases.services import Actor
from putright.errors import CaseError
from putright.ombudsman import services
from putright.ombudsman.models import (
    AppealDecision,
    ContactKind,
    Finding,
    OrderKind,
    OrderStatus,
)
from putright.ombudsman.selectors import (
    contact_for,
    determination_for,
    determination_log,
    order_for,
)
from putright.organisations.models import Organisation
from putright.people.services import person_create
from putright.timeline.selectors import record_clocks, record_history

from .common import case_or_404, staff_user

#: The rows the determination page offers (empty rows are left out).
FINDING_ROWS = 6
ORDER_ROWS = 4
#: The Ombudsman's usual categories, offered as suggestions (any may be typed).
CATEGORIES = (
    "Damp and mould",
    "Repairs",
    "Property condition",
    "Anti-social behaviour",
    "Complaint handling",
    "Charges",
    "Staff conduct",
    "Record keeping",
    "Communication",
    "Moves and allocations",
    "Health and safety",
)
STATUS_RAG: dict[str, str] = {
    OrderStatus.OPEN: "green",
    OrderStatus.OVERDUE: "red",
    OrderStatus.COMPLETED: "amber",
    OrderStatus.TOLD: "grey",
}


def _no_permission(request: HttpRequest, what: str) -> HttpResponse:
    return render(request, "staff/no_permission.html", {"what": what}, status=403)


#: What to say when a question is not answered (instead of pydantic's "Field required").
UNANSWERED = {
    "kind": "Choose what the Ombudsman sent.",
    "asked": services.ASKED,
    "decision": services.BAD_DECISION,
    "reasons": services.NO_REASONS,
    "evidence": services.NO_EVIDENCE,
    "covering_letter": services.NO_COVERING_LETTER,
    "reason": services.NO_DELAY_REASON,
    "summary": services.NO_SUMMARY,
    "point": services.NO_POINT,
    "category": services.NO_CATEGORY,
    "finding": "Choose the Ombudsman's finding on this point.",
    "text": services.NO_ORDER_TEXT,
}


def _errors_from(error: Exception) -> dict[str, str]:
    """The messages of a refusal by field: ``findings[0].point`` becomes ``findings-0-point``."""
    found: dict[str, str] = {}
    if isinstance(error, ValidationError):
        for item in error.errors():
            where = "-".join(str(p) for p in item["loc"]) or "request"
            last = str(item["loc"][-1]) if item["loc"] else ""
            unanswered = item["type"] in ("missing", "string_too_short", "literal_error")
            if unanswered and last in UNANSWERED:
                found[where] = UNANSWERED[last]
            else:
                found[where] = str(item["msg"]).removeprefix("Value error, ")
    elif isinstance(error, CaseError):
        for name, message in (error.fields or {}).items():
            found[name.replace("[", "-").replace("].", "-").replace("]", "").replace(".", "-")] = (
                message
            )
        if not error.fields:
            found["request"] = error.message
    else:
        found["request"] = str(error)
    return found


def _pence(value: str, name: str, errors: dict[str, str]) -> int | None:
    value = value.strip().removeprefix("£").replace(",", "")
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        errors[name] = "Give the amount in pounds, for example 750 or 750.50."
        return None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        errors[name] = "Give the amount in pounds and pence, more than zero."
        return None
    return int(amount * 100)


def _field(
    name: str, label: str, kind: str, values: Any, errors: dict[str, str], **extra: Any
) -> dict[str, Any]:
    given = (
        values.getlist(name) if kind == "checkboxes" else values.get(name, extra.pop("value", ""))
    )
    return {
        "name": name,
        "label": label,
        "type": kind,
        "value": given,
        "chosen": given if isinstance(given, list) else [given],
        "error": errors.get(name, ""),
        **extra,
    }


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    errors: dict[str, str],
) -> HttpResponse:
    labels = {f["name"]: f["label"] for f in context.get("fields", [])}
    context["summary"] = list(errors.items())
    context["labels"] = labels
    context["errors"] = errors
    return render(request, template, context, status=400 if errors else 200)


# -- recording a contact or a determination on a case ----------------------------------


def _owners(case: Case) -> list[User]:
    users = (
        User.objects.filter(is_active=True, memberships__organisation=case.organisation)
        .distinct()
        .order_by("display_name", "username")
    )
    return [u for u in users if can_see_case(u, case)]


def _determination_rows(values: Any, errors: dict[str, str]) -> tuple[list[Any], list[Any]]:
    findings = []
    for i in range(FINDING_ROWS):
        findings.append(
            {
                "n": i,
                "point": values.get(f"findings-{i}-point", ""),
                "category": values.get(f"findings-{i}-category", ""),
                "finding": values.get(f"findings-{i}-finding", ""),
                "errors": {
                    k: errors.get(f"findings-{i}-{k}", "") for k in ("point", "category", "finding")
                },
            }
        )
    orders = []
    for i in range(ORDER_ROWS):
        orders.append(
            {
                "n": i,
                "kind": values.get(f"orders-{i}-kind", ""),
                "text": values.get(f"orders-{i}-text", ""),
                "owner": values.get(f"orders-{i}-owner", ""),
                "due_on": values.get(f"orders-{i}-due_on", ""),
                "within_days": values.get(f"orders-{i}-within_days", ""),
                "counts": values.get(f"orders-{i}-counts", "working"),
                "amount": values.get(f"orders-{i}-amount", ""),
                "improvement": bool(values.get(f"orders-{i}-improvement")),
                "errors": {
                    k: errors.get(f"orders-{i}-{k}", "")
                    for k in (
                        "kind",
                        "text",
                        "owner",
                        "due_on",
                        "within_days",
                        "amount",
                        "counts",
                    )
                },
            }
        )
    return findings, orders


def _determination_payload(values: Any, errors: dict[str, str]) -> dict[str, Any]:
    """The determination form's answers as the action's input (empty rows left out, but kept
    at their row so that an error lands beside the right row)."""
    findings: list[dict[str, Any]] = []
    rows: list[int] = []
    for i in range(FINDING_ROWS):
        row = {
            k: values.get(f"findings-{i}-{k}", "").strip() for k in ("point", "category", "finding")
        }
        if any(row.values()):
            findings.append(row)
            rows.append(i)
    orders: list[dict[str, Any]] = []
    order_rows: list[int] = []
    for i in range(ORDER_ROWS):
        text = values.get(f"orders-{i}-text", "").strip()
        kind = values.get(f"orders-{i}-kind", "").strip()
        if (
            not text
            and not values.get(f"orders-{i}-due_on")
            and not values.get(f"orders-{i}-amount")
        ):
            continue
        order: dict[str, Any] = {"kind": kind or "order", "text": text}
        owner = values.get(f"orders-{i}-owner", "").strip()
        if owner:
            order["owner"] = owner
        if values.get(f"orders-{i}-due_on", "").strip():
            order["due_on"] = values.get(f"orders-{i}-due_on").strip()
        if values.get(f"orders-{i}-within_days", "").strip():
            order["within_days"] = values.get(f"orders-{i}-within_days").strip()
            order["counts"] = values.get(f"orders-{i}-counts", "working")
        amount = _pence(values.get(f"orders-{i}-amount", ""), f"orders-{i}-amount", errors)
        if amount:
            order["amount_pence"] = amount
        if values.get(f"orders-{i}-improvement"):
            order["improvement"] = True
        orders.append(order)
        order_rows.append(i)
    payload: dict[str, Any] = {"kind": "determination", "findings": findings, "orders": orders}
    for name in ("determined_on", "appeal_by", "ombudsman_reference", "occurred_at", "version"):
        value = values.get(name, "").strip()
        if value:
            payload[name] = value
    payload["_rows"] = {"findings": rows, "orders": order_rows}
    return payload


def _renumber(errors: dict[str, str], rows: dict[str, list[int]]) -> dict[str, str]:
    """Errors about the n-th given row, moved to the row of the form it came from."""
    moved = {}
    for key, message in errors.items():
        parts = key.split("-")
        if len(parts) >= 3 and parts[0] in rows and parts[1].isdigit():
            index = int(parts[1])
            if index < len(rows[parts[0]]):
                parts[1] = str(rows[parts[0]][index])
            if parts[-1] == "amount_pence":
                parts[-1] = "amount"
            key = "-".join(parts)
        moved[key] = message
    return moved


def _stage_hint(case: Case) -> str:
    """Where the complaint is, so the Ombudsman can be told (Southern 4.10.2)."""
    from putright.cases.selectors import case_pack

    if case.is_closed:
        return "The case is closed: recording the Ombudsman's contact puts it with the Ombudsman."
    stage = next((s for s in case_pack(case).stages if s.id == case.stage), None)
    where = stage.label if stage else case.stage
    return f"The case is open at {where}: tell the Ombudsman it is still being dealt with here."


@login_required
def record(request: HttpRequest, reference: str) -> HttpResponse:
    """Record what the Ombudsman sent about the case: an enquiry or a request for evidence,
    or (``?kind=determination``) a determination with its findings and orders."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    action = OMBUDSMAN_BY_NAME["ombudsman-record"]
    if not may_act(user, case, "ombudsman-record"):
        return _no_permission(request, "record contacts from the Ombudsman")
    kind = request.POST.get("kind") or request.GET.get("kind") or "enquiry"
    determination = kind == "determination"
    values = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    if request.method == "POST":
        if determination:
            given = _determination_payload(request.POST, errors)
            rows = given.pop("_rows")
        else:
            given = {
                k: request.POST.get(k, "").strip()
                for k in (
                    "kind",
                    "asked",
                    "due_on",
                    "ombudsman_reference",
                    "occurred_at",
                    "version",
                )
                if request.POST.get(k, "").strip()
            }
            rows = {}
        if not errors:
            try:
                payload = OmbudsmanIn(**given)
                done = perform_ombudsman(action, user=user, case=case, target=None, payload=payload)
            except (ValidationError, CaseError, AccessDeniedError) as error:
                errors = _renumber(_errors_from(error), rows)
            else:
                messages.success(request, action.done(done))
                if determination:
                    return redirect("staff:ombudsman-determination", determination_id=done.pk)
                return redirect(reverse("staff:case", args=[case.reference]) + "#ombudsman")
    context: dict[str, Any] = {
        "case": case,
        "action": action,
        "kind": kind,
        "version": case.version,
    }
    if determination:
        findings, orders = _determination_rows(values, errors)
        context |= {
            "label": "Record the Ombudsman's determination",
            "findings": findings,
            "orders": orders,
            "finding_choices": Finding.choices,
            "order_kinds": OrderKind.choices,
            "categories": CATEGORIES,
            "owners": _owners(case),
            "values": values,
            "fields": [
                _field("determined_on", "Date of the determination", "date", values, errors),
                _field(
                    "appeal_by", "Any appeal must reach the Ombudsman by", "date", values, errors
                ),
                _field("ombudsman_reference", "The Ombudsman's reference", "text", values, errors),
                _field(
                    "occurred_at",
                    "When it arrived (leave blank for now)",
                    "datetime-local",
                    values,
                    errors,
                ),
            ],
        }
        return _page(request, "staff/ombudsman/determination_form.html", context, errors)
    context |= {
        "stage_hint": _stage_hint(case),
        "label": "Record an Ombudsman contact",
        "fields": [
            _field(
                "kind",
                "What did the Ombudsman send?",
                "radios",
                values,
                errors,
                choices=[
                    (ContactKind.EVIDENCE_REQUEST.value, ContactKind.EVIDENCE_REQUEST.label),
                    (ContactKind.ENQUIRY.value, ContactKind.ENQUIRY.label),
                ],
            ),
            _field("asked", "What the Ombudsman asked", "textarea", values, errors),
            _field("due_on", "The Ombudsman's due date", "date", values, errors),
            _field("ombudsman_reference", "The Ombudsman's reference", "text", values, errors),
            _field(
                "occurred_at",
                "When it arrived (leave blank for now)",
                "datetime-local",
                values,
                errors,
            ),
        ],
    }
    return _page(request, "staff/ombudsman/form.html", context, errors)


# -- the actions on a record -----------------------------------------------------------


def _form_fields(name: str, values: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    forms: dict[str, list[dict[str, Any]]] = {
        "ombudsman-triage": [
            _field(
                "decision",
                "Decision",
                "radios",
                values,
                errors,
                choices=list(AppealDecision.choices),
            ),
            _field(
                "reasons", "Reasons, and who in the business agreed", "textarea", values, errors
            ),
            _field(
                "new_information",
                "To appeal: the new information or discrepancies put to the Ombudsman",
                "textarea",
                values,
                errors,
            ),
        ],
        "ombudsman-evidence": [
            _field("covering_letter", "Covering letter", "textarea", values, errors),
            _field(
                "occurred_at",
                "When it was sent (leave blank for now)",
                "datetime-local",
                values,
                errors,
            ),
        ],
        "ombudsman-order-complete": [
            _field("evidence", "Evidence that it was done", "textarea", values, errors),
            _field("completed_on", "Done on (leave blank for today)", "date", values, errors),
        ],
        "ombudsman-order-tell": [
            _field(
                "told_on",
                "The Ombudsman was told on (leave blank for today)",
                "date",
                values,
                errors,
            ),
        ],
        "ombudsman-order-raise": [
            _field(
                "reason",
                "Why the due date cannot be met, and what date can",
                "textarea",
                values,
                errors,
            ),
        ],
    }
    return forms[name]


def _action_page(
    request: HttpRequest,
    name: str,
    target: Any,
    back: str,
    caption: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    user = staff_user(request)
    action = OMBUDSMAN_BY_NAME[name]
    case = case_of(target)
    needs = action.permission or name
    owner_may = getattr(target, "owner_id", None) == user.pk and name in (
        "ombudsman-order-complete",
        "ombudsman-order-raise",
    )
    if not owner_may and not may_act(user, case, needs):
        return _no_permission(request, action.label[0].lower() + action.label[1:])
    values = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    if request.method == "POST":
        fields = _form_fields(name, values, {})
        given = {
            f["name"]: request.POST.get(f["name"], "").strip()
            for f in fields
            if request.POST.get(f["name"], "").strip()
        }
        try:
            payload = action.schema(**given)
            done = perform_ombudsman(action, user=user, case=case, target=target, payload=payload)
        except (ValidationError, CaseError, AccessDeniedError) as error:
            errors = _errors_from(error)
        else:
            messages.success(request, action.done(done))
            return redirect(back)
    context = {
        "action": action,
        "label": action.label,
        "caption": caption,
        "back": back,
        "case": case,
        "fields": _form_fields(name, values, errors),
        **(extra or {}),
    }
    return _page(request, "staff/ombudsman/form.html", context, errors)


def _determination_or_404(request: HttpRequest, determination_id: int) -> Any:
    found = determination_for(staff_user(request), determination_id)
    if found is None:
        raise Http404("There is no determination that you can see.")
    return found


def _order_or_404(request: HttpRequest, order_id: int) -> Any:
    found = order_for(staff_user(request), order_id)
    if found is None:
        raise Http404("There is no order that you can see.")
    return found


def _logged(request: HttpRequest, case: Case) -> None:
    if case.conduct and request.method == "GET":
        record_access(staff_user(request), "read restricted case", case.reference)


@login_required
def triage(request: HttpRequest, determination_id: int) -> HttpResponse:
    determination = _determination_or_404(request, determination_id)
    _logged(request, determination.case)
    back = reverse("staff:ombudsman-determination", args=[determination.pk])
    caption = (
        f"{determination.case.reference}: determination of {determination.determined_on:%-d %B %Y}"
    )
    return _action_page(request, "ombudsman-triage", determination, back, caption)


@login_required
def evidence(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = contact_for(staff_user(request), contact_id)
    if contact is None:
        raise Http404("There is no Ombudsman contact that you can see.")
    _logged(request, contact.case)
    back = reverse("staff:case", args=[contact.case.reference]) + "#ombudsman"
    caption = f"{contact.case.reference}: {contact.get_kind_display().lower()}"
    extra = {
        "bundle_url": reverse("staff:bundle", args=[contact.case.reference]),
        "index": contact.evidence_index or services.evidence_index(contact.case),
        "contact": contact,
    }
    return _action_page(request, "ombudsman-evidence", contact, back, caption, extra)


def _order_action(name: str) -> Any:
    @login_required
    def page(request: HttpRequest, order_id: int) -> HttpResponse:
        order = _order_or_404(request, order_id)
        _logged(request, order.determination.case)
        back = reverse("staff:ombudsman-order", args=[order.pk])
        caption = f"{order.determination.case.reference}: {order.get_kind_display().lower()} {order.number}"
        return _action_page(request, name, order, back, caption)

    return page


# -- reading ---------------------------------------------------------------------------


@login_required
@require_safe
def determination_page(request: HttpRequest, determination_id: int) -> HttpResponse:
    """A determination: its findings point by point, its orders with their state, the triage."""
    user = staff_user(request)
    determination = _determination_or_404(request, determination_id)
    case = determination.case
    _logged(request, case)
    today = timezone.localdate()
    orders = list(determination.orders.select_related("owner", "award").order_by("number"))
    return render(
        request,
        "staff/ombudsman/determination.html",
        {
            "determination": determination,
            "case": case,
            "findings": list(determination.findings.all()),
            "orders": [
                {"order": o, "status": o.status(today), "rag": STATUS_RAG[o.status(today)]}
                for o in orders
            ],
            "may_triage": may_act(user, case, "ombudsman-triage")
            and determination.triaged_at is None,
            "appeal_passed": determination.appeal_by is not None
            and determination.appeal_by < today,
        },
    )


@login_required
@require_safe
def order_page(request: HttpRequest, order_id: int) -> HttpResponse:
    """An order: what it asks, its owner and due date with why, its history, and what is next."""
    from putright.timeline.selectors import clock_timing

    user = staff_user(request)
    order = _order_or_404(request, order_id)
    case = order.determination.case
    _logged(request, case)
    today = timezone.localdate()
    status = order.status(today)
    clocks = record_clocks(record_type=services.RECORD_TYPE, record_id=order.pk)
    owner = order.owner_id == user.pk
    return render(
        request,
        "staff/ombudsman/order.html",
        {
            "order": order,
            "case": case,
            "determination": order.determination,
            "status": status,
            "status_label": OrderStatus(status).label,
            "rag": STATUS_RAG[status],
            "history": record_history(record_type=services.RECORD_TYPE, record_id=order.pk),
            "clock": clocks[-1] if clocks else None,
            "why": clock_timing(clocks[-1]).explanation.text() if clocks else "",
            "may_complete": order.completed_on is None
            and (owner or may_act(user, case, "ombudsman-order-complete")),
            "may_raise": order.completed_on is None
            and order.delay_raised_at is None
            and (owner or may_act(user, case, "ombudsman-order-raise")),
            "may_tell": order.completed_on is not None
            and order.ombudsman_told_on is None
            and may_act(user, case, "ombudsman-order-tell"),
            "award_unpaid": order.award is not None and order.award.status != "paid",
        },
    )


@login_required
@require_safe
def log_page(request: HttpRequest) -> HttpResponse:
    """The determinations log: every determination you may see, those with an overdue order
    first, then by the earliest order due."""
    user = staff_user(request)
    organisations = Organisation.objects.filter(
        pk__in=organisations_with(
            user, ACTION_ROLES["ombudsman-record"] | {"administrator", "data_protection_officer"}
        )
    ).order_by("name")
    slug = request.GET.get("organisation", "")
    organisation = organisations.filter(slug=slug).first() if slug else None
    today = timezone.localdate()
    rows = determination_log(user=user, organisation=organisation, today=today)
    for reference in sorted(
        {r.determination.case.reference for r in rows if r.determination.case.conduct}
    ):
        record_access(user, "read restricted case", reference)
    return render(
        request,
        "staff/ombudsman/log.html",
        {
            "rows": [
                {
                    "row": row,
                    "orders": [
                        {
                            "order": o,
                            "status": row.statuses[o.pk],
                            "rag": STATUS_RAG[row.statuses[o.pk]],
                        }
                        for o in row.orders
                    ],
                }
                for row in rows
            ],
            "organisations": organisations,
            "organisation": organisation,
            "today": today,
            "overdue": sum(1 for row in rows if row.overdue),
        },
    )


def can_see_cases(user: User, organisation: Organisation) -> bool:
    from putright.accounts.access import CASE_READERS, roles_in

    return bool(roles_in(user, organisation.pk) & CASE_READERS)


# -- the headline: the period's casework and what the sector's findings say -------------


@login_required
@require_safe
def headline(request: HttpRequest) -> HttpResponse:
    """The Ombudsman report for an organisation over a period (the last six months unless
    given): the headline discussed with the Ombudsman, the compliance report, the sector."""
    from putright.accounts.access import REPORT_READERS
    from putright.ombudsman.reports import FINDING_WORDS, REPORTING_WORDS, ombudsman_report

    user = staff_user(request)
    allowed = Organisation.objects.filter(pk__in=organisations_with(user, REPORT_READERS)).order_by(
        "name"
    )
    if not allowed.exists():
        return _no_permission(request, "read the Ombudsman report")
    slug = request.GET.get("organisation", "")
    organisation = allowed.filter(slug=slug).first() if slug else allowed.first()
    today = timezone.localdate()
    errors: dict[str, str] = {}
    values = {
        "start": request.GET.get("start", "") or str(today - datetime.timedelta(days=182)),
        "end": request.GET.get("end", "") or str(today),
    }
    days: dict[str, datetime.date] = {}
    for name, value in values.items():
        try:
            days[name] = datetime.date.fromisoformat(value)
        except ValueError:
            errors[name] = "Give a date, for example 2026-04-01."
    if not errors and days["end"] < days["start"]:
        errors["end"] = "The end is before the start."
    if organisation is None:
        errors["organisation"] = "Choose a landlord whose reports you may read."
    report = None
    if not errors:
        assert organisation is not None
        report = ombudsman_report(
            organisation=organisation, start=days["start"], end=days["end"], today=today
        )
    return render(
        request,
        "staff/ombudsman/headline.html",
        {
            "report": report,
            "organisations": allowed,
            "organisation": organisation,
            "values": values,
            "errors": errors,
            "summary": list(errors.items()),
            "finding_words": FINDING_WORDS,
            "reporting_words": REPORTING_WORDS,
            "findings": sorted(report.findings.items()) if report else [],
            # The board reads reports, never a case: the overdue orders are counted, not named.
            "names_cases": organisation is not None and can_see_cases(user, organisation),
        },
        status=400 if errors else 200,
    )


# -- an enquiry with no case -----------------------------------------------------------


@login_required
def enquiry(request: HttpRequest) -> HttpResponse:
    """An enquiry about a complaint not yet logged (4.10.3): it opens the complaint."""
    user = staff_user(request)
    allowed = Organisation.objects.filter(
        pk__in=organisations_with(user, ACTION_ROLES["ombudsman-enquiry"])
    ).order_by("name")
    if not allowed.exists():
        return _no_permission(request, "record an enquiry from the Ombudsman")
    values = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    names = ("summary", "asked", "due_on", "ombudsman_reference")
    if request.method == "POST":
        organisation = allowed.filter(slug=request.POST.get("organisation", "")).first()
        if organisation is None:
            errors["organisation"] = "Choose the landlord the enquiry is about."
        name = request.POST.get("customer_name", "").strip()
        if not name:
            errors["customer_name"] = "Give the customer's name."
        given: dict[str, Any] = {
            k: request.POST.get(k, "").strip() for k in names if request.POST.get(k, "").strip()
        }
        if not errors:
            assert organisation is not None
            try:
                payload = EnquiryIn(organisation=organisation.slug, **given)
                actor = Actor(user)
                with transaction.atomic():
                    customer = person_create(
                        organisation=organisation,
                        name=name,
                        email=request.POST.get("customer_email", "").strip(),
                        phone=request.POST.get("customer_phone", "").strip(),
                        postcode=request.POST.get("customer_postcode", "").strip(),
                        actor=actor,
                    )
                    contact = services.enquiry_open(
                        organisation=organisation,
                        actor=actor,
                        customer=customer,
                        summary=payload.summary,
                        asked=payload.asked,
                        received_at=timezone.now(),
                        due_on=payload.due_on,
                        ombudsman_reference=payload.ombudsman_reference,
                    )
            except (ValidationError, CaseError) as error:
                found = _errors_from(error)
                errors = {
                    ("customer_" + k if k in ("email", "phone", "postcode") else k): v
                    for k, v in found.items()
                }
            else:
                messages.success(
                    request,
                    f"Complaint {contact.case.reference} opened from the Ombudsman's enquiry.",
                )
                return redirect("staff:case", reference=contact.case.reference)
    fields = []
    if allowed.count() > 1:
        fields.append(
            _field(
                "organisation",
                "Landlord",
                "radios",
                values,
                errors,
                choices=[(o.slug, o.name) for o in allowed],
            )
        )
    else:
        only = allowed.first()
        assert only is not None
        fields.append({"name": "organisation", "label": "", "type": "hidden", "value": only.slug})
    fields += [
        _field("customer_name", "Customer's name", "text", values, errors),
        _field("customer_email", "Customer's e-mail (optional)", "email", values, errors),
        _field("customer_phone", "Customer's phone (optional)", "tel", values, errors),
        _field("customer_postcode", "Customer's postcode (optional)", "text", values, errors),
        _field("summary", "What the complaint is about, in a few words", "text", values, errors),
        _field("asked", "What the Ombudsman asked", "textarea", values, errors),
        _field("due_on", "The Ombudsman's due date", "date", values, errors),
        _field("ombudsman_reference", "The Ombudsman's reference", "text", values, errors),
    ]
    context = {
        "label": "Record an Ombudsman enquiry about a complaint not yet logged",
        "caption": "Housing Ombudsman",
        "back": reverse("staff:ombudsman-log"),
        "fields": fields,
        "action": {"button": "Open the complaint and record the enquiry"},
    }
    return _page(request, "staff/ombudsman/form.html", context, errors)


urlpatterns = [
    path("cases/<str:reference>/ombudsman/", record, name="ombudsman-record"),
    path("ombudsman/determinations/", log_page, name="ombudsman-log"),
    path("ombudsman/headline/", headline, name="ombudsman-headline"),
    path("ombudsman/enquiries/", enquiry, name="ombudsman-enquiry"),
    path(
        "ombudsman/determinations/<int:determination_id>/",
        determination_page,
        name="ombudsman-determination",
    ),
    path(
        "ombudsman/determinations/<int:determination_id>/triage/", triage, name="ombudsman-triage"
    ),
    path("ombudsman/contacts/<int:contact_id>/evidence/", evidence, name="ombudsman-evidence"),
    path("ombudsman/orders/<int:order_id>/", order_page, name="ombudsman-order"),
    *[
        path(f"ombudsman/orders/<int:order_id>/{verb}/", _order_action(name), name=name)
        for verb, name in (
            ("complete", "ombudsman-order-complete"),
            ("tell", "ombudsman-order-tell"),
            ("raise", "ombudsman-order-raise"),
        )
    ],
]

__all__ = ["urlpatterns"]
