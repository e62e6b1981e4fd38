"""What the portal does with a resident's answers, and how it describes a case to them."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from putright.actions.portal import PORTAL, RESIDENT
from putright.cases.models import Case, Channel, ClosureReason, EventKind, Status
from putright.cases.ombudsman import case_ombudsman, organisation_ombudsman_route, route_details
from putright.cases.selectors import (
    case_deadlines,
    case_events,
    case_pack,
    local_date,
    stage_events,
)
from putright.cases.services import case_attach, case_record_satisfaction
from putright.domain.calendar import describe
from putright.domain.deadlines import Deadline, State
from putright.domain.policy import Pack, Stage
from putright.letters.models import Channel as LetterChannel
from putright.letters.models import Correspondence
from putright.letters.news import response_news
from putright.organisations.models import Organisation
from putright.people.models import Relationship
from putright.people.services import normalise_postcode, person_create, representative_create

from . import uploads
from .models import SatisfactionResponse

logger = logging.getLogger(__name__)


def ombudsman_for(
    organisation: Organisation | None, *, case: Case | None = None, route: str = ""
) -> dict[str, str]:
    """How the resident contacts their ombudsman: the one a case goes to (the pack's rules
    for it), the ``route`` the answers so far lead to while a complaint is being made, else the
    organisation's default."""
    if case is not None and case.pk:
        return case_ombudsman(case)
    return route_details(route or organisation_ombudsman_route(organisation))


# -- making a complaint ------------------------------------------------------------------


def _accessibility(answers: dict[str, Any]) -> str:
    needs = [str(n) for n in answers.get("needs") or []]
    other = str(answers.get("other_needs") or "").strip()
    return "; ".join([*needs, *([other] if other else [])])


@transaction.atomic
def submit_case(
    organisation: Organisation,
    *,
    kind: str,
    answers: dict[str, Any],
    files: list[dict[str, Any]],
    for_someone_else: bool,
    include_desired_outcome: bool,
    include_delay_reason: bool,
) -> Case:
    """Record the resident's answers as a case, with its people and evidence; all or nothing."""
    name = str(answers.get("name") or "").strip()
    email = str(answers.get("email") or "").strip()
    phone = str(answers.get("phone") or "").strip()
    address = str(answers.get("address") or "").strip()
    postcode = str(answers.get("postcode") or "").strip()
    preferred = str(answers.get("preferred_contact") or "")
    times = str(answers.get("contact_times") or "").strip()
    representative = None
    if for_someone_else:
        customer = person_create(
            organisation=organisation,
            name=str(answers.get("their_name") or ""),
            preferred_contact=preferred,
            contact_times=f"Through {name}: {times}" if times else "",
            accessibility_needs=_accessibility(answers),
            actor=PORTAL,
        )
        # The authority they start with is the people service's rule.
        representative = representative_create(
            person=customer,
            name=name,
            relationship=str(answers.get("relationship") or Relationship.FAMILY),
            email=email,
            phone=phone,
            address="\n".join(p for p in (address, normalise_postcode(postcode)) if p),
            actor=PORTAL,
        )
    else:
        customer = person_create(
            organisation=organisation,
            name=name,
            email=email,
            phone=phone,
            address=address,
            postcode=postcode,
            preferred_contact=preferred,
            contact_times=times,
            accessibility_needs=_accessibility(answers),
            actor=PORTAL,
        )
    details = str(answers.get("details") or "").strip()
    delay = str(answers.get("delay_reason") or "").strip()
    if include_delay_reason and delay:
        details += f"\n\nWhy I could not tell you sooner:\n{delay}"
    occurred = answers.get("occurred_on")
    case: Case = RESIDENT["complain"].run(
        organisation=organisation,
        kind=kind,
        channel=Channel.WEB_FORM,
        received_at=timezone.now(),
        summary=str(answers.get("summary") or "").strip(),
        details=details,
        desired_outcome=(
            str(answers.get("desired_outcome") or "").strip() if include_desired_outcome else ""
        ),
        customer=customer,
        representative=representative,
        service_area=str(answers.get("service_area") or ""),
        matter_occurred_on=datetime.date.fromisoformat(occurred) if occurred else None,
    )
    for item in files:
        case_attach(case=case, actor=PORTAL, upload=uploads.reopen(item))
    return case


def promised_dates(case: Case) -> dict[str, datetime.date]:
    """The first dates the case's stage promises the resident: acknowledge and respond."""
    dates: dict[str, datetime.date] = {}
    for deadline in case_deadlines(case):
        if deadline.stage == case.stage and deadline.step in ("acknowledge", "respond"):
            dates.setdefault(deadline.step, deadline.due)
    return dates


def send_confirmation(case: Case, to: str, *, noun: str) -> None:
    """E-mail the resident their reference and what happens next."""
    dates = promised_dates(case)
    lines = [
        f"Thank you for your {noun}. Your reference is {case.reference}.",
        "",
    ]
    if "acknowledge" in dates:
        lines.append(
            f"We will contact you to confirm we have it by {describe(dates['acknowledge'])}."
        )
    if "respond" in dates:
        lines.append(f"We will send you our response by {describe(dates['respond'])}.")
    lines += [
        "",
        "You can follow it online with your reference and this e-mail address.",
        "",
        case.organisation.name,
    ]

    def send() -> None:
        try:
            send_mail(
                subject=f"We have received your {noun} ({case.reference})",
                message="\n".join(lines),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[to],
            )
        except OSError:
            logger.exception("could not send the confirmation for %s", case.reference)

    transaction.on_commit(send)


# -- following a case ----------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where a case is, in the words a resident reads."""

    title: str
    text: str
    stage_label: str = ""


@dataclass(frozen=True)
class NextDate:
    text: str
    late: bool = False


@dataclass(frozen=True)
class EscalationOffer:
    """Whether and until when the resident may ask to take the complaint further."""

    open: bool
    to: str
    until: datetime.date | None = None
    reasons_required: bool = False
    late: bool = False
    discretion: bool = False  # after the window, a manager may still agree

    @property
    def until_text(self) -> str:
        return describe(self.until) if self.until else ""


CLOSED_WORDS = {
    ClosureReason.RESOLVED: "We have finished dealing with it.",
    ClosureReason.WITHDRAWN: "You told us you no longer wanted us to look into it.",
    ClosureReason.NO_CONTACT: "We closed it because we had not heard from you after our response.",
    ClosureReason.INFORMATION_NOT_PROVIDED: "We closed it because we did not receive the information we asked for.",
    ClosureReason.WINDOW_LAPSED: "We closed it because the time to ask us to take it further has passed.",
    ClosureReason.REFUSED: "We could not take it forward under our complaints policy.",
    ClosureReason.REDIRECTED: "It was a request for a service, so we passed it to the team that deals with it.",
    ClosureReason.NO_RESPONSE_NEEDED: "We have recorded it. It does not need a reply.",
}

KIND_NOUNS = {
    "complaint": "complaint",
    "dissatisfaction": "complaint",
    "compliment": "compliment",
    "comment": "comment",
    "suggestion": "suggestion",
}


def noun_for(case: Case) -> str:
    return KIND_NOUNS.get(case.kind, "case")


def _current_stage(case: Case, pack: Pack) -> Stage | None:
    if not case.stage or case.stage == "closed":
        return None
    try:
        return pack.stage(case.stage)
    except KeyError:
        return None


def _responded_on(case: Case, events: list[Any]) -> datetime.date | None:
    for event in stage_events(case, events):
        if event.kind == EventKind.RESPONDED:
            return local_date(event.occurred_at)
    return None


def progress(case: Case, events: list[Any]) -> Progress:
    """The case's stage in plain words; of a response or a refusal, only what was actually
    sent (``letters.news``)."""
    pack = case_pack(case)
    noun = noun_for(case)
    stage = _current_stage(case, pack)
    label = stage.label if stage else ""
    news = response_news(case, events)
    if news is not None:
        return Progress(news.title, news.text, label)
    if case.is_closed:
        reason = (
            CLOSED_WORDS.get(ClosureReason(case.closure_reason))
            if case.closure_reason in ClosureReason.values
            else None
        )
        return Progress("Closed", reason or "We have closed it.", label)
    if stage is None:
        return Progress(
            "Received",
            f"We have received your {noun} and passed it to the people it is about. Thank you.",
        )
    if stage.level == 0:
        return Progress(
            "We are trying to put things right quickly",
            f"We are dealing with your {noun} informally, to sort it out as soon as we can.",
            label,
        )
    if stage.level == 1:
        return Progress(
            "We are looking into your complaint",
            f"Your complaint is at {stage.label} of our complaints process.",
            label,
        )
    final = ", our final stage" if stage.final else ""
    return Progress(
        "We are looking at your complaint again",
        f"You asked us to take your complaint further. It is at {stage.label}{final}.",
        label,
    )


def next_date(case: Case, deadlines: list[Deadline]) -> NextDate | None:
    """The next date we promised the resident, in plain words."""
    if case.is_closed:
        return None
    noun = noun_for(case)
    open_steps = [
        d
        for d in deadlines
        if d.stage == case.stage and d.step in ("acknowledge", "respond") and d.is_open
    ]
    first = min(open_steps, key=lambda d: d.due, default=None)
    if first is None:
        return None
    late = first.state is State.MISSED
    if first.step == "acknowledge":
        text = f"We will contact you to confirm we have your {noun} by {describe(first.due)}."
        if late:
            text = (
                f"We should have confirmed we have your {noun} by {describe(first.due)}. "
                "We are sorry this is late."
            )
    else:
        text = f"We will send you our response by {describe(first.due)}."
        if late:
            text = (
                f"We should have sent you our response by {describe(first.due)}. "
                "We are sorry this is late."
            )
    return NextDate(text, late)


def escalation_offer(
    case: Case, events: list[Any], deadlines: list[Deadline]
) -> EscalationOffer | None:
    """Whether the resident may ask for the next stage now, as the policy says (with the
    Code's floor, as the escalation service applies it)."""
    pack = case_pack(case)
    stage = _current_stage(case, pack)
    if stage is None or stage.escalation is None:
        return None
    if case.is_closed and case.closure_reason != ClosureReason.WINDOW_LAPSED:
        return None
    if not case.is_closed and case.status != Status.AWAITING_ESCALATION:
        return None
    if _responded_on(case, events) is None:
        return None
    rule = stage.escalation
    target = pack.stage(rule.to).label
    window = next(
        (d for d in deadlines if d.stage == stage.id and d.step == "escalation_window"), None
    )
    today = timezone.localdate()
    if window is None or today <= window.due:
        return EscalationOffer(True, target, window.due if window else None, rule.reasons_required)
    if rule.late_requests == "accept":
        return EscalationOffer(True, target, window.due, rule.reasons_required, late=True)
    return EscalationOffer(
        False,
        target,
        window.due,
        rule.reasons_required,
        late=True,
        discretion=rule.late_requests == "discretion",
    )


def case_view(case: Case) -> dict[str, Any]:
    """Everything the resident's case page shows."""
    events = list(case_events(case))
    deadlines = case_deadlines(case, events=events)
    return {
        "progress": progress(case, events),
        "next_date": next_date(case, deadlines),
        "escalation": escalation_offer(case, events, deadlines),
        "noun": noun_for(case),
        "received_on": describe(case.deemed_received_on),
    }


def letters_for(case: Case) -> list[Correspondence]:
    """The letters and e-mails sent to the resident (not internal notes to teams, nor the
    calls staff are to make)."""
    return list(
        case.correspondence.filter(channel__in=(LetterChannel.EMAIL, LetterChannel.POST)).order_by(
            "created_at", "pk"
        )
    )


def record_feedback(case: Case, *, score: int, comment: str) -> SatisfactionResponse | None:
    """Keep the resident's answer; None when the case already has one."""
    return case_record_satisfaction(case=case, score=score, comment=comment)
