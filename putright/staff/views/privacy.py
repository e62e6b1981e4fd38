"""The data protection officer's pages: the requests with their due dates, a request (the
person, its month explained, its history, the decision with reasons, the export with its
redactions to review, the download and the release), recording a request from a person's
page, the retention schedule, and a legal hold on a case.

Each action's page is at its API path with a trailing slash and takes the same input
(``putright/actions/privacy.py``); errors are shown beside their field with a summary above.
Only the officer of the person's organisation: other roles there are refused (403), anyone
else is told there is no such page (404). Legal holds: managers and the officer, on a case
they may see.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from pydantic import ValidationError

from putright.accounts.access import (
    AccessDeniedError,
    NotVisibleError,
    may_act,
    organisations_with,
)
from putright.actions.privacy import (
    LEGAL_HOLD_BY_NAME,
    OFFICERS,
    PRIVACY_BY_NAME,
    export_response,
    hold_in_force,
    perform_legal_hold,
    perform_privacy,
    person_for,
    request_due,
    request_for,
    request_history,
    require_officer,
    retention_answer,
)
from putright.errors import CaseError
from putright.organisations.models import Organisation
from putright.privacy.models import DataRequest, RequestKind, RequestStatus

from .common import case_or_404, staff_user

#: What to say when a question is not answered (instead of pydantic's "Field required").
UNANSWERED = {
    "kind": "Choose what the person asked for.",
    "decision": "Choose whether to erase or refuse.",
}
KIND_CHOICES = [
    (RequestKind.SUBJECT_ACCESS.value, "A copy of their data (subject access)"),
    (RequestKind.ERASURE.value, "To be erased (forgotten)"),
]
DECISION_CHOICES = [
    ("erase", "Erase: anonymise the person; their cases still count"),
    ("refuse", "Refuse the request"),
]
STATUS_RAG: dict[str, str] = {
    RequestStatus.RECEIVED: "amber",
    RequestStatus.EXPORTED: "amber",
    RequestStatus.RELEASED: "green",
    RequestStatus.ERASED: "green",
    RequestStatus.REFUSED: "grey",
}


def _no_permission(request: HttpRequest, what: str) -> HttpResponse:
    return render(request, "staff/no_permission.html", {"what": what}, status=403)


def _errors_from(error: Exception) -> dict[str, str]:
    found: dict[str, str] = {}
    if isinstance(error, ValidationError):
        for item in error.errors():
            name = str(item["loc"][-1]) if item["loc"] else "request"
            unanswered = item["type"] in ("missing", "literal_error")
            found[name] = (
                UNANSWERED[name]
                if unanswered and name in UNANSWERED
                else str(item["msg"]).removeprefix("Value error, ")
            )
    elif isinstance(error, CaseError):
        found.update(error.fields or {})
        if not error.fields:
            found["request"] = error.message
    else:
        found["request"] = str(error)
    if "received_at" in found:
        found["received_on"] = found.pop("received_at")
    return found


def _field(
    name: str, label: str, kind: str, values: Any, errors: dict[str, str], **extra: Any
) -> dict[str, Any]:
    given = values.get(name, "")
    return {
        "name": name,
        "label": label,
        "type": kind,
        "value": given,
        "chosen": [given],
        "error": errors.get(name, ""),
        **extra,
    }


def _form(
    request: HttpRequest,
    *,
    label: str,
    caption: str,
    back: str,
    button: str,
    fields: list[dict[str, Any]],
    errors: dict[str, str],
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "label": label,
        "caption": caption,
        "back": back,
        "button": button,
        "fields": fields,
        "errors": errors,
        "summary": list(errors.items()),
        **(extra or {}),
    }
    return render(request, "staff/privacy/form.html", context, status=400 if errors else 200)


def _denied(request: HttpRequest, what: str, error: Exception) -> HttpResponse:
    if isinstance(error, NotVisibleError):
        raise Http404(str(error))
    return _no_permission(request, what)


# -- the list and a request --------------------------------------------------------------


def _officer_organisations(user: Any) -> list[Organisation]:
    return list(
        Organisation.objects.filter(pk__in=organisations_with(user, OFFICERS)).order_by("name")
    )


@login_required
@require_safe
def requests_page(request: HttpRequest) -> HttpResponse:
    """The officer's list: every request of their organisations, the earliest due first."""
    user = staff_user(request)
    organisations = _officer_organisations(user)
    if not organisations:
        return _no_permission(request, "read data protection requests")
    slug = request.GET.get("organisation", "")
    chosen = [o for o in organisations if o.slug == slug] if slug else organisations
    if slug and not chosen:
        raise Http404(f"There is no organisation {slug!r} whose requests you read.")
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    for found in (
        DataRequest.objects.filter(organisation__in=chosen)
        .select_related("person", "organisation")
        .order_by("-received_at", "-pk")
    ):
        due = request_due(found)
        late = bool(due and due.completed_at is None and due.due_on < today)
        rows.append(
            {
                "request": found,
                "due": due,
                "late": late,
                "rag": "red" if late else STATUS_RAG.get(found.status, "grey"),
            }
        )
    rows.sort(key=lambda r: r["due"].due_on if r["due"] else datetime.date.max)
    return render(
        request,
        "staff/privacy/requests.html",
        {
            "rows": rows,
            "organisations": organisations,
            "organisation": chosen[0] if slug else None,
        },
    )


def _request_or_404(request: HttpRequest, request_id: int) -> DataRequest:
    try:
        return request_for(staff_user(request), request_id)
    except NotVisibleError:
        raise Http404(
            f"There is no data protection request {request_id} that you can see."
        ) from None


@login_required
@require_safe
def request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    """A request: the person, its deadline explained, its history, and what is next."""
    try:
        found = _request_or_404(request, request_id)
    except AccessDeniedError:
        return _no_permission(request, "read data protection requests")
    erasure = found.kind == RequestKind.ERASURE
    return render(
        request,
        "staff/privacy/request.html",
        {
            "found": found,
            "due": request_due(found),
            "history": request_history(found),
            "rag": STATUS_RAG.get(found.status, "grey"),
            "may_decide": erasure and found.status == RequestStatus.RECEIVED,
            "may_export": not erasure
            and found.status in (RequestStatus.RECEIVED, RequestStatus.EXPORTED),
            "may_release": found.status == RequestStatus.EXPORTED,
            "exported": bool(found.export) and found.exported_at is not None,
            "cases": _cases_of(found),
        },
    )


def _cases_of(found: DataRequest) -> list[Any]:
    from putright.cases.models import Case

    return list(Case.objects.filter(customer=found.person).order_by("received_at"))


@login_required
def decide(request: HttpRequest, request_id: int) -> HttpResponse:
    """Decide an erasure request, with the reasons."""
    try:
        found = _request_or_404(request, request_id)
    except AccessDeniedError:
        return _no_permission(request, "decide data protection requests")
    action = PRIVACY_BY_NAME["privacy-decide"]
    back = reverse("staff:privacy-request", args=[found.pk])
    values = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    if request.method == "POST":
        given = {k: values.get(k, "").strip() for k in ("decision", "reasons", "version")}
        try:
            payload = action.schema(**{k: v for k, v in given.items() if v})
            done = perform_privacy(action, user=staff_user(request), target=found, payload=payload)
        except (ValidationError, CaseError) as error:
            errors = _errors_from(error)
        except (AccessDeniedError, NotVisibleError) as error:
            return _denied(request, "decide data protection requests", error)
        else:
            messages.success(request, action.done(done))
            return redirect(back)
    fields = [
        _field("version", "", "hidden", values, errors, value=found.version),
        _field("decision", "The decision", "radios", values, errors, choices=DECISION_CHOICES),
        _field(
            "reasons",
            "The reasons",
            "textarea",
            values,
            errors,
            hint="Required whichever you decide: they are kept with the request.",
        ),
    ]
    return _form(
        request,
        label=action.label,
        caption=f"{found.get_kind_display()} request {found.pk}: {found.person.name}",
        back=back,
        button=action.button,
        fields=fields,
        errors=errors,
        extra={
            "warning": "Erasing cannot be undone: the person's name, contact details and "
            "the words about them are replaced; their cases keep their dates and outcomes."
        },
    )


def _step(name: str) -> Any:
    @login_required
    def page(request: HttpRequest, request_id: int) -> HttpResponse:
        what = "export data protection requests"
        try:
            found = _request_or_404(request, request_id)
        except AccessDeniedError:
            return _no_permission(request, what)
        action = PRIVACY_BY_NAME[name]
        back = reverse("staff:privacy-request", args=[found.pk])
        errors: dict[str, str] = {}
        if request.method == "POST":
            try:
                payload = action.schema(version=request.POST.get("version") or None)
                done = perform_privacy(
                    action, user=staff_user(request), target=found, payload=payload
                )
            except (ValidationError, CaseError) as error:
                errors = _errors_from(error)
            except (AccessDeniedError, NotVisibleError) as error:
                return _denied(request, what, error)
            else:
                messages.success(request, action.done(done))
                return redirect(back)
        return _form(
            request,
            label=action.label,
            caption=f"{found.get_kind_display()} request {found.pk}: {found.person.name}",
            back=back,
            button=action.button,
            fields=[_field("version", "", "hidden", {}, errors, value=found.version)],
            errors=errors,
        )

    page.__name__ = name.replace("-", "_")
    return page


@login_required
@require_safe
def download(request: HttpRequest, request_id: int) -> HttpResponse:
    """The export's zip, for the officer; every download is recorded."""
    try:
        found = _request_or_404(request, request_id)
    except AccessDeniedError:
        return _no_permission(request, "download subject access exports")
    if request.method == "HEAD":  # headers only: nothing is downloaded, nothing recorded
        return HttpResponse(content_type="application/zip")
    try:
        return export_response(staff_user(request), found)
    except CaseError:
        raise Http404("There is no export yet: export the data first.") from None


# -- recording a request from a person's page --------------------------------------------


def _received_at(value: str, errors: dict[str, str]) -> datetime.datetime | None:
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        errors["received_on"] = "Give the date as a day, e.g. 2026-03-02."
        return None
    if day == timezone.localdate():
        return None  # today: now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@login_required
def record(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record a person's request: to see their data, or to be erased."""
    user = staff_user(request)
    what = "record data protection requests"
    try:
        person = person_for(user, person_id)
        require_officer(user, person.organisation_id, "privacy-request", "")
    except NotVisibleError:
        raise Http404(f"There is no person {person_id} that you can see.") from None
    except AccessDeniedError:
        return _no_permission(request, what)
    action = PRIVACY_BY_NAME["privacy-request"]
    values = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    if request.method == "POST":
        received_at = _received_at(values.get("received_on", "").strip(), errors)
        if not errors:
            try:
                payload = action.schema(
                    **{k: v for k, v in {"kind": values.get("kind", "")}.items() if v},
                    received_at=received_at,
                )
                done = perform_privacy(action, user=user, target=person, payload=payload)
            except (ValidationError, CaseError) as error:
                errors = _errors_from(error)
            except (AccessDeniedError, NotVisibleError) as error:
                return _denied(request, what, error)
            else:
                messages.success(request, action.done(done))
                return redirect("staff:privacy-request", done.pk)
    fields = [
        _field("kind", "What the person asked for", "radios", values, errors, choices=KIND_CHOICES),
        _field(
            "received_on",
            "When it reached you",
            "date",
            values,
            errors,
            hint="Leave it blank if it was today. A copy of their data is due one calendar "
            "month from this day.",
        ),
    ]
    return _form(
        request,
        label=action.label,
        caption=person.name,
        back=reverse("staff:person", args=[person.pk]),
        button=action.button,
        fields=fields,
        errors=errors,
    )


# -- the retention schedule --------------------------------------------------------------


RUN_WORDS = {
    "cases_due": "cases past their period",
    "cases": "cases anonymised",
    "people": "people anonymised",
    "files": "files removed",
    "redactions": "history entries redacted",
    "rows": "records emptied",
}


def _counts_in_words(counts: dict[str, Any]) -> list[str]:
    """A run's counts in words: "3 cases anonymised", "1 closed case kept on a legal hold"."""
    said = []
    for key, words in RUN_WORDS.items():
        value = counts.get(key)
        if isinstance(value, dict):
            value = sum(v for v in value.values() if isinstance(v, int))
        if value:
            said.append(f"{value} {words}")
    for key, value in counts.items():
        if key.endswith("_held") and value:
            said.append(
                f"{value} {key.removesuffix('_held').replace('_', ' ')} kept on a legal hold"
            )
    return said


@login_required
@require_safe
def retention_page(request: HttpRequest) -> HttpResponse:
    """Each record type's period (the default, or the organisation's own) and the last runs."""
    user = staff_user(request)
    organisations = _officer_organisations(user)
    if not organisations:
        return _no_permission(request, "read the retention schedule")
    slug = request.GET.get("organisation", "")
    organisation = next((o for o in organisations if o.slug == slug), None) if slug else None
    if slug and organisation is None:
        raise Http404(f"There is no organisation {slug!r} whose schedule you read.")
    organisation = organisation or organisations[0]
    answer = retention_answer(organisation)
    for run in answer["runs"]:
        run["said"] = _counts_in_words(run["counts"])
    return render(
        request,
        "staff/privacy/retention.html",
        {
            "answer": answer,
            "organisation": organisation,
            "organisations": organisations,
        },
    )


# -- a legal hold on a case --------------------------------------------------------------


def _hold_page(name: str) -> Any:
    @login_required
    def page(request: HttpRequest, reference: str) -> HttpResponse:
        user = staff_user(request)
        case = case_or_404(request, reference)
        action = LEGAL_HOLD_BY_NAME[name]
        what = action.label[0].lower() + action.label[1:]
        if not may_act(user, case, action.permission):
            return _no_permission(request, what)
        back = reverse("staff:case", args=[case.reference])
        values = request.POST if request.method == "POST" else request.GET
        errors: dict[str, str] = {}
        if request.method == "POST":
            try:
                payload = action.schema(reason=values.get("reason", "").strip())
                done = perform_legal_hold(action, user=user, case=case, payload=payload)
            except (ValidationError, CaseError) as error:
                errors = _errors_from(error)
                if errors.get("reason") == "Required.":
                    errors["reason"] = (
                        "Say why the case is kept."
                        if name == "legal-hold"
                        else "Say why the hold ends."
                    )
            except (AccessDeniedError, NotVisibleError) as error:
                return _denied(request, what, error)
            else:
                messages.success(request, action.done(done))
                return redirect(back)
        hold = hold_in_force(case)
        label = "Why the case is kept" if name == "legal-hold" else "Why the hold ends"
        return _form(
            request,
            label=action.label,
            caption=f"{case.reference}: {case.summary[:60]}",
            back=back,
            button=action.button,
            fields=[
                _field(
                    "reason",
                    label,
                    "textarea",
                    values,
                    errors,
                    hint="For example a disrepair claim, a court order or an inquiry."
                    if name == "legal-hold"
                    else "",
                )
            ],
            errors=errors,
            extra={"hold": hold},
        )

    page.__name__ = name.replace("-", "_")
    return page


urlpatterns = [
    path("privacy/requests/", requests_page, name="privacy-requests"),
    path("privacy/requests/<int:request_id>/", request_page, name="privacy-request"),
    path("privacy/requests/<int:request_id>/decide/", decide, name="privacy-decide"),
    path(
        "privacy/requests/<int:request_id>/export/",
        _step("privacy-export"),
        name="privacy-export",
    ),
    path(
        "privacy/requests/<int:request_id>/release/",
        _step("privacy-release"),
        name="privacy-release",
    ),
    path("privacy/requests/<int:request_id>/download/", download, name="privacy-download"),
    path("privacy/retention/", retention_page, name="privacy-retention"),
    path("people/<int:person_id>/data-requests/", record, name="privacy-request-record"),
    path("cases/<str:reference>/legal-hold/", _hold_page("legal-hold"), name="legal-hold"),
    path(
        "cases/<str:reference>/legal-hold-lift/",
        _hold_page("legal-hold-lift"),
        name="legal-hold-lift",
    ),
]
