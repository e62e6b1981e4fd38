"""Telling a complainant what changed because of their complaint.

Where the pack names a letter (``[learning] complainant_letter``), completing an improvement
action raised from a complaint writes to its customer in the way they prefer, from the
template ``letters/default/<template>.html`` (or the pack's own under ``letters/packs/``):
the letter is kept with the case's correspondence, e-mailed once the change commits, and the
chronology records that the customer was told. A case with no one to write to (anonymous, or
no address) is noted in the action's history instead; completing the action is not undone.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from putright.accounts.actors import Actor
from putright.cases.errors import CaseStateError
from putright.cases.models import Case, EventKind
from putright.cases.ombudsman import case_ombudsman
from putright.cases.selectors import case_pack
from putright.cases.services import case_record_event, case_record_letter
from putright.domain.calendar import describe
from putright.letters.models import Channel, Correspondence, Status
from putright.letters.rendering import LetterSpec, inline_style_sheets, render_pdf
from putright.letters.services import delivery_for
from putright.letters.words import plain_text

if TYPE_CHECKING:
    from .models import ImprovementAction

logger = logging.getLogger(__name__)

SUBJECT = "What we have changed because of your complaint"


def _template(case: Case, template: str) -> str:
    own = f"letters/packs/{case.policy_pack}/{template}.html"
    try:
        get_template(own)
    except TemplateDoesNotExist:
        return f"letters/default/{template}.html"
    return own


def render_told(case: Case, action: ImprovementAction, template: str) -> tuple[str, str]:
    """The subject and complete HTML of the letter telling the customer what changed."""
    from .services import effectiveness_days, organisation_rules

    days = effectiveness_days(organisation_rules(action.organisation))
    lesson = action.lesson
    context = {
        "case": case,
        "reference": case.reference,
        "organisation": case.organisation,
        "customer": case.customer,
        "addressee": case.customer.name if case.customer else "Sir or Madam",
        "letter": {"audience": "customer"},
        "action": action,
        "lesson_text": lesson.text if lesson is not None and lesson.case_id == case.pk else "",
        "completed_on": describe(action.completed_on) if action.completed_on else "",
        "review_months": f"about {max(1, round(days / 30.4))} months"
        if days >= 45
        else f"{days} days",
        "today": describe(timezone.localdate()),
        "ombudsman": case_ombudsman(case),
        "handler": case.handler,
    }
    body = render_to_string(_template(case, template), context)
    subject = f"{SUBJECT} ({case.reference})"
    html = render_to_string(
        "letters/letter.html", {**context, "body": body, "subject": subject, "large_print": False}
    )
    return subject, html


def tell_complainants(action: ImprovementAction, actor: Actor) -> list[Correspondence]:
    """Write to the customer of each case the action came from, where its pack says so."""
    from .services import _history, _linked_cases

    sent = []
    for case in _linked_cases(action):
        template = case_pack(case).learning.complainant_letter
        if template is None or case.anonymous or case.customer is None:
            continue
        try:
            sent.append(_tell(case, action, template, actor))
        except CaseStateError as error:
            _history(
                action,
                "complainant_not_told",
                actor,
                {"case": case.reference, "text": error.message},
            )
    return sent


def _tell(case: Case, action: ImprovementAction, template: str, actor: Actor) -> Correspondence:
    from .services import IMPROVEMENT_TOLD, _history

    subject, html = render_told(case, action, template)
    spec = LetterSpec(template, template, SUBJECT, "customer", subject=SUBJECT)
    how = delivery_for(case, spec)
    case = case_record_event(
        case=case,
        actor=actor,
        kind=EventKind.NOTE,
        data={
            "learning": IMPROVEMENT_TOLD,
            "action_id": action.pk,
            "text": f"The customer is told what changed because of their complaint: {action.text}",
        },
    )
    sequence = case.events.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    pdf = render_pdf(html)
    now = timezone.now()
    letter = Correspondence(
        case=case,
        template=template,
        event_sequence=sequence,
        subject=subject,
        channel=how.channel,
        status=how.status,
        recipient=how.recipient,
        html=html,
        created_by=actor.user,
        created_at=now,
        sent_at=now if how.status == Status.SENT else None,
    )
    letter.pdf.save(f"{case.reference}-{sequence}-{template}.pdf", ContentFile(pdf), save=False)
    letter.save()
    if how.channel == Channel.EMAIL:
        message = EmailMultiAlternatives(
            subject=subject,
            body=plain_text(html),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[how.recipient],
        )
        message.attach_alternative(inline_style_sheets(html), "text/html")
        message.attach(f"{case.reference}.pdf", pdf, "application/pdf")
        transaction.on_commit(message.send)
    case_record_letter(
        case=case,
        actor=actor,
        data={
            "correspondence_id": letter.pk,
            "template": template,
            "subject": subject,
            "channel": how.channel,
            "status": how.status,
            "about_event": sequence,
            "large_print": False,
        },
    )
    _history(action, "complainant_told", actor, {"case": case.reference, "channel": how.channel})
    return letter
