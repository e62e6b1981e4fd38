"""The quality review's pages: the quarter's sample (managers), each review, and the summary
(report readers; a board member sees it without anyone's name)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from putright.accounts.access import (
    QUALITY_REVIEWERS,
    REPORT_READERS,
    AccessDeniedError,
    can_read_reports,
    may_review_quality,
    organisations_with,
)
from putright.accounts.models import User
from putright.cases.errors import CaseError
from putright.cases.models import CaseIssue
from putright.letters.models import Correspondence
from putright.letters.services import CALL_SUFFIX
from putright.organisations.models import Organisation, QualitySelection

from .checklist import CHECKLIST_KEYS
from .forms import DrawForm, ReviewForm, SettingsForm, quarters_to_draw
from .models import ResponseReview, ReviewSample
from .readability import reading_ease
from .services import (
    quarter_label,
    quarter_of,
    review_record,
    sample_draw,
    settings_update,
    suggested_checklist,
)
from .summary import SPANS, quality_summary


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _organisations(user: User) -> list[Organisation]:
    ids = organisations_with(user, REPORT_READERS | QUALITY_REVIEWERS)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _chosen(request: HttpRequest, organisations: list[Organisation]) -> Organisation:
    slug = request.POST.get("organisation") or request.GET.get("organisation")
    if slug:
        found = next((o for o in organisations if o.slug == slug), None)
        if found is None:
            raise Http404("There is no such organisation that you work for.")
        return found
    return organisations[0]


def _forbidden(request: HttpRequest, what: str) -> HttpResponse:
    return render(request, "staff/no_permission.html", {"what": what}, status=403)


def _index_context(
    organisation: Organisation, organisations: list[Organisation], user: User
) -> dict[str, Any]:
    samples = list(
        ReviewSample.objects.filter(organisation=organisation).prefetch_related("reviews")
    )
    drawn = {s.quarter_start for s in samples}
    return {
        "organisation": organisation,
        "organisations": organisations,
        "reviewer": may_review_quality(user, organisation),
        "samples": [
            {
                "sample": s,
                "label": quarter_label(s.quarter_start),
                "reviewed": sum(1 for r in s.reviews.all() if r.reviewed_at),
                "chosen": len(s.reviews.all()),
            }
            for s in samples
        ],
        "selection_label": QualitySelection(organisation.quality_sample_selection).label,
        "settings_form": SettingsForm(
            initial={
                "size": organisation.quality_sample_size,
                "selection": organisation.quality_sample_selection,
            }
        ),
        "draw_form": DrawForm(quarters=quarters_to_draw(timezone.localdate(), drawn)),
    }


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = _organisations(user)
    if not organisations:
        return _forbidden(request, "see the quality of responses")
    organisation = _chosen(request, organisations)
    if not may_review_quality(user, organisation):
        return redirect(f"{reverse('staff:quality-summary')}?organisation={organisation.slug}")
    return render(request, "quality/index.html", _index_context(organisation, organisations, user))


def _index_again(
    request: HttpRequest,
    organisation: Organisation,
    organisations: list[Organisation],
    user: User,
    error: str,
    **forms: Any,
) -> HttpResponse:
    context = _index_context(organisation, organisations, user)
    context.update(forms)
    context["error"] = error
    return render(request, "quality/index.html", context, status=400)


@login_required
@require_POST
def settings_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = _organisations(user)
    if not organisations:
        return _forbidden(request, "see the quality of responses")
    organisation = _chosen(request, organisations)
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return _index_again(request, organisation, organisations, user, "", settings_form=form)
    try:
        settings_update(
            organisation=organisation,
            actor=user,
            size=form.cleaned_data["size"],
            selection=form.cleaned_data["selection"],
        )
    except AccessDeniedError:
        return _forbidden(request, "change how responses are chosen for review")
    except CaseError as problem:
        for field, message in problem.fields.items():
            if field in form.fields:
                form.add_error(field, message)
        return _index_again(
            request, organisation, organisations, user, problem.message, settings_form=form
        )
    messages.success(request, "The sample's settings are saved.")
    return redirect(f"{reverse('staff:quality-index')}?organisation={organisation.slug}")


@login_required
@require_POST
def draw(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = _organisations(user)
    if not organisations:
        return _forbidden(request, "see the quality of responses")
    organisation = _chosen(request, organisations)
    drawn = set(
        ReviewSample.objects.filter(organisation=organisation).values_list(
            "quarter_start", flat=True
        )
    )
    form = DrawForm(request.POST, quarters=quarters_to_draw(timezone.localdate(), drawn))
    if not form.is_valid():
        return _index_again(request, organisation, organisations, user, "", draw_form=form)
    try:
        sample = sample_draw(
            organisation=organisation, quarter_start=form.quarter_start(), actor=user
        )
    except AccessDeniedError:
        return _forbidden(request, "draw a sample of responses")
    except CaseError as problem:
        form.add_error("quarter", problem.message)
        return _index_again(request, organisation, organisations, user, "", draw_form=form)
    messages.success(
        request,
        f"{sample.reviews.count()} responses of {quarter_label(sample.quarter_start)} "
        "chosen for review.",
    )
    return redirect("staff:quality-sample", sample_id=sample.pk)


def _sample_for(user: User, sample_id: int) -> ReviewSample:
    sample = get_object_or_404(ReviewSample.objects.select_related("organisation"), pk=sample_id)
    if not may_review_quality(user, sample.organisation):
        raise Http404("There is no such sample that you review.")
    return sample


@login_required
@require_safe
def sample(request: HttpRequest, sample_id: int) -> HttpResponse:
    user = _user(request)
    chosen = _sample_for(user, sample_id)
    reviews = list(chosen.reviews.select_related("case", "handler", "reviewer"))
    return render(
        request,
        "quality/sample.html",
        {
            "sample": chosen,
            "label": quarter_label(chosen.quarter_start),
            "reviews": reviews,
            "selection_label": QualitySelection(chosen.selection).label,
            "reviewed": sum(1 for r in reviews if r.reviewed_at),
        },
    )


def _response(review: ResponseReview) -> dict[str, Any]:
    """The response as sent: the handler's words and its parts, point by point."""
    case = review.case
    event = case.events.filter(sequence=review.response_sequence).first()
    data = (event.data or {}) if event else {}
    issues = list(CaseIssue.objects.filter(case=case, stage=review.stage).select_related("point"))
    words = [str(data.get("text", ""))]
    for issue in issues:
        words += [issue.finding, issue.reasons, issue.remedy]
    letter = (
        Correspondence.objects.filter(case=case, event_sequence=review.response_sequence)
        .exclude(template__endswith=CALL_SUFFIX)
        .order_by("pk")
        .first()
    )
    return {
        "text": data.get("text", ""),
        "outcome": data.get("outcome", ""),
        "issues": issues,
        "reading": reading_ease(words),
        "letter": letter,
        "advice": data.get("advice", []),
    }


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    user = _user(request)
    chosen = get_object_or_404(
        ResponseReview.objects.select_related("sample__organisation", "case", "handler"),
        pk=review_id,
    )
    if not may_review_quality(user, chosen.sample.organisation):
        raise Http404("There is no such review.")
    if chosen.reviewed_at is not None:
        ticked = [key for key in CHECKLIST_KEYS if chosen.checklist.get(key)]
        initial: dict[str, Any] = {
            "checklist": ticked,
            "tone": chosen.tone,
            "plain_english": chosen.plain_english,
            "accuracy": chosen.accuracy,
            "comments": chosen.comments,
        }
    else:
        suggested = suggested_checklist(chosen)
        initial = {"checklist": [key for key, met in suggested.items() if met]}
    form = ReviewForm(request.POST or None, initial=initial, level=chosen.stage_level)
    error = ""
    status = 200
    own = chosen.handler_id == user.pk
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                review_record(
                    review=chosen,
                    actor=user,
                    checklist={key: True for key in form.cleaned_data["checklist"]},
                    marks=form.marks(),
                    comments=form.cleaned_data["comments"],
                )
            except AccessDeniedError as problem:
                error = str(problem)
                status = 403
            except CaseError as problem:
                error = problem.message
                for field, message in problem.fields.items():
                    if field in form.fields:
                        form.add_error(field, message)
            else:
                messages.success(request, f"Review of {chosen.case.reference} saved.")
                return redirect("staff:quality-sample", sample_id=chosen.sample_id)
    return render(
        request,
        "quality/review.html",
        {
            "review": chosen,
            "case": chosen.case,
            "form": form,
            "error": error,
            "own": own,
            "response": _response(chosen),
            "label": quarter_label(chosen.sample.quarter_start),
        },
        status=status,
    )


@login_required
@require_safe
def summary(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = [o for o in _organisations(user) if can_read_reports(user, o)]
    if not organisations:
        return _forbidden(request, "read the quality review")
    organisation = _chosen(request, organisations)
    error = ""
    try:
        span = int(request.GET.get("quarters", "4"))
    except ValueError:
        span = 0
    status = 200
    if span not in SPANS:
        error = "Choose how many quarters to show: " + ", ".join(str(s) for s in SPANS) + "."
        span, status = 4, 400
    today = timezone.localdate()
    last = quarter_of(today)
    first = last
    for _ in range(span - 1):
        first = quarter_of(first - datetime.timedelta(days=1))
    report = quality_summary(
        organisation,
        start=first,
        end=last,
        with_handlers=may_review_quality(user, organisation),
    )
    return render(
        request,
        "quality/summary.html",
        {
            "summary": report,
            "charts": report.charts(),
            "organisation": organisation,
            "organisations": organisations,
            "spans": SPANS,
            "span": span,
            "error": error,
            "reviewer": may_review_quality(user, organisation),
        },
        status=status,
    )
