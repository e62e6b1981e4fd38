"""Learning from complaints: the action plan, each improvement action and its actions, the
lessons form of a case, and the reviews (quarterly lessons review, annual deep dive, scrutiny
report) as pages and PDF.

Every action page takes its declaration from ``putright/actions/learning.py`` (its URL is the
API's path with a trailing slash) and its answers in the same shape as the API; errors appear
beside their fields with a summary above, and the service decides as for every interface.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from pydantic import ValidationError

from putright.accounts.access import (
    AccessDeniedError,
    NotVisibleError,
    roles_in,
)
from putright.actions.learning import LEARNING_ACTIONS, LEARNING_BY_NAME, perform_learning
from putright.cases.models import Case, Outcome
from putright.errors import CaseError
from putright.learning.access import (
    access_action,
    access_plan,
    may_take,
    plan_organisations,
)
from putright.learning.models import ActionStatus, ImprovementAction, Publication, Source
from putright.learning.reviews import (
    current_quarter,
    deep_dive,
    lessons_review,
    month,
    quarter,
    scrutiny_report,
    year_of,
)
from putright.learning.selectors import action_deadlines, action_history
from putright.learning.services import effectiveness_figures, organisation_rules
from putright.letters.rendering import render_pdf
from putright.organisations.models import Organisation
from putright.policies.registry import get_pack

from .common import case_or_404, staff_user

#: The actions offered on an improvement action's page, in order, and when each fits.
ON_ACTION = (
    "improvement-progress",
    "improvement-complete",
    "improvement-review",
    "improvement-write-public",
    "improvement-approve-public",
)


def _fits(name: str, action: ImprovementAction) -> bool:
    if name in ("improvement-progress", "improvement-complete"):
        return action.status == ActionStatus.OPEN
    if name == "improvement-review":
        return action.status == ActionStatus.COMPLETED and action.effective is None
    if name == "improvement-write-public":
        return action.status == ActionStatus.COMPLETED and action.publication != "published"
    return action.publication == Publication.AWAITING


def _plan_or_404(request: HttpRequest, slug: str) -> Organisation:
    try:
        return access_plan(staff_user(request), slug)
    except NotVisibleError as error:
        raise Http404(str(error)) from None


def _action_or_404(request: HttpRequest, action_id: int) -> ImprovementAction:
    try:
        return access_action(staff_user(request), action_id)
    except NotVisibleError as error:
        raise Http404(str(error)) from None


# -- the plan -------------------------------------------------------------------------------


@login_required
@require_safe
def plan(request: HttpRequest) -> HttpResponse:
    """The rolling action plan of one organisation (the only one, or the one chosen)."""
    user = staff_user(request)
    readable = list(Organisation.objects.filter(pk__in=plan_organisations(user)).order_by("name"))
    if not readable:
        raise Http404("There is no action plan that you can see.")
    slug = request.GET.get("organisation") or readable[0].slug
    organisation = _plan_or_404(request, slug)
    status = request.GET.get("status", "open")
    actions = ImprovementAction.objects.filter(organisation=organisation).select_related(
        "owner", "case"
    )
    if status in ActionStatus.values:
        actions = actions.filter(status=status)
    today = timezone.localdate()
    rules = organisation_rules(organisation)
    year, number = current_quarter(today)
    return render(
        request,
        "staff/learning/plan.html",
        {
            "organisation": organisation,
            "organisations": readable,
            "actions": list(actions.order_by("due_on", "pk")),
            "status": status if status in ActionStatus.values else "all",
            "today": today,
            "rules": rules,
            "may_raise": may_take(user, organisation.pk, "improvement-raise"),
            "year": year,
            "quarter": number,
            "month": today.month,
        },
    )


# -- the forms ------------------------------------------------------------------------------


def _staff_choices(organisation: Organisation) -> list[tuple[str, str]]:
    from putright.accounts.models import User

    users = User.objects.filter(is_active=True, memberships__organisation=organisation).distinct()
    return [(u.username, str(u)) for u in sorted(users, key=lambda u: str(u).casefold())]


def _cause_choices(organisation: Organisation, pack_id: str | None = None) -> list[tuple[str, str]]:
    rules = get_pack(pack_id).learning if pack_id else organisation_rules(organisation)
    return [(c.id, c.label) for c in rules.all_causes()]


def _areas(case: Case) -> list[tuple[str, str]]:
    areas = list(get_pack(case.policy_pack).service_areas)
    if case.service_area and case.service_area not in areas:
        areas.insert(0, case.service_area)
    return [(a, a) for a in areas]


def _lesson_fields(case: Case) -> list[dict[str, Any]]:
    issues = [
        (str(i.number), f"{i.number}. {i.description} ({i.get_outcome_display().lower()})")
        for i in case.issues.filter(outcome__in=(Outcome.UPHELD, Outcome.PARTLY_UPHELD))
    ]
    return [
        {
            "name": "issue",
            "label": "Which issue",
            "hint": "A root cause is recorded for an issue that was upheld or partly upheld.",
            "type": "radios",
            "choices": [("", "The case as a whole (its lessons-learned report)"), *issues],
        },
        {
            "name": "cause",
            "label": "Root cause",
            "type": "select",
            "choices": [
                ("", "Choose a root cause"),
                *_cause_choices(case.organisation, case.policy_pack),
            ],
        },
        {
            "name": "scope",
            "label": "Is it about this case or how we work?",
            "type": "radios",
            "choices": [
                ("individual", "Individual: this case"),
                ("systemic", "Systemic: how we work"),
            ],
        },
        {"name": "text", "label": "What was learnt", "type": "textarea"},
        {
            "name": "service_area",
            "label": "Service area",
            "type": "select",
            "choices": [("", "None"), *_areas(case)],
            "value": case.service_area,
        },
        {
            "name": "action_text",
            "label": "An improvement action it calls for (optional): what will change",
            "type": "textarea",
        },
        {
            "name": "action_owner",
            "label": "Who owns the action",
            "type": "select",
            "choices": [("", "Choose who owns it"), *_staff_choices(case.organisation)],
        },
        {"name": "action_due_on", "label": "Due by", "type": "date"},
    ]


def _raise_fields(organisation: Organisation) -> list[dict[str, Any]]:
    pack = get_pack(organisation.policy_pack)
    return [
        {"name": "organisation", "type": "hidden", "value": organisation.slug, "label": ""},
        {
            "name": "source",
            "label": "Where it comes from",
            "type": "radios",
            "choices": list(Source.choices),
        },
        {"name": "case", "label": "The case's reference (from a complaint)", "type": "text"},
        {
            "name": "source_reference",
            "label": "The Ombudsman's case or the review (otherwise)",
            "type": "text",
        },
        {
            "name": "cause",
            "label": "Root cause",
            "type": "select",
            "choices": [("", "None"), *_cause_choices(organisation)],
        },
        {
            "name": "service_area",
            "label": "Service area",
            "type": "select",
            "choices": [("", "None"), *[(a, a) for a in pack.service_areas]],
        },
        {"name": "text", "label": "What will change", "type": "textarea"},
        {
            "name": "owner",
            "label": "Who owns it",
            "type": "select",
            "choices": [("", "Choose who owns it"), *_staff_choices(organisation)],
        },
        {"name": "due_on", "label": "Due by", "type": "date"},
    ]


ACTION_FIELDS: dict[str, list[dict[str, Any]]] = {
    "improvement-progress": [{"name": "text", "label": "Progress", "type": "textarea"}],
    "improvement-complete": [{"name": "note", "label": "What was done", "type": "textarea"}],
    "improvement-review": [
        {
            "name": "effective",
            "label": "Did it work?",
            "type": "radios",
            "choices": [
                ("true", "Yes: complaints of this cause fell"),
                ("false", "No: it needs more"),
            ],
        },
        {"name": "note", "label": "What the review found", "type": "textarea"},
    ],
    "improvement-write-public": [
        {
            "name": "public_text",
            "label": "What we learnt and changed, for residents",
            "hint": "Plain words. Name nobody: no names, case references, addresses or contact details.",
            "type": "textarea",
        }
    ],
    "improvement-approve-public": [
        {
            "name": "approve",
            "label": "Publish it?",
            "type": "radios",
            "choices": [("true", "Yes: publish it"), ("false", "No: send it back")],
        },
        {"name": "note", "label": "What needs to change (if sent back)", "type": "textarea"},
    ],
}


def _payload(name: str, fields: list[dict[str, Any]], data: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    for field in fields:
        value = data.get(field["name"], "").strip()
        if field["type"] == "hidden":
            value = field["value"]
        if value:
            payload[field["name"]] = value
    if name == "lessons":
        action = {key: payload.pop(f"action_{key}", "") for key in ("text", "owner", "due_on")}
        if any(action.values()):
            payload["actions"] = [action]
    if "version" in data:
        payload["version"] = data["version"]
    return payload


#: What to say when a field is missing or cannot be read, in the page's words.
REQUIRED = {
    "cause": "Choose a root cause.",
    "scope": "Choose whether it is about this case or about how we work.",
    "text": "Say what was learnt.",
    "action_text": "Say what will change.",
    "action_owner": "Choose who owns the action.",
    "action_due_on": "Give the date the action is due, for example 30 4 2027.",
    "source": "Choose where the action comes from.",
    "owner": "Choose who owns the action.",
    "due_on": "Give the date the action is due, for example 30 4 2027.",
    "note": "Say what was done or found.",
    "effective": "Choose whether it worked.",
    "public_text": "Write what we learnt and changed, for residents.",
    "approve": "Choose whether to publish it.",
}

REQUIRED_FOR = {
    ("improvement-raise", "text"): "Say what will change.",
    ("improvement-progress", "text"): "Write the progress note.",
}

#: Where an error of the API's shape shows on the page.
FIELD_OF = {
    "actions.0.text": "action_text",
    "actions.0.owner": "action_owner",
    "actions.0.due_on": "action_due_on",
    "actions[0].text": "action_text",
    "actions[0].owner": "action_owner",
    "actions[0].due_on": "action_due_on",
    "actions": "action_text",
}


def _form(
    request: HttpRequest,
    *,
    name: str,
    target: Any,
    fields: list[dict[str, Any]],
    back: str,
    back_label: str,
    caption: str,
    done_url: Any,
    version: int | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    action = LEARNING_BY_NAME[name]
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values = _payload(name, fields, request.POST)
        try:
            payload = action.schema(**values)
            done = perform_learning(
                action, user=staff_user(request), target=target, payload=payload
            )
        except ValidationError as error:
            for item in error.errors():
                where = ".".join(str(p) for p in item["loc"]) or "request"
                field_name = FIELD_OF.get(where, where)
                plain = str(item["msg"]).removeprefix("Value error, ")
                if item["type"] != "value_error" and field_name in REQUIRED:
                    plain = REQUIRED_FOR.get((name, field_name), REQUIRED[field_name])
                errors[field_name] = plain
        except CaseError as error:
            for key, message in (error.fields or {}).items():
                errors[FIELD_OF.get(key, key)] = message
            if not error.fields:
                errors["request"] = error.message
        except AccessDeniedError as error:
            errors["request"] = str(error)
        else:
            messages.success(request, action.done(done))
            return redirect(done_url(done))
        status = 400
    known = {f["name"] for f in fields}
    for field in fields:
        field["error"] = errors.get(field["name"], "")
        if field["type"] == "hidden":
            continue
        source = request.POST if request.method == "POST" else request.GET
        field["value"] = source.get(
            field["name"], "" if request.method == "POST" else field.get("value", "")
        )
    summary = [(k if k in known else "request", v) for k, v in errors.items()]
    if any(k not in known for k in errors):
        errors["request"] = "; ".join(v for k, v in errors.items() if k not in known)
    return render(
        request,
        "staff/learning/form.html",
        {
            "action": action,
            "label": action.label,
            "fields": fields,
            "errors": errors,
            "summary": summary,
            "back": back,
            "back_label": back_label,
            "caption": caption,
            "version": version,
            **(extra or {}),
        },
        status=status,
    )


@login_required
def lessons(request: HttpRequest, reference: str) -> HttpResponse:
    """Record a lesson learnt from the case (the lessons-learned report, where asked for)."""
    from putright.accounts.access import may_act

    case = case_or_404(request, reference)
    if not may_act(staff_user(request), case, "lessons"):
        return render(request, "staff/no_permission.html", {"what": "record lessons"}, status=403)
    case_url = reverse("staff:case", args=[case.reference])
    return _form(
        request,
        name="lessons",
        target=case,
        fields=_lesson_fields(case),
        back=case_url,
        back_label=f"Back to {case.reference}",
        caption=f"{case.reference}: {case.summary}",
        done_url=lambda lesson: case_url,
        version=case.version,
    )


@login_required
def raise_action(request: HttpRequest) -> HttpResponse:
    """Raise an improvement action on the organisation's plan."""
    user = staff_user(request)
    slug = request.POST.get("organisation") or request.GET.get("organisation", "")
    organisation = _plan_or_404(request, slug)
    if not may_take(user, organisation.pk, "improvement-raise"):
        return render(
            request, "staff/no_permission.html", {"what": "raise an improvement action"}, status=403
        )
    plan_url = f"{reverse('staff:learning-plan')}?{urlencode({'organisation': organisation.slug})}"
    return _form(
        request,
        name="improvement-raise",
        target=organisation,
        fields=_raise_fields(organisation),
        back=plan_url,
        back_label="Back to the action plan",
        caption=organisation.name,
        done_url=lambda action: reverse("staff:learning-action", args=[action.pk]),
    )


@login_required
def on_action(request: HttpRequest, action_id: int, name: str) -> HttpResponse:
    """One action on an improvement action: its questions, then the action's page."""
    user = staff_user(request)
    improvement = _action_or_404(request, action_id)
    declared = LEARNING_BY_NAME[name]
    if not may_take(user, improvement.organisation_id, declared.permission, improvement):
        what = declared.label[0].lower() + declared.label[1:]
        return render(request, "staff/no_permission.html", {"what": what}, status=403)
    page = reverse("staff:learning-action", args=[improvement.pk])
    extra = {}
    if name == "improvement-review":
        extra["figures"] = effectiveness_figures(improvement)
    return _form(
        request,
        name=name,
        target=improvement,
        fields=[dict(f) for f in ACTION_FIELDS[name]],
        back=page,
        back_label="Back to the improvement action",
        caption=improvement.text[:80],
        done_url=lambda done: page,
        version=improvement.version,
        extra={"improvement": improvement, **extra},
    )


@login_required
@require_safe
def action_page(request: HttpRequest, action_id: int) -> HttpResponse:
    """An improvement action: what, whose, by when, its deadlines explained, its history."""
    user = staff_user(request)
    improvement = _action_or_404(request, action_id)
    offered = [
        {
            "label": LEARNING_BY_NAME[name].label,
            "url": reverse(f"staff:{name}", args=[improvement.pk]),
        }
        for name in ON_ACTION
        if _fits(name, improvement)
        and may_take(
            user, improvement.organisation_id, LEARNING_BY_NAME[name].permission, improvement
        )
    ]
    rules = organisation_rules(improvement.organisation)
    return render(
        request,
        "staff/learning/action.html",
        {
            "improvement": improvement,
            "deadlines": action_deadlines(improvement, now=timezone.now()),
            "history": action_history(improvement),
            "offered": offered,
            "cause": (c.label if (c := rules.cause(improvement.cause)) else improvement.cause),
            "figures": effectiveness_figures(improvement) if improvement.completed_on else None,
            "reads_case": bool(improvement.case and roles_in(user, improvement.organisation_id)),
        },
    )


# -- reviews ---------------------------------------------------------------------------------


def _int(request: HttpRequest, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except ValueError:
        return -1


def _review(
    request: HttpRequest, template: str, context: dict[str, Any], title: str, filename: str
) -> HttpResponse:
    context = {**context, "title": title}
    if request.GET.get("format") == "pdf":
        html = render_to_string("staff/learning/print.html", {**context, "body": template})
        response = HttpResponse(render_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        return response
    query = request.GET.copy()
    query["format"] = "pdf"
    return render(
        request,
        "staff/learning/review.html",
        {**context, "body": template, "pdf_url": f"?{query.urlencode()}"},
    )


@login_required
@require_safe
def quarterly(request: HttpRequest, slug: str) -> HttpResponse:
    """The quarterly review of all lessons learnt, the actions raised and closed."""
    organisation = _plan_or_404(request, slug)
    today = timezone.localdate()
    year, number = current_quarter(today)
    try:
        period = quarter(_int(request, "year", year), _int(request, "quarter", number))
    except ValueError as error:
        return render(
            request,
            "staff/learning/review.html",
            {
                "organisation": organisation,
                "error": str(error),
                "title": "Quarterly lessons review",
            },
            status=400,
        )
    review = lessons_review(organisation, period, today=today)
    return _review(
        request,
        "staff/learning/quarterly_body.html",
        {"organisation": organisation, "review": review, "period": period},
        f"Quarterly lessons review: {period.label}",
        f"lessons-review-{organisation.slug}-{period.start:%Y}-q{(period.start.month + 2) // 3}",
    )


@login_required
@require_safe
def deep_dive_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The annual deep dive into one service area."""
    organisation = _plan_or_404(request, slug)
    rules = organisation_rules(organisation)
    pack = get_pack(organisation.policy_pack)
    areas = list(rules.deep_dive_areas or pack.service_areas)
    area = request.GET.get("area") or (areas[0] if areas else "")
    try:
        period = year_of(_int(request, "year", timezone.localdate().year))
        if area not in areas:
            raise ValueError(f"Choose one of the service areas: {', '.join(areas)}.")
    except ValueError as error:
        return render(
            request,
            "staff/learning/review.html",
            {"organisation": organisation, "error": str(error), "title": "Deep dive"},
            status=400,
        )
    dive = deep_dive(organisation, area, period)
    return _review(
        request,
        "staff/learning/deep_dive_body.html",
        {"organisation": organisation, "dive": dive, "areas": areas, "rules": rules},
        f"Deep dive: {area}, {period.label}",
        f"deep-dive-{organisation.slug}-{period.label}",
    )


@login_required
@require_safe
def scrutiny(request: HttpRequest, slug: str) -> HttpResponse:
    """The scrutiny report for a month (or a quarter, where the policy reports quarterly)."""
    organisation = _plan_or_404(request, slug)
    rules = organisation_rules(organisation)
    today = timezone.localdate()
    try:
        if rules.scrutiny_report == "quarterly":
            year, number = current_quarter(today)
            period = quarter(_int(request, "year", year), _int(request, "quarter", number))
        else:
            period = month(_int(request, "year", today.year), _int(request, "month", today.month))
    except ValueError as error:
        return render(
            request,
            "staff/learning/review.html",
            {"organisation": organisation, "error": str(error), "title": "Scrutiny report"},
            status=400,
        )
    report = scrutiny_report(organisation, period, today=today)
    return _review(
        request,
        "staff/learning/scrutiny_body.html",
        {"organisation": organisation, "report": report},
        f"Scrutiny report: {period.label}",
        f"scrutiny-{organisation.slug}-{period.start:%Y-%m}",
    )


def _index(request: HttpRequest) -> HttpResponse:
    return redirect("staff:learning-plan")


urlpatterns = [
    path("learning/", login_required(_index), name="learning"),
    path("learning/actions/", plan, name="learning-plan"),
    path("learning/actions/new/", raise_action, name="improvement-raise"),
    path("learning/actions/<int:action_id>/", action_page, name="learning-action"),
    *[
        path(a.staff_path, on_action, {"name": a.name}, name=a.name)
        for a in LEARNING_ACTIONS
        if a.target == "improvement_action"
    ],
    path("cases/<str:reference>/lessons/", lessons, name="lessons"),
    path("learning/<slug:slug>/quarterly-review/", quarterly, name="learning-quarterly"),
    path("learning/<slug:slug>/deep-dive/", deep_dive_page, name="learning-deep-dive"),
    path("learning/<slug:slug>/scrutiny-report/", scrutiny, name="learning-scrutiny"),
]
