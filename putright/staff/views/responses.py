"""Checking a response before it is sent: the respond page shown again with what the Code
asks that it still lacks and how easy it is to read, nothing saved."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from putright.accounts.access import may_act
from putright.actions.cases import BY_NAME
from putright.cases.selectors import case_pack

from ..forms import RespondForm
from .common import case_or_404, staff_user


@login_required
@require_http_methods(["GET", "POST"])
def respond_check(request: HttpRequest, reference: str) -> HttpResponse:
    """The respond page with the answers as typed and the checks worked out from them."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    respond = BY_NAME["respond"]
    if not may_act(user, case, respond.needs):
        return render(
            request, "staff/forbidden.html", {"case": case, "action": respond}, status=403
        )
    url = reverse("staff:case-action", args=[case.reference, respond.name])
    if request.method != "POST":
        return redirect(url)
    form = RespondForm(initial=request.POST.dict(), case=case, pack=case_pack(case), user=user)
    return render(
        request,
        "staff/action.html",
        {"case": case, "action": respond, "form": form, "error": "", "form_action": url},
    )
