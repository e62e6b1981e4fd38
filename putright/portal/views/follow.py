"""Follow a case with its reference and a one-time code: see it, escalate it, give feedback."""

from __future__ import annotations

import time
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from putright.actions.portal import RESIDENT, resident_may, resident_take
from putright.cases.errors import CaseError
from putright.cases.models import Case
from putright.domain.calendar import describe
from putright.letters.models import Correspondence
from putright.organisations.models import Organisation
from putright.people.restrictions import how_to_write

from .. import security
from ..codes import (
    ACCESS_LIFETIME,
    CODE_LIFETIME,
    MAX_ATTEMPTS,
    Verdict,
    check_code,
    find_match,
    issue_code,
)
from ..forms import CodeForm, EscalateForm, FeedbackForm, FollowForm, MessageForm
from ..models import TP09_QUESTION, FollowerRole, SatisfactionResponse
from ..services import case_view, letters_for, noun_for, promised_dates
from .common import (
    ORGANISATION_KEY,
    render_page,
    session_organisation,
    silently_dropped,
    too_many_requests,
)

PENDING_KEY = "portal:follow:pending"
ACCESS_KEY = "portal:follow:access"
FLASH_KEY = "portal:follow:flash"


def _context_organisation(request: HttpRequest) -> Organisation | None:
    slug = request.GET.get("organisation")
    if slug:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is not None:
            request.session[ORGANISATION_KEY] = organisation.slug
            return organisation
    return session_organisation(request)


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    """Ask for a code: the reference and the e-mail address or phone number on the case."""
    organisation = _context_organisation(request)
    form = FollowForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if security.honeypot_filled(request):
            return silently_dropped(request, organisation)
        if form.is_valid():
            if not security.allow(request, "code"):
                return too_many_requests(request, organisation)
            reference = form.cleaned_data["reference"].strip().upper()
            contact = form.cleaned_data["contact"].strip()
            # Limits per reference count every request, matched or not, so that
            # reaching one says nothing about whether the reference exists.
            if _wrong_codes_exhausted(reference):
                return too_many_requests(request, organisation, reason="wrong_codes")
            if not security.allow_for(reference, "case_code"):
                return too_many_requests(request, organisation, reason="reference")
            match = find_match(reference, contact)
            code_id = issue_code(match).pk if match is not None else None
            # The same answer whether or not the reference and contact matched.
            request.session[PENDING_KEY] = {
                "reference": reference,
                "contact": contact,
                "code": code_id,
                "started": time.time(),
                "attempts": 0,
            }
            return redirect("portal:follow-code")
    return render_page(
        request,
        "portal/follow/start.html",
        {"form": form},
        organisation=organisation,
        status=400 if form.errors else 200,
    )


def _check_pending(pending: dict[str, Any], code: str) -> tuple[Verdict, int, Any]:
    """Check a code; a request that matched no case fails the same way a wrong code does."""
    if pending.get("code"):
        verdict, record, left = check_code(int(pending["code"]), code)
        return verdict, left, record
    if time.time() - float(pending.get("started", 0)) >= CODE_LIFETIME.total_seconds():
        return Verdict.EXPIRED, 0, None
    if int(pending.get("attempts", 0)) >= MAX_ATTEMPTS:
        return Verdict.LOCKED, 0, None
    pending["attempts"] = int(pending.get("attempts", 0)) + 1
    left = MAX_ATTEMPTS - pending["attempts"]
    return (Verdict.LOCKED if left <= 0 else Verdict.WRONG), left, None


def _wrong_codes_exhausted(reference: str) -> bool:
    return security.exhausted(reference, "case_wrong", window=security.DAY_SECONDS)


CODE_MESSAGES = {
    Verdict.EXPIRED: "That code has expired. Codes work for 15 minutes. Ask for a new code.",
    Verdict.LOCKED: "You have entered a wrong code too many times. Ask for a new code.",
}


@never_cache
@require_http_methods(["GET", "POST"])
def follow_code(request: HttpRequest) -> HttpResponse:
    """Enter the code; five tries, fifteen minutes."""
    organisation = session_organisation(request)
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("portal:follow")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if security.honeypot_filled(request):
            return silently_dropped(request, organisation)
        if not security.allow(request, "verify"):
            return too_many_requests(request, organisation)
        reference = str(pending.get("reference", ""))
        if _wrong_codes_exhausted(reference):
            return too_many_requests(request, organisation, reason="wrong_codes")
        if form.is_valid():
            verdict, left, record = _check_pending(pending, form.cleaned_data["code"])
            request.session[PENDING_KEY] = pending
            if verdict in (Verdict.WRONG, Verdict.LOCKED):
                security.note(reference, "case_wrong", window=security.DAY_SECONDS)
            if verdict is Verdict.OK and record is not None:
                request.session.pop(PENDING_KEY, None)
                request.session.cycle_key()
                request.session[ACCESS_KEY] = {
                    "case": record.case_id,
                    "role": record.role,
                    "until": time.time() + ACCESS_LIFETIME.total_seconds(),
                }
                request.session[ORGANISATION_KEY] = record.case.organisation.slug
                return redirect("portal:follow-case")
            if verdict is Verdict.WRONG:
                tries = "1 more try" if left == 1 else f"{left} more tries"
                form.add_error(
                    "code", f"That code is not right. Check it and try again. You have {tries}."
                )
            else:
                form.add_error("code", CODE_MESSAGES[verdict])
    return render_page(
        request,
        "portal/follow/code.html",
        {"form": form, "pending": pending},
        organisation=organisation,
        status=400 if form.errors else 200,
    )


def _followed(request: HttpRequest) -> tuple[Case, str] | None:
    """The case this session may see, while its 30 minutes last."""
    access = request.session.get(ACCESS_KEY)
    if not access or time.time() > float(access.get("until", 0)):
        request.session.pop(ACCESS_KEY, None)
        return None
    case = (
        Case.objects.select_related("organisation", "customer", "representative")
        .filter(pk=access.get("case"))
        .first()
    )
    if case is None:
        return None
    return case, str(access.get("role", FollowerRole.CUSTOMER))


def _expired(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "portal/follow/expired.html",
        organisation=session_organisation(request),
        status=403,
    )


def _flash(request: HttpRequest, text: str) -> None:
    request.session[FLASH_KEY] = text


def _needs_authority(request: HttpRequest, case: Case, action: str, **extra: Any) -> HttpResponse:
    """What a representative without the customer's authority sees instead of a form.

    A form sent anyway is refused (403); looking at the page is not an error.
    """
    return render_page(
        request,
        "portal/follow/needs_authority.html",
        {"case": case, "action": action, "noun": noun_for(case), **extra},
        organisation=case.organisation,
        status=403 if request.method == "POST" else 200,
    )


@never_cache
@require_GET
def follow_case(request: HttpRequest) -> HttpResponse:
    followed = _followed(request)
    if followed is None:
        return _expired(request)
    case, role = followed
    context = case_view(case)
    may_see = resident_may(RESIDENT["see-letters"], case, role)
    feedback_due = case.is_closed and not SatisfactionResponse.objects.filter(case=case).exists()
    context.update(
        case=case,
        letters=letters_for(case) if may_see else [],
        may_see_letters=may_see,
        may_act=resident_may(RESIDENT["escalate"], case, role),
        representative=role == FollowerRole.REPRESENTATIVE,
        feedback_due=feedback_due,
        feedback_given=case.is_closed and not feedback_due,
        flash=request.session.pop(FLASH_KEY, ""),
    )
    return render_page(request, "portal/follow/case.html", context, organisation=case.organisation)


@never_cache
@require_GET
def follow_letter(request: HttpRequest, pk: int) -> HttpResponseBase:
    followed = _followed(request)
    if followed is None:
        return _expired(request)
    case, role = followed
    letter = Correspondence.objects.filter(pk=pk, case=case).first()
    if (
        letter is None
        or letter.channel == "internal"
        or not resident_may(RESIDENT["see-letters"], case, role)
        or not letter.pdf
    ):
        raise Http404
    try:
        handle = letter.pdf.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{case.reference}-{letter.event_sequence}.pdf",
        content_type="application/pdf",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def follow_escalate(request: HttpRequest) -> HttpResponse:
    """Ask to take the complaint further, inside the window the policy allows."""
    followed = _followed(request)
    if followed is None:
        return _expired(request)
    case, role = followed
    view = case_view(case)
    offer = view["escalation"]
    if offer is None or not offer.open:
        return redirect("portal:follow-case")
    if not resident_may(RESIDENT["escalate"], case, role):
        return _needs_authority(request, case, "escalate", offer=offer)
    form = EscalateForm(
        request.POST if request.method == "POST" else None, reasons_required=offer.reasons_required
    )
    error = ""
    if request.method == "POST":
        if security.honeypot_filled(request):
            return silently_dropped(request, case.organisation)
        if not security.allow(request, "submit"):
            return too_many_requests(request, case.organisation)
        if form.is_valid():
            try:
                case = resident_take("escalate", case, role, reasons=form.cleaned_data["reasons"])
            except CaseError as problem:
                if "reasons" in problem.fields:
                    form.add_error("reasons", "Tell us why you are unhappy with our response.")
                else:
                    error = (
                        "We could not take your request online. Send us a message instead and "
                        "we will contact you."
                    )
            else:
                dates = promised_dates(case)
                text = f"We have your request to take your complaint to {offer.to}."
                if "acknowledge" in dates:
                    text += f" We will contact you to confirm by {describe(dates['acknowledge'])}."
                _flash(request, text)
                return redirect("portal:follow-case")
    return render_page(
        request,
        "portal/follow/escalate.html",
        {"form": form, "case": case, "offer": offer, "error": error, **view},
        organisation=case.organisation,
        status=400 if form.errors or error else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def follow_feedback(request: HttpRequest) -> HttpResponse:
    """After closure: the TP09 question and anything else the resident wants to say; once."""
    followed = _followed(request)
    if followed is None:
        return _expired(request)
    case, role = followed
    if not case.is_closed or SatisfactionResponse.objects.filter(case=case).exists():
        return redirect("portal:follow-case")
    if not resident_may(RESIDENT["feedback"], case, role):
        return _needs_authority(request, case, "feedback")
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if security.honeypot_filled(request):
            return silently_dropped(request, case.organisation)
        if not security.allow(request, "submit"):
            return too_many_requests(request, case.organisation)
        if form.is_valid():
            resident_take(
                "feedback",
                case,
                role,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
            _flash(request, "Thank you for your feedback. It helps us to improve.")
            return redirect("portal:follow-case")
    return render_page(
        request,
        "portal/follow/feedback.html",
        {"form": form, "case": case, "question": TP09_QUESTION},
        organisation=case.organisation,
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def follow_message(request: HttpRequest) -> HttpResponse:
    """Send the team a message; it goes on the case's record."""
    followed = _followed(request)
    if followed is None:
        return _expired(request)
    case, role = followed
    form = MessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if security.honeypot_filled(request):
            return silently_dropped(request, case.organisation)
        if not security.allow(request, "submit"):
            return too_many_requests(request, case.organisation)
        if form.is_valid():
            resident_take("message", case, role, message=form.cleaned_data["message"])
            _flash(request, "We have your message. We will reply as soon as we can.")
            return redirect("portal:follow-case")
    view = case_view(case)
    return render_page(
        request,
        "portal/follow/message.html",
        {
            "form": form,
            "case": case,
            "noun": noun_for(case),
            **{"escalation": view["escalation"]},
            "how_to_write": how_to_write(case.customer) if role == FollowerRole.CUSTOMER else None,
        },
        organisation=case.organisation,
        status=400 if form.errors else 200,
    )


@never_cache
@require_POST
def follow_stop(request: HttpRequest) -> HttpResponse:
    request.session.pop(ACCESS_KEY, None)
    request.session.pop(PENDING_KEY, None)
    return redirect("portal:follow")
