"""The queue's due order and due filters, and My work's counts, against counting by hand."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import F

from putright.accounts.models import Membership, Role, User
from putright.cases.models import Case, Status
from putright.cases.queries import (
    NO_DUE_DATE,
    CaseFilters,
    case_list,
    case_workload,
    cases_in_due_order,
    workload_rows,
)
from putright.staff.views.queues import SORTS

from ..conftest import at

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 9)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture
def cases(receive, handler, manager, clock):
    """Cases due on either side of today, some on the same day, some with nothing due."""
    clock(2026, 3, 9, 12)  # TODAY
    plan = [
        # (next due in days or None, status, handler, step, pack)
        (-9, Status.OPEN, handler, "stage1:respond", "hos-code-2024"),
        (None, Status.OPEN, handler, "", "hos-code-2024"),
        (0, Status.OPEN, handler, "stage1:acknowledge", "hos-code-2024"),
        (3, Status.OPEN, None, "stage1:respond", "hos-code-2024"),
        (-1, Status.OPEN, manager, "stage1:respond", "hos-code-2024"),
        (0, Status.OPEN, None, "stage1:acknowledge", "rooftop-2023"),
        (7, Status.OPEN, handler, "stage1:respond", "rooftop-2023"),
        (8, Status.OPEN, handler, "stage1:respond", "rooftop-2023"),
        (14, Status.AWAITING_ESCALATION, handler, "", "rooftop-2023"),
        (15, Status.OPEN, None, "stage1:respond", "hos-code-2024"),
        (None, Status.CLOSED, handler, "", "hos-code-2024"),
        (-9, Status.OPEN, None, "stage1:respond", "rooftop-2023"),
        (3, Status.OPEN, handler, "", "hos-code-2024"),
    ]
    made = []
    for number, (offset, status, who, step, pack) in enumerate(plan):
        case = receive(pack, received_at=at(2026, 3, 2, 10), summary=f"Case {number}")
        Case.objects.filter(pk=case.pk).update(
            next_due_on=None if offset is None else day(offset),
            status=status,
            handler=who,
            next_due_step=step,
        )
        made.append(Case.objects.get(pk=case.pk))
    return made


def reader(role: str, cases: list[Case], name: str) -> User:
    """Someone with ``role`` at every landlord of ``cases``."""
    user = User.objects.create_user(name)
    for organisation_id in {c.organisation_id for c in cases}:
        Membership.objects.create(user=user, organisation_id=organisation_id, role=role)
    return user


def test_the_due_order_puts_cases_with_nothing_due_last_and_ties_by_id(cases):
    ordered = list(cases_in_due_order(Case.objects.all()).values_list("pk", flat=True))
    by_hand = [
        c.pk
        for c in sorted(cases, key=lambda c: (c.next_due_on is None, c.next_due_on or TODAY, c.pk))
    ]
    assert ordered == by_hand
    undated = [c.pk for c in cases if c.next_due_on is None]
    assert ordered[-len(undated) :] == sorted(undated)
    # The same order as the database's own "nulls last" sort.
    nulls_last = Case.objects.order_by(F("next_due_on").asc(nulls_last=True), "pk")
    assert ordered == list(nulls_last.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        (CaseFilters(due="overdue"), lambda d: d is not None and d < TODAY),
        (CaseFilters(overdue=True), lambda d: d is not None and d < TODAY),
        (CaseFilters(overdue=False), lambda d: d is None or d >= TODAY),
        (CaseFilters(due="today"), lambda d: d == TODAY),
        (CaseFilters(due="week"), lambda d: d is not None and TODAY <= d <= day(7)),
        (CaseFilters(due="fortnight"), lambda d: d is not None and TODAY <= d <= day(14)),
        (CaseFilters(due_before=day(3)), lambda d: d is not None and d <= day(3)),
        (CaseFilters(due_before=NO_DUE_DATE), lambda d: d is not None),
    ],
    ids=["overdue", "overdue-true", "overdue-false", "today", "week", "fortnight", "before", "max"],
)
def test_the_due_filters_match_the_due_date_and_never_an_undated_case(cases, query, wanted):
    everyone = reader(Role.COMPLAINTS_MANAGER, cases, "everyone")
    found = set(case_list(user=everyone, filters=query).values_list("pk", flat=True))
    assert found == {c.pk for c in cases if wanted(c.next_due_on)}


def test_my_work_counts_match_counting_case_by_case(cases, handler):
    open_cases = [c for c in cases if c.status != Status.CLOSED]
    workload = case_workload(
        Case.objects.exclude(status=Status.CLOSED), handler_id=handler.pk, today=TODAY
    )

    def count(condition) -> int:
        return sum(1 for c in open_cases if c.next_due_on is not None and condition(c))

    def mine(c: Case) -> bool:
        return c.handler_id == handler.pk

    assert workload.mine.overdue == count(lambda c: mine(c) and c.next_due_on < TODAY) == 1
    assert workload.mine.today == count(lambda c: mine(c) and c.next_due_on == TODAY) == 1
    assert workload.mine.week == count(lambda c: mine(c) and TODAY < c.next_due_on <= day(7))
    assert workload.mine.week == 2
    assert workload.team.overdue == count(lambda c: c.next_due_on < TODAY) == 3
    assert workload.team.today == count(lambda c: c.next_due_on == TODAY) == 2
    # The team's week counts today in, as the queue's "week" filter does.
    assert workload.team.week == count(lambda c: TODAY <= c.next_due_on <= day(7)) == 5
    assert workload.unassigned == sum(1 for c in open_cases if c.handler_id is None) == 4

    by_stage: dict[tuple[int, str, str], int] = {}
    for c in open_cases:
        key = (c.organisation_id, c.policy_pack, c.stage)
        by_stage[key] = by_stage.get(key, 0) + 1
    assert {(s.organisation_id, s.policy_pack, s.stage): s.count for s in workload.by_stage} == (
        by_stage
    )
    by_step: dict[tuple[str, str], int] = {}
    for c in open_cases:
        if c.next_due_step and c.next_due_on is not None and c.next_due_on <= day(7):
            by_step[c.policy_pack, c.next_due_step] = (
                by_step.get((c.policy_pack, c.next_due_step), 0) + 1
            )
    assert {(s.policy_pack, s.step): s.count for s in workload.due_in_week_by_step} == by_step
    assert sum(by_step.values()) == 7


def test_my_work_counts_nothing_for_someone_with_no_cases(cases):
    nobody = User.objects.create_user("nobody")
    workload = case_workload(Case.objects.none(), handler_id=nobody.pk, today=TODAY)
    assert workload.mine.overdue == workload.team.week == workload.unassigned == 0
    assert workload.by_stage == [] == workload.due_in_week_by_step


# -- the plans SQLite makes: an index, not a sort of every case ---------------------------------


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL plans by its statistics"
)


@sqlite_only
def test_a_page_of_the_queue_in_due_order_is_read_from_a_due_index(cases):
    one = Case.objects.filter(organisation_id__in=[cases[0].organisation_id])
    page = cases_in_due_order(one).values_list("pk", flat=True)[:25]
    # One organisation's page is read in order from the index: no sort at all.
    assert plan(page) == "SEARCH cases_case USING INDEX case_queue_by_due (organisation_id=?)"
    # For several, SQLite sorts the entries of an index that holds all it needs, not the
    # table's rows; either way round, nothing due stays last.
    several = Case.objects.filter(organisation_id__in={c.organisation_id for c in cases})
    for order in ("due", "-due"):  # the queue's sorts by due date
        ordered = several.order_by(*SORTS[order]).values_list("pk", flat=True)[:25]
        assert "USING COVERING INDEX case_org_next_due" in plan(ordered), order
    # The queue's filters, as the case list applies them with what the reader may see.
    everyone = reader(Role.COMPLAINTS_MANAGER, cases, "everyone")
    overdue = case_list(user=everyone, filters=CaseFilters(kind="complaint", due="overdue"))
    assert "USING COVERING INDEX case_queue_kind_by_due" in plan(
        cases_in_due_order(overdue).values_list("pk", flat=True)[:25]
    )
    assert "USING COVERING INDEX case_queue_kind_by_due" in plan(overdue.order_by().values("pk"))
    # So is a complaint handler's visibility: no case about staff conduct unless named on it.
    handler = reader(Role.COMPLAINT_HANDLER, cases, "another-handler")
    counted = case_list(user=handler, filters=CaseFilters(kind="complaint", due="overdue"))
    assert "COVERING INDEX case_queue_kind_by_due" in plan(counted.order_by().values("pk"))
    assert "COVERING INDEX case_org_next_due" in plan(
        cases_in_due_order(case_list(user=handler)).values_list("pk", flat=True)[:25]
    )


@sqlite_only
def test_my_work_reads_the_open_cases_index_and_mine_in_due_order(cases, handler):
    open_cases = Case.objects.filter(
        organisation_id__in=sorted({c.organisation_id for c in cases})
    ).exclude(status=Status.CLOSED)
    counts = workload_rows(open_cases, handler_id=handler.pk, today=TODAY)
    assert "USING COVERING INDEX case_open_workload" in plan(counts)
    mine = cases_in_due_order(open_cases.filter(handler=handler))[:50]
    assert "USING INDEX case_handler_by_due" in plan(mine)
