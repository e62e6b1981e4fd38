"""Remedies, actions and compensation awards on a case, as short forms under the access rules.

Each page checks the user may take the action (403 otherwise), runs the service, and shows
what it refused beside the fields, with an error summary; saving returns to the case's
Remedies tab with a success banner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from putright.accounts.access import (
    AccessDeniedError,
    NotVisibleError,
    access_award_decision,
    awards_awaiting,
    can_see_case,
    may_act,
    may_approve_awards,
)
from putright.accounts.models import User
from putright.cases.errors import CaseError, ConflictError, PolicyRuleError
from putright.cases.models import Case
from putright.cases.services import Actor
from putright.domain.compensation import Suggestion, pounds, suggest_band
from putright.domain.policy import Pack
from putright.policies.registry import get_pack
from putright.remedies.models import Award
from putright.remedies.selectors import awaiting_award, missed_deadlines
from putright.remedies.services import (
    ComponentIn,
    action_add,
    action_complete,
    award_answer,
    award_decide,
    award_offer,
    award_pay,
    award_propose,
    remedy_record,
)

from .. import remedies_forms as rf
from .common import case_or_404, staff_user

#: Service field names that the forms call otherwise.
FIELD_NAMES = {"arrears_offset_pence": "arrears_offset", "amount_pence": "amount"}
MAX_PARTS = 10


@dataclass(frozen=True)
class Page:
    label: str
    permission: str
    button: str = ""
    warning: bool = False


def _award_or_404(case: Case, award_id: int) -> Award:
    award = (
        case.awards.select_related("proposed_by", "decided_by")
        .prefetch_related("components")
        .filter(pk=award_id)
        .first()
    )
    if award is None:
        raise Http404("The case has no such award.")
    return award


def _forbidden(request: HttpRequest, case: Case, page: Page) -> HttpResponse:
    return render(request, "staff/forbidden.html", {"case": case, "action": page}, status=403)


def _back(request: HttpRequest, case: Case, done: str) -> HttpResponse:
    messages.success(request, done)
    return redirect(reverse("staff:case", args=[case.reference]) + "?tab=remedies")


def _explain(problem: CaseError) -> str:
    if isinstance(problem, PolicyRuleError) and problem.source:
        return f"{problem.message} (Policy: {problem.source}.)"
    return problem.message


def _common(d: dict[str, Any]) -> dict[str, Any]:
    """The version the page was drawn from and when it happened, for the service."""
    return {"expected_version": d.get("version"), "occurred_at": d.get("occurred_at")}


def _conflict(problem: ConflictError) -> str:
    return (
        f"{problem.message} Your entries are kept below: open the case in another tab to see "
        "what changed, then save again."
    )


def _current_version(case: Case) -> str:
    return str(Case.objects.values_list("version", flat=True).get(pk=case.pk))


def _show_fields(form: forms.Form, problem: CaseError) -> None:
    for field, message in problem.fields.items():
        name = FIELD_NAMES.get(field, field)
        if name in form.fields:
            form.add_error(name, message)


def _form_page(
    request: HttpRequest,
    reference: str,
    page: Page,
    form_class: type[rf.CaseForm],
    run: Callable[[Case, Actor, dict[str, Any]], str],
    *,
    award_id: int | None = None,
    action_id: int | None = None,
) -> HttpResponse:
    """One form: check access, run the service on saving, or show its errors by the fields."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    award = _award_or_404(case, award_id) if award_id is not None else None
    remedy_action = None
    if action_id is not None:
        remedy_action = case.remedy_actions.select_related("owner").filter(pk=action_id).first()
        if remedy_action is None:
            raise Http404("The case has no such action.")
    if not may_act(user, case, page.permission):
        return _forbidden(request, case, page)
    pack = get_pack(case.policy_pack)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, case=case, pack=pack, user=user)
    error = ""
    if request.method == "POST" and form.is_valid():
        cleaned = dict(form.cleaned_data, award=award, remedy_action=remedy_action)
        try:
            done = run(case, Actor(user), cleaned)
        except ConflictError as problem:
            # Keep what they entered, now on the current version: saving again is deliberate.
            error = _conflict(problem)
            kept = request.POST.copy()
            kept["version"] = _current_version(case)
            form = form_class(kept, case=case, pack=pack, user=user)
            form.is_valid()
        except CaseError as problem:
            error = _explain(problem)
            _show_fields(form, problem)
        else:
            return _back(request, case, done)
    return render(
        request,
        "staff/remedies/form.html",
        {
            "case": case,
            "action": page,
            "form": form,
            "error": error,
            "award": award,
            "remedy_action": remedy_action,
            "pack": pack,
            "approval_title": pack.role_title(award.approval_by)
            if award and award.approval_by
            else "",
        },
        status=400 if request.method == "POST" else 200,
    )


# -- remedies and actions ---------------------------------------------------------------------


def _record_remedy(case: Case, actor: Actor, d: dict[str, Any]) -> str:
    issue = d.get("issue")
    remedy_record(
        case=case,
        actor=actor,
        kind=d["kind"],
        description=d["description"],
        issue_number=int(issue) if issue else None,
        **_common(d),
    )
    return "Remedy recorded."


@login_required
@require_http_methods(["GET", "POST"])
def record_remedy(request: HttpRequest, reference: str) -> HttpResponse:
    page = Page("Record a remedy", "remedy")
    return _form_page(request, reference, page, rf.RemedyForm, _record_remedy)


def _add_action(case: Case, actor: Actor, d: dict[str, Any]) -> str:
    remedy = case.remedies.filter(pk=d["remedy"]).first() if d.get("remedy") else None
    action = action_add(
        case=case,
        actor=actor,
        description=d["description"],
        owner=d["owner"],
        due_on=d["due_on"],
        remedy=remedy,
        **_common(d),
    )
    return f"Action added for {action.owner}, due {action.due_on:%-d %B %Y}."


@login_required
@require_http_methods(["GET", "POST"])
def add_action(request: HttpRequest, reference: str) -> HttpResponse:
    page = Page("Add an action", "remedy")
    return _form_page(request, reference, page, rf.AddActionForm, _add_action)


def _complete_action(case: Case, actor: Actor, d: dict[str, Any]) -> str:
    action = action_complete(
        action=d["remedy_action"], actor=actor, evidence=d["evidence"], **_common(d)
    )
    late = " (late)" if action.completed_on and action.completed_on > action.due_on else ""
    return f"Action completed{late}."


@login_required
@require_http_methods(["GET", "POST"])
def complete_action(request: HttpRequest, reference: str, action_id: int) -> HttpResponse:
    page = Page("Complete an action", "remedy", button="Complete the action")
    return _form_page(
        request, reference, page, rf.CompleteActionForm, _complete_action, action_id=action_id
    )


# -- awards -----------------------------------------------------------------------------------


def _decide(approve: bool) -> Callable[[Case, Actor, dict[str, Any]], str]:
    def run(case: Case, actor: Actor, d: dict[str, Any]) -> str:
        award = award_decide(
            award=d["award"], actor=actor, approve=approve, note=d["note"], **_common(d)
        )
        verb = "approved" if approve else "refused approval"
        return f"You {verb}: {pounds(award.total_pence)} compensation."

    return run


@login_required
@require_http_methods(["GET", "POST"])
def approve_award(request: HttpRequest, reference: str, award_id: int) -> HttpResponse:
    page = Page("Approve compensation", "award-decide", button="Approve")
    return _form_page(request, reference, page, rf.DecideForm, _decide(True), award_id=award_id)


@login_required
@require_http_methods(["GET", "POST"])
def refuse_award(request: HttpRequest, reference: str, award_id: int) -> HttpResponse:
    page = Page("Refuse approval for compensation", "award-decide", button="Refuse", warning=True)
    return _form_page(request, reference, page, rf.DecideForm, _decide(False), award_id=award_id)


def _offer(case: Case, actor: Actor, d: dict[str, Any]) -> str:
    award = award_offer(award=d["award"], actor=actor, **_common(d))
    final = " in full and final settlement" if award.full_and_final else ""
    return f"{pounds(award.total_pence)} offered to the customer{final}."


@login_required
@require_http_methods(["GET", "POST"])
def offer_award(request: HttpRequest, reference: str, award_id: int) -> HttpResponse:
    page = Page("Offer compensation", "award-offer", button="Record the offer")
    return _form_page(request, reference, page, rf.OfferForm, _offer, award_id=award_id)


def _answer(accepted: bool) -> Callable[[Case, Actor, dict[str, Any]], str]:
    def run(case: Case, actor: Actor, d: dict[str, Any]) -> str:
        award_answer(award=d["award"], actor=actor, accepted=accepted, note=d["note"], **_common(d))
        if accepted:
            return "The customer accepted the offer."
        pack = get_pack(case.policy_pack)
        route = pack.compensation.refusal_opens_route if pack.compensation else None
        opens = f" They may ask for a {route.replace('_', ' ')}." if route else ""
        return f"The customer refused the offer.{opens}"

    return run


@login_required
@require_http_methods(["GET", "POST"])
def accept_award(request: HttpRequest, reference: str, award_id: int) -> HttpResponse:
    page = Page("Customer accepted the offer", "award-offer", button="Record acceptance")
    return _form_page(request, reference, page, rf.AnswerForm, _answer(True), award_id=award_id)


@login_required
@require_http_methods(["GET", "POST"])
def decline_award(request: HttpRequest, reference: str, award_id: int) -> HttpResponse:
    page = Page("Customer refused the offer", "award-offer", button="Record refusal")
    return _form_page(request, reference, page, rf.AnswerForm, _answer(False), award_id=award_id)


def _pay(case: Case, actor: Actor, d: dict[str, Any]) -> str:
    award = award_pay(
        award=d["award"],
        actor=actor,
        method=d["method"],
        arrears_offset_pence=d.get("arrears_offset") or 0,
        **_common(d),
    )
    done = f"Payment of {pounds(award.paid_pence)} recorded."
    if award.arrears_offset_pence:
        done += f" Tell the customer {pounds(award.arrears_offset_pence)} went to their arrears."
    return done


@login_required
@require_http_methods(["GET", "POST"])
def pay_award(request: HttpRequest, reference: str, award_id: int) -> HttpResponse:
    page = Page("Record payment", "award-pay", button="Record payment")
    return _form_page(request, reference, page, rf.PayForm, _pay, award_id=award_id)


# -- proposing an award, with the calculator --------------------------------------------------


def _number(text: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(str(text).strip())))
    except (TypeError, ValueError):
        return default


def _parts(pack: Pack, rows: int, data: Any = None, *, initial: bool = False) -> list[Any]:
    """The award's part forms: bound to ``data``, or (to redraw) holding it as initial values."""
    parts = []
    for index in range(rows):
        prefix = f"components-{index}"
        if data is not None and initial:
            values = {
                name: data.get(f"{prefix}-{name}", "") for name in rf.ComponentForm.base_fields
            }
            parts.append(rf.ComponentForm(pack=pack, prefix=prefix, initial=values))
        else:
            parts.append(rf.ComponentForm(data, pack=pack, prefix=prefix))
    return parts


def _component(form: rf.ComponentForm) -> ComponentIn:
    d = form.cleaned_data
    return ComponentIn(
        kind=d["kind"],
        amount_pence=d.get("amount") or 0,
        band=d.get("band") or "",
        description=d.get("description") or "",
        evidence=d.get("evidence") or "",
        days_late=d.get("days_late"),
    )


def _show_part_errors(
    facts: rf.FactsForm, parts: list[rf.ComponentForm], used: list[int], problem: CaseError
) -> None:
    for key, message in problem.fields.items():
        if key.startswith("components[") and "]." in key:
            index_text, _, name = key.removeprefix("components[").partition("].")
            index = _number(index_text, -1, -1, len(used) - 1)
            name = FIELD_NAMES.get(name, name)
            if index >= 0 and name in parts[used[index]].fields:
                parts[used[index]].add_error(name, message)
        elif key in facts.fields:
            facts.add_error(key, message)


@login_required
@require_http_methods(["GET", "POST"])
def propose_award(request: HttpRequest, reference: str) -> HttpResponse:
    """Propose compensation made of parts, with the calculator's range for this case."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    page = Page("Propose compensation", "award-propose", button="Propose compensation")
    if not may_act(user, case, page.permission):
        return _forbidden(request, case, page)
    pack = get_pack(case.policy_pack)
    post = request.POST if request.method == "POST" else None
    rows = _number(post.get("rows") if post else None, 1, 1, MAX_PARTS)
    error = ""
    redraw = post is not None and ("add_part" in post or "calculate" in post)
    if post is None or redraw:
        if post is not None and "add_part" in post:
            rows = min(rows + 1, MAX_PARTS)
        facts = rf.FactsForm(
            case=case,
            pack=pack,
            user=user,
            initial={n: post.get(n) for n in rf.FactsForm.base_fields} if post else None,
        )
        parts = _parts(pack, rows, post, initial=True)
    else:
        facts = rf.FactsForm(post, case=case, pack=pack, user=user)
        parts = _parts(pack, rows, post)
        valid = facts.is_valid() & all([p.is_valid() for p in parts])
        used = [i for i, p in enumerate(parts) if not p.is_blank()]
        if valid and not used:
            error = "Add at least one part to the award."
        elif valid:
            try:
                award = award_propose(
                    case=case,
                    actor=Actor(user),
                    components=[_component(parts[i]) for i in used],
                    reasoning=facts.cleaned_data["reasoning"],
                    occasions=facts.cleaned_data["occasions"],
                    months_affected=facts.cleaned_data["months_affected"],
                    **_common(facts.cleaned_data),
                )
            except ConflictError as problem:
                error = _conflict(problem)
                values = post.copy()
                values["version"] = _current_version(case)
                facts = rf.FactsForm(values, case=case, pack=pack, user=user)
                facts.is_valid()
            except CaseError as problem:
                error = _explain(problem)
                _show_part_errors(facts, parts, used, problem)
            else:
                if award.approval_by:
                    done = (
                        f"{pounds(award.total_pence)} compensation proposed: it is above your "
                        f"authority, so it waits for approval by the {pack.role_title(award.approval_by)}."
                    )
                else:
                    done = f"{pounds(award.total_pence)} compensation proposed and approved."
                return _back(request, case, done)
    source: Any = post or {}
    occasions = _number(source.get("occasions"), 1, 1, 1000)
    months = _number(source.get("months_affected"), 0, 0, 1200)
    missed = missed_deadlines(case)
    suggestion: Suggestion | None = suggest_band(
        pack,
        occasions=occasions,
        months_affected=months,
        vulnerable=case.vulnerability,
        missed_deadlines=missed,
    )
    rules = pack.compensation
    return render(
        request,
        "staff/remedies/propose.html",
        {
            "case": case,
            "action": page,
            "facts": facts,
            "parts": parts,
            "part_errors": any(p.is_bound and p.errors for p in parts),
            "rows": rows,
            "more_rows": rows < MAX_PARTS,
            "error": error,
            "suggestion": suggestion,
            "missed": missed,
            "rules": rules,
            "pack": pack,
            "right_to_repair": rules.right_to_repair if rules else None,
        },
        status=400 if post is not None and not redraw else 200,
    )


# -- awards awaiting the signed-in user's approval -------------------------------------------


def _approval_item(user: User, award: Award) -> dict[str, Any]:
    """One award as its approver sees it; the case is linked only for those who may open it."""
    return {"seen": awaiting_award(award), "case_visible": can_see_case(user, award.case)}


APPROVALS = "approve compensation awards"


@login_required
@require_http_methods(["GET"])
def approvals(request: HttpRequest) -> HttpResponse:
    """Awards waiting for a decision the user may take: the award, never the customer."""
    user = staff_user(request)
    if not may_approve_awards(user):
        return render(request, "staff/no_permission.html", {"what": APPROVALS}, status=403)
    items = [_approval_item(user, award) for award in awards_awaiting(user)]
    return render(request, "staff/remedies/approvals.html", {"items": items})


def _decide_page(request: HttpRequest, award_id: int, *, approve: bool) -> HttpResponse:
    user = staff_user(request)
    try:
        award = access_award_decision(user, award_id)
    except NotVisibleError:
        raise Http404(f"There is no award {award_id} waiting for you.") from None
    except AccessDeniedError:
        return render(request, "staff/no_permission.html", {"what": APPROVALS}, status=403)
    award = (
        Award.objects.select_related("case", "case__organisation", "proposed_by")
        .prefetch_related("components")
        .get(pk=award.pk)
    )
    case = award.case
    pack = get_pack(case.policy_pack)
    page = (
        Page("Approve compensation", "award-decide", button="Approve")
        if approve
        else Page("Refuse approval", "award-decide", button="Refuse approval", warning=True)
    )
    data = request.POST if request.method == "POST" else None
    form = rf.DecideForm(data, case=case, pack=pack, user=user)
    error = ""
    if request.method == "POST" and form.is_valid():
        cleaned = dict(form.cleaned_data, award=award)
        try:
            award = award_decide(
                award=award,
                actor=Actor(user),
                approve=approve,
                note=cleaned["note"],
                **_common(cleaned),
            )
        except ConflictError as problem:
            error = _conflict(problem)
            kept = request.POST.copy()
            kept["version"] = _current_version(case)
            form = rf.DecideForm(kept, case=case, pack=pack, user=user)
            form.is_valid()
        except CaseError as problem:
            error = _explain(problem)
            _show_fields(form, problem)
        else:
            verb = "approved" if approve else "refused approval for"
            messages.success(
                request,
                f"You {verb} {pounds(award.total_pence)} compensation on {case.reference}.",
            )
            return redirect("staff:approvals")
    return render(
        request,
        "staff/remedies/approval_decide.html",
        {
            "action": page,
            "form": form,
            "error": error,
            "item": _approval_item(user, award),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def approval_approve(request: HttpRequest, award_id: int) -> HttpResponse:
    return _decide_page(request, award_id, approve=True)


@login_required
@require_http_methods(["GET", "POST"])
def approval_refuse(request: HttpRequest, award_id: int) -> HttpResponse:
    return _decide_page(request, award_id, approve=False)
