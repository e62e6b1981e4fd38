"""The case page and every action on it, as short forms with the policy's choices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from putright.accounts.access import can_see_case, can_see_personal_data, may_act
from putright.accounts.models import User
from putright.cases.errors import CaseError, ConflictError
from putright.cases.models import Case, CaseLink, EventKind, Status
from putright.cases.selectors import case_deadlines, case_events, stage_events
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_add_note,
    case_assign,
    case_close,
    case_decide_eligibility,
    case_escalate,
    case_extend,
    case_make_formal,
    case_record_contact,
    case_record_investigation,
    case_refuse_escalation,
    case_reopen,
    case_request_investigation,
    case_respond,
    case_withdraw,
)
from putright.domain.deadlines import Deadline, State
from putright.letters.models import Correspondence
from putright.letters.rendering import letters_called_for
from putright.people.models import ContactRestriction
from putright.policies.registry import get_pack
from putright.remedies.models import Award, Remedy, RemedyAction

from .. import forms as f
from .common import case_or_404, staff_user


def _by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type[f.ActionForm]
    run: Callable[[Case, Actor, dict[str, Any], dict[str, Any]], Case]
    done: str
    button: str = "Save"
    warning: bool = False


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "acknowledge",
            "Acknowledge",
            f.AcknowledgeForm,
            lambda case, actor, d, c: case_acknowledge(
                case=case, actor=actor, method=d["method"], **c
            ),
            "Acknowledged.",
        ),
        Action(
            "assign",
            "Assign",
            f.AssignForm,
            lambda case, actor, d, c: case_assign(
                case=case,
                actor=actor,
                handler=_by_username(d["handler"]),
                investigator=_by_username(d["investigator"]),
                **c,
            ),
            "Assigned.",
        ),
        Action(
            "request-investigation",
            "Request investigation",
            f.RequestInvestigationForm,
            lambda case, actor, d, c: case_request_investigation(
                case=case,
                actor=actor,
                team=d["team"],
                investigator=_by_username(d["investigator"]),
                **c,
            ),
            "Investigation requested.",
        ),
        Action(
            "record-investigation",
            "Record investigation reply",
            f.RecordInvestigationForm,
            lambda case, actor, d, c: case_record_investigation(
                case=case, actor=actor, summary=d["summary"], **c
            ),
            "Investigation reply recorded.",
        ),
        Action(
            "extend",
            "Extend",
            f.ExtendForm,
            lambda case, actor, d, c: case_extend(
                case=case, actor=actor, working_days=d["working_days"], reason=d["reason"], **c
            ),
            "Deadline extended. Tell the customer the new date.",
        ),
        Action(
            "respond",
            "Respond",
            f.RespondForm,
            lambda case, actor, d, c: case_respond(
                case=case, actor=actor, outcome=d["outcome"], text=d["text"], **c
            ),
            "Response recorded.",
        ),
        Action(
            "escalate",
            "Escalate",
            f.EscalateForm,
            lambda case, actor, d, c: case_escalate(
                case=case,
                actor=actor,
                route=d.get("route") or "",
                reasons=d.get("reasons") or "",
                about=["compensation"] if d.get("about_compensation") else [],
                accept_late=bool(d.get("accept_late")),
                late_reason=d.get("late_reason") or "",
                **c,
            ),
            "Escalated.",
        ),
        Action(
            "refuse-escalation",
            "Refuse escalation",
            f.RefuseEscalationForm,
            lambda case, actor, d, c: case_refuse_escalation(
                case=case, actor=actor, ground=d["ground"], explanation=d["explanation"], **c
            ),
            "Escalation refused; the case is closed.",
            warning=True,
        ),
        Action(
            "make-formal",
            "Make a formal complaint",
            f.MakeFormalForm,
            lambda case, actor, d, c: case_make_formal(
                case=case, actor=actor, reason=d["reason"], **c
            ),
            "Now a formal complaint.",
        ),
        Action(
            "decide-eligibility",
            "Decide eligibility",
            f.EligibilityForm,
            lambda case, actor, d, c: case_decide_eligibility(
                case=case,
                actor=actor,
                accepted=d["accepted"] == "yes",
                exclusion=d.get("exclusion") or "",
                reason=d.get("reason") or "",
                **c,
            ),
            "Eligibility decided.",
        ),
        Action(
            "contact",
            "Record contact",
            f.ContactForm,
            lambda case, actor, d, c: case_record_contact(
                case=case, actor=actor, summary=d["summary"], direction=d["direction"], **c
            ),
            "Contact recorded.",
        ),
        Action(
            "note",
            "Add a note",
            f.NoteForm,
            lambda case, actor, d, c: case_add_note(case=case, actor=actor, text=d["text"], **c),
            "Note added.",
        ),
        Action(
            "close",
            "Close",
            f.CloseForm,
            lambda case, actor, d, c: case_close(
                case=case, actor=actor, reason=d["reason"], note=d["note"], **c
            ),
            "Case closed.",
            warning=True,
        ),
        Action(
            "reopen",
            "Reopen",
            f.ReopenForm,
            lambda case, actor, d, c: case_reopen(case=case, actor=actor, reason=d["reason"], **c),
            "Case reopened.",
        ),
        Action(
            "withdraw",
            "Withdraw",
            f.WithdrawForm,
            lambda case, actor, d, c: case_withdraw(case=case, actor=actor, note=d["note"], **c),
            "Case withdrawn and closed.",
            warning=True,
        ),
    ]
}


def available_actions(case: Case, user: User, events: list[Any]) -> list[Action]:
    """The actions that fit the case as it stands and the user's role, most likely first."""
    here = {e.kind for e in stage_events(case, events)} if case.stage else set()
    pack = get_pack(case.policy_pack)
    stage = pack.stage(case.stage) if case.stage else None
    names: list[str] = []
    if case.is_closed:
        names = ["reopen", "note"]
    else:
        if case.stage and EventKind.ACKNOWLEDGED not in here:
            names.append("acknowledge")
        if case.status == Status.AWAITING_ESCALATION:
            names += ["escalate", "refuse-escalation"]
        elif case.stage and EventKind.RESPONDED in here:
            # The (final) response is sent: nothing is left to investigate, extend or answer.
            names.append("close")
        elif case.stage:
            if EventKind.INVESTIGATION_REQUESTED not in here:
                names.append("request-investigation")
            elif EventKind.INVESTIGATOR_REPLIED not in here:
                names.append("record-investigation")
            names += ["respond", "extend"]
        if stage is not None and not stage.formal:
            names.append("make-formal")
        if case.eligibility == "pending":
            names.append("decide-eligibility")
        names += ["assign", "contact", "note", "close", "withdraw"]
    return [ACTIONS[n] for n in dict.fromkeys(names) if may_act(user, case, _permission(n))]


def _permission(name: str) -> str:
    return {"decide-eligibility": "decide-eligibility"}.get(name, name)


def display_state(deadline: Deadline, today: Any) -> str:
    """Red, amber, green or grey: overdue, due within two days, later, done."""
    if deadline.completed_on is not None and deadline.state is State.MISSED:
        return "done_late"
    if deadline.completed_on is not None or deadline.state in (State.MET, State.STOPPED):
        return "done"
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
    pack = get_pack(case.policy_pack)
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
            "actions": available_actions(case, user, events),
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
    """One action's form; saving runs the service, or shows the errors beside the fields."""
    user = staff_user(request)
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise Http404("There is no such action.")
    case = case_or_404(request, reference)
    if not may_act(user, case, _permission(action)):
        return render(request, "staff/forbidden.html", {"case": case, "action": chosen}, status=403)
    pack = get_pack(case.policy_pack)
    form = chosen.form(request.POST or None, case=case, pack=pack, user=user)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {"expected_version": data["version"], "occurred_at": data.get("occurred_at")}
        try:
            chosen.run(case, Actor(user), data, common)
        except ConflictError as problem:
            # Keep what they entered; let them save again once they have seen the change.
            error = (
                f"{problem.message} Your entries are kept below: open the case in another tab "
                "to see what changed, then save again."
            )
            data = request.POST.copy()
            data["version"] = str(Case.objects.values_list("version", flat=True).get(pk=case.pk))
            form = chosen.form(data, case=case, pack=pack, user=user)
            form.is_valid()
        except CaseError as problem:
            error = problem.message
            for field, message in problem.fields.items():
                if field in form.fields:
                    form.add_error(field, message)
        else:
            messages.success(request, chosen.done)
            return redirect("staff:case", reference=case.reference)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "staff/action.html",
        {"case": case, "action": chosen, "form": form, "error": error},
        status=status,
    )
