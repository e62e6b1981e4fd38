"""The words a reader sees for the codes a case's chronology keeps.

Events keep ids (``window_lapsed``, ``investigating_team_delay``, a route's or a step's id) and
ISO dates; residents, handlers and the Ombudsman read labels and dates. Letters, the case
history and the Ombudsman bundle all put codes into words here:

- extension reasons: the stage's (or the route's) ``extension.reasons`` labels in the pack;
  a reason the pack does not list is the handler's own words, shown as written;
- closure reasons: the case model's labels;
- refusal grounds and exclusions: the pack's labels (the event keeps the label it was given);
- routes, steps and stages: their labels in the pack;
- dates: ``Wed 30 Dec 2026`` (``domain.calendar.describe``), never ``2026-12-30``.
"""

from __future__ import annotations

import datetime
import html as html_module
import re
from typing import Any

from putright.cases.models import ClosureReason, EventKind
from putright.domain.calendar import describe
from putright.domain.errors import UnknownPackError
from putright.domain.policy import Pack
from putright.policies.registry import get_pack

#: What an id looks like (a code the pack or PutRight chose), as against a person's words.
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def plain(value: object) -> str:
    """``partly_upheld`` as ``partly upheld``; anything else as it is."""
    return str(value or "").replace("_", " ")


def pack_or_none(pack_id: str) -> Pack | None:
    try:
        return get_pack(pack_id)
    except UnknownPackError:
        return None


def _as_words(value: str) -> str:
    """A code the pack no longer names, in words; a person's own words as they wrote them."""
    value = str(value or "").strip()
    return plain(value).capitalize() if CODE.match(value) else value


def extension_reason(pack: Pack | None, value: str, *, stage: str = "", route: str = "") -> str:
    """An extension's reason: the label the stage's or route's rule gives that id."""
    if not value:
        return ""
    if pack is not None:
        stages = [s for s in pack.stages if s.id == stage] or list(pack.stages)
        for found in stages:
            preferred = found.extension_for(route or None)
            rules = [preferred, found.extension, *(r.extension for r in found.routes)]
            for rule in rules:
                for choice in rule.reasons if rule else ():
                    if choice.id == value:
                        return choice.label
    return _as_words(value)


def closure_reason(value: str) -> str:
    """A closure reason's label (``Escalation window lapsed``)."""
    if value in ClosureReason.values:
        return str(ClosureReason(value).label)
    return _as_words(value)


def refusal_ground(pack: Pack | None, value: str, *, stage: str = "") -> str:
    """A ground for refusing escalation, as the pack names it."""
    if pack is not None:
        for found in pack.stages:
            if stage and found.id != stage:
                continue
            rule = found.escalation
            for ground in rule.refusal_grounds if rule else ():
                if ground.id == value:
                    return ground.label
    return _as_words(value)


def exclusion(pack: Pack | None, value: str) -> str:
    """An exclusion from the complaints process, as the pack names it."""
    if pack is not None:
        for rule in pack.exclusions:
            if rule.id == value:
                return rule.label
    return _as_words(value)


def route(pack: Pack | None, value: str) -> str:
    """A stage's route (``Senior Manager Review``)."""
    if pack is not None:
        for stage in pack.stages:
            found = stage.route(value)
            if found is not None:
                return found.label
    return _as_words(value)


def step(pack: Pack | None, value: str) -> str:
    """A step of a stage or route (``Investigator's reply``)."""
    if pack is not None:
        for stage in pack.stages:
            steps = [*stage.steps, *(s for r in stage.routes for s in r.steps)]
            for found in steps:
                if found.id == value:
                    return found.label
    return _as_words(value)


def stage(pack: Pack | None, value: str) -> str:
    """A stage as the policy names it (``Stage 1``, ``Service Dissatisfaction``)."""
    if pack is not None:
        for found in pack.stages:
            if found.id == value:
                return found.label
    return "Closed" if value == "closed" else _as_words(value)


def date(value: object) -> str:
    """A date as a resident reads it, from a date, a datetime or an ISO string."""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return describe(value)
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        return describe(datetime.date.fromisoformat(text[:10]))
    except ValueError:
        return text


_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def dates_in_words(text: object) -> str:
    """Words that name ISO dates (``overdue since 2026-03-10``), with the dates in words."""
    return _ISO_DATE.sub(lambda found: date(found.group(1)), str(text or ""))


def event_reason(pack: Pack | None, event: Any, *, route_id: str = "") -> str:
    """The reason an event records, in words; empty when it records none."""
    data = event.data or {}
    kind = event.kind
    if kind == EventKind.EXTENDED:
        return extension_reason(
            pack, str(data.get("reason") or ""), stage=event.stage or "", route=route_id
        )
    if kind == EventKind.CLOSED:
        return closure_reason(str(data.get("reason") or ""))
    if kind == EventKind.ESCALATION_REFUSED:
        return str(data.get("ground_label") or "") or refusal_ground(
            pack, str(data.get("ground") or ""), stage=event.stage or ""
        )
    if kind == EventKind.ELIGIBILITY_DECIDED:
        if data.get("exclusion"):
            return str(data.get("exclusion_label") or "") or exclusion(pack, data["exclusion"])
        return ""
    if kind == EventKind.RECEIVED:
        return ""
    return str(data.get("reason") or "")


def sentence(value: object) -> str:
    """Words ending with exactly one full stop (or the ``?`` or ``!`` they end with)."""
    text = str(value or "").rstrip()
    if not text:
        return ""
    if text.endswith(("?", "!", "…")):
        return text
    return unstopped(text) + "."


def unstopped(value: object) -> str:
    """Words without the full stops they end with, for a sentence that goes on."""
    return str(value or "").rstrip().rstrip(".").rstrip()


#: A full stop, any closing inline tags, then another: ``reason.</strong>.``
_DOUBLED_STOP = re.compile(r"(?<!\.)\.((?:\s*</(?:strong|em|b|i|span|a)>)*)\s*\.(?!\.)")


def no_doubled_stops(html: str) -> str:
    """A letter's body with no ``..`` where words end a sentence the template ends again."""
    return _DOUBLED_STOP.sub(r".\1", html)


def payment_method(value: str) -> str:
    """How compensation is paid (``Bank transfer``)."""
    from putright.remedies.models import PaymentMethod

    if value in PaymentMethod.values:
        return str(PaymentMethod(value).label)
    return _as_words(value)


_HIDDEN = re.compile(r"<(head|style|script)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_LINE_END = re.compile(r"<br\s*/?>|</(p|h1|h2|h3|li|tr|address|header|section)>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]>", re.IGNORECASE)


def plain_text(html: str) -> str:
    """A letter's words as plain text (an e-mail's text part): no style sheet, one line per
    paragraph, a blank line between paragraphs."""
    from django.utils.html import strip_tags

    text = _HIDDEN.sub("", html)
    text = _CELL_END.sub("  ", _LINE_END.sub("\n", text))
    lines = [" ".join(line.split()) for line in html_module.unescape(strip_tags(text)).split("\n")]
    return "\n".join(line for line in lines if line).strip() + "\n"
