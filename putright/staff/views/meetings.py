"""The pages of a case's review meetings and its review, at the same paths as the API with a
trailing slash (``putright/actions/meetings.py``): book, rebook, cancel, record as held,
minute; the review page (the policy's rule, its deadlines explained, the report generated from
the case, the decision letter and who agreed it) and each of its steps.

Every page checks the case through ``case_or_404`` and the action through ``may_act``; each
error goes beside its field with a summary above (400); the service decides the rest.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from pydantic import ValidationError

from putright.accounts.access import (
    AccessDeniedError,
    can_see_personal_data,
    may_act,
    record_access,
)
from putright.actions.catalogue import perform_nested
from putright.actions.meetings import MEETING_ACTIONS, MEETINGS_BY_NAME
from putright.cases.models import Case
from putright.cases.selectors import case_deadlines
from putright.errors import CaseError
from putright.meetings import services
from putright.meetings.invitations import invitation
from putright.meetings.models import Kind, Meeting, Part
from putright.meetings.papers import papers_for, papers_html, papers_pdf
from putright.timeline.selectors import record_history

from .common import case_or_404, staff_user

ROWS = 6  # attendee rows on the booking page
ATTENDEE_KEY = re.compile(r"^a\d+_")
ATTENDEE_ERROR = re.compile(r"^attendees[.\[](\d+)")
MESSAGES = {"string_too_short": "This cannot be blank.", "missing": "This cannot be blank."}
WHEN: dict[str, Any] = {
    "name": "occurred_at",
    "label": "When it happened",
    "hint": "Leave blank for now. It cannot be in the future.",
    "type": "datetime-local",
}
OUTCOMES = [
    ("upheld", "Upheld"),
    ("partly_upheld", "Partly upheld"),
    ("not_upheld", "Not upheld"),
]


def _meeting(case: Case, meeting_id: int) -> Meeting:
    found = Meeting.objects.filter(case=case, pk=meeting_id).first()
    if found is None:
        raise Http404("The case has no such meeting.")
    found.case = case
    return found


def _kinds(case: Case) -> list[tuple[str, str]]:
    rule = services.review_rule(case)
    allowed = set(services.ANY_CASE) | set(rule.meeting_kinds if rule else ())
    return [(k.value, str(k.label)) for k in Kind if k.value in allowed]


def _fields(name: str, case: Case, meeting: Meeting | None) -> list[dict[str, Any]]:
    """The questions each page asks."""
    rule = services.review_rule(case)
    forms: dict[str, list[dict[str, Any]]] = {
        "meeting-book": [
            {"name": "kind", "label": "What is it?", "type": "radios", "choices": _kinds(case)},
            {
                "name": "starts_at",
                "label": "Starts",
                "hint": "UK time.",
                "type": "datetime-local",
            },
            {"name": "ends_at", "label": "Ends", "type": "datetime-local"},
            {
                "name": "location",
                "label": "Where, or how",
                "hint": "An address, a room, 'Telephone' or a video link.",
                "type": "text",
            },
            {"name": "notes", "label": "Notes for those invited (optional)", "type": "textarea"},
        ],
        "meeting-rebook": [
            {
                "name": "starts_at",
                "label": "New start",
                "hint": "UK time.",
                "type": "datetime-local",
            },
            {"name": "ends_at", "label": "New end", "type": "datetime-local"},
            {
                "name": "location",
                "label": "Where, or how",
                "hint": "Leave blank to keep it.",
                "type": "text",
            },
            {"name": "reason", "label": "Why is it moving?", "type": "textarea"},
        ],
        "meeting-cancel": [{"name": "reason", "label": "Why is it cancelled?", "type": "textarea"}],
        "meeting-held": [
            {
                "name": "chair",
                "label": "Who chaired it?",
                "hint": "For a panel: chosen at the pre-meeting. Leave unchosen otherwise.",
                "type": "radios",
                "choices": [
                    (str(a.pk), a.name)
                    for a in (meeting.attendees.all() if meeting else [])
                    if a.seat or a.part in (Part.SENIOR_MANAGER, Part.PANEL_MEMBER)
                ],
            },
            WHEN,
        ],
        "meeting-minutes": [{"name": "minutes", "label": "Minutes", "type": "textarea"}],
        "meeting-wish": [
            {
                "name": "wish",
                "label": "What did the customer ask for?",
                "type": "radios",
                "choices": [
                    (k, str(Kind(k).label)) for k in (rule.customer_chooses if rule else ())
                ],
            },
            {
                "name": "note",
                "label": "Anything else (optional)",
                "hint": "For example a video call, or times that suit them.",
                "type": "textarea",
            },
        ],
        "review-report-send": [
            {
                "name": "to",
                "label": "The reviewer's username (optional)",
                "hint": "Leave blank to send it to the senior manager invited to the call.",
                "type": "text",
            }
        ],
        "panel-summary-send": [],
        "panel-letter-draft": [
            {
                "name": "outcome",
                "label": "The panel's decision",
                "type": "radios",
                "choices": OUTCOMES,
            },
            {
                "name": "text",
                "label": "The letter",
                "hint": "The key points of the discussion and the panel's decision, in plain "
                "English. PutRight adds the right to refer to the Ombudsman.",
                "type": "textarea",
            },
        ],
        "panel-letter-agree": _agree_fields(case, rule),
        "panel-letter-send": [],
    }
    return [dict(field) for field in forms[name]]


def _agree_fields(case: Case, rule: Any) -> list[dict[str, Any]]:
    """A caseworker records the agreement of a panel member who has no account."""
    if rule is None or not rule.letter_agreed_by_panel:
        return []
    record = case.reviews.filter(review=rule.id).first()
    panel = services.panel_meeting(case, rule)
    if record is None or panel is None or not record.letter_draft:
        return []
    without = [m for m in services.waiting_for(record, panel) if not m.user_id]
    if not without:
        return []
    return [
        {
            "name": "attendee",
            "label": "Whose agreement is this?",
            "hint": "Choose a panel member without an account whose agreement you are "
            "recording. Leave unchosen to record your own.",
            "type": "radios",
            "choices": [(str(m.pk), m.name) for m in without],
        }
    ]


def _attendee_rows(case: Case, data: Any | None) -> list[dict[str, Any]]:
    rule = services.review_rule(case)
    seats = [("", "No seat")] + [(s.role, s.label) for s in (rule.seats if rule else ())]
    rows = []
    for i in range(1, ROWS + 1):
        rows.append(
            {
                "n": i,
                "username": (data or {}).get(f"a{i}_username", ""),
                "name": (data or {}).get(f"a{i}_name", ""),
                "email": (data or {}).get(f"a{i}_email", ""),
                "part": (data or {}).get(f"a{i}_part", ""),
                "seat": (data or {}).get(f"a{i}_seat", ""),
                "seats": seats if len(seats) > 1 else [],
                "error": "",
            }
        )
    return rows


def _payload(name: str, case: Case, data: Any) -> tuple[dict[str, Any], dict[str, str]]:
    payload: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in data.items():
        if key in ("csrfmiddlewaretoken", "invite_customer") or ATTENDEE_KEY.match(key):
            continue
        value = value.strip()
        if value:
            payload[key] = value
    if name == "meeting-book":
        attendees = []
        for i in range(1, ROWS + 1):
            row = {
                k: data.get(f"a{i}_{k}", "").strip()
                for k in ("username", "name", "email", "part", "seat")
            }
            if not (row["username"] or row["name"]):
                continue
            if not row["part"]:
                errors[f"a{i}_part"] = "Choose what they do at the meeting."
                continue
            attendees.append({k: v for k, v in row.items() if v})
        if data.get("invite_customer") and case.customer_id:
            attendees.append({"part": "customer", "person_id": case.customer_id})
        if not attendees and not errors:
            errors["attendees"] = "Name at least one person attending."
        payload["attendees"] = attendees
        for required, message in (("kind", "Choose what it is."),):
            if required not in payload:
                errors[required] = message
    for number in ("chair", "attendee"):
        if number in payload and payload[number].isdigit():
            payload[number] = int(payload[number])
    return payload, errors


def _review_anchor(case: Case) -> str:
    return reverse("staff:meetings-review", args=[case.reference])


@login_required
def meeting_action(
    request: HttpRequest, reference: str, name: str, meeting_id: int | None = None
) -> HttpResponse:
    """One action's page: its questions, each error beside its field, then back to the case."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    action = MEETINGS_BY_NAME[name]
    meeting = _meeting(case, meeting_id) if meeting_id is not None else None
    if not may_act(user, case, action.permission):
        what = action.label[0].lower() + action.label[1:]
        return render(request, "staff/no_permission.html", {"what": what}, status=403)
    fields = _fields(name, case, meeting)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values, errors = _payload(name, case, request.POST)
        if not errors:
            try:
                payload = action.schema(**values)
                done = perform_nested(action, user=user, case=case, target=meeting, payload=payload)
            except ValidationError as error:
                for item in error.errors():
                    where = ".".join(str(x) for x in item["loc"]) if item["loc"] else "request"
                    errors[where] = MESSAGES.get(item["type"], str(item["msg"]))
            except CaseError as error:
                errors.update(error.fields or {"request": error.message})
                if error.fields and "request" not in error.fields:
                    errors.setdefault("request", error.message)
            except AccessDeniedError as error:
                errors["request"] = str(error)
            else:
                messages.success(request, action.done(done))
                if isinstance(done, Meeting):
                    target = reverse("staff:case", args=[case.reference]) + f"#meeting-{done.pk}"
                else:
                    target = _review_anchor(case)
                return redirect(target)
        status = 400
    known = {field["name"] for field in fields}
    for field in fields:
        field["error"] = errors.get(field["name"], "")
        field["value"] = str(values.get(field["name"], field.get("value", "")))
    rows = _attendee_rows(case, request.POST if request.method == "POST" else None)
    for row in rows:
        row["error"] = errors.get(f"a{row['n']}_part", "")
    # The service numbers the people named from 0, skipping the empty rows.
    filled = [
        row["n"]
        for row in rows
        if request.POST.get(f"a{row['n']}_username", "").strip()
        or request.POST.get(f"a{row['n']}_name", "").strip()
    ]
    for key, message in errors.items():
        found = ATTENDEE_ERROR.match(key)
        if found and int(found[1]) < len(filled):
            rows[filled[int(found[1])] - 1]["error"] = message
    attendee_errors = [v for k, v in errors.items() if k == "attendees"]
    summary = []
    for key, message in errors.items():
        if key in known or (key.startswith("a") and key.endswith("_part")):
            summary.append((key, message))
        else:
            summary.append(("request", message))
    return render(
        request,
        "staff/meetings/action.html",
        {
            "case": case,
            "meeting": meeting,
            "action": action,
            "fields": fields,
            "booking": name == "meeting-book",
            "rows": rows,
            "parts": [(p.value, str(p.label)) for p in Part if p != Part.CUSTOMER],
            "attendee_error": " ".join(attendee_errors),
            "invite_customer": request.method != "POST"
            or bool(request.POST.get("invite_customer")),
            "request_error": " ".join(
                v for k, v in errors.items() if k not in known and not k.endswith("_part")
            ),
            "summary": summary,
            "review": _review_context(case, user)
            if name.startswith(("panel-", "review-"))
            else None,
        },
        status=status,
    )


def _review_context(case: Case, user: Any) -> dict[str, Any]:
    rule = services.review_rule(case)
    if rule is None:
        return {"rule": None}
    record = case.reviews.filter(review=rule.id).first()
    panel = services.panel_meeting(case, rule)
    steps = {s for s in (rule.meeting_step, rule.report_step, rule.summary_step) if s} | {
        "respond",
        "investigator_reply",
    }
    deadlines = [d for d in case_deadlines(case) if d.stage == case.stage and d.step in steps]
    agreed = []
    waiting = []
    if record is not None and panel is not None and record.letter_draft:
        agreed = [
            a.attendee.name
            for a in record.agreements.filter(draft=record.letter_draft).select_related("attendee")
        ]
        waiting = services.waiting_for(record, panel)
    mine = next((m for m in waiting if m.user_id == user.pk), None)
    without_account = [m for m in waiting if not m.user_id]
    return {
        "rule": rule,
        "record": record,
        "panel": panel,
        "deadlines": [
            {"label": d.label, "due": d.due, "state": d.state.value, "why": d.explanation.text()}
            for d in deadlines
        ],
        "agreed": agreed,
        "waiting": waiting,
        "mine": mine,
        "without_account": without_account,
        "may": {
            key.replace("-", "_"): may_act(user, case, key)
            for key in (
                "meeting-wish",
                "review-report-send",
                "panel-summary-send",
                "panel-letter-draft",
                "panel-letter-agree",
                "panel-letter-send",
            )
        },
    }


@login_required
@require_safe
def review_page(request: HttpRequest, reference: str) -> HttpResponse:
    """The review the case is at: the policy's rule, its deadlines explained, the papers
    generated from the case (without contact details for those who may not see them), and the
    decision letter with each member's agreement."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    context = _review_context(case, user)
    if context["rule"] is None:
        raise Http404("This case is not at a review held with a meeting.")
    kind = "summary" if context["rule"].is_panel else "report"
    papers = papers_for(case, user=user, kind=kind)
    return render(
        request,
        "staff/meetings/review.html",
        {
            "case": case,
            "review": context,
            "papers": papers,
            "papers_kind": kind,
            "papers_body": papers_html(papers, kind=kind, standalone=False),
        },
    )


@login_required
@require_safe
def review_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The review's papers as PDF, as this reader may see them (the download is recorded)."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    rule = services.review_rule(case)
    if rule is None:
        raise Http404("This case is not at a review held with a meeting.")
    kind = "summary" if request.GET.get("kind") == "summary" else "report"
    pdf = papers_pdf(papers_for(case, user=user, kind=kind), kind=kind)
    record_access(user, "review papers downloaded", case.reference, kind)
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'inline; filename="{case.reference}-{kind}-{stamp}.pdf"'
    return response


@login_required
@require_safe
def meeting_invitation(request: HttpRequest, reference: str, meeting_id: int) -> HttpResponse:
    """The meeting's calendar invitation (.ics) as it now stands."""
    staff_user(request)
    case = case_or_404(request, reference)
    meeting = _meeting(case, meeting_id)
    response = HttpResponse(invitation(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


HISTORY_WORDS = {
    services.BOOKED: "Booked",
    services.REBOOKED: "Rebooked",
    services.CANCELLED: "Cancelled",
    services.HELD: "Held",
    services.MINUTED: "Minutes recorded",
    services.INVITED: "Invitation sent",
}


def _history_detail(data: dict[str, Any]) -> str:
    if "to" in data:
        method = "cancellation" if data.get("method") == "CANCEL" else "invitation"
        who = ", ".join(data["to"]) or "nobody with an address"
        return f"The {method} (sequence {data.get('sequence', 0)}) to {who}."
    return str(data.get("reason", ""))


def panel_context(case: Case, user: Any, *, with_meetings: bool = True) -> dict[str, Any]:
    """What the case page's meetings panel shows (used by its template tag); the meetings are
    read only ``with_meetings`` (the chronology shows one was booked)."""
    personal = can_see_personal_data(user, case)
    meetings = []
    found = case.meetings.prefetch_related("attendees") if with_meetings else []
    for meeting in found:
        steps = []
        if meeting.is_open:
            steps += [("meeting-rebook", "Rebook"), ("meeting-held", "Record it was held")]
            steps += [("meeting-cancel", "Cancel")]
        if meeting.status == "held":
            steps.append(
                (
                    "meeting-minutes",
                    "Record the minutes" if not meeting.minutes else "Amend the minutes",
                )
            )
        meetings.append(
            {
                "meeting": meeting,
                "history": [
                    {
                        "when": entry.occurred_at,
                        "what": HISTORY_WORDS.get(entry.kind, entry.kind),
                        "who": entry.actor_label or str(entry.actor or ""),
                        "detail": _history_detail(entry.data),
                    }
                    for entry in reversed(
                        record_history(record_type="meeting", record_id=meeting.pk)
                    )
                ],
                "steps": [
                    {"name": f"staff:{n}", "label": label}
                    for n, label in steps
                    if may_act(user, case, MEETINGS_BY_NAME[n].permission)
                ],
                "attendees": [
                    {
                        "name": a.name,
                        "part": a.get_part_display(),
                        "email": (a.email if personal else ""),
                    }
                    for a in meeting.attendees.all()
                ],
            }
        )
    return {
        "meetings": meetings,
        "may_book": may_act(user, case, "meeting-book"),
        "review": services.review_rule(case),
    }


def _pages() -> list[Any]:
    return [
        path("cases/<str:reference>/review/", review_page, name="meetings-review"),
        path("cases/<str:reference>/review/report.pdf", review_pdf, name="meetings-review-pdf"),
        path(
            "cases/<str:reference>/meetings/<int:meeting_id>/invite.ics",
            meeting_invitation,
            name="meeting-invitation",
        ),
        *[
            path(action.staff_path, meeting_action, {"name": action.name}, name=action.name)
            for action in MEETING_ACTIONS
        ],
    ]


#: Each meeting action's page at its API path, the review page and the downloads
#: (``staff/urls.py``).
urlpatterns = _pages()
