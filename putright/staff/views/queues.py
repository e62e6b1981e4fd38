"""My work, the case queue with filters and a saved filter, and search."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from putright.accounts.access import (
    can_read_reports,
    organisations_alerting,
    organisations_for,
    works_on_cases,
)
from putright.accounts.models import User
from putright.cases.access import cases_visible_to
from putright.cases.models import Case, DueOrLast, Kind, Status
from putright.cases.queries import (
    DUE_ORDER,
    DUE_WINDOWS,
    FLAG_FIELDS,
    SEARCH_LENGTH,
    CaseFilters,
    DueCounts,
    alerts_for,
    case_list,
    case_workload,
    cases_in_due_order,
    investigating_counts,
)
from putright.domain.errors import UnknownPackError
from putright.people.models import ContactRestriction, RestrictionLevel
from putright.policies.registry import get_pack
from putright.remedies.access import awards_awaiting
from putright.reports.at_a_glance import timescales_at_a_glance
from putright.staff.forms import choices_of
from putright.timeline.selectors import clocks_owed_by

from ..models import SavedQueue

#: How far back My work lists chases, breach alerts and overdue actions.
ALERT_DAYS = 14

SORTS: dict[str, tuple[Any, ...]] = {
    "due": DUE_ORDER,
    "-due": (F("next_due_on").desc(nulls_last=True), "-pk"),
    "received": ("received_at", "pk"),
    "-received": ("-received_at", "-pk"),
    "reference": ("reference",),
    "-reference": ("-reference",),
}
PAGE_SIZE = 25
#: Past this many cases the queue says "more than 10,000" instead of counting every one.
COUNT_CAP = 10_000
#: A search in the queue is counted no further than this (a word common in one landlord is
#: listed up to its first thousand matches: ``search.queries.LISTED``).
SEARCH_COUNT_CAP = 1_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts the cases up to ``cap`` and no further: the count of a long list costs as
    much as reading it, and nobody pages through ten thousand cases."""

    def __init__(self, *args: Any, cap: int = COUNT_CAP, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped_count"):
            listed: Any = self.object_list
            self._capped_count = listed.order_by()[: self.cap + 1].count()
        return int(self._capped_count)

    @property
    def label(self) -> str:
        """ "1 case", "240 cases" or "More than 10,000 cases"."""
        if self.count > self.cap:
            return f"More than {self.cap:,} cases"
        return f"{self.count:,} case{'' if self.count == 1 else 's'}"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class QueueFilterForm(forms.Form):
    text = forms.CharField(
        label="Reference, name, postcode or words", required=False, max_length=SEARCH_LENGTH
    )
    organisation = forms.ChoiceField(label="Organisation", required=False)
    kind = forms.ChoiceField(label="Kind", required=False)
    stage = forms.ChoiceField(label="Stage", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    handler = forms.ChoiceField(label="Handler", required=False)
    service_area = forms.ChoiceField(label="Service area", required=False)
    due = forms.ChoiceField(label="Due", required=False)
    flags = forms.MultipleChoiceField(
        label="Flags",
        required=False,
        choices=[(f, f.replace("_", " ").capitalize()) for f in FLAG_FIELDS],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = list(organisations_for(user).order_by("name"))
        stages: dict[str, str] = {}
        areas: set[str] = set()
        for organisation in organisations:
            # Open cases may be on a pack the organisation has since moved on from.
            for pack_id in dict.fromkeys(
                [organisation.policy_pack, *(p for _, p in organisation.policy_schedule or ())]
            ):
                pack = get_pack(pack_id)
                for stage in pack.stages:
                    stages.setdefault(stage.id, stage.label)
                areas.update(pack.service_areas)
        any_choice = [("", "Any")]
        choices_of(self, "organisation").choices = any_choice + [
            (o.slug, o.name) for o in organisations
        ]
        choices_of(self, "kind").choices = any_choice + list(Kind.choices)
        choices_of(self, "stage").choices = any_choice + sorted(
            stages.items(), key=lambda kv: kv[1]
        )
        choices_of(self, "status").choices = any_choice + list(Status.choices)
        handlers = (
            User.objects.filter(memberships__organisation__in=organisations, is_active=True)
            .distinct()
            .order_by("display_name", "username")
        )
        choices_of(self, "handler").choices = any_choice + [(u.username, str(u)) for u in handlers]
        choices_of(self, "service_area").choices = any_choice + [(a, a) for a in sorted(areas)]
        choices_of(self, "due").choices = any_choice + list(DUE_WINDOWS.items())

    def filters(self) -> CaseFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return CaseFilters(
            organisation=data.get("organisation", ""),
            kind=data.get("kind", ""),
            stage=data.get("stage", ""),
            status=data.get("status", ""),
            handler=data.get("handler", ""),
            service_area=data.get("service_area", ""),
            flags=tuple(data.get("flags", ())),
            due=data.get("due", ""),
            text=data.get("text", ""),
        )


def rag_for(case: Case, today: datetime.date) -> str:
    if case.next_due_on is None:
        return "grey"
    if case.next_due_on < today:
        return "red"
    if (case.next_due_on - today).days <= 2:
        return "amber"
    return "green"


def _restricted(cases: Sequence[Case], today: datetime.date) -> dict[int, str]:
    """The customers of these cases with a restriction (or warning) in force, in one query."""
    people = {c.customer_id for c in cases if c.customer_id}
    found: dict[int, str] = {}
    if not people:
        return found
    for person_id, level in (
        ContactRestriction.objects.filter(person_id__in=people)
        .in_force(today)
        .values_list("person_id", "level")
    ):
        if found.get(person_id) != RestrictionLevel.RESTRICTION:
            found[person_id] = level
    return found


#: What a list of cases shows (``staff/includes/case_table.html``, ``_rows``): a few of the
#: case's columns and its customer's name, not every column of the case and of its people.
ROW_FIELDS = (
    "reference",
    "summary",
    "conduct",
    "safeguarding",
    "kind",
    "policy_pack",
    "stage",
    "status",
    "received_at",
    "next_due_on",
    "next_due_step",
    "customer__name",
)


#: A summary longer than this is cut short in a list, with an ellipsis.
SUMMARY_CHARACTERS = 70


def _listed(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases read for a list: the columns it shows, with the customer's name in the same query."""
    return cases.select_related("customer").only(*ROW_FIELDS)


def _rows(
    cases: Sequence[Case], today: datetime.date, restricted: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """Each case with its link, its colour and any restriction in force on its customer."""
    if restricted is None:
        restricted = _restricted(cases, today)
    # The case page's address reversed once, not once a row (a list of 50 spent a fifth of
    # its time there).
    marker = "0"
    address = reverse("staff:case", args=[marker])
    before, after = address[: address.rindex(marker)], address[address.rindex(marker) + 1 :]
    # The day received and the summary cut short here, not by the template's filters: a
    # time's zone and a summary's characters, worked out in the template for every row, were
    # half the time a list of 50 took to render.
    return [
        {
            "case": c,
            "url": f"{before}{quote(c.reference, safe='')}{after}",
            "received_on": timezone.localdate(c.received_at),
            "summary": c.summary
            if len(c.summary) <= SUMMARY_CHARACTERS
            else Truncator(c.summary).chars(SUMMARY_CHARACTERS),
            "rag": rag_for(c, today),
            "restriction": RestrictionLevel(restricted[c.customer_id]).label
            if c.customer_id in restricted
            else "",
        }
        for c in cases
    ]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Cases the user can see, filtered, sorted and paginated."""
    user = _user(request)
    if not request.GET:
        saved = SavedQueue.objects.filter(user=user).first()
        if saved and saved.query:
            return redirect(f"{request.path}?{saved.query}")
    form = QueueFilterForm(request.GET or None, user=user)
    today = timezone.localdate()
    sort = request.GET.get("sort", "due")
    if sort not in SORTS:
        sort = "due"
    filters = form.filters()
    cases = case_list(user=user, filters=filters, in_due_order=sort == "due")
    # The page's ids first, from the case table alone, in an order an index can give; then
    # those 25 cases with what the table shows. Joined in the first query, the other tables
    # would lead SQLite to sort every visible case to find 25.
    ordered = cases.order_by(*SORTS[sort]).values_list("pk", flat=True)
    cap = SEARCH_COUNT_CAP if filters.text.strip() else COUNT_CAP
    page = CappedPaginator(ordered, PAGE_SIZE, cap=cap).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    found = _listed(Case.objects.all()).in_bulk(ids)
    base = {k: v for k, v in request.GET.items() if k not in {"page", "sort"}}
    return render(
        request,
        "staff/queue.html",
        {
            "form": form,
            "page": page,
            "rows": _rows([found[pk] for pk in ids if pk in found], today),
            "sort": sort,
            "base_query": urlencode(base),
            "query_string": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
            "sort_links": {
                column: urlencode({**base, "sort": (f"-{column}" if sort == column else column)})
                for column in ("due", "received", "reference")
            },
        },
    )


@login_required
@require_POST
def save_queue(request: HttpRequest) -> HttpResponse:
    """Keep the current filter as the user's own: the queue opens with it next time."""
    query = request.POST.get("query", "")[:1000]
    SavedQueue.objects.update_or_create(user=_user(request), defaults={"query": query})
    messages.success(request, "Filter saved: the case list opens with it from now on.")
    return redirect(f"/cases/?{query}" if query else "/cases/?all=1")


def _plus(one: DueCounts, other: DueCounts) -> DueCounts:
    return DueCounts(
        overdue=one.overdue + other.overdue,
        today=one.today + other.today,
        week=one.week + other.week,
    )


@login_required
def work(request: HttpRequest) -> HttpResponse:
    """What is due today, this week and overdue, for me and for my team, and counts per stage;
    then my deadlines on other records (restrictions, hazards ...) that I may see."""
    user = _user(request)
    if not works_on_cases(user):  # e.g. the board member: awards to decide, or reports
        return redirect("staff:approvals" if awards_awaiting(user) else "reports:index")
    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=7)
    visible = cases_visible_to(user).exclude(status=Status.CLOSED)
    # What I owe: the cases I handle and those I investigate.
    mine = _listed(cases_in_due_order(visible.filter(Q(handler=user) | Q(investigator=user))))
    due = DueOrLast()

    buckets = {
        "overdue": list(mine.alias(due=due).filter(due__lt=today)[:50]),
        "today": list(mine.alias(due=due).filter(due=today)[:50]),
        "week": list(mine.alias(due=due).filter(due__gt=today, due__lte=week_end)[:50]),
    }
    restricted = _restricted([c for cases in buckets.values() for c in cases], today)

    workload = case_workload(visible, handler_id=user.pk, today=today)
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=ALERT_DAYS), datetime.time())
    )
    alerts = alerts_for(
        visible, user_id=user.pk, manager_of=organisations_alerting(user), since=since
    )
    names = dict(organisations_for(user).values_list("pk", "name"))
    by_stage: dict[tuple[str, str, str], int] = {}
    for row in workload.by_stage:
        key = (names.get(row.organisation_id, ""), row.stage, row.policy_pack)
        by_stage[key] = by_stage.get(key, 0) + row.count
    steps: dict[tuple[str, str], int] = {}
    for step_row in workload.due_in_week_by_step:
        stage_id, _, step_id = step_row.step.partition(":")
        names_of_step = step_names(step_row.policy_pack, stage_id, step_id)
        steps[names_of_step] = steps.get(names_of_step, 0) + step_row.count
    return render(
        request,
        "staff/work.html",
        {
            "mine": {key: _rows(cases, today, restricted) for key, cases in buckets.items()},
            "mine_counts": _plus(
                workload.mine, investigating_counts(visible, user_id=user.pk, today=today)
            ),
            "alerts": alerts,
            "alert_days": ALERT_DAYS,
            "records": clocks_owed_by(user=user),
            # The team's "next 7 days" links to the queue's filter, which counts today in.
            "team_counts": {
                "overdue": workload.team.overdue,
                "today": workload.team.today,
                "week": workload.team.week,
                "unassigned": workload.unassigned,
            },
            "by_step": [
                {"stage": stage, "step": step, "count": count}
                for (stage, step), count in sorted(steps.items(), key=lambda kv: -kv[1])[:12]
            ],
            "by_stage": [
                {"organisation__name": name, "policy_pack": pack, "stage": stage, "count": count}
                for (name, stage, pack), count in sorted(by_stage.items(), key=lambda kv: kv[0][:2])
            ],
            "today": today,
            # How the organisations whose reports I read answered, by their policy and the Code.
            "glances": [
                timescales_at_a_glance(organisation, today)
                for organisation in organisations_for(user).order_by("name")[:6]
                if can_read_reports(user, organisation)
            ],
        },
    )


def step_names(pack_id: str, stage_id: str, step_id: str) -> tuple[str, str]:
    """A step's stage and label as the policy names them (its id in words if not found)."""
    try:
        stage = get_pack(pack_id).stage(stage_id)
    except (UnknownPackError, KeyError):
        return stage_id.replace("_", " "), step_id.replace("_", " ")
    for step in [*stage.steps, *(s for route in stage.routes for s in route.steps)]:
        if step.id == step_id:
            return stage.label, step.label
    return stage.label, step_id.replace("_", " ")


#: The most cases a search lists, soonest due first.
SEARCH_ROWS = 50


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Find a case by reference, customer name, postcode or words from its summary."""
    user = _user(request)
    text = request.GET.get("q", "").strip()[:SEARCH_LENGTH]
    rows: list[dict[str, Any]] = []
    if text:
        found = case_list(user=user, filters=CaseFilters(text=text), in_due_order=True)
        # The page's ids in the queue's order first, then those cases (as the queue does).
        ids = list(cases_in_due_order(found).values_list("pk", flat=True)[:SEARCH_ROWS])
        cases = _listed(Case.objects.all()).in_bulk(ids)
        listed = [cases[pk] for pk in ids if pk in cases]
        if len(listed) == 1 and listed[0].reference == text.upper():
            return redirect("staff:case", reference=listed[0].reference)
        rows = _rows(listed, timezone.localdate())
    return render(request, "staff/search.html", {"q": text, "rows": rows})
