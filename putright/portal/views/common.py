"""What every portal page shares: the ombudsman box, the honeypot and the rate-limit page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from putright.cases.models import Case
from putright.organisations.models import Organisation

from ..security import HONEYPOT_FIELD
from ..services import ombudsman_for

ORGANISATION_KEY = "portal:organisation"


def session_organisation(request: HttpRequest) -> Organisation | None:
    """The organisation whose pages the resident came from, if any."""
    slug = request.session.get(ORGANISATION_KEY)
    if not slug:
        return None
    return Organisation.objects.filter(slug=slug).first()


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    organisation: Organisation | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render a portal page with its organisation's name and the details of the ombudsman the
    resident would go to: the case's (by the pack's rules) on a page about a case, the one the
    answers so far lead to while a complaint is being made, else the organisation's default."""
    page = dict(context or {})
    page["organisation"] = organisation
    case = page.get("case")
    journey = page.get("journey")
    page["ombudsman"] = ombudsman_for(
        organisation,
        case=case if isinstance(case, Case) else None,
        route=journey.ombudsman_route if journey is not None else "",
    )
    page["honeypot_field"] = HONEYPOT_FIELD
    page.setdefault(
        "service_name",
        f"{organisation.name}: complaints and feedback"
        if organisation
        else "Complaints and feedback",
    )
    return render(request, template, page, status=status)


def too_many_requests(
    request: HttpRequest, organisation: Organisation | None, *, reason: str = "address"
) -> HttpResponse:
    """The "please try again later" page (429).

    ``reason``: ``address`` (too many requests from this device or network this hour),
    ``reference`` (too many codes asked for this reference this hour) or
    ``wrong_codes`` (too many wrong codes entered for this reference today).
    """
    return render_page(
        request,
        "portal/too_many.html",
        {"reason": reason},
        organisation=organisation,
        status=429,
    )


def silently_dropped(request: HttpRequest, organisation: Organisation | None) -> HttpResponse:
    """What a form filled in by a program gets: thanks, and nothing saved."""
    return render_page(request, "portal/thanks.html", organisation=organisation)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form that could not be accepted (expired page, cookies blocked): say what to do.

    Django's ``CSRF_FAILURE_VIEW``. Residents get a portal page with the ombudsman box;
    staff get a staff page. ``reason`` is for developers and is not shown.
    """
    if request.path.startswith("/resident/"):
        slug = request.path.removeprefix("/resident/").split("/", 1)[0]
        organisation = Organisation.objects.filter(slug=slug).first() or session_organisation(
            request
        )
        return render_page(
            request, "portal/form_expired.html", organisation=organisation, status=403
        )
    return render(request, "staff/form_expired.html", status=403)
