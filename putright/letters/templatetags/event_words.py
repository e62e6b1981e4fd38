"""Codes in words for templates: letters, the case history and the Ombudsman bundle.

``{% load event_words %}`` then:

- ``{% event_reason case event %}``: the reason an event records, in the pack's words;
- ``{% pack_label case "route" value %}`` (``route``, ``step``, ``stage``, ``closure``,
  ``extension``, ``payment_method``);
- ``{{ value|date_words }}``: an ISO date (or a date) as ``Wed 30 Dec 2026``;
- ``{{ text|dates_in_words }}``: words that name ISO dates, with the dates in words;
- ``{{ value|sentence }}``: words ending with exactly one full stop;
- ``{{ value|unstopped }}``: words without their closing full stop, for a sentence that goes on.

The mapping itself is ``putright.letters.words``.
"""

from __future__ import annotations

from typing import Any

from django import template

from .. import words

register = template.Library()


def _pack(case: Any) -> Any:
    return words.pack_or_none(getattr(case, "policy_pack", "") or "")


@register.simple_tag
def event_reason(case: Any, event: Any) -> str:
    return words.event_reason(_pack(case), event, route_id=getattr(case, "route", "") or "")


@register.simple_tag
def pack_label(case: Any, what: str, value: str) -> str:
    pack = _pack(case)
    if what == "route":
        return words.route(pack, value)
    if what == "step":
        return words.step(pack, value)
    if what == "stage":
        return words.stage(pack, value)
    if what == "closure":
        return words.closure_reason(value)
    if what == "extension":
        return words.extension_reason(pack, value, route=getattr(case, "route", "") or "")
    if what == "payment_method":
        return words.payment_method(value)
    raise template.TemplateSyntaxError(f"pack_label knows no {what!r}")


@register.filter
def date_words(value: object) -> str:
    return words.date(value)


@register.filter
def dates_in_words(value: object) -> str:
    return words.dates_in_words(value)


@register.filter
def sentence(value: object) -> str:
    return words.sentence(value)


@register.filter
def unstopped(value: object) -> str:
    return words.unstopped(value)
