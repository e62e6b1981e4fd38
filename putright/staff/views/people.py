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
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from putright.accounts.access import people_visible_to, record_access
from putright.cases.access import cases_visible_to
from putright.people.models import ContactRestriction, ContactWay, Person
from putright.people.restrictions import need_to_know_notice
from putright.people.selectors import restrictions_of
from putright.people.services import RECORD_TYPE
from putright.policies.registry import get_pack
from putright.timeline.selectors import record_history

from .common import staff_user
from .queues import rag_for

NOT_FOUND = "There is no person {person_id} that you can see."
RECORD_LABELS = {
    "restriction-warn": "Send a warning letter",
    "restriction-impose": "Restrict contact",
}
STATE_WORDS = {"open": "due", "overdue": "overdue", "done": "done", "done_late": "done late"}

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


def _offered(user: Any, person: Person) -> tuple[list[dict[str, Any]], list[Any]]:
    """The person actions the viewer's role allows: those on the person (label and url),
    and the declarations of those on one of their restrictions."""
    from putright.accounts.access import ACTION_ROLES, roles_in
    from putright.actions.people import PERSON_ACTIONS
    from putright.people.restrictions import person_pack

    if person_pack(person).restrictions is None:  # the policy sets out no process: nothing to take
        return [], []
    roles = roles_in(user, person.organisation_id)
    on_person, on_restriction = [], []
    for action in PERSON_ACTIONS:
        needs = action.permission or "restriction-warn"
        if not roles & ACTION_ROLES.get(needs, frozenset()):
            continue
        if action.name == "restriction-record":
            url = reverse(f"staff:{action.name}", args=[person.pk])
            for kind, needed in (
                ("warning", "restriction-warn"),
                ("restriction", "restriction-impose"),
            ):
                if roles & ACTION_ROLES[needed]:
                    on_person.append({"label": RECORD_LABELS[needed], "url": f"{url}?kind={kind}"})
        elif action.target == "person":
            on_person.append(
                {"label": action.label, "url": reverse(f"staff:{action.name}", args=[person.pk])}
            )
        else:
            on_restriction.append(action)
    return on_person, on_restriction


def _fits(name: str, restriction: ContactRestriction) -> bool:
    """Whether the action applies to this warning or restriction now."""
    if name == "restriction-finish":
        return restriction.needs_finishing
    if name == "restriction-lift":
        return True
    if restriction.level != "restriction":
        return False
    if name == "restriction-appeal":
        return restriction.appeal_by is not None and restriction.appeal_received_at is None
    if name == "restriction-decide-appeal":
        return bool(restriction.appeal_received_at and not restriction.appeal_decided_at)
    return True


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
    person_actions, restriction_actions = _offered(user, person)
    details = {row["id"]: row for row in restrictions_of(person)}
    letters = list(person.letters.order_by("created_at", "pk"))
    for row in restrictions:
        r = row["restriction"]
        row["detail"] = details.get(r.pk)
        row["letters"] = [letter for letter in letters if letter.restriction_id == r.pk]
        row["actions"] = [
            {"label": a.label, "url": reverse(f"staff:{a.name}", args=[person.pk, r.pk])}
            for a in restriction_actions
            if (row["state"] == "in_force" or r.status(today) == "expired") and _fits(a.name, r)
        ]
        row["status"] = r.status(today)
        row["notice"] = (
            need_to_know_notice(r)
            if r.level == "restriction" and row["state"] == "in_force" and not r.needs_finishing
            else ""
        )
        rules = get_pack(r.pack or person.organisation.policy_pack).restrictions
        row["category_labels"] = [
            category.label if (category := rules.category(c) if rules else None) else c
            for c in r.categories
        ]
        row["channel_labels"] = [ContactWay(c).label for c in r.channels if c in ContactWay.values]
        for deadline in (row["detail"] or {}).get("deadlines", []):
            deadline["state_words"] = STATE_WORDS.get(deadline["state"], deadline["state"])
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


# -- actions on a person (putright/actions/people.py) -----------------------------------------


def _visible_person(request: HttpRequest, person_id: int) -> Person:
    person = (
        Person.objects.select_related("organisation")
        .filter(pk=person_id, organisation_id__in=people_visible_to(staff_user(request)))
        .first()
    )
    if person is None:
        raise Http404(NOT_FOUND.format(person_id=person_id))
    return person


def _fields(name: str, person: Person, target: Any = None) -> list[dict[str, Any]]:
    """The questions each action's page asks, with the pack's choices."""
    from putright.people.models import ContactWay
    from putright.people.restrictions import appeal_deciders, person_pack

    rules = person_pack(person).restrictions
    categories = [(c.id, c.label) for c in rules.categories] if rules else []
    measures = [(m.id, m.label) for m in rules.measures] if rules else []
    reviews = [(str(d), f"{d} days") for d in rules.review_days] if rules else []
    ways = list(ContactWay.choices)
    when: dict[str, Any] = {
        "name": "occurred_at",
        "label": "When (leave blank for now)",
        "type": "datetime-local",
    }
    review = (
        {"name": "review_days", "label": "Review after", "type": "radios", "choices": reviews}
        if len(reviews) > 1
        else {"name": "review_on", "label": "First review on", "type": "date"}
        if not reviews
        else None
    )
    restrict: list[dict[str, Any] | None] = [
        {"name": "measures", "label": "Measures", "type": "checkboxes", "choices": measures},
        {
            "name": "channels",
            "label": "Ways of contact left open",
            "type": "checkboxes",
            "choices": ways,
        },
        {"name": "issue_limit", "label": "Issues considered (number)", "type": "number"},
        {"name": "issue_period_days", "label": "In how many days", "type": "number"},
        {"name": "contact_person", "label": "Single point of contact (username)", "type": "text"},
    ]
    forms: dict[str, list[dict[str, Any] | None]] = {
        "behaviour-record": [
            {
                "name": "categories",
                "label": "Kind of behaviour",
                "type": "checkboxes",
                "choices": categories,
            },
            {"name": "description", "label": "What happened", "type": "textarea"},
            {"name": "occurred_on", "label": "When it happened", "type": "date"},
            {"name": "witnesses", "label": "Who saw it", "type": "text"},
        ],
        "concern-explain": [
            {"name": "summary", "label": "What was explained and asked", "type": "textarea"},
            when,
        ],
        "police-refer": [
            {"name": "referred_on", "label": "Referred on", "type": "date"},
            {"name": "reference", "label": "Police reference", "type": "text"},
        ],
        "restriction-warn": [
            {"name": "kind", "label": "", "type": "hidden", "value": "warning"},
            {
                "name": "categories",
                "label": "Kind of behaviour",
                "type": "checkboxes",
                "choices": categories,
            },
            {
                "name": "behaviour",
                "label": "The behaviour, as the letter will say it",
                "type": "textarea",
            },
            {"name": "change_by", "label": "The behaviour must change by", "type": "date"},
            {"name": "reasons", "label": "Reasons (not in the letter)", "type": "textarea"},
        ],
        "restriction-impose": [
            {"name": "kind", "label": "", "type": "hidden", "value": "restriction"},
            {
                "name": "categories",
                "label": "Kind of behaviour",
                "type": "checkboxes",
                "choices": categories,
            },
            {
                "name": "behaviour",
                "label": "The behaviour, as the letter will say it",
                "type": "textarea",
            },
            *restrict,
            {
                "name": "contact_times",
                "label": "Set times for contact, if a measure",
                "type": "text",
            },
            {"name": "reasons", "label": "Reasons, and who was consulted", "type": "textarea"},
            review,
            {"name": "reviewer", "label": "Reviewer (username; you if blank)", "type": "text"},
        ],
        "restriction-review": [
            {
                "name": "outcome",
                "label": "Outcome",
                "type": "radios",
                "choices": [
                    ("keep", "Keep it"),
                    ("vary", "Vary the measures"),
                    ("lift", "Lift it"),
                ],
            },
            {
                "name": "explanation",
                "label": "Explanation (it goes in the letter)",
                "type": "textarea",
            },
            *restrict,
            review,
        ],
        "restriction-appeal": [
            {"name": "grounds", "label": "What the appeal says", "type": "textarea"},
            {
                "name": "decider",
                "label": "Who decides it",
                "type": "radios",
                "choices": [
                    (u.username, f"{u}{f' ({u.directorate})' if u.directorate else ''}")
                    for u in (appeal_deciders(target) if target is not None else [])
                ],
            }
            if name == "restriction-appeal"
            else None,
            when,
        ],
        "restriction-decide-appeal": [
            {
                "name": "upheld",
                "label": "Decision",
                "type": "radios",
                "choices": [("true", "Upheld: lift the restriction"), ("false", "Not upheld")],
            },
            {
                "name": "explanation",
                "label": "Explanation (it goes in the letter)",
                "type": "textarea",
            },
        ],
        "restriction-lift": [{"name": "reason", "label": "Why it is lifted", "type": "textarea"}],
        "restriction-finish": [
            {
                "name": "categories",
                "label": "Kind of behaviour",
                "type": "checkboxes",
                "choices": categories,
            },
            *restrict,
        ],
    }
    return [field for field in forms[name] if field is not None]


def _payload(fields: list[dict[str, Any]], data: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    for field in fields:
        name = field["name"]
        if field["type"] == "checkboxes":
            payload[name] = data.getlist(name)
        else:
            value = data.get(name, "").strip()
            if value:
                payload[name] = value
    return payload


@login_required
def person_action(
    request: HttpRequest, person_id: int, name: str, restriction_id: int | None = None
) -> HttpResponse:
    """One action's page: its questions, each error beside its field, then the person's page."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from pydantic import ValidationError

    from putright.accounts.access import ACTION_ROLES, AccessDeniedError, roles_in
    from putright.actions.people import PERSON_BY_NAME, perform_person
    from putright.errors import CaseError

    user = staff_user(request)
    person = _visible_person(request, person_id)
    action = PERSON_BY_NAME[name]
    target: Any = person
    if restriction_id is not None:
        target = person.contact_restrictions.filter(pk=restriction_id).first()
        if target is None:
            raise Http404("The person has no such restriction.")
    form_name, label, needs = name, action.label, action.permission
    if name == "restriction-record":  # one action, two pages: a warning, or a restriction
        kind = request.POST.get("kind") or request.GET.get("kind") or "warning"
        form_name = needs = "restriction-impose" if kind == "restriction" else "restriction-warn"
        label = RECORD_LABELS[form_name]
    if not roles_in(user, person.organisation_id) & ACTION_ROLES.get(needs, frozenset()):
        what = label[0].lower() + label[1:]
        return render(request, "staff/no_permission.html", {"what": what}, status=403)
    fields = _fields(form_name, person, target if restriction_id is not None else None)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values = _payload(fields, request.POST)
        try:
            payload = action.schema(**values)
            done = perform_person(action, user=user, person=person, target=target, payload=payload)
        except ValidationError as error:
            for item in error.errors():
                errors[str(item["loc"][0]) if item["loc"] else "request"] = item["msg"]
        except CaseError as error:
            errors.update(error.fields or {"request": error.message})
            if not error.fields:
                errors["request"] = error.message
        except AccessDeniedError as error:
            errors["request"] = str(error)
        else:
            messages.success(request, action.done(done))
            return redirect("staff:person", person_id=person.pk)
        status = 400
    for field in fields:
        field["error"] = errors.get(field["name"], "")
        if field["type"] == "hidden":
            continue  # its value is fixed
        given = values.get(field["name"], request.GET.get(field["name"], ""))
        field["value"] = given
        field["chosen"] = given if isinstance(given, list) else [given]
    return render(
        request,
        "staff/person_action.html",
        {
            "person": person,
            "action": action,
            "label": label,
            "target": target if restriction_id else None,
            "fields": fields,
            "errors": errors,
            "summary": [(k, v) for k, v in errors.items()],
            "adjustments": person.reasonable_adjustments,
            "needs": person.accessibility_needs,
        },
        status=status,
    )


@login_required
@require_safe
def person_letter(request: HttpRequest, person_id: int, letter_id: int) -> HttpResponse:
    """A letter about the person, as PDF (the download is recorded)."""
    from putright.letters.rendering import render_pdf

    person = _visible_person(request, person_id)
    letter = person.letters.filter(pk=letter_id).first()
    if letter is None:
        raise Http404("No such letter.")
    record_access(
        staff_user(request), "downloaded letter", detail=f"person {person.pk} letter {letter.pk}"
    )
    response = HttpResponse(render_pdf(letter.html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="person-{person.pk}-letter-{letter.pk}.pdf"'
    )
    return response
