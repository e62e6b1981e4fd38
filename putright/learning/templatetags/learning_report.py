"""The learning section of the annual report and the board pack: what was learnt and changed
in the period, read from the lessons and the action plan (``reviews.annual_learning``)."""

from __future__ import annotations

import datetime
from typing import Any

from django import template

from putright.organisations.models import Organisation

from ..reviews import annual_learning

register = template.Library()


@register.inclusion_tag("learning/report_section.html")
def learning_report_section(
    organisation: Organisation, start: datetime.date, end: datetime.date, heading: str = ""
) -> dict[str, Any]:
    return {"learning": annual_learning(organisation, start, end), "heading": heading}
