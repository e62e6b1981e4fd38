"""The reports at sector scale against one hand-written SQL aggregate each, side by side.

``putright bench reports`` (also ``putright report bench``) seeds a scratch PostgreSQL database with ``putright seed``
(or measures one given with ``--database``), then in a child process on that database
times, best of ``repeats`` after a warm-up:

- CH01 and CH02 for one organisation (the largest) and one year (the last complete
  financial year of the data) with ``tsm_report``, against one SQL statement that
  computes the same four numbers, working days and all (a calendar CTE from the same
  bank holidays), over the same candidate cases, each response judged as the Code
  judges it: from the acknowledgement made by the response, else from the day it was
  due, with a recorded extension up to the Code's limit;
- the performance report for the same organisation and year by quarter with
  ``performance_report``, against one SQL statement giving the same figures by quarter
  (with a total row).

The figures of both sides are compared before timing; a mismatch fails the benchmark.
Both sides run without PostgreSQL's JIT compilation, as the reports' own query does
(``runs.load_case_rows``): see ``_fetch``.
Targets: each report within 1.5x of its bare query, and under 2 seconds.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

RATIO_TARGET = 1.5
SECONDS_TARGET = 2.0

Progress = Callable[[str, int, int], None]


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kb = int(next(line.split()[1] for line in info if line.startswith("MemTotal")))
            memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()}, "
        f"Python {platform.python_version()}"
    )


def _best(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    result = run()  # warm-up: caches, plans, the calendar
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - began)
    return best, result


# -- the bare queries ------------------------------------------------------------------

_PER_CASE = """
cal0 AS (
  SELECT d::date AS day,
         (extract(isodow FROM d) < 6 AND NOT (d::date = ANY(%(closed)s::date[]))) AS working
  FROM generate_series(%(cal_from)s::date, %(cal_to)s::date, interval '1 day') AS d
),
cal AS (
  SELECT day, working, count(*) FILTER (WHERE working) OVER (ORDER BY day) AS upto FROM cal0
),
nth AS (SELECT upto AS n, day FROM cal WHERE working),
per_case AS (
  SELECT c.id, c.deemed_received_on AS deemed, c.status, c.stage AS current_stage,
    (c.closed_at AT TIME ZONE %(tz)s)::date AS closed_on,
    max(e.sequence) FILTER (WHERE e.kind IN ('received', 'classified')) AS start_seq,
    max(e.sequence) FILTER (WHERE e.kind IN ('received', 'classified')
                            AND e.data->>'start_stage' = ANY(%(l1)s)) AS s1_seq,
    min((e.occurred_at AT TIME ZONE %(tz)s)::date) FILTER (
      WHERE e.kind = 'made_formal' AND e.data->>'to_stage' = ANY(%(l1)s)) AS formal_on,
    min((e.occurred_at AT TIME ZONE %(tz)s)::date) FILTER (
      WHERE e.kind = 'escalation_requested' AND e.data->>'to_stage' = ANY(%(l2)s)) AS esc_on,
    min((e.occurred_at AT TIME ZONE %(tz)s)::date) FILTER (
      WHERE e.kind = 'escalation_refused' AND e.stage = ANY(%(l1)s)) AS esc_refused_on,
    min((e.occurred_at AT TIME ZONE %(tz)s)::date) FILTER (
      WHERE e.kind = 'acknowledged' AND e.stage = ANY(%(l1)s)) AS ack1,
    min((e.occurred_at AT TIME ZONE %(tz)s)::date) FILTER (
      WHERE e.kind = 'acknowledged' AND e.stage = ANY(%(l2)s)) AS ack2,
    min((e.occurred_at AT TIME ZONE %(tz)s)::date) FILTER (
      WHERE e.kind = 'responded' AND e.stage = ANY(%(l1)s)) AS resp1,
    min((e.occurred_at AT TIME ZONE %(tz)s)::date) FILTER (
      WHERE e.kind = 'responded' AND e.stage = ANY(%(l2)s)) AS resp2,
    coalesce(sum((e.data->>'working_days')::int) FILTER (
      WHERE e.kind = 'extended' AND e.stage = ANY(%(l1)s)), 0) AS ext1,
    coalesce(sum((e.data->>'working_days')::int) FILTER (
      WHERE e.kind = 'extended' AND e.stage = ANY(%(l2)s)), 0) AS ext2,
    min(e.data->>'outcome') FILTER (WHERE e.kind = 'responded' AND e.stage = ANY(%(l1)s)) AS out1,
    min(e.data->>'outcome') FILTER (WHERE e.kind = 'responded' AND e.stage = ANY(%(l2)s)) AS out2,
    min((e.occurred_at AT TIME ZONE %(tz)s)::date) FILTER (
      WHERE e.kind = 'withdrawn' AND e.stage = ANY(%(l1)s)) AS wd1,
    min((e.occurred_at AT TIME ZONE %(tz)s)::date) FILTER (
      WHERE e.kind = 'withdrawn' AND e.stage = ANY(%(l2)s)) AS wd2,
    min((e.occurred_at AT TIME ZONE %(tz)s)::date) FILTER (
      WHERE e.kind = 'eligibility_decided' AND e.data->'accepted' = 'false'::jsonb
      AND e.stage = ANY(%(l1)s)) AS ref1,
    min((e.occurred_at AT TIME ZONE %(tz)s)::date) FILTER (
      WHERE e.kind = 'eligibility_decided' AND e.data->'accepted' = 'false'::jsonb
      AND e.stage = ANY(%(l2)s)) AS ref2
  FROM cases_case c JOIN cases_event e ON e.case_id = c.id
  WHERE c.organisation_id = ANY(%(orgs)s) AND c.kind = ANY(%(kinds)s)
    AND ((c.received_at >= %(earliest)s AND c.received_at < %(after)s
          AND (c.closed_at IS NULL OR c.closed_at >= %(begin)s))
         OR c.status IN ('open', 'awaiting_escalation'))
    AND e.kind = ANY(%(read_kinds)s)
  GROUP BY c.id
)"""

_TSM_SQL = (
    "WITH"
    + _PER_CASE
    + """,
runs AS (
  SELECT 1 AS level, CASE WHEN s1_seq = start_seq THEN deemed ELSE formal_on END AS raw,
         ack1 AS ack, resp1 AS resp, ext1 AS ext FROM per_case
  UNION ALL
  SELECT 2, esc_on, ack2, resp2, ext2 FROM per_case
),
started AS (
  SELECT r.level, r.ack, r.resp, r.ext, s.day AS start, s.n AS start_n
  FROM runs r JOIN cal b ON b.day = r.raw - 1 JOIN nth s ON s.n = b.upto + 1
  WHERE r.raw IS NOT NULL
),
judged AS (
  SELECT s.level, s.start, s.resp, s.resp <= due.day AS on_time
  FROM started s LEFT JOIN cal a ON a.day = s.ack
  JOIN nth due ON due.n = CASE WHEN s.ack IS NOT NULL AND (s.resp IS NULL OR s.ack <= s.resp) THEN a.upto
      ELSE s.start_n + CASE s.level WHEN 1 THEN %(ack1)s ELSE %(ack2)s END END
    + CASE s.level WHEN 1 THEN %(response1)s + least(s.ext, %(cap1)s)
                   ELSE %(response2)s + least(s.ext, %(cap2)s) END
)
SELECT level,
  count(*) FILTER (WHERE start BETWEEN %(start)s AND %(end)s) AS received,
  count(*) FILTER (WHERE resp BETWEEN %(start)s AND %(end)s) AS responded,
  count(*) FILTER (WHERE resp BETWEEN %(start)s AND %(end)s AND on_time) AS on_time
FROM judged GROUP BY level ORDER BY level"""
)

_PERFORMANCE_SQL = (
    "WITH"
    + _PER_CASE
    + """,
runs AS (
  SELECT id, 1 AS level, CASE WHEN s1_seq = start_seq THEN deemed ELSE formal_on END AS raw,
         ack1 AS ack, resp1 AS resp, ext1 AS ext, out1 AS outcome, wd1 AS withdrawn,
         ref1 AS refused,
         status <> 'closed' AND current_stage = ANY(%(l1)s) AS current,
         least(wd1, ref1, esc_on,
               CASE WHEN status = 'closed' AND current_stage = ANY(%(l1)s) THEN closed_on END
         ) AS ended
  FROM per_case
  UNION ALL
  SELECT id, 2, esc_on, ack2, resp2, ext2, out2, wd2, ref2,
         status <> 'closed' AND current_stage = ANY(%(l2)s),
         least(wd2, ref2,
               CASE WHEN status = 'closed' AND current_stage = ANY(%(l2)s) THEN closed_on END)
  FROM per_case
),
started AS (
  SELECT r.*, s.day AS start, s.n AS start_n
  FROM runs r JOIN cal b ON b.day = r.raw - 1 JOIN nth s ON s.n = b.upto + 1
  WHERE r.raw IS NOT NULL
),
judged AS (
  SELECT s.*, ackdue.day AS ack_due, due.day AS due,
    s.resp <= due.day AS on_time,
    s.ack <= ackdue.day AS ack_on_time,
    (s.ack IS NOT NULL OR (s.ended IS NULL AND %(today)s::date > ackdue.day)
      OR s.ended > ackdue.day) AS ack_due_passed,
    rc.upto - s.start_n AS days,
    s.ext > CASE s.level WHEN 1 THEN %(cap1)s ELSE %(cap2)s END AS beyond
  FROM started s
  JOIN nth ackdue ON ackdue.n = s.start_n + CASE s.level WHEN 1 THEN %(ack1)s ELSE %(ack2)s END
  LEFT JOIN cal a ON a.day = s.ack
  JOIN nth due ON due.n = CASE WHEN s.ack IS NOT NULL AND (s.resp IS NULL OR s.ack <= s.resp) THEN a.upto
      ELSE s.start_n + CASE s.level WHEN 1 THEN %(ack1)s ELSE %(ack2)s END END
    + CASE s.level WHEN 1 THEN %(response1)s + least(s.ext, %(cap1)s)
                   ELSE %(response2)s + least(s.ext, %(cap2)s) END
  LEFT JOIN cal rc ON rc.day = s.resp
),
rows AS (
  SELECT 'received' AS cohort, level, date_trunc('quarter', start)::date AS q,
         ack_due_passed, ack_on_time, withdrawn IS NOT NULL AS withdrawn,
         refused IS NOT NULL AS refused, NULL::boolean AS on_time, NULL::int AS days,
         NULL::boolean AS extended, NULL::boolean AS beyond, NULL::text AS outcome,
         NULL::boolean AS overdue, NULL::bigint AS pence, NULL::bigint AS paid, NULL::int AS score
  FROM judged WHERE start BETWEEN %(start)s AND %(end)s
  UNION ALL
  SELECT 'responded', level, date_trunc('quarter', resp)::date, NULL, NULL, NULL, NULL,
         on_time, days, ext > 0, beyond, outcome, NULL, NULL, NULL, NULL
  FROM judged WHERE resp BETWEEN %(start)s AND %(end)s
  UNION ALL
  SELECT 'now', level, NULL::date, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, %(today)s::date > due, NULL, NULL, NULL
  FROM judged WHERE current AND resp IS NULL
  UNION ALL
  SELECT 'escalation_refused', 1, date_trunc('quarter', esc_refused_on)::date, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM per_case WHERE esc_refused_on BETWEEN %(start)s AND %(end)s
  UNION ALL
  SELECT 'award', 0, date_trunc('quarter', (a.proposed_at AT TIME ZONE %(tz)s)::date)::date,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         a.total_pence, a.paid_pence, NULL
  FROM remedies_award a JOIN cases_case c ON c.id = a.case_id
  WHERE c.organisation_id = ANY(%(orgs)s) AND a.status <> 'rejected'
    AND a.proposed_at >= %(begin)s AND a.proposed_at < %(after)s
  UNION ALL
  SELECT 'answer', 0, date_trunc('quarter', (s.created_at AT TIME ZONE %(tz)s)::date)::date,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, s.score
  FROM portal_satisfactionresponse s JOIN cases_case c ON c.id = s.case_id
  WHERE c.organisation_id = ANY(%(orgs)s)
    AND s.created_at >= %(begin)s AND s.created_at < %(after)s
)
SELECT q, GROUPING(q) AS is_total,
  count(*) FILTER (WHERE cohort = 'received' AND level = 1) AS s1_received,
  count(*) FILTER (WHERE cohort = 'received' AND level = 1 AND ack_due_passed) AS s1_ack_due,
  count(*) FILTER (WHERE cohort = 'received' AND level = 1 AND ack_due_passed AND ack_on_time)
    AS s1_ack_on_time,
  count(*) FILTER (WHERE cohort = 'received' AND level = 1 AND withdrawn) AS s1_withdrawn,
  count(*) FILTER (WHERE cohort = 'received' AND level = 1 AND refused) AS s1_refused,
  count(*) FILTER (WHERE cohort = 'responded' AND level = 1) AS s1_responded,
  count(*) FILTER (WHERE cohort = 'responded' AND level = 1 AND on_time) AS s1_on_time,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY days)
    FILTER (WHERE cohort = 'responded' AND level = 1) AS s1_median,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY days)
    FILTER (WHERE cohort = 'responded' AND level = 1) AS s1_p90,
  count(*) FILTER (WHERE cohort = 'responded' AND level = 1 AND extended) AS s1_extended,
  count(*) FILTER (WHERE cohort = 'responded' AND level = 1 AND beyond) AS s1_beyond,
  count(*) FILTER (WHERE cohort = 'responded' AND level = 1 AND outcome = 'upheld') AS s1_upheld,
  count(*) FILTER (WHERE cohort = 'responded' AND level = 1 AND outcome = 'partly_upheld')
    AS s1_partly,
  count(*) FILTER (WHERE cohort = 'responded' AND level = 1 AND outcome = 'not_upheld')
    AS s1_not,
  count(*) FILTER (WHERE cohort = 'now' AND level = 1) AS s1_open,
  count(*) FILTER (WHERE cohort = 'now' AND level = 1 AND overdue) AS s1_overdue,
  count(*) FILTER (WHERE cohort = 'escalation_refused') AS s1_escalation_refused,
  count(*) FILTER (WHERE cohort = 'received' AND level = 2) AS s2_received,
  count(*) FILTER (WHERE cohort = 'received' AND level = 2 AND ack_due_passed) AS s2_ack_due,
  count(*) FILTER (WHERE cohort = 'received' AND level = 2 AND ack_due_passed AND ack_on_time)
    AS s2_ack_on_time,
  count(*) FILTER (WHERE cohort = 'responded' AND level = 2) AS s2_responded,
  count(*) FILTER (WHERE cohort = 'responded' AND level = 2 AND on_time) AS s2_on_time,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY days)
    FILTER (WHERE cohort = 'responded' AND level = 2) AS s2_median,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY days)
    FILTER (WHERE cohort = 'responded' AND level = 2) AS s2_p90,
  count(*) FILTER (WHERE cohort = 'responded' AND level = 2 AND extended) AS s2_extended,
  count(*) FILTER (WHERE cohort = 'now' AND level = 2) AS s2_open,
  count(*) FILTER (WHERE cohort = 'now' AND level = 2 AND overdue) AS s2_overdue,
  count(*) FILTER (WHERE cohort = 'award') AS awards,
  coalesce(sum(pence) FILTER (WHERE cohort = 'award'), 0) AS awarded_pence,
  coalesce(sum(paid) FILTER (WHERE cohort = 'award'), 0) AS paid_pence,
  count(*) FILTER (WHERE cohort = 'answer') AS answers,
  count(*) FILTER (WHERE cohort = 'answer' AND score >= 4) AS satisfied
FROM rows
GROUP BY GROUPING SETS ((q), ())
ORDER BY q NULLS LAST"""
)

# The report figure each bare column must equal.
PERFORMANCE_COLUMNS = {
    "s1_received": "stage1.received",
    "s1_ack_due": "stage1.acknowledgements_due",
    "s1_ack_on_time": "stage1.acknowledged_on_time",
    "s1_withdrawn": "stage1.withdrawn",
    "s1_refused": "stage1.refused",
    "s1_responded": "stage1.responded",
    "s1_on_time": "stage1.responded_on_time",
    "s1_median": "stage1.median_working_days",
    "s1_p90": "stage1.p90_working_days",
    "s1_extended": "stage1.extended",
    "s1_beyond": "stage1.extended_beyond_code",
    "s1_upheld": "stage1.upheld",
    "s1_partly": "stage1.partly_upheld",
    "s1_not": "stage1.not_upheld",
    "s1_open": "stage1.open_now",
    "s1_overdue": "stage1.overdue_now",
    "s1_escalation_refused": "stage1.escalation_refused",
    "s2_received": "stage2.received",
    "s2_ack_due": "stage2.acknowledgements_due",
    "s2_ack_on_time": "stage2.acknowledged_on_time",
    "s2_responded": "stage2.responded",
    "s2_on_time": "stage2.responded_on_time",
    "s2_median": "stage2.median_working_days",
    "s2_p90": "stage2.p90_working_days",
    "s2_extended": "stage2.extended",
    "s2_open": "stage2.open_now",
    "s2_overdue": "stage2.overdue_now",
    "awards": "compensation.awards",
    "awarded_pence": "compensation.awarded_pence",
    "paid_pence": "compensation.paid_pence",
    "answers": "tp09.answers",
}


def _parameters(
    organisation: Any, start: datetime.date, end: datetime.date, today: datetime.date
) -> dict[str, Any]:
    from django.utils import timezone

    from putright.domain.policy import Anchor
    from putright.organisations.services import organisation_calendar
    from putright.reports.runs import DEFAULT_LOOKBACK_DAYS, READ_KINDS, local_bounds
    from putright.reports.service import levels, organisation_and_members, timescales

    members = organisation_and_members(organisation)
    calendar = organisation_calendar(organisation)
    stage = levels()
    scales = timescales()
    for scale in scales.values():
        # The statements count each response from the acknowledgement (or the day it was
        # due), as the Code does; a Code counting otherwise needs them rewritten.
        if scale.respond_start is not Anchor.ACKNOWLEDGED:
            raise RuntimeError(
                f"the bare SQL counts {scale.label}'s response from the acknowledgement; "
                f"the Code pack counts it from {scale.respond_start}"
            )
    begin, after = local_bounds(start, end)
    return {
        "orgs": [o.pk for o in members],
        "kinds": list(stage.process_kinds),
        "read_kinds": [str(k) for k in READ_KINDS],
        "l1": list(stage.plain[1]),
        "l2": list(stage.plain[2]),
        "tz": timezone.get_current_timezone_name(),
        "closed": calendar.non_working_days(),
        "cal_from": datetime.date(1995, 1, 1),
        "cal_to": datetime.date(2075, 12, 31),
        "begin": begin,
        "after": after,
        "earliest": begin - datetime.timedelta(days=DEFAULT_LOOKBACK_DAYS),
        "start": start,
        "end": end,
        "today": today,
        "ack1": scales[1].acknowledge_days,
        "ack2": scales[2].acknowledge_days,
        "response1": scales[1].response_days,
        "response2": scales[2].response_days,
        "cap1": scales[1].extension_max_days,
        "cap2": scales[2].extension_max_days,
    }


def _fetch(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run a bare statement as the reports run their own query: without JIT compilation.

    The calendar CTEs make PostgreSQL overestimate every join on a day (it knows neither
    how many days the series holds nor that each day is there once: about 700,000 rows
    planned for 4,000), so the performance statement is costed past
    ``jit_inline_above_cost`` and JIT-compiles for longer (about 1.7 s) than it runs
    (about 0.2 s). ``without_jit`` turns it off for this statement only.
    """
    from django.db import connection

    from putright.database import REPORT_PARALLEL_WORKERS, without_jit

    with without_jit(parallel_workers=REPORT_PARALLEL_WORKERS), connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 0.011


def measure(*, repeats: int = 5, progress: Progress | None = None) -> dict[str, Any]:
    """Both benchmarks on the current database (the one DATABASE_URL names)."""
    from django.db import connection
    from django.db.models import Count, Max
    from django.utils import timezone

    from putright.cases.models import Case, Event
    from putright.organisations.models import HomesCount, Organisation
    from putright.reports.service import performance_report, tsm_report

    if connection.vendor != "postgresql":
        raise RuntimeError("the reports benchmark runs on PostgreSQL")
    cases = Case.objects.count()
    events = Event.objects.count()
    latest = Case.objects.aggregate(m=Max("deemed_received_on"))["m"]
    if latest is None:
        raise RuntimeError("the database has no cases: seed it first")
    # The last complete financial year (1 April to 31 March) of the data.
    end_year = latest.year if (latest.month, latest.day) >= (3, 31) else latest.year - 1
    start, end = datetime.date(end_year - 1, 4, 1), datetime.date(end_year, 3, 31)
    homes = (
        HomesCount.objects.filter(year=end.year)
        .values("organisation_id")
        .annotate(n=Max("homes"))
        .order_by("-n")
    )
    top = homes.first()
    organisation = (
        Organisation.objects.get(pk=top["organisation_id"])
        if top
        else Organisation.objects.annotate(n=Count("cases")).order_by("-n").first()
    )
    assert organisation is not None
    today = timezone.localdate()
    params = _parameters(organisation, start, end, today)
    sector_homes = sum(HomesCount.objects.filter(year=end.year).values_list("homes", flat=True))
    organisation_cases = Case.objects.filter(organisation=organisation).count()

    # CH01 and CH02.
    def ours_tsm() -> Any:
        return tsm_report(organisation, start, end, today=today)

    def bare_tsm() -> Any:
        return _fetch(_TSM_SQL, params)

    ours_seconds, report = _best(ours_tsm, repeats)
    bare_seconds, rows = _best(bare_tsm, repeats)
    by_level = {r["level"]: r for r in rows}
    f = report.total.figures
    tsm_checks = {}
    for level in (1, 2):
        row = by_level.get(level, {"received": 0, "responded": 0, "on_time": 0})
        tsm_checks[f"stage{level}"] = {
            "received": (f[f"ch01.stage{level}"].value, row["received"]),
            "responded": (f[f"ch02.stage{level}"].denominator, row["responded"]),
            "on_time": (f[f"ch02.stage{level}"].numerator, row["on_time"]),
        }
    tsm_agree = all(a == b for level in tsm_checks.values() for a, b in level.values())
    if progress:
        progress("tsm measured", 1, 2)

    # The performance report by quarter.
    def ours_performance() -> Any:
        return performance_report(organisation, start, end, by=["quarter"], today=today)

    def bare_performance() -> Any:
        return _fetch(_PERFORMANCE_SQL, params)

    ours_perf_seconds, perf = _best(ours_performance, repeats)
    bare_perf_seconds, perf_rows = _best(bare_performance, repeats)
    mismatches = []
    groups = {g.key: g for g in perf.groups}
    for row in perf_rows:
        quarter = row["q"]
        if quarter is None and not row["is_total"]:
            continue  # open and overdue now: in the total only
        group = perf.total if row["is_total"] else groups.get((quarter.isoformat()[:7],))
        for column, key in PERFORMANCE_COLUMNS.items():
            ours = group.figures[key].value if group is not None else 0
            if group is None and row[column] in (0, None):
                continue
            if not _same(ours, row[column]):
                mismatches.append(f"{quarter or 'total'} {key}: report {ours}, SQL {row[column]}")
    if progress:
        progress("performance measured", 2, 2)

    def verdict(ours: float, bare: float) -> dict[str, Any]:
        ratio = ours / bare if bare else float("inf")
        return {
            "ours_seconds": round(ours, 4),
            "bare_seconds": round(bare, 4),
            "ratio": round(ratio, 2),
            "ratio_met": ratio <= RATIO_TARGET,
            "seconds_met": ours < SECONDS_TARGET,
        }

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return {
        "database": version.split(" on ")[0],
        "database_size": size,
        "cases": cases,
        "events": events,
        "organisations": Organisation.objects.count(),
        "sector_homes": sector_homes,
        "organisation": organisation.slug,
        "organisation_homes": top["n"] if top else None,
        "organisation_cases": organisation_cases,
        "period": [start.isoformat(), end.isoformat()],
        "repeats": repeats,
        "tsm": {
            **verdict(ours_seconds, bare_seconds),
            "agree": tsm_agree,
            "figures": {
                level: {name: pair[0] for name, pair in checks.items()}
                for level, checks in tsm_checks.items()
            },
            "ch01_stage1_per_1000": f["ch01.stage1_per_1000"].value,
            "ch02_stage1": f["ch02.stage1"].value,
            "ch02_stage2": f["ch02.stage2"].value,
        },
        "performance": {
            **verdict(ours_perf_seconds, bare_perf_seconds),
            "agree": not mismatches,
            "mismatches": mismatches[:20],
            "groups": len(perf.groups),
            "stage1_received": perf.total.figures["stage1.received"].value,
        },
    }


def _with_database(server_url: str, name: str) -> str:
    parts = urlsplit(server_url.replace("postgres://", "postgresql://", 1))
    return urlunsplit(parts._replace(path=f"/{name}")).replace("postgresql://", "postgres://", 1)


def run_bench(
    *,
    organisations: int,
    homes: int,
    years: int,
    seed: int,
    repeats: int,
    postgres: str,
    database: str | None,
    keep: bool,
    here: bool,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Seed (unless ``database`` is given) and measure in a child process on that database."""
    if here:
        return measure(repeats=repeats, progress=progress)
    import psycopg

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.demo",
        "PUTRIGHT_DEBUG": "0",
    }
    putright = [sys.executable, "-m", "putright.cli"]
    seeded: dict[str, Any] = {}
    name = None
    url = database
    if url is None:
        name = f"putright_bench_reports_{os.getpid()}"
        with psycopg.connect(postgres, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        url = _with_database(postgres, name)
    env["DATABASE_URL"] = url
    try:
        if name is not None:
            subprocess.run([*putright, "migrate", "-v0"], env=env, check=True)
            began = time.perf_counter()
            done = subprocess.run(
                [
                    *putright,
                    "seed",
                    "--organisations",
                    str(organisations),
                    "--homes",
                    str(homes),
                    "--years",
                    str(years),
                    "--seed",
                    str(seed),
                    "--json",
                ],
                env=env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
            seeded = json.loads(done.stdout)
            seeded["wall_seconds"] = round(time.perf_counter() - began, 1)
        done = subprocess.run(
            [*putright, "bench", "reports", "--here", "--repeats", str(repeats)],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        result: dict[str, Any] = json.loads(done.stdout)
    finally:
        if name is not None and not keep:
            with psycopg.connect(postgres, autocommit=True, connect_timeout=5) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {"machine": describe_machine(), "seeded": seeded, **result}


def print_result(result: dict[str, Any], console: Any) -> None:
    from rich.table import Table

    console.print(f"Reports benchmark on {result['machine']}")
    console.print(
        f"{result['database']}, {result['database_size']}: {result['cases']:,} cases, "
        f"{result['events']:,} events, {result['organisations']} organisations, "
        f"{result['sector_homes']:,} homes; measured {result['organisation']} "
        f"({result['organisation_homes']:,} homes, {result['organisation_cases']:,} cases), "
        f"{result['period'][0]} to {result['period'][1]}, best of {result['repeats']}"
    )
    table = Table("report", "PutRight", "bare SQL", "ratio", "target", "same figures", box=None)
    for key, label in (("tsm", "CH01 + CH02, one year"), ("performance", "performance by quarter")):
        r = result[key]
        table.add_row(
            label,
            f"{r['ours_seconds'] * 1000:,.0f} ms",
            f"{r['bare_seconds'] * 1000:,.0f} ms",
            f"{r['ratio']:.2f}x",
            f"<= {RATIO_TARGET}x and < {SECONDS_TARGET:g} s: "
            + ("met" if r["ratio_met"] and r["seconds_met"] else "MISSED"),
            "yes" if r["agree"] else "NO",
        )
    console.print(table)
    for line in result["performance"].get("mismatches", []):
        console.print(f"mismatch: {line}")
