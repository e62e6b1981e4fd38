"""Letters about a person rather than a case: a warning about behaviour, a restriction with
its appeal process, a review's outcome and an appeal's outcome.

They use the same page (``letters/letter.html``) as a case's letters, the templates
``letters/default/restriction_*.html``, and are kept on the person (``PersonLetter``) by the
people service, which records the issue in the person's history.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from putright.accounts.actors import Actor
from putright.cases.ombudsman import organisation_ombudsman_route, route_details
from putright.people import restrictions as people
from putright.people.models import ContactRestriction, ContactWay, PersonLetter
from putright.policies.registry import get_pack

from . import words

#: The event each action's letter answers, and its template.
TEMPLATES = {
    "restriction_warning": "restriction_warning",
    "restriction_imposed": "restriction_imposed",
    "restriction_reviewed": "restriction_review",
    "restriction_appeal_decided": "restriction_appeal_outcome",
}
SUBJECTS = {
    "restriction_warning": "Your behaviour towards us: a warning",
    "restriction_imposed": "How you may contact us from now on",
    "restriction_reviewed": "The review of the restrictions on how you contact us",
    "restriction_appeal_decided": "The outcome of your appeal",
}


def event_of(restriction: ContactRestriction, action: str) -> str:
    if action == "restriction-record":
        return "restriction_warning" if restriction.level == "warning" else "restriction_imposed"
    if action == "restriction-review":
        return "restriction_reviewed"
    return "restriction_appeal_decided"


def listed(restriction: ContactRestriction, action: str) -> bool:
    """Whether the pack the restriction was decided under gives a letter for this action."""
    pack = get_pack(restriction.pack or restriction.person.organisation.policy_pack)
    event = event_of(restriction, action)
    return any(letter.event == event for letter in pack.letters)


def letter_context(restriction: ContactRestriction, event: str) -> dict[str, Any]:
    person = restriction.person
    pack = get_pack(restriction.pack or person.organisation.policy_pack)
    rules = pack.restrictions
    listed = next((letter for letter in pack.letters if letter.event == event), None)
    return {
        "organisation": person.organisation,
        "reference": f"Person {person.pk}",
        "today": words.date(timezone.localdate()),
        "customer": person,
        "addressee": person.name,
        "letter": {"audience": "customer"},
        "restriction": restriction,
        "rules": rules,
        "source": listed.source if listed else "",
        "categories": [
            (rules.category(c).label if rules and rules.category(c) else c)  # type: ignore[union-attr]
            for c in restriction.categories
        ],
        "measures": people.measure_labels(rules, restriction.measures),
        "channels": [ContactWay(c).label.lower() for c in restriction.channels],
        "review_on": words.date(restriction.review_on),
        "appeal_by": words.date(restriction.appeal_by) if restriction.appeal_by else "",
        "ombudsman": route_details(organisation_ombudsman_route(person.organisation)),
        # The appeal's outcome is signed by whoever decided it; the rest by the decider.
        "handler": restriction.appeal_decider
        if event == "restriction_appeal_decided"
        else restriction.decided_by,
        "subject_label": listed.label if listed else "",
        "explanation": _last_review_explanation(restriction)
        if event == "restriction_reviewed"
        else "",
    }


def _last_review_explanation(restriction: ContactRestriction) -> str:
    from putright.timeline.models import Entry

    entry = (
        Entry.objects.filter(
            record_type=people.RECORD_TYPE,
            record_id=restriction.person_id,
            kind=people.RESTRICTION_REVIEWED,
            data__restriction_id=restriction.pk,
        )
        .order_by("-sequence")
        .first()
    )
    return str(entry.data.get("explanation", "")) if entry else ""


def render(restriction: ContactRestriction, event: str) -> tuple[str, str]:
    """The subject and the complete HTML of the letter."""
    context = letter_context(restriction, event)
    body = words.no_doubled_stops(
        render_to_string(f"letters/default/{TEMPLATES[event]}.html", context)
    )
    subject = SUBJECTS[event]
    html = render_to_string(
        "letters/letter.html", {**context, "body": body, "subject": subject, "large_print": False}
    )
    return subject, html


def issue_letter(restriction: ContactRestriction, action: str, actor: Actor) -> PersonLetter:
    """Render the letter the action calls for and keep it on the person."""
    restriction.refresh_from_db()
    event = event_of(restriction, action)
    subject, html = render(restriction, event)
    return people.letter_keep(
        person=restriction.person,
        restriction=restriction,
        template=TEMPLATES[event],
        subject=subject,
        html=html,
        actor=actor,
    )
