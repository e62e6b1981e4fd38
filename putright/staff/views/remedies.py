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
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError

from putright.accounts.access import (
    AccessDeniedError,
    NotVisibleError,
    can_see_case,
    may_act,
    may_approve_awards,
)
from putright.accounts.models import User
from putright.actions.catalogue import NestedAction, perform_nested
from putright.actions.remedies import NESTED_BY_NAME
from putright.cases.errors import CaseError, ConflictError, PolicyRuleError
from putright.cases.models import Case
from putright.cases.services import Actor
from putright.domain.compensation import Suggestion, pounds, suggest_band
from putright.domain.policy import Pack
from putright.policies.registry import get_pack
from putright.remedies.access import access_award_decision, awards_awaiting
from putright.remedies.guidance import case_figure, case_losses, is_guidance_rule, loss_kinds
from putright.remedies.models import Award
from putright.remedies.selectors import awaiting_award, missed_deadlines
from putright.remedies.services import NOT_STANDING, award_decide

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


def _forbidden(request: HttpRequest, case: Case, page: Any) -> HttpResponse:
    return render(request, "staff/forbidden.html", {"case": case, "action": page}, status=403)


def _back(request: HttpRequest, case: Case, done: str, *, to: str = "") -> HttpResponse:
    messages.success(request, done)
    if to:
        return redirect(reverse(to, args=[case.reference]))
    return redirect(reverse("staff:case", args=[case.reference]) + "?tab=remedies")


def _explain(problem: CaseError) -> str:
    if isinstance(problem, PolicyRuleError) and is_guidance_rule(problem.rule):
        return (
            f"{problem.message} (The Ombudsman's guidance: {problem.source}; rule {problem.rule}.)"
        )
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


def _show_invalid(form: forms.Form, problem: ValidationError) -> str:
    """The input's own checks (the same as the API's), beside the fields they concern."""
    summary = "Check the answers below."
    for item in problem.errors():
        name = FIELD_NAMES.get(str(item["loc"][0]), str(item["loc"][0])) if item["loc"] else ""
        message = str(item["msg"]).removeprefix("Value error, ")
        if name in form.fields:
            form.add_error(name, message)
        else:
            summary = message
    return summary


def _target(case: Case, action: NestedAction, target_id: int | None) -> Any:
    """The award or the action to put things right that the page's path names, or 404."""
    if action.target == "award":
        return _award_or_404(case, int(target_id or 0))
    if action.target == "loss":
        loss = case.losses.filter(pk=target_id or 0, withdrawn_at__isnull=True).first()
        if loss is None:
            raise Http404("The case has no such loss to withdraw.")
        return loss
    if action.target == "remedy_action":
        found = case.remedy_actions.select_related("owner").filter(pk=target_id or 0).first()
        if found is None:
            raise Http404("The case has no such action.")
        return found
    return None


def may_take(user: User, case: Case, action: NestedAction, target: Any) -> bool:
    """Whether the page offers the action to the user (the service decides again on saving)."""
    if action.name == "remedy-action-complete":
        return bool(target.owner_id == user.pk or may_act(user, case, "remedy"))
    if action.name == "award-decide":
        return may_act(user, case, "award-decide")
    return may_act(user, case, action.permission)


def _form_page(
    request: HttpRequest,
    reference: str,
    name: str,
    form_class: type[rf.CaseForm],
    *,
    target_id: int | None = None,
) -> HttpResponse:
    """One declared action's form: check access, take the action on saving, or show why not."""
    action = NESTED_BY_NAME[name]
    user = staff_user(request)
    case = case_or_404(request, reference)
    target = _target(case, action, target_id)
    if not may_take(user, case, action, target):
        return _forbidden(request, case, action)
    pack = get_pack(case.policy_pack)
    data = request.POST if request.method == "POST" else None
    made: dict[str, Any] = {"case": case, "pack": pack, "user": user}
    form = form_class(data, initial=request.GET.dict(), **made)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            payload = action.schema.model_validate(form.to_input())
            done = perform_nested(action, user=user, case=case, target=target, payload=payload)
        except ValidationError as problem:
            error = _show_invalid(form, problem)
        except ConflictError as problem:
            # Keep what they entered, now on the current version: saving again is deliberate.
            error = _conflict(problem)
            kept = request.POST.copy()
            kept["version"] = _current_version(case)
            form = form_class(kept, **made)
            form.is_valid()
        except CaseError as problem:
            error = _explain(problem)
            _show_fields(form, problem)
        except AccessDeniedError as problem:
            error = str(problem)
        else:
            # A loss is weighed by the calculator: show it there, beside the two figures.
            to = "staff:award-propose" if name in ("loss-record", "loss-withdraw") else ""
            if to and not may_act(user, case, "award-propose"):
                to = ""
            return _back(request, case, action.done(done), to=to)
    award = target if action.target == "award" else None
    return render(
        request,
        "staff/remedies/form.html",
        {
            "case": case,
            "action": action,
            "form": form,
            "error": error,
            "award": award,
            "remedy_action": target if action.target == "remedy_action" else None,
            "loss": target if action.target == "loss" else None,
            "pack": pack,
            "approval_title": pack.role_title(award.approval_by)
            if award and award.approval_by
            else "",
        },
        status=400 if request.method == "POST" else 200,
    )


# -- remedies, actions and awards: one page for each declared action ---------------------------


@login_required
@require_http_methods(["GET", "POST"])
def record_remedy(request: HttpRequest, reference: str) -> HttpResponse:
    return _form_page(request, reference, "remedy-record", rf.RemedyForm)


@login_required
@require_http_methods(["GET", "POST"])
def record_loss(request: HttpRequest, reference: str) -> HttpResponse:
    return _form_page(request, reference, "loss-record", rf.LossForm)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_loss(request: HttpRequest, reference: str, loss_id: int) -> HttpResponse:
    return _form_page(request, reference, "loss-withdraw", rf.LossWithdrawForm, target_id=loss_id)


@login_required
@require_http_methods(["GET", "POST"])
def add_action(request: HttpRequest, reference: str) -> HttpResponse:
    return _form_page(request, reference, "remedy-action-add", rf.AddActionForm)


@login_required
@require_http_methods(["GET", "POST"])
def complete_action(request: HttpRequest, reference: str, action_id: int) -> HttpResponse:
    return _form_page(
        request, reference, "remedy-action-complete", rf.CompleteActionForm, target_id=action_id
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide_award(request: HttpRequest, reference: str, award_id: int) -> HttpResponse:
    return _form_page(request, reference, "award-decide", rf.AwardDecisionForm, target_id=award_id)


@login_required
@require_http_methods(["GET", "POST"])
def offer_award(request: HttpRequest, reference: str, award_id: int) -> HttpResponse:
    return _form_page(request, reference, "award-offer", rf.OfferForm, target_id=award_id)


@login_required
@require_http_methods(["GET", "POST"])
def answer_award(request: HttpRequest, reference: str, award_id: int) -> HttpResponse:
    return _form_page(request, reference, "award-answer", rf.AnswerForm, target_id=award_id)


@login_required
@require_http_methods(["GET", "POST"])
def pay_award(request: HttpRequest, reference: str, award_id: int) -> HttpResponse:
    return _form_page(request, reference, "award-pay", rf.PayForm, target_id=award_id)


#: Each declared action's staff page, by the action's name (the URL's name too).
PAGES: dict[str, Callable[..., HttpResponse]] = {
    "remedy-record": record_remedy,
    "loss-record": record_loss,
    "loss-withdraw": withdraw_loss,
    "remedy-action-add": add_action,
    "remedy-action-complete": complete_action,
    "award-decide": decide_award,
    "award-offer": offer_award,
    "award-answer": answer_award,
    "award-pay": pay_award,
}


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


def _component(form: rf.ComponentForm) -> dict[str, Any]:
    d = form.cleaned_data
    return {
        "kind": d["kind"],
        "amount_pence": d.get("amount") or 0,
        "band": d.get("band") or "",
        "description": d.get("description") or "",
        "evidence": d.get("evidence") or "",
        "days_late": d.get("days_late"),
    }


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
                payload = NESTED_BY_NAME["award-propose"].schema.model_validate(
                    {
                        **facts.to_input(),
                        "components": [_component(parts[i]) for i in used],
                    }
                )
                award = perform_nested(
                    NESTED_BY_NAME["award-propose"],
                    user=user,
                    case=case,
                    target=None,
                    payload=payload,
                )
            except ValidationError as problem:
                error = _show_invalid(facts, problem)
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
                return _back(request, case, NESTED_BY_NAME["award-propose"].done(award))
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
    today = timezone.localdate()
    losses = case_losses(case)
    figure = case_figure(case, today, losses)
    standing = sum(
        case.awards.exclude(status__in=NOT_STANDING).values_list("total_pence", flat=True)
    )
    kinds = dict(loss_kinds())
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
            "figure": figure,
            "losses": [
                {"loss": loss, "label": kinds.get(loss.kind, loss.kind.replace("_", " "))}
                for loss in losses
            ],
            "standing": standing,
            "may_record_loss": may_act(user, case, "remedy"),
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
