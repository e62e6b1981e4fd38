"""The case page and every action on it, as short forms with the policy's choices."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe
from pydantic import ValidationError

from putright.accounts.access import AccessDeniedError, can_see_case, can_see_personal_data, may_act
from putright.accounts.models import User
from putright.actions.cases import BY_NAME, offered_actions
from putright.actions.catalogue import CaseAction, perform
from putright.cases.errors import CaseError, ConflictError
from putright.cases.models import Case, CaseLink, EventKind
from putright.cases.selectors import case_deadlines, case_events, case_pack
from putright.domain.deadlines import Deadline, State
from putright.letters.models import Correspondence
from putright.letters.rendering import letters_called_for
from putright.people.models import ContactRestriction
from putright.remedies.models import Award, Remedy, RemedyAction

from ..forms import ACTION_FORMS
from .common import case_or_404, staff_user

#: How many next steps the case page shows as buttons; the rest are listed below them.
BUTTONS = 3


def available_actions(
    case: Case, user: User, events: list[Any]
) -> tuple[list[CaseAction], list[CaseAction]]:
    """The actions the case offers the user now: its next steps as buttons (or, with none,
    the first other action), and the rest listed under them."""
    next_steps, others = offered_actions(case, events, user)
    buttons = next_steps[:BUTTONS] or others[:1]
    return buttons, [a for a in next_steps + others if a not in buttons]


def display_state(deadline: Deadline, today: Any) -> str:
    """Red, amber, green or grey: overdue, due within two days, later, done."""
    if deadline.completed_on is not None and deadline.state is State.MISSED:
        return "done_late"
    if deadline.completed_on is not None or deadline.state is State.MET:
        return "done"
    if deadline.state is State.STOPPED:
        return "stopped"
    if deadline.superseded:
        return "not_done"  # a stage answered without being acknowledged
    if deadline.state is State.LAPSED:
        return "lapsed"
    if deadline.state is State.MISSED:
        return "overdue"
    if (deadline.due - today).days <= 2:
        return "due_soon"
    return "pending"


STATE_LABELS = {
    "done": "Done",
    "done_late": "Done late",
    "stopped": "Not needed: the stage ended first",
    "not_done": "Never done",
    "lapsed": "Lapsed",
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "pending": "On track",
}


#: Events that are contact with the customer, listed on the correspondence tab.
CORRESPONDENCE_EVENTS = frozenset(
    {
        EventKind.ACKNOWLEDGED,
        EventKind.RESPONDED,
        EventKind.CONTACTED,
        EventKind.ESCALATION_REFUSED,
        EventKind.EXTENDED,
        EventKind.INFORMATION_REQUESTED,
        EventKind.INFORMATION_RECEIVED,
    }
)


@login_required
@require_safe
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    """The case: who, what, what is due and why, what happened, and what can be done next."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    events = list(case_events(case).select_related("actor"))
    today = timezone.localdate()
    deadlines = [
        {
            "deadline": d,
            "state": display_state(d, today),
            "label": STATE_LABELS[display_state(d, today)],
        }
        for d in case_deadlines(case, today=today, events=events)
    ]
    pack = case_pack(case)
    buttons, more_actions = available_actions(case, user, events)
    tab = request.GET.get("tab", "details")
    if tab not in {"details", "correspondence", "remedies", "linked"}:
        tab = "details"
    # Only the linked cases the user may see: a link never shows a case otherwise hidden.
    links = [
        (kind, other)
        for kind, other in [
            (link.get_kind_display(), link.to_case)
            for link in CaseLink.objects.filter(from_case=case).select_related("to_case")
        ]
        + [
            (f"{link.get_kind_display()} (from)", link.from_case)
            for link in CaseLink.objects.filter(to_case=case).select_related("from_case")
        ]
        if can_see_case(user, other)
    ]
    correspondence = [e for e in events if e.kind in CORRESPONDENCE_EVENTS]
    # Each tab loads only what it shows, each in one query whatever the number of rows.
    letters: list[Correspondence] = []
    remedies: list[Remedy] = []
    remedy_actions: list[RemedyAction] = []
    awards: list[Award] = []
    letters_to_send: list[Any] = []
    if tab == "correspondence":
        letters = list(
            case.correspondence.select_related("created_by").order_by("created_at", "pk")
        )
        sent = {(letter.event_sequence, letter.template) for letter in letters}
        letters_to_send = [
            {"event": event, "spec": spec} for event, spec in letters_called_for(case, events, sent)
        ]
    elif tab == "remedies":
        remedies = list(case.remedies.select_related("issue", "created_by"))
        remedy_actions = list(case.remedy_actions.select_related("owner"))
        awards = list(case.awards.select_related("proposed_by", "decided_by"))
    return render(
        request,
        "staff/case.html",
        {
            "case": case,
            "pack": pack,
            "stage": pack.stage(case.stage) if case.stage else None,
            "deadlines": deadlines,
            "events": list(reversed(events)),
            "buttons": buttons,
            "more_actions": more_actions,
            "personal": can_see_personal_data(user, case),
            "representative": case.representative,
            "tab": tab,
            "links": links,
            "correspondence": correspondence,
            "letters": letters,
            "letters_to_send": letters_to_send,
            "may_send": may_act(user, case, "contact"),
            "remedies": remedies,
            "remedy_actions": remedy_actions,
            "awards": awards,
            "today": today,
            "issues": list(case.issues.all()),
            "restrictions": list(
                ContactRestriction.objects.filter(person_id=case.customer_id).in_force(today)
            )
            if case.customer_id and can_see_personal_data(user, case)
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """One action's form; saving takes the action, or shows the errors beside the fields."""
    user = staff_user(request)
    chosen = BY_NAME.get(action)
    if chosen is None:
        raise Http404("There is no such action.")
    case = case_or_404(request, reference)
    if not may_act(user, case, chosen.needs):
        return render(request, "staff/forbidden.html", {"case": case, "action": chosen}, status=403)
    pack = case_pack(case)
    made: dict[str, Any] = {"case": case, "pack": pack, "user": user}
    error = ""
    if request.method == "POST" and "add_point" in request.POST:
        # One more point of the complaint to answer: shown again, nothing saved.
        initial: dict[str, Any] = request.POST.dict()
        initial["points"] = _number(initial.get("points")) + 1
        form = ACTION_FORMS[chosen.name](initial=initial, **made)
    else:
        form = ACTION_FORMS[chosen.name](request.POST or None, request.FILES or None, **made)
    if request.method == "POST" and "add_point" not in request.POST and form.is_valid():
        try:
            payload = chosen.schema.model_validate(form.to_input())
            perform(chosen, user=user, case=case, payload=payload)
        except ValidationError as problem:
            error = "Check the answers below."
            for item in problem.errors():
                name = str(item["loc"][0]) if item["loc"] else ""
                message = str(item["msg"]).removeprefix("Value error, ")
                if name in form.fields:
                    form.add_error(name, message)
                else:
                    error = message
        except ConflictError as problem:
            # Keep what they entered; let them save again once they have seen the change.
            error = (
                f"{problem.message} Your entries are kept below: open the case in another tab "
                "to see what changed, then save again."
            )
            data = request.POST.copy()
            data["version"] = str(Case.objects.values_list("version", flat=True).get(pk=case.pk))
            form = ACTION_FORMS[chosen.name](data, request.FILES or None, **made)
            form.is_valid()
        except CaseError as problem:
            error = problem.message
            for field, message in problem.fields.items():
                if field in form.fields:
                    form.add_error(field, message)
        except AccessDeniedError as problem:
            error = str(problem)
        else:
            messages.success(request, chosen.done)
            return redirect("staff:case", reference=case.reference)
    status = 400 if request.method == "POST" and "add_point" not in request.POST else 200
    return render(
        request,
        "staff/action.html",
        {"case": case, "action": chosen, "form": form, "error": error},
        status=status,
    )


def _number(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
