"""What PutRight holds about a person, gathered for a subject access request: the JSON, a
readable PDF index of it, their letters and files; other people's personal data redacted,
each redaction listed for the data protection officer to review before release."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from .models import DataRequest

THIRD_PARTY = "[third party]"


@dataclass
class Bundle:
    data: dict[str, Any]
    pdf: bytes = b""
    files: list[tuple[str, bytes]] = field(default_factory=list)
    redactions: list[dict[str, str]] = field(default_factory=list)


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _third_parties(person: Any, case_ids: list[int]) -> set[str]:
    """Other residents' names on the person's cases (petition signatories, meeting
    attendees who are not staff), and the other people on the same petitions."""
    from django.apps import apps

    names: set[str] = set()
    for label, lookup, person_field in (
        ("petitions.Signatory", "petition__case_id__in", "person_id"),
        ("meetings.Attendee", "meeting__case_id__in", None),
    ):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        rows = model.objects.filter(**{lookup: case_ids})
        if person_field:
            rows = rows.exclude(**{person_field: person.pk})
        if any(f.name == "user" for f in model._meta.get_fields()):
            rows = rows.filter(user__isnull=True)
        names.update(n for n in rows.values_list("name", flat=True) if n and n != person.name)
    return {n.strip() for n in names if len(n.strip()) > 1}


def _redact(value: Any, names: set[str], where: str, found: list[dict[str, str]]) -> Any:
    if isinstance(value, str):
        text = value
        for name in sorted(names, key=len, reverse=True):
            pattern = re.compile(re.escape(name), re.IGNORECASE)
            if pattern.search(text):
                found.append({"where": where, "redacted": name})
                text = pattern.sub(THIRD_PARTY, text)
        return text
    if isinstance(value, list):
        return [_redact(v, names, f"{where}[{i}]", found) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _redact(v, names, f"{where}.{k}", found) for k, v in value.items()}
    return value


_INDEXED = re.compile(r"^data\.(\w+)\[(\d+)\](.*)$")
_SECTIONS = {
    "cases": "Case",
    "restrictions": "Restriction",
    "hazards": "Hazard",
    "survey_answers": "Survey answer",
    "representatives": "Representative",
    "access_log": "Access log entry",
}


def _where_in_words(path: str, data: dict[str, Any]) -> str:
    """``data.cases[0].history[2].data.text`` as ``Case NH-2026-00001: history, text``."""
    found = _INDEXED.match(path)
    if found is None:
        return path.removeprefix("data.").replace("_", " ").replace(".", ", ")
    section, index, rest = found[1], int(found[2]), found[3]
    item = data.get(section, [])[index] if index < len(data.get(section, [])) else {}
    name = _SECTIONS.get(section, section.replace("_", " ").capitalize())
    label = f"{name} {item.get('reference') or item.get('case') or index + 1}"
    parts = [p for p in re.split(r"[.\[\]]+", rest) if p and not p.isdigit() and p != "data"]
    return f"{label}: {', '.join(p.replace('_', ' ') for p in parts)}" if parts else label


def gather(request: DataRequest) -> dict[str, Any]:
    """Everything PutRight holds about the person, as plain data."""
    from putright.accounts.models import AccessLog
    from putright.cases.models import Case, SatisfactionResponse
    from putright.hazards.models import Hazard
    from putright.letters.models import Correspondence
    from putright.people.models import ContactRestriction, Representative

    person = request.person
    cases = list(
        Case.objects.filter(customer=person).order_by("received_at").prefetch_related("events")
    )
    case_ids = [c.pk for c in cases]
    references = [c.reference for c in cases]
    return {
        "request": {
            "id": request.pk,
            "received_at": _iso(request.received_at),
            "exported_at": _iso(timezone.now()),
        },
        "person": {
            "name": person.name,
            "email": person.email,
            "phone": person.phone,
            "address": person.address,
            "postcode": person.postcode,
            "tenure": person.get_tenure_display(),
            "preferred_contact": person.get_preferred_contact_display(),
            "contact_times": person.contact_times,
            "accessibility_needs": person.accessibility_needs,
            "reasonable_adjustments": person.reasonable_adjustments,
            "equality_data": person.equality_data,
        },
        "representatives": list(
            Representative.objects.filter(person=person).values(
                "name", "relationship", "email", "phone", "address"
            )
        ),
        "cases": [
            {
                "reference": case.reference,
                "kind": case.get_kind_display(),
                "received_at": _iso(case.received_at),
                "stage": case.stage,
                "status": case.get_status_display(),
                "closed_at": _iso(case.closed_at),
                "summary": case.summary,
                "details": case.details,
                "desired_outcome": case.desired_outcome,
                "history": [
                    {
                        "when": _iso(event.occurred_at),
                        "what": event.get_kind_display(),
                        "stage": event.stage,
                        "data": event.data,
                    }
                    for event in case.events.all()
                ],
                "letters": [
                    {"subject": c.subject, "channel": c.channel, "sent_at": _iso(c.sent_at)}
                    for c in Correspondence.objects.filter(case=case)
                ],
                "files": [a.name for a in case.attachments.all()],
            }
            for case in cases
        ],
        "restrictions": [
            {
                "level": r.get_level_display(),
                "starts_on": _iso(r.starts_on),
                "ends_on": _iso(r.ends_on),
                "behaviour": r.behaviour,
                "arrangements": r.arrangements,
                "reasons": r.reasons,
            }
            for r in ContactRestriction.objects.filter(person=person)
        ],
        "hazards": [
            {
                "case": h.case.reference,
                "kind": h.kind,
                "severity": h.severity,
                "status": h.status,
                "aware_at": _iso(h.aware_at),
                "description": h.description,
                "findings": h.findings,
            }
            for h in Hazard.objects.filter(case_id__in=case_ids).select_related("case")
        ],
        "survey_answers": [
            {"case": s.case.reference, "score": s.get_score_display(), "comment": s.comment}
            for s in SatisfactionResponse.objects.filter(case_id__in=case_ids).select_related(
                "case"
            )
        ],
        "access_log": [
            {
                "when": _iso(entry.at),
                "who": str(entry.user or "PutRight"),
                "what": entry.action,
                "case": entry.case_reference,
            }
            for entry in AccessLog.objects.filter(case_reference__in=references)
        ],
    }


DETAIL_LABELS = {
    "name": "Name",
    "email": "E-mail",
    "phone": "Phone",
    "address": "Address",
    "postcode": "Postcode",
    "tenure": "Tenancy",
    "preferred_contact": "How you prefer us to contact you",
    "contact_times": "When to contact you",
    "accessibility_needs": "Accessibility needs",
    "reasonable_adjustments": "Reasonable adjustments",
}
#: The words in an event shown in the index (the JSON has all of it).
SHOWN_WORDS = ("text", "note", "summary", "reasons", "explanation", "description", "reason")


def _in_words(value: Any, *, time: bool = False) -> str:
    """A date (and time) as a resident reads it: ``Mon 7 Dec 2026 at 14:05``."""
    import datetime

    from putright.letters.words import date

    if not value:
        return ""
    text = str(value)
    words = date(text)
    if time and len(text) > 10:
        try:
            moment = timezone.localtime(datetime.datetime.fromisoformat(text))
        except ValueError:
            return words
        return f"{words} at {moment:%H:%M}"
    return words


def _detail_rows(person: dict[str, Any]) -> list[tuple[str, str]]:
    return [(label, str(person.get(key) or "Not recorded")) for key, label in DETAIL_LABELS.items()]


def _case_view(case: dict[str, Any]) -> dict[str, Any]:
    return {
        **case,
        "received": _in_words(case["received_at"]),
        "closed": _in_words(case["closed_at"]),
        "history": [
            {
                "when": _in_words(item["when"], time=True),
                "what": item["what"],
                "words": [
                    (key.replace("_", " ").capitalize(), value)
                    for key, value in (item["data"] or {}).items()
                    if key in SHOWN_WORDS and isinstance(value, str) and value.strip()
                ],
            }
            for item in case["history"]
        ],
        "letters": [{**letter, "sent": _in_words(letter["sent_at"])} for letter in case["letters"]],
    }


def build_export(request: DataRequest) -> Bundle:
    from putright.cases.models import Attachment
    from putright.letters.models import Correspondence
    from putright.letters.rendering import render_pdf

    person = request.person
    data = gather(request)
    from putright.cases.models import Case

    case_ids = list(Case.objects.filter(customer=person).values_list("pk", flat=True))
    names = _third_parties(person, case_ids)
    redactions: list[dict[str, str]] = []
    data = _redact(data, names, "data", redactions)
    for found in redactions:
        found["where"] = _where_in_words(found["where"], data)
    bundle = Bundle(data=data, redactions=redactions)
    for letter in Correspondence.objects.filter(case_id__in=case_ids).select_related("case"):
        if letter.pdf:
            with letter.pdf.open("rb") as handle:
                bundle.files.append(
                    (f"letters/{letter.case.reference}-{letter.pk}.pdf", handle.read())
                )
    for attachment in Attachment.objects.filter(case_id__in=case_ids).select_related("case"):
        if attachment.file:
            with attachment.file.open("rb") as handle:
                bundle.files.append(
                    (
                        f"files/{attachment.case.reference}-{attachment.pk}-"
                        f"{attachment.download_name}",
                        handle.read(),
                    )
                )
    html = render_to_string(
        "privacy/subject_access.html",
        {
            "data": data,
            "details": _detail_rows(data["person"]),
            "when": {
                "exported": _in_words(data["request"]["exported_at"]),
                "received": _in_words(data["request"]["received_at"]),
            },
            "cases": [_case_view(case) for case in data["cases"]],
            "files": [name for name, _ in bundle.files],
            "organisation": request.organisation,
        },
    )
    bundle.pdf = render_pdf(html)
    return bundle
