"""Reading cases for lists: the one case list (queue, search, API), workload and alerts."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from putright.accounts.access import personal_data_organisations
from putright.accounts.models import User
from putright.cases.access import cases_visible_to, organisations_read_whole
from putright.organisations.models import Organisation
from putright.search.queries import search

from .models import Case, DueOrLast, Event, EventKind

#: What ``DueOrLast`` gives a case with nothing due.
NO_DUE_DATE = datetime.date(9999, 12, 31)

Flag = Literal["health_and_safety", "safeguarding", "vulnerability", "conduct", "anonymous"]
FLAG_FIELDS: tuple[Flag, ...] = get_args(Flag)

DueWindow = Literal["overdue", "today", "week", "fortnight"]
DUE_WINDOWS: dict[DueWindow, str] = {
    "overdue": "Overdue",
    "today": "Due today",
    "week": "Due in the next 7 days",
    "fortnight": "Due in the next 14 days",
}
_WINDOW_DAYS = {"week": 7, "fortnight": 14}

#: The longest text a search looks for: enough for any reference, name, postcode or phrase
#: (longer is no search a person types, and SQLite cannot match it).
SEARCH_LENGTH = 200


@dataclass(frozen=True)
class CaseFilters:
    """Every condition a list of cases can be narrowed by, declared once.

    The staff queue's form, search and the API's query parameters each fill it, in their
    own words, and hand it to ``case_list``. A blank value is no condition.
    """

    organisation: str = ""  # its slug
    kind: str = ""
    stage: str = ""
    status: str = ""
    handler: str = ""  # their username
    service_area: str = ""
    flags: tuple[str, ...] = ()  # every one of them (names not in FLAG_FIELDS are ignored)
    due: str = ""  # one of DUE_WINDOWS
    due_before: datetime.date | None = None  # due on or before (nothing due never matches)
    overdue: bool | None = None  # False: not overdue, nothing due included
    text: str = ""  # a reference, the customer's name or postcode, words of the summary


def case_list(
    *, user: User, filters: CaseFilters | None = None, in_due_order: bool = False
) -> QuerySet[Case]:
    """The cases the user may see that match every filter, unordered (the caller orders).

    Today is the local date, as everywhere else. Text finds a case by its customer's
    postcode only where the user may see contact details: a search must not confirm a
    postcode the reader is not shown. ``in_due_order``: the caller lists the cases in the
    queue's order (``cases_in_due_order``), a search no further than its first thousand, so
    that a word common in one landlord may be listed from the words table
    (``search.queries.LISTED``).
    """
    whole, named_only = organisations_read_whole(user)
    return _filtered(
        cases_visible_to(user),
        filters or CaseFilters(),
        today=timezone.localdate(),
        postcode_organisations=personal_data_organisations(user),
        # The words table holds the queue's order only, and whole organisations only.
        whole_organisations=whole if in_due_order and not named_only else None,
    )


def _filtered(
    cases: QuerySet[Case],
    filters: CaseFilters,
    *,
    today: datetime.date,
    postcode_organisations: Collection[int],
    whole_organisations: Collection[int] | None = None,
) -> QuerySet[Case]:
    """The cases matching every given condition. ``whole_organisations``: the organisations
    whose every case ``cases`` holds (see ``search.queries.search_condition``)."""
    if filters.organisation:
        # Its id, not a join on the slug: the planner can then read the organisation's cases
        # from its indexes in the order asked for.
        organisation_id = (
            Organisation.objects.filter(slug=filters.organisation)
            .values_list("pk", flat=True)
            .first()
        )
        cases = cases.filter(organisation_id=organisation_id) if organisation_id else cases.none()
        if whole_organisations is not None:
            whole_organisations = [o for o in whole_organisations if o == organisation_id]
    for field in ("kind", "stage", "status", "service_area"):
        value = getattr(filters, field)
        if value:
            cases = cases.filter(**{field: value})
    if filters.handler:
        cases = cases.filter(handler__username=filters.handler)
    for flag in filters.flags:
        if flag in FLAG_FIELDS:
            cases = cases.filter(**{flag: True})
    # The due-date conditions are on DueOrLast, which the queue's index holds; it equals
    # next_due_on wherever next_due_on is set, and no case without one matches them.
    cases = cases.alias(due_or_last=DueOrLast())
    if filters.due_before:
        if filters.due_before < NO_DUE_DATE:
            cases = cases.filter(due_or_last__lte=filters.due_before)
        else:
            cases = cases.filter(next_due_on__isnull=False)
    if filters.due == "overdue" or filters.overdue is True:
        cases = cases.filter(due_or_last__lt=today)
    elif filters.overdue is False:
        cases = cases.filter(due_or_last__gte=today)  # cases with nothing due included
    if filters.due == "today":
        cases = cases.filter(due_or_last=today)
    elif filters.due in _WINDOW_DAYS:
        days = _WINDOW_DAYS[filters.due]
        cases = cases.filter(
            due_or_last__gte=today, due_or_last__lte=today + datetime.timedelta(days=days)
        )
    text = filters.text.strip()
    if text:
        # The one search (putright/search/rules.py): a reference, a postcode where the reader
        # may see contact details, or words starting words of the name, summary or address.
        # Any condition but the text and the organisation narrows the list within them.
        narrowed = any(
            getattr(filters, f.name) not in ("", (), None)
            for f in fields(filters)
            if f.name not in {"text", "organisation"}
        )
        cases = search(
            cases,
            text,
            private_organisations=postcode_organisations,
            whole_organisations=None if narrowed else whole_organisations,
        )
    return cases


#: Soonest due first, cases with nothing due last, then by id: the order of the queue's
#: indexes, so a page of it is read from an index instead of sorting every case.
DUE_ORDER = (DueOrLast().asc(), "pk")


def cases_in_due_order(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases soonest due first, those with nothing due last, then by id."""
    return cases.order_by(*DUE_ORDER)


@dataclass(frozen=True)
class DueCounts:
    overdue: int = 0
    today: int = 0
    week: int = 0  # after today, within seven days


@dataclass(frozen=True)
class StageCount:
    organisation_id: int
    policy_pack: str
    stage: str
    count: int


@dataclass(frozen=True)
class StepCount:
    policy_pack: str
    step: str  # "stage:step", as in Case.next_due_step
    count: int


@dataclass(frozen=True)
class Workload:
    """What My work counts over the open cases a user can see."""

    mine: DueCounts
    team: DueCounts  # here "week" counts today in, as the queue's "week" filter does
    unassigned: int
    by_stage: list[StageCount]
    due_in_week_by_step: list[StepCount]


def workload_rows(
    open_cases: QuerySet[Case], *, handler_id: int, today: datetime.date
) -> QuerySet[Any, Any]:
    """My work's counts by organisation, pack, stage and next step, as one grouped query."""
    week_end = today + datetime.timedelta(days=7)
    overdue = Q(next_due_on__lt=today)
    due_today = Q(next_due_on=today)
    later_this_week = Q(next_due_on__gt=today, next_due_on__lte=week_end)
    mine = Q(handler_id=handler_id)
    return (
        open_cases.order_by()
        .values("organisation_id", "policy_pack", "stage", "next_due_step")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=overdue),
            today=Count("pk", filter=due_today),
            later_this_week=Count("pk", filter=later_this_week),
            unassigned=Count("pk", filter=Q(handler_id__isnull=True)),
            mine_overdue=Count("pk", filter=mine & overdue),
            mine_today=Count("pk", filter=mine & due_today),
            mine_later_this_week=Count("pk", filter=mine & later_this_week),
        )
    )


def investigating_counts(
    open_cases: QuerySet[Case], *, user_id: int, today: datetime.date
) -> DueCounts:
    """Cases someone investigates but does not handle, by due date: their own work too."""
    week_end = today + datetime.timedelta(days=7)
    counts = (
        open_cases.filter(investigator_id=user_id)
        .exclude(handler_id=user_id)
        .aggregate(
            overdue=Count("pk", filter=Q(next_due_on__lt=today)),
            today=Count("pk", filter=Q(next_due_on=today)),
            week=Count("pk", filter=Q(next_due_on__gt=today, next_due_on__lte=week_end)),
        )
    )
    return DueCounts(overdue=counts["overdue"], today=counts["today"], week=counts["week"])


def case_workload(open_cases: QuerySet[Case], *, handler_id: int, today: datetime.date) -> Workload:
    """Every count on My work, in one pass over the open cases (an index holds the columns)."""
    rows = workload_rows(open_cases, handler_id=handler_id, today=today)
    total: Counter[str] = Counter()
    by_stage: Counter[tuple[int, str, str]] = Counter()
    by_step: Counter[tuple[str, str]] = Counter()
    for row in rows:
        for key in (
            "overdue",
            "today",
            "later_this_week",
            "unassigned",
            "mine_overdue",
            "mine_today",
            "mine_later_this_week",
        ):
            total[key] += row[key]
        by_stage[row["organisation_id"], row["policy_pack"], row["stage"]] += row["total"]
        due_in_week = row["overdue"] + row["today"] + row["later_this_week"]
        if row["next_due_step"] and due_in_week:
            by_step[row["policy_pack"], row["next_due_step"]] += due_in_week
    return Workload(
        mine=DueCounts(
            overdue=total["mine_overdue"],
            today=total["mine_today"],
            week=total["mine_later_this_week"],
        ),
        team=DueCounts(
            overdue=total["overdue"],
            today=total["today"],
            week=total["today"] + total["later_this_week"],
        ),
        unassigned=total["unassigned"],
        by_stage=[StageCount(o, p, s, n) for (o, p, s), n in by_stage.items()],
        due_in_week_by_step=[StepCount(p, s, n) for (p, s), n in by_step.items()],
    )


#: What the deadline sweep and the remedies sweep record for people to act on.
ALERT_KINDS = (EventKind.CHASED, EventKind.ALERTED, EventKind.ACTION_OVERDUE)


def alerts_for(
    open_cases: QuerySet[Case],
    *,
    user_id: int,
    manager_of: list[int],
    since: datetime.datetime,
    limit: int = 20,
) -> list[Event]:
    """Chases, breach alerts and overdue actions recorded since ``since`` on open cases that
    are the user's: handled or investigated by them, with an action they own (for an overdue
    action), or (breach alerts) in an organisation where they manage complaints."""
    mine = (
        Q(case__handler_id=user_id)
        | Q(case__investigator_id=user_id)
        | Q(kind=EventKind.ACTION_OVERDUE, case__remedy_actions__owner_id=user_id)
    )
    if manager_of:
        mine |= Q(kind=EventKind.ALERTED, case__organisation_id__in=manager_of)
    ids = (
        Event.objects.filter(kind__in=ALERT_KINDS, occurred_at__gte=since)
        .filter(mine, case__in=open_cases.values("pk"))
        .order_by("-occurred_at", "-pk")
        .values_list("pk", flat=True)
        .distinct()[: limit * 2]
    )
    events = Event.objects.filter(pk__in=list(ids)).select_related("case")
    return [e for e in events.order_by("-occurred_at", "-pk") if _concerns(e, user_id)][:limit]


def _concerns(event: Event, user_id: int) -> bool:
    """An overdue action concerns its owner and the handler, not every owner on the case."""
    if event.kind != EventKind.ACTION_OVERDUE:
        return True
    case = event.case
    told = {int(i) for i in event.data.get("notify_user_ids") or []}
    return user_id in told or user_id in (case.handler_id, case.investigator_id)
