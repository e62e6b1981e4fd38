"""The review's papers, generated from the case: the Senior Manager Review report (Southern
4.7.4) and the panel's summary sheet (4.8.3), as a page and as a PDF.

Both read the same facts: the complaint reference, the customer, the region, the handler,
the background, the stage 1 answer and its actions, what the customer is still unhappy
about, the outcome sought, where the case stands now and the documents on file. A reader
who may not see personal data (a resident panel member) gets the papers without the
customer's address or contact details, decided by ``can_see_personal_data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from putright.accounts.access import can_see_personal_data
from putright.accounts.models import User
from putright.cases.models import Case, EventKind
from putright.cases.selectors import case_deadlines, case_pack
from putright.domain.calendar import describe
from putright.domain.policy import Review as ReviewRule

from .models import Kind, Meeting, Status
from .services import review_rule

TEMPLATES = {
    "report": "letters/default/review_report.html",
    "summary": "letters/default/panel_summary.html",
}


@dataclass
class Papers:
    """What the report and the summary sheet say, read from the case."""

    title: str
    reference: str
    organisation: str
    customer: str
    address: str
    region: str
    handler: str
    background: str
    stage1_answer: str
    stage1_outcome: str
    stage1_actions: list[str] = field(default_factory=list)
    dissatisfaction: str = ""
    outcome_sought: str = ""
    situation: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    meeting: str = ""
    questions: tuple[str, ...] = ()
    personal: bool = True
    wish: str = ""
    meeting_label: str = "Date of the call or visit"
    reviewer: str = "the reviewer"


def _meeting_words(case: Case, review: ReviewRule) -> str:
    kinds = [str(k) for k in review.meeting_kinds if str(k) != Kind.PRE_MEETING.value]
    meeting = (
        Meeting.objects.filter(case=case, review=review.id, kind__in=kinds)
        .exclude(status=Status.CANCELLED)
        .order_by("-pk")
        .first()
    )
    if meeting is None:
        return "Not booked yet"
    local = timezone.localtime(meeting.starts_at)
    return f"{meeting.get_kind_display()}: {describe(local.date())} at {local:%H:%M}, {meeting.location}"


def papers_for(case: Case, *, user: User | None, kind: str = "report") -> Papers:
    """The review's papers for this case, as ``user`` may read them."""
    pack = case_pack(case)
    review = review_rule(case, pack)
    personal = user is None or can_see_personal_data(user, case)
    events = list(case.events.order_by("sequence"))
    escalated = next(
        (e for e in reversed(events) if e.kind == EventKind.ESCALATION_REQUESTED), None
    )
    # The answer the customer escalated from: the last before the escalation, never the
    # review's own response once it is sent.
    before = [e for e in events if escalated is None or e.sequence < escalated.sequence]
    answer = next((e for e in reversed(before) if e.kind == EventKind.RESPONDED), None)
    actions = []
    for issue in case.issues.order_by("number"):
        for action in issue.actions or []:
            if isinstance(action, dict) and action.get("text"):
                due = f" (by {action['due_on']})" if action.get("due_on") else ""
                actions.append(f"{action['text']}{due}")
        if issue.remedy:
            actions.append(issue.remedy)
    customer = case.customer
    situation = []
    stage_label = next((s.label for s in pack.stages if s.id == case.stage), case.stage)
    route_label = ""
    if case.route:
        stage = next((s for s in pack.stages if s.id == case.stage), None)
        found = stage.route(case.route) if stage else None
        route_label = f", {found.label}" if found else ""
    situation.append(f"At {stage_label}{route_label}.")
    for deadline in case_deadlines(case):
        if deadline.stage == case.stage and deadline.is_open:
            situation.append(f"{deadline.label}: due {describe(deadline.due)}.")
    record = case.reviews.filter(review=review.id).first() if review else None
    return Papers(
        title=(
            f"{review.label} {'summary sheet' if kind == 'summary' else 'report'}"
            if review
            else "Review report"
        ),
        reference=case.reference,
        organisation=case.organisation.name,
        customer=customer.name if customer else "Anonymous",
        address=(
            ", ".join(x for x in (customer.address.replace("\n", ", "), customer.postcode) if x)
            if customer and personal
            else ""
        ),
        region=case.service_area or case.organisation.name,
        handler=str(case.handler) if case.handler else "None yet",
        background=case.details or case.summary,
        stage1_answer=str((answer.data or {}).get("text", "")) if answer else "",
        stage1_outcome=str((answer.data or {}).get("outcome", "")).replace("_", " ")
        if answer
        else "",
        stage1_actions=actions,
        dissatisfaction=str((escalated.data or {}).get("reasons", "")) if escalated else "",
        outcome_sought=case.desired_outcome,
        situation=situation,
        documents=[a.name for a in case.attachments.order_by("pk")],
        meeting=_meeting_words(case, review) if review else "",
        questions=review.questions if review else (),
        personal=personal,
        wish=Kind(record.wish).label if record and record.wish else "",
        meeting_label=(
            "Date of the panel meeting"
            if review and review.is_panel
            else "Date of the call or visit"
        ),
        reviewer=_reviewer_words(pack, review),
    )


def _reviewer_words(pack: Any, review: ReviewRule | None) -> str:
    if review is None:
        return "the reviewer"
    if review.is_panel:
        return "the panel"
    role = next((r.title for r in pack.roles if r.id == review.report_to), "")
    return f"the {role}" if role else "the reviewer"


def papers_html(papers: Papers, *, kind: str = "report", standalone: bool = True) -> str:
    """The papers as HTML: their body, or (``standalone``) a whole document for the PDF."""
    body = render_to_string(TEMPLATES[kind], {"p": papers})
    if not standalone:
        return body
    return render_to_string(
        "letters/letter.html",
        {
            "body": body,
            "subject": papers.title,
            "reference": papers.reference,
            "organisation": {"name": papers.organisation},
            "today": describe(timezone.localdate()),
            "letter": {"audience": "internal"},
        },
    )


def papers_pdf(papers: Papers, *, kind: str = "report") -> bytes:
    from putright.letters.rendering import render_pdf

    return render_pdf(papers_html(papers, kind=kind))


def context(papers: Papers) -> dict[str, Any]:
    return {"p": papers}
