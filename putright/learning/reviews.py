"""The reviews of learning, read from the lessons and the action plan: the quarterly lessons
review, the annual deep dive into a service area, the monthly (or quarterly) scrutiny report
and the learning section of the annual report. Each is a plain dataclass the pages, the PDFs
and the reports render; none holds personal data beyond case references.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q
from django.utils import timezone

from putright.cases.models import Case, CaseIssue, Kind, Outcome, SatisfactionResponse
from putright.domain.calendar import describe
from putright.domain.policy import Learning
from putright.organisations.models import Organisation

from .models import ActionStatus, ImprovementAction, Lesson, Publication, Scope
from .repeats import Theme, themes
from .services import organisation_rules

BAD_PERIOD = "Choose a period that has happened: {what}."


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str

    @property
    def words(self) -> str:
        return f"{describe(self.start)} to {describe(self.end)}"


def quarter(year: int, number: int) -> Period:
    """Quarter ``number`` (1-4) of a calendar year."""
    if not 1 <= number <= 4 or not 2000 <= year <= 2100:
        raise ValueError(BAD_PERIOD.format(what=f"{year} Q{number}"))
    start = datetime.date(year, 3 * number - 2, 1)
    end = (
        datetime.date(year + 1, 1, 1) if number == 4 else datetime.date(year, 3 * number + 1, 1)
    ) - datetime.timedelta(days=1)
    return Period(start, end, f"{start:%B} to {end:%B %Y} (Q{number} {year})")


def month(year: int, number: int) -> Period:
    if not 1 <= number <= 12 or not 2000 <= year <= 2100:
        raise ValueError(BAD_PERIOD.format(what=f"{year}-{number:02d}"))
    start = datetime.date(year, number, 1)
    following = datetime.date(year + (number == 12), number % 12 + 1, 1)
    return Period(start, following - datetime.timedelta(days=1), f"{start:%B %Y}")


def year_of(year: int) -> Period:
    if not 2000 <= year <= 2100:
        raise ValueError(BAD_PERIOD.format(what=str(year)))
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))


def current_quarter(today: datetime.date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1


@dataclass(frozen=True)
class Row:
    label: str
    count: int


def _cause_label(rules: Learning, cause: str) -> str:
    found = rules.cause(cause)
    return found.label if found else cause.replace("_", " ").capitalize()


def _by_cause(rules: Learning, lessons: list[Lesson]) -> list[Row]:
    counts = Counter(lesson.cause for lesson in lessons)
    return [Row(_cause_label(rules, c), n) for c, n in counts.most_common()]


def _lessons(organisation: Organisation, period: Period) -> list[Lesson]:
    return list(
        Lesson.objects.filter(
            organisation=organisation,
            recorded_at__date__gte=period.start,
            recorded_at__date__lte=period.end,
        )
        .select_related("case", "issue")
        .order_by("recorded_at", "pk")
    )


def _actions(organisation: Organisation) -> list[ImprovementAction]:
    return list(
        ImprovementAction.objects.filter(organisation=organisation)
        .select_related("owner", "case")
        .order_by("due_on", "pk")
    )


@dataclass
class LessonsReview:
    """The quarterly review of all lessons learnt: what was learnt, which actions were raised,
    which closed and whether those reviewed worked, and the themes of the quarter."""

    organisation: Organisation
    period: Period
    rules: Learning
    lessons: list[Lesson]
    cause_labels: dict[str, str]
    by_cause: list[Row]
    systemic: int
    individual: int
    raised: list[ImprovementAction]
    completed: list[ImprovementAction]
    reviewed: list[ImprovementAction]
    overdue: list[ImprovementAction]
    themes: list[Theme] = field(default_factory=list)

    @property
    def effective(self) -> int:
        return sum(1 for a in self.reviewed if a.effective)


def lessons_review(
    organisation: Organisation, period: Period, *, today: datetime.date
) -> LessonsReview:
    rules = organisation_rules(organisation, period.end)
    lessons = _lessons(organisation, period)
    actions = _actions(organisation)

    def within(day: datetime.date | None) -> bool:
        return day is not None and period.start <= day <= period.end

    return LessonsReview(
        organisation=organisation,
        period=period,
        rules=rules,
        lessons=lessons,
        cause_labels={c.id: c.label for c in rules.all_causes()},
        by_cause=_by_cause(rules, lessons),
        systemic=sum(1 for lesson in lessons if lesson.scope == Scope.SYSTEMIC),
        individual=sum(1 for lesson in lessons if lesson.scope == Scope.INDIVIDUAL),
        raised=[a for a in actions if within(a.created_at.date())],
        completed=[a for a in actions if within(a.completed_on)],
        reviewed=[a for a in actions if within(a.reviewed_on)],
        overdue=[a for a in actions if a.status == ActionStatus.OPEN and a.due_on < today],
        themes=themes(organisation, period.start, period.end),
    )


@dataclass
class DeepDive:
    """One service area over a year: its complaints, their outcomes and causes, what its
    residents said in the satisfaction survey, and its part of the action plan."""

    organisation: Organisation
    area: str
    period: Period
    complaints: int
    stage2: int
    outcomes: list[Row]
    by_cause: list[Row]
    survey_answers: int
    survey_average: float | None
    survey_satisfied: int
    actions: list[ImprovementAction]
    source: str


def deep_dive(organisation: Organisation, area: str, period: Period) -> DeepDive:
    rules = organisation_rules(organisation, period.end)
    cases = Case.objects.filter(
        organisation=organisation,
        service_area=area,
        kind=Kind.COMPLAINT,
        received_at__date__gte=period.start,
        received_at__date__lte=period.end,
    )
    outcomes = Counter(
        CaseIssue.objects.filter(case__in=cases)
        .exclude(outcome="")
        .values_list("outcome", flat=True)
    )
    survey = SatisfactionResponse.objects.filter(case__in=cases).aggregate(
        n=Count("pk"), average=Avg("score"), satisfied=Count("pk", filter=Q(score__gte=4))
    )
    lessons = list(
        Lesson.objects.filter(
            organisation=organisation,
            service_area=area,
            recorded_at__date__gte=period.start,
            recorded_at__date__lte=period.end,
        )
    )
    labels = dict(Outcome.choices)
    return DeepDive(
        organisation=organisation,
        area=area,
        period=period,
        complaints=cases.count(),
        stage2=cases.filter(events__kind="escalation_requested").distinct().count(),
        outcomes=[Row(str(labels.get(o, o)), n) for o, n in outcomes.most_common()],
        by_cause=_by_cause(rules, lessons),
        survey_answers=survey["n"] or 0,
        survey_average=round(survey["average"], 1) if survey["average"] is not None else None,
        survey_satisfied=survey["satisfied"] or 0,
        actions=[a for a in _actions(organisation) if a.service_area == area],
        source=rules.deep_dive_source,
    )


@dataclass
class ScrutinyReport:
    """What the scrutiny panel (or whoever the pack names) receives for a period."""

    organisation: Organisation
    period: Period
    rules: Learning
    received: list[Row]
    complaints_closed: int
    upheld_issues: int
    answered_issues: int
    by_cause: list[Row]
    completed: list[ImprovementAction]
    published: list[ImprovementAction]
    open_actions: int
    overdue_actions: int


def scrutiny_report(
    organisation: Organisation, period: Period, *, today: datetime.date
) -> ScrutinyReport:
    rules = organisation_rules(organisation, period.end)
    received = Counter(
        Case.objects.filter(
            organisation=organisation,
            received_at__date__gte=period.start,
            received_at__date__lte=period.end,
        ).values_list("kind", flat=True)
    )
    kinds = dict(Kind.choices)
    closed = Case.objects.filter(
        organisation=organisation,
        kind=Kind.COMPLAINT,
        closed_at__date__gte=period.start,
        closed_at__date__lte=period.end,
    )
    issues = CaseIssue.objects.filter(case__in=closed).exclude(outcome="")
    actions = _actions(organisation)
    return ScrutinyReport(
        organisation=organisation,
        period=period,
        rules=rules,
        received=[Row(str(kinds.get(k, k)), n) for k, n in received.most_common()],
        complaints_closed=closed.count(),
        upheld_issues=issues.filter(outcome__in=(Outcome.UPHELD, Outcome.PARTLY_UPHELD)).count(),
        answered_issues=issues.count(),
        by_cause=_by_cause(rules, _lessons(organisation, period)),
        completed=[
            a for a in actions if a.completed_on and period.start <= a.completed_on <= period.end
        ],
        published=[
            a
            for a in actions
            if a.publication == Publication.PUBLISHED
            and a.published_on
            and period.start <= a.published_on <= period.end
        ],
        open_actions=sum(1 for a in actions if a.status == ActionStatus.OPEN),
        overdue_actions=sum(
            1 for a in actions if a.status == ActionStatus.OPEN and a.due_on < today
        ),
    )


@dataclass
class AnnualLearning:
    """The learning section of the annual report and the board pack: what was learnt and
    what changed in the period, in words residents may read."""

    period: Period
    lessons: int
    systemic: int
    by_cause: list[Row]
    raised: int
    completed: list[ImprovementAction]
    effective: int
    not_effective: int
    open_actions: int
    overdue_actions: int

    @property
    def published(self) -> list[ImprovementAction]:
        """The completed changes written for residents and approved (no personal data)."""
        return [a for a in self.completed if a.publication == Publication.PUBLISHED]

    @property
    def unpublished(self) -> int:
        return len(self.completed) - len(self.published)


def annual_learning(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    *,
    today: datetime.date | None = None,
) -> AnnualLearning:
    """What was learnt and changed between two dates."""
    today = today or timezone.localdate()
    period = Period(start, end, f"{describe(start)} to {describe(end)}")
    rules = organisation_rules(organisation, end)
    lessons = _lessons(organisation, period)
    actions = _actions(organisation)
    completed = [a for a in actions if a.completed_on and start <= a.completed_on <= end]
    reviewed = [a for a in actions if a.reviewed_on and start <= a.reviewed_on <= end]
    return AnnualLearning(
        period=period,
        lessons=len(lessons),
        systemic=sum(1 for lesson in lessons if lesson.scope == Scope.SYSTEMIC),
        by_cause=_by_cause(rules, lessons),
        raised=sum(1 for a in actions if start <= a.created_at.date() <= end),
        completed=completed,
        effective=sum(1 for a in reviewed if a.effective),
        not_effective=sum(1 for a in reviewed if a.effective is False),
        open_actions=sum(1 for a in actions if a.status == ActionStatus.OPEN),
        overdue_actions=sum(
            1 for a in actions if a.status == ActionStatus.OPEN and a.due_on < today
        ),
    )


def published_changes(organisation: Organisation) -> list[ImprovementAction]:
    """What the organisation has published about what it learnt and changed, newest first."""
    return list(
        ImprovementAction.objects.filter(
            organisation=organisation, publication=Publication.PUBLISHED
        ).order_by("-published_on", "-pk")
    )
