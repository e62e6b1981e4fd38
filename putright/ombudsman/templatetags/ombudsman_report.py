"""The Ombudsman section of the annual report and the board pack, filled from the
determinations log and the imported findings (no case or customer is named)."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone

from ..reports import FINDING_WORDS, ombudsman_report

register = template.Library()


@register.inclusion_tag("ombudsman/report_section.html")
def ombudsman_report_section(
    organisation: Any, start: datetime.date, end: datetime.date, heading: str = "h2"
) -> dict[str, Any]:
    """The organisation's Ombudsman casework over the period, and the sector beside it."""
    report = ombudsman_report(
        organisation=organisation, start=start, end=end, today=timezone.localdate()
    )
    return {
        "report": report,
        "organisation": organisation,
        "findings": [(FINDING_WORDS[f], n) for f, n in sorted(report.findings.items())],
        "heading": heading,
    }
