"""What the case page shows of learning: its lessons, whether its lessons-learned report or
its review for lessons is due, and the earlier cases it may repeat, each with the reason."""

from __future__ import annotations

from typing import Any

from django import template

from putright.accounts.access import may_act
from putright.accounts.models import User
from putright.cases.models import Case, Kind
from putright.cases.selectors import case_pack

from ..access import plan_organisations
from ..repeats import repeat_suggestions
from ..selectors import case_lessons, lessons_review_clock
from ..services import lessons_report_due

register = template.Library()

#: The kinds of case whose earlier cases are looked for.
REPEATABLE = (Kind.COMPLAINT, Kind.DISSATISFACTION)


@register.simple_tag(takes_context=True)
def learning_on_case(context: Any, case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    rules = case_pack(case).learning
    causes = {c.id: c.label for c in rules.all_causes()}
    lessons = [
        {"lesson": lesson, "cause": causes.get(lesson.cause, lesson.cause)}
        for lesson in case_lessons(case)
    ]
    repeats = repeat_suggestions(case) if case.kind in REPEATABLE else []
    return {
        "lessons": lessons,
        "may_record": may_act(user, case, "lessons"),
        "report_due": lessons_report_due(case),
        "report_source": rules.report_source,
        "review": lessons_review_clock(case),
        "repeats": repeats,
        "repeat": any(s.same_customer or s.same_home for s in repeats),
        "may_link": may_act(user, case, "link") and not case.is_closed,
        "reads_plan": case.organisation_id in plan_organisations(user),
    }
