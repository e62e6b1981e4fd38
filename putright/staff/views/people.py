"""A person's page: how to reach them, their restrictions, the cases the viewer may see and
the history of changes to their record.

It mirrors ``GET /api/v1/people/{id}``: those who may read the organisation's customer
records open it, everyone else gets 404 (whether or not the person exists), and every read
is recorded in the access log exactly as the API records it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from putright.accounts.access import people_visible_to, record_access
from putright.cases.access import cases_visible_to
from putright.people.models import ContactRestriction, Person
from putright.people.services import RECORD_TYPE
from putright.timeline.selectors import record_history

from .common import staff_user
from .queues import rag_for

NOT_FOUND = "There is no person {person_id} that you can see."

#: The order restrictions are listed in: those in force, those to come, then the past.
STATE_ORDER = {"in_force": 0, "upcoming": 1, "past": 2}


def _restriction_state(restriction: ContactRestriction, today: datetime.date) -> dict[str, Any]:
    """Whether a restriction is in force, still to start or past, and whether its review is
    overdue (only one in force: a lifted one needs no review)."""
    if restriction.ends_on is not None and restriction.ends_on < today:
        state = "past"
    elif restriction.starts_on > today:
        state = "upcoming"
    else:
        state = "in_force"
    return {"state": state, "overdue": state == "in_force" and restriction.review_overdue(today)}


@login_required
@require_safe
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    """Who the person is, how to reach them, their restrictions, their cases you may see and
    what was changed on their record, when and by whom.

    ``person_actions`` lists what the viewer may do to the person (each with ``label`` and
    ``url``); none are declared yet, so the section stays hidden.
    """
    user = staff_user(request)
    person = (
        Person.objects.select_related("organisation")
        .filter(pk=person_id, organisation_id__in=people_visible_to(user))
        .first()
    )
    if person is None:
        raise Http404(NOT_FOUND.format(person_id=person_id))
    if request.method == "GET":  # a HEAD answers headers only: nothing is read
        record_access(user, "read customer record", detail=f"{person.name} (person {person.pk})")
    today = timezone.localdate()
    restrictions = [
        {"restriction": r, **_restriction_state(r, today)}
        for r in person.contact_restrictions.select_related("decided_by")
    ]
    # In force first, then those still to start, then the past ones (each newest first).
    restrictions.sort(key=lambda row: STATE_ORDER[row["state"]])
    # Only the cases the viewer may see: a restricted (conduct) case stays hidden from those
    # who may not read it, even on its customer's page.
    cases = list(
        cases_visible_to(user).filter(customer_id=person.pk).order_by("-received_at", "-pk")
    )
    person_actions: list[dict[str, Any]] = []
    history = record_history(record_type=RECORD_TYPE, record_id=person.pk)
    return render(
        request,
        "staff/person.html",
        {
            "person": person,
            "representatives": list(person.representatives.order_by("name", "pk")),
            "restrictions": restrictions,
            "in_force": sum(row["state"] == "in_force" for row in restrictions),
            "rows": [{"case": case, "rag": rag_for(case, today)} for case in cases],
            "person_actions": person_actions,
            "history": history,
            "today": today,
        },
    )
