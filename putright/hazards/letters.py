"""The written summary to the tenant after the investigation: what was found, what will be
done and by when. Rendered on the same letter page as every other letter
(``letters/letter.html``) from the pack's template (``letters/default/hazard_summary.html``)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from putright.letters import words
from putright.timeline.models import Clock

from .models import Hazard
from .rules import HazardPack


def _due(hazard: Hazard, pack: HazardPack, stopped_by: str) -> str:
    """The latest due date of the open clocks a step stops, in words ('' if none)."""
    steps = {r.step for r in pack.duty(hazard.severity).clocks if r.stopped_by == stopped_by}
    clocks = Clock.objects.filter(
        record_type="hazard", record_id=hazard.pk, step__in=steps, completed_at__isnull=True
    )
    latest = max((c.due_on for c in clocks), default=None)
    return words.date(latest) if latest else ""


def summary_context(
    hazard: Hazard, pack: HazardPack, *, found: str, will_do: str
) -> dict[str, Any]:
    case = hazard.case
    return {
        "organisation": hazard.organisation,
        "reference": case.reference,
        "today": words.date(timezone.localdate()),
        "customer": case.customer,
        "addressee": case.customer.name if case.customer else "Resident",
        "letter": {"audience": "customer"},
        "hazard": hazard,
        "kind": pack.kind_label(hazard.kind).lower(),
        "aware_on": words.date(timezone.localdate(hazard.aware_at)),
        "investigated_on": words.date(timezone.localdate(hazard.investigated_at))
        if hazard.investigated_at
        else "",
        "found": found,
        "will_do": will_do,
        "safe_by": _due(hazard, pack, "made_safe"),
        "works_by": _due(hazard, pack, "works_started"),
        "statutory": hazard.statutory,
        "alternative_accommodation": pack.duty(hazard.severity).alternative_accommodation,
        "source": pack.summary_letter.source,
        "handler": hazard.owner,
    }


def render_summary(
    hazard: Hazard, pack: HazardPack, *, found: str, will_do: str
) -> tuple[str, str]:
    """The subject and the complete HTML of the written summary."""
    context = summary_context(hazard, pack, found=found, will_do=will_do)
    body = words.no_doubled_stops(
        render_to_string(f"letters/default/{pack.summary_letter.template}.html", context)
    )
    subject = pack.summary_letter.subject
    html = render_to_string(
        "letters/letter.html", {**context, "body": body, "subject": subject, "large_print": False}
    )
    return subject, html
