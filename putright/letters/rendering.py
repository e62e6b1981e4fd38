"""Which letter an event calls for, the context it is written with, and its HTML and PDF.

Template resolution, most specific first:
1. the organisation's own version (``LetterTemplate`` in the admin), a Django template;
2. ``letters/packs/<pack id>/<template id>.html`` shipped with a pack;
3. ``letters/default/<kind>.html``, the default for the kind of letter.

The context every template receives is documented in ``docs/letters.md``.
"""

from __future__ import annotations

import datetime
import html as html_module
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import Context, Template, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.utils import timezone

from putright.cases.models import Case, Event, EventKind
from putright.cases.ombudsman import case_ombudsman
from putright.cases.ombudsman import ombudsman_routes as ombudsman_routes  # the portal's import
from putright.cases.selectors import case_deadlines, local_date, without_formal_response
from putright.domain.calendar import describe
from putright.domain.deadlines import Deadline, State
from putright.domain.policy import Pack, Stage
from putright.policies.registry import get_pack

from . import words
from .models import LetterTemplate


@dataclass(frozen=True)
class LetterSpec:
    """A letter an event calls for."""

    template: str  # the pack's template id, or the default kind
    kind: str  # the default template it falls back to
    label: str  # what staff call it (the pack's name for its template)
    audience: str  # customer or internal
    source: str = ""
    subject: str = ""  # what the reader sees: plain words for the kind of letter


# What each event calls for when the pack says nothing more specific.
DEFAULT_LETTERS: dict[str, tuple[str, str, str]] = {
    EventKind.ACKNOWLEDGED: ("acknowledgement", "We have received your complaint", "customer"),
    EventKind.EXTENDED: ("extension", "We need a little more time to reply", "customer"),
    EventKind.INVESTIGATION_REQUESTED: (
        "investigation_request",
        "Complaint investigation request",
        "internal",
    ),
    EventKind.RESPONDED: ("response", "Our response to your complaint", "customer"),
    EventKind.ESCALATION_REFUSED: (
        "escalation_refused",
        "Your request to take your complaint further",
        "customer",
    ),
    EventKind.CLOSED: ("closure", "We have closed your complaint", "customer"),
    EventKind.ELIGIBILITY_DECIDED: (
        "refusal_to_accept",
        "We cannot take your complaint forward",
        "customer",
    ),
    EventKind.CHASED: ("chaser", "An update on your complaint", "customer"),
    EventKind.AWARD_OFFERED: ("compensation_offer", "Our offer of compensation", "customer"),
    EventKind.AWARD_PAID: ("compensation_paid", "Your compensation has been paid", "customer"),
}


def _stage_of(pack: Pack, event: Event) -> Stage | None:
    try:
        return pack.stage(event.stage) if event.stage else None
    except KeyError:
        return None


def letter_for(case: Case, event: Event, pack: Pack | None = None) -> LetterSpec | None:
    """The letter this event calls for under the case's pack, or None."""
    pack = pack or get_pack(case.policy_pack)
    default = DEFAULT_LETTERS.get(event.kind)
    if default is None:
        return None
    data = event.data or {}
    if event.kind == EventKind.ELIGIBILITY_DECIDED and data.get("accepted", True):
        return None
    if event.kind == EventKind.CHASED and data.get("action") != "write_to_customer":
        return None
    if event.kind == EventKind.CLOSED and data.get("reason") in ("refused", "redirected"):
        return None  # the refusal letter says it all; a redirected request is not a complaint
    kind, subject, audience = default
    stage = _stage_of(pack, event)
    if event.kind == EventKind.RESPONDED and stage is not None and stage.final:
        kind, subject = "final_response", "Our final response to your complaint"
    if audience == "customer" and without_formal_response(case):
        return None
    event_names = {event.kind}
    if event.kind == EventKind.ELIGIBILITY_DECIDED:
        event_names.add("refused")
    candidates = [
        letter
        for letter in pack.letters
        if letter.event in event_names and letter.stage in (None, event.stage)
    ]
    route_specific = [c for c in candidates if c.route and c.route == case.route]
    general = [c for c in candidates if not c.route]
    chosen = (route_specific or general)[0] if (route_specific or general) else None
    if chosen is not None:
        return LetterSpec(chosen.template, kind, chosen.label, audience, chosen.source, subject)
    return LetterSpec(kind, kind, subject, audience, subject=subject)


def letters_called_for(
    case: Case, events: Iterable[Event], sent: set[tuple[int, str]]
) -> list[tuple[Event, LetterSpec]]:
    """Events whose letter has not been sent yet, oldest first."""
    pack = get_pack(case.policy_pack)
    due = []
    for event in events:
        spec = letter_for(case, event, pack)
        if spec is not None and (event.sequence, spec.template) not in sent:
            due.append((event, spec))
    return due


def _due_of(deadlines: Sequence[Deadline], stage: str, step: str) -> datetime.date | None:
    for deadline in deadlines:
        if deadline.stage == stage and deadline.step == step:
            return deadline.due
    return None


def letter_context(
    case: Case, event: Event, spec: LetterSpec, events: Sequence[Event]
) -> dict[str, Any]:
    """Everything a letter template may use (documented in docs/letters.md)."""
    pack = get_pack(case.policy_pack)
    stage = _stage_of(pack, event)
    deadlines = case_deadlines(case, events=[e for e in events if e.sequence <= event.sequence])
    data = event.data or {}
    open_deadlines = [
        d
        for d in deadlines
        if d.stage == event.stage and d.state is State.PENDING and d.audience.value == "customer"
    ]
    next_deadline = min(open_deadlines, key=lambda d: d.due, default=None)
    escalation = None
    if stage is not None and stage.escalation is not None:
        window = _due_of(deadlines, stage.id, "escalation_window")
        target = pack.stage(stage.escalation.to)
        escalation = {
            "to": target.label,
            "by": describe(window) if window else None,
            "reasons_required": stage.escalation.reasons_required,
            "routes": [r.label for r in target.routes],
        }
    issues = (
        [i for i in case.issues.all() if i.stage == event.stage]
        if event.kind == EventKind.RESPONDED
        else []
    )
    award = None
    if data.get("award_id"):
        from putright.remedies.models import Award

        award = (
            Award.objects.prefetch_related("components")
            .filter(pk=data["award_id"], case=case)
            .first()
        )
    customer = case.customer
    reason = words.event_reason(pack, event, route_id=case.route or "")
    return {
        "case": case,
        "reference": case.reference,
        "organisation": case.organisation,
        "pack": pack,
        "stage": stage,
        "event": event,
        "data": data,
        "letter": spec,
        "customer": customer,
        "addressee": (customer.name if customer else "Sir or Madam"),
        "date": describe(local_date(event.occurred_at)),
        "today": describe(timezone.localdate()),
        "received_on": describe(case.deemed_received_on),
        "next_deadline": next_deadline,
        "next_date": describe(next_deadline.due) if next_deadline else None,
        "respond_by": describe(d) if (d := _due_of(deadlines, event.stage, "respond")) else None,
        "outcome": words.plain(data.get("outcome", "")),
        "reason": reason,
        "explanation": str(data.get("explanation") or "").strip(),
        "previous_due": words.date(data.get("previous_due")),
        "new_due": words.date(data.get("new_due")),
        "payment_method": words.payment_method(str(data.get("method") or "")),
        "issues": issues,
        "escalation": escalation,
        "final": bool(stage and stage.final),
        "ombudsman": case_ombudsman(case),
        "handler": _signer(case, event),
        "award": award,
        "compensation": pack.compensation,
    }


def _signer(case: Case, event: Event) -> Any:
    """Who signs the letter: the case's handler, unless the policy names someone else for
    this response (``putright.jobs.LETTER_SIGNERS``)."""
    from putright.jobs import letter_signers

    for signer in letter_signers():
        found = signer(case, event)
        if found is not None:
            return found
    return case.handler


def _body_template(case: Case, spec: LetterSpec) -> tuple[Template | None, str, str]:
    """The organisation's override (a Template and its subject), or the file to use."""
    override = LetterTemplate.objects.filter(
        organisation=case.organisation, template=spec.template
    ).first()
    if override is not None:
        return Template(override.body), override.subject, ""
    pack_file = f"letters/packs/{case.policy_pack}/{spec.template}.html"
    try:
        get_template(pack_file)
    except TemplateDoesNotExist:
        return None, "", f"letters/default/{spec.kind}.html"
    return None, "", pack_file


def render_letter(
    case: Case,
    event: Event,
    spec: LetterSpec,
    events: Sequence[Event],
    *,
    large_print: bool = False,
) -> tuple[str, str]:
    """The subject and the complete HTML of a letter."""
    context = letter_context(case, event, spec, events)
    override, subject, name = _body_template(case, spec)
    body = words.no_doubled_stops(
        override.render(Context(context))
        if override is not None
        else render_to_string(name, context)
    )
    if spec.audience == "customer" and 'class="ombudsman"' not in body:
        # The Ombudsman's details go with every letter to the customer, an extension above
        # all (Code 6.5, 6.16), even where an organisation's own template leaves them out.
        body += render_to_string("letters/default/_ombudsman.html", context)
    subject = subject or f"{spec.subject or spec.label} ({case.reference})"
    html = render_to_string(
        "letters/letter.html",
        {**context, "body": body, "subject": subject, "large_print": large_print},
    )
    return subject, html


#: A letter's own style sheet, linked from its page (``letters/letter.html``) so that the
#: staff preview needs no inline style under the Content-Security-Policy.
_STYLE_SHEET_LINK = re.compile(r'<link rel="stylesheet" href="([^"<>]+\.css)">')


def _style_sheet_text(href: str) -> str | None:
    """The text of one of PutRight's own static style sheets, from its URL, or None."""
    prefix = static("")
    if not href.startswith(prefix):
        return None
    name = href[len(prefix) :]
    if ".." in name.split("/"):
        return None
    found = finders.find(name)
    if isinstance(found, str):
        return Path(found).read_text(encoding="utf-8")
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as file:
            data: bytes = file.read()
        return data.decode("utf-8")
    return None


def inline_style_sheets(html: str) -> str:
    """The letter with its linked style sheets written into it, for what reads it without
    fetching anything: WeasyPrint and e-mail programs. Links to anything but PutRight's own
    static style sheets are left as they are."""

    def inlined(match: re.Match[str]) -> str:
        text = _style_sheet_text(html_module.unescape(match[1]))
        return match[0] if text is None else f"<style>\n{text}</style>"

    return _STYLE_SHEET_LINK.sub(inlined, html)


def render_pdf(html: str) -> bytes:
    """A tagged, accessible PDF (PDF/UA-1) of the HTML, with its style sheets."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=inline_style_sheets(html)).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
