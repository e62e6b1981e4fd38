"""Make a complaint, a compliment, a comment or a suggestion, one question per page."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from putright.cases.errors import CaseError
from putright.cases.models import Case
from putright.domain.calendar import describe
from putright.domain.deadlines import Timeline, derive_deadlines
from putright.domain.policy import ExclusionCategory
from putright.organisations.models import Organisation
from putright.organisations.services import organisation_calendar
from putright.people.models import Authority, Relationship

from .. import security, uploads
from ..forms import CONTACT_LABELS, KIND_LABELS, NEEDS, RELATIONSHIP_LABELS, EvidenceForm
from ..journey import DONE_PREFIX, Journey, Step
from ..services import promised_dates, send_confirmation, submit_case
from .common import ORGANISATION_KEY, render_page, silently_dropped, too_many_requests

OrganisationView = Callable[..., HttpResponse]


def organisation_page(view: OrganisationView) -> Callable[..., HttpResponse]:
    """Look up the organisation in the address; a friendly page when there is none."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            return render_page(request, "portal/not_found.html", status=404)
        request.session[ORGANISATION_KEY] = organisation.slug
        return view(request, organisation, *args, **kwargs)

    return wrapper


def _step_url(organisation: Organisation, step: Step | None, *, change: bool = False) -> str:
    if step is None:
        return reverse("portal:check", args=[organisation.slug])
    url = reverse("portal:step", args=[organisation.slug, step.slug])
    return f"{url}?change=1" if change else url


def _next_url(journey: Journey, step: Step, change: bool) -> str:
    if change:
        return _step_url(journey.organisation, journey.first_incomplete(), change=True)
    return _step_url(journey.organisation, journey.next(step))


def _back_url(journey: Journey, step: Step, change: bool) -> str:
    if change:
        return reverse("portal:check", args=[journey.organisation.slug])
    previous = journey.previous(step)
    if previous is None:
        return reverse("portal:start", args=[journey.organisation.slug])
    return _step_url(journey.organisation, previous)


def _first_dates(journey: Journey, kind: str) -> dict[str, datetime.date]:
    """The dates a complaint made now would be acknowledged and answered by: under the pack
    in force on the day it is deemed received, with the Code's floor, as the case will be."""
    pack = journey.pack
    rule = pack.kind(kind)
    if rule is None or not rule.starts_at:
        return {}
    deadlines = derive_deadlines(
        pack,
        organisation_calendar(journey.organisation),
        Timeline(kind=kind, received_at=timezone.now()),
        today=timezone.localdate(),
        floor=journey.floor.code,
    )
    dates: dict[str, datetime.date] = {}
    for deadline in deadlines:
        if deadline.stage == rule.starts_at and deadline.step in ("acknowledge", "respond"):
            dates.setdefault(deadline.step, deadline.due)
    return dates


def _natural_list(items: list[str]) -> str:
    """``a, b or c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


@require_GET
@organisation_page
def start(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    # Starting again: what the last "sent" page showed is no longer needed.
    request.session.pop(DONE_PREFIX + organisation.slug, None)
    journey = Journey(request, organisation)
    dates = _first_dates(journey, "complaint")
    first = journey.steps()[0]
    return render_page(
        request,
        "portal/start.html",
        {
            "kinds": _natural_list([KIND_LABELS[k][0].lower() for k in journey.kinds]),
            "acknowledge_by": describe(dates["acknowledge"]) if "acknowledge" in dates else "",
            "respond_by": describe(dates["respond"]) if "respond" in dates else "",
            "journey": journey,
            "start_url": _step_url(organisation, first),
            "follow_url": reverse("portal:follow"),
            "time_limit_months": min(
                (
                    e.months
                    for e in journey.pack.exclusions
                    if e.category is ExclusionCategory.TIME_LIMIT and e.months
                ),
                default=None,
            ),
        },
        organisation=organisation,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_page
def step(request: HttpRequest, organisation: Organisation, step_slug: str) -> HttpResponse:
    journey = Journey(request, organisation)
    current = journey.step(step_slug)
    if current is None or not journey.reachable(current):
        return redirect(_step_url(organisation, journey.first_incomplete()))
    change = request.GET.get("change") == "1"
    request.session.pop(DONE_PREFIX + organisation.slug, None)
    if current.slug == "evidence":
        return _evidence(request, journey, current, change)
    form = current.form(
        request.POST if request.method == "POST" else None,
        initial=journey.initial(current),
        **journey.form_kwargs(current),
    )
    if request.method == "POST":
        if security.honeypot_filled(request):
            return silently_dropped(request, organisation)
        if form.is_valid():
            journey.record(current, form.cleaned_data)
            return redirect(_next_url(journey, current, change))
    return render_page(
        request,
        current.template,
        {
            "form": form,
            "step": current,
            "journey": journey,
            "noun": journey.noun,
            "back_url": _back_url(journey, current, change),
            "action": request.get_full_path(),
            "their_name": journey.answers.get("their_name") or "the person you are acting for",
            "time_limit_months": journey.time_limit,
            "occurred_on": describe(journey.occurred_on) if journey.occurred_on else "",
        },
        organisation=organisation,
        status=400 if form.errors else 200,
    )


def _evidence(request: HttpRequest, journey: Journey, current: Step, change: bool) -> HttpResponse:
    """Upload files one at a time; remove any; continue when done."""
    organisation = journey.organisation
    form = EvidenceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        noun=journey.noun,
    )
    if request.method == "POST":
        if security.honeypot_filled(request):
            return silently_dropped(request, organisation)
        action = request.POST.get("action", "continue")
        if action.startswith("remove-"):
            index = action.removeprefix("remove-")
            if index.isdigit() and int(index) < len(journey.files):
                uploads.discard(journey.files.pop(int(index)))
                journey.save()
            return redirect(request.get_full_path())
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            if upload is None and action == "upload":
                form.add_error("file", "Choose a file to upload.")
            elif upload is not None and len(journey.files) >= uploads.MAX_FILES:
                form.add_error(
                    "file",
                    f"You can upload up to {uploads.MAX_FILES} files. Remove one to add another.",
                )
            elif upload is not None and not security.allow(request, "upload"):
                return too_many_requests(request, organisation)
            elif upload is not None:
                try:
                    journey.files.append(uploads.keep(upload, journey.token))
                except CaseError as problem:
                    form.add_error("file", problem.message)
                else:
                    journey.save()
            if not form.errors:
                if action == "upload":
                    return redirect(request.get_full_path())
                journey.mark_done(current)
                return redirect(_next_url(journey, current, change))
    return render_page(
        request,
        current.template,
        {
            "form": form,
            "step": current,
            "journey": journey,
            "noun": journey.noun,
            "files": journey.files,
            "max_files": uploads.MAX_FILES,
            "back_url": _back_url(journey, current, change),
            "action": request.get_full_path(),
        },
        organisation=organisation,
        status=400 if form.errors else 200,
    )


def _label(choices: list[tuple[str, str]], value: Any) -> str:
    return next((label for key, label in choices if key == value), str(value or ""))


def _rows(journey: Journey) -> list[dict[str, Any]]:
    """The answers as summary-list rows, each with its Change link."""
    a = journey.answers
    org = journey.organisation
    rows: list[dict[str, Any]] = []

    def row(slug: str, label: str, value: str) -> None:
        step = journey.step(slug)
        rows.append(
            {
                "label": label,
                "value": value,
                "change_url": _step_url(org, step, change=True) if step else "",
            }
        )

    if len(journey.kinds) > 1:
        row("what", "What you want to do", KIND_LABELS[journey.kind][0])
    row("who", "Who it is for", "Someone else" if journey.for_someone_else else "You")
    if journey.for_someone_else:
        row("their-details", "Their name", str(a.get("their_name") or ""))
        row(
            "their-details",
            "How you are connected",
            _label(RELATIONSHIP_LABELS, a.get("relationship")),
        )
    if journey.pack.service_areas:
        row("about", "Part of our service", str(a.get("service_area") or "Something else"))
    row("about", "In a few words", str(a.get("summary") or ""))
    row("what-happened", "What happened", str(a.get("details") or ""))
    row(
        "what-happened",
        "When it happened",
        describe(journey.occurred_on) if journey.occurred_on else "Not given",
    )
    if journey.step("time-limit"):
        row(
            "time-limit",
            "Why you could not tell us sooner",
            str(a.get("delay_reason") or "Not given"),
        )
    if journey.step("put-right"):
        row(
            "put-right", "What would put things right", str(a.get("desired_outcome") or "Not given")
        )
    row(
        "evidence",
        "Evidence",
        "\n".join(f["name"] for f in journey.files) or "None",
    )
    row("contact", "Your name", str(a.get("name") or ""))
    row("contact", "E-mail address", str(a.get("email") or "Not given"))
    row("contact", "Phone number", str(a.get("phone") or "Not given"))
    row("contact", "How to contact you", _label(CONTACT_LABELS, a.get("preferred_contact")))
    if a.get("contact_times"):
        row("contact", "Best time to contact you", str(a["contact_times"]))
    if a.get("address") or a.get("postcode"):
        row(
            "contact",
            "Address",
            "\n".join(str(p) for p in (a.get("address"), a.get("postcode")) if p),
        )
    needs = [_label(NEEDS, n) for n in a.get("needs") or []]
    if a.get("other_needs"):
        needs.append(str(a["other_needs"]))
    row("support", "Support you need", "\n".join(needs) or "None")
    return rows


@never_cache
@require_http_methods(["GET", "POST"])
@organisation_page
def check(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    journey = Journey(request, organisation)
    missing = journey.first_incomplete()
    if missing is not None:
        return redirect(_step_url(organisation, missing))
    error = ""
    if request.method == "POST":
        if security.honeypot_filled(request):
            return silently_dropped(request, organisation)
        if not security.allow(request, "submit"):
            return too_many_requests(request, organisation)
        lost = [item for item in journey.files if not uploads.exists(item)]
        if lost:
            journey.data["files"] = [item for item in journey.files if item not in lost]
            journey.save()
            names = ", ".join(item["name"] for item in lost)
            error = (
                f"We could not keep these files: {names}. Upload them again, or send your "
                f"{journey.noun} without them."
            )
            return _check_page(request, journey, error)
        try:
            case = submit_case(
                organisation,
                kind=journey.kind,
                answers=journey.answers,
                files=journey.files,
                for_someone_else=journey.for_someone_else,
                include_desired_outcome=journey.step("put-right") is not None,
                include_delay_reason=journey.step("time-limit") is not None,
            )
        except CaseError as problem:
            error = problem.message
        else:
            email = str(journey.answers.get("email") or "")
            if email:
                send_confirmation(case, email, noun=journey.noun)
            for item in journey.files:
                uploads.discard(item)
            journey.clear()
            request.session[DONE_PREFIX + organisation.slug] = {
                "reference": case.reference,
                "noun": journey.noun,
                "email": email,
            }
            return redirect("portal:done", slug=organisation.slug)
    return _check_page(request, journey, error)


def _check_page(request: HttpRequest, journey: Journey, error: str) -> HttpResponse:
    organisation = journey.organisation
    last = journey.steps()[-1]
    return render_page(
        request,
        "portal/make/check.html",
        {
            "journey": journey,
            "rows": _rows(journey),
            "noun": journey.noun,
            "error": error,
            "for_someone_else": journey.for_someone_else,
            "their_name": journey.answers.get("their_name") or "",
            "legal_representative": journey.answers.get("relationship")
            == Relationship.LEGAL_REPRESENTATIVE,
            "back_url": _step_url(organisation, last),
        },
        organisation=organisation,
        status=400 if error else 200,
    )


@never_cache
@require_GET
@organisation_page
def done(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """The reference and what happens next, shown once.

    The reference, e-mail address and names are then dropped from the session, so that
    the next person at a shared computer cannot see them: a reload says only that the
    complaint was sent and how to follow it.
    """
    key = DONE_PREFIX + organisation.slug
    info = request.session.get(key)
    if not info:
        return redirect("portal:start", slug=organisation.slug)
    noun = str(info.get("noun") or "complaint")
    follow_url = reverse("portal:follow")
    if not info.get("reference"):
        return render_page(
            request,
            "portal/make/done_again.html",
            {"noun": noun, "follow_url": follow_url},
            organisation=organisation,
        )
    request.session[key] = {"noun": noun}
    case = Case.objects.filter(reference=info["reference"], organisation=organisation).first()
    if case is None:
        raise Http404
    dates = promised_dates(case)
    representative = case.representative
    return render_page(
        request,
        "portal/make/done.html",
        {
            "case": case,
            "noun": noun,
            "email": info.get("email", ""),
            "acknowledge_by": describe(dates["acknowledge"]) if "acknowledge" in dates else "",
            "respond_by": describe(dates["respond"]) if "respond" in dates else "",
            "authority_needed": representative is not None
            and representative.authority == Authority.REQUESTED,
            "their_name": case.customer.name if case.customer else "",
            "follow_url": follow_url,
        },
        organisation=organisation,
    )
