"""What the portal tells a resident about their case from its letters and its route.

``{% load resident_news %}`` then:

- ``{% case_ombudsman case as ombudsman %}``: the ombudsman the case goes to
  (``putright.cases.ombudsman``), with its contact details;
- ``{% journey_ombudsman journey as ombudsman %}``: the same for a complaint being made,
  from the answers so far (the service area chosen);
- ``{% response_news case as news %}``: what was actually sent about the response, or why
  the case was refused (``putright.letters.news``); None when neither applies;
- ``{{ letters|written }}``: the letters and e-mails, without the calls staff are to make.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from putright.cases.ombudsman import case_ombudsman as ombudsman_of
from putright.cases.ombudsman import route_details

from ..models import Channel, Correspondence
from ..news import News
from ..news import response_news as news_of

register = template.Library()


@register.simple_tag
def case_ombudsman(case: Any) -> dict[str, str]:
    return ombudsman_of(case)


@register.simple_tag
def journey_ombudsman(journey: Any) -> dict[str, str]:
    return route_details(journey.ombudsman_route)


@register.simple_tag
def response_news(case: Any) -> News | None:
    return news_of(case)


@register.filter
def written(letters: Iterable[Correspondence]) -> list[Correspondence]:
    return [letter for letter in letters if letter.channel != Channel.PHONE]
