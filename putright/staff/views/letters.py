"""Letters and files on the case page: preview what the chronology calls for, send it,
download it; open the files attached to the case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from putright.accounts.access import can_see_personal_data, may_act, record_access
from putright.cases.errors import CaseError
from putright.cases.models import Attachment
from putright.cases.services import Actor
from putright.letters.models import Correspondence
from putright.letters.rendering import render_pdf
from putright.letters.services import (
    Delivery,
    call_about,
    letter_delivery,
    letter_preview,
    letter_send,
    needs_large_print,
    ombudsman_bundle,
)

from .common import case_or_404, staff_user

#: Sending a letter is contact with the customer: the same people may do it.
SEND_PERMISSION = "contact"


@login_required
@require_http_methods(["GET", "POST"])
def letter(request: HttpRequest, reference: str, sequence: int) -> HttpResponse:
    """Preview the letter an event calls for (``?format=pdf``: the PDF it will be sent as);
    sending it keeps it and records it."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    if not may_act(user, case, SEND_PERMISSION):
        return render(request, "staff/no_permission.html", {"what": "send letters"}, status=403)
    if request.method == "POST":
        large_print = request.POST.get("large_print") == "on"
    elif "shown" in request.GET or "large_print" in request.GET:  # the handler chose
        large_print = request.GET.get("large_print") == "on"
    else:  # as the customer's needs ask
        large_print = needs_large_print(case)
    error = ""
    if request.method == "POST":
        try:
            sent = letter_send(
                case=case, sequence=sequence, actor=Actor(user), large_print=large_print
            )
        except CaseError as problem:
            error = problem.message
        else:
            how = {
                "email": f"E-mailed to {sent.recipient}.",
                "post": "Queued for printing: print it and post it to the customer.",
                "phone": f"The customer prefers the phone: call them on {sent.recipient}.",
                "internal": "Sent to the team.",
            }[sent.channel]
            call = call_about(sent)
            if call is not None:
                how += f" The customer prefers the phone: call them on {call.recipient} too."
            messages.success(request, f"{sent.subject}: {how}")
            return redirect(f"/cases/{case.reference}/?tab=correspondence")
    try:
        subject, html = letter_preview(case, sequence=sequence, large_print=large_print)
    except CaseError as problem:
        raise Http404(problem.message) from None
    if request.method == "GET" and request.GET.get("format") == "pdf":
        response = HttpResponse(render_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="{case.reference}-{sequence}-preview.pdf"'
        )
        return response
    try:
        how = describe_delivery(letter_delivery(case, sequence=sequence))
    except CaseError as problem:
        how = problem.message
    status = 400 if error else 200
    return render(
        request,
        "staff/letter.html",
        {
            "case": case,
            "subject": subject,
            "html": html,
            "sequence": sequence,
            "large_print": large_print,
            "large_print_needed": needs_large_print(case),
            "how": how,
            "error": error,
        },
        status=status,
    )


def describe_delivery(how: Delivery) -> str:
    """How a letter will go, for the handler about to send it."""
    said = {
        "email": f"It will be e-mailed to {how.recipient}.",
        "post": "It will be queued for printing, for you to print and post to the customer.",
        "phone": f"The customer prefers the phone: you will be asked to call them on {how.recipient}.",
        "internal": f"It will be kept for {how.recipient}.",
    }[how.channel]
    if how.call:
        said += (
            f" The customer prefers the phone: you will also be asked to call them on {how.call}."
        )
    return said


@login_required
@require_GET
def letter_pdf(request: HttpRequest, reference: str, letter_id: int) -> HttpResponseBase:
    """A letter as it was sent: the customer's name and address, so an export of personal
    data, for those who may see it, and recorded."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    letter = Correspondence.objects.filter(case=case, pk=letter_id).first()
    if letter is None:
        raise Http404("There is no such letter on this case.")
    if not can_see_personal_data(user, case):
        return render(
            request,
            "staff/no_permission.html",
            {"what": "read the letters sent to the customer"},
            status=403,
        )
    record_access(user, "downloaded a letter", case.reference, f"letter {letter.pk}")
    return FileResponse(
        letter.pdf.open("rb"),
        as_attachment=False,
        filename=f"{case.reference}-{letter.pk}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def attachment(request: HttpRequest, reference: str, attachment_id: int) -> HttpResponseBase:
    """A file attached to the case (a resident's evidence, say), for those who may see the
    customer's personal data; always downloaded, never shown in the browser, and recorded."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    kept = Attachment.objects.filter(case=case, pk=attachment_id).first()
    if kept is None:
        raise Http404("There is no such file on this case.")
    if not can_see_personal_data(user, case):
        return render(
            request, "staff/no_permission.html", {"what": "open the files on this case"}, status=403
        )
    record_access(user, "opened a file", case.reference, f"{kept.name} (file {kept.pk})")
    return FileResponse(
        kept.file.open("rb"),
        as_attachment=True,
        filename=kept.download_name,
        content_type=kept.content_type or "application/octet-stream",
    )


@login_required
@require_GET
def bundle(request: HttpRequest, reference: str) -> HttpResponse:
    """The ombudsman bundle: chronology, letters and attachments in one PDF (an export, so logged)."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    if not may_act(user, case, SEND_PERMISSION):
        return render(
            request, "staff/no_permission.html", {"what": "export the case file"}, status=403
        )
    record_access(user, "exported the ombudsman bundle", case.reference)
    response = HttpResponse(ombudsman_bundle(case), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{case.reference}-ombudsman-bundle.pdf"'
    )
    return response
