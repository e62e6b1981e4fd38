"""The pages of a petition (Southern 4.11), at the same paths as the API with a trailing slash
(``putright/actions/petitions.py``).

``/cases/{reference}/petition/`` shows the signatories with what each is missing, the letters
sent in batches and the steps; until the petition is recorded it is the page that records it
(one line per signatory). Each other action has its page; every error is put beside its field
with a summary above (400), and on success the page returns to the petition.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe
from pydantic import ValidationError

from putright.accounts.access import (
    AccessDeniedError,
    can_see_personal_data,
    may_act,
    record_access,
)
from putright.accounts.selectors import staff_with_roles
from putright.actions.petitions import (
    PETITION_ACTIONS,
    PETITION_BY_NAME,
    perform_petition,
    signatory_of,
)
from putright.cases.models import Case, Kind
from putright.cases.selectors import case_pack
from putright.errors import CaseError
from putright.letters.services import delivery_for
from putright.people.models import ContactMethod
from putright.petitions.letters import KINDS, _addressed
from putright.petitions.models import Letter, Signatory
from putright.petitions.selectors import petition_for

from .common import case_or_404, staff_user

YES_NO = [("yes", "Yes"), ("no", "No")]
WHEN: dict[str, Any] = {
    "name": "occurred_at",
    "label": "When it happened",
    "hint": "Leave blank for now. It cannot be in the future.",
    "type": "datetime-local",
}
MESSAGES = {"string_too_short": "This cannot be blank.", "missing": "This cannot be blank."}
LINES_HINT = (
    "One signatory a line, as written on the petition, the parts separated by semicolons: "
    "name; address; postcode; signed (yes or no); e-mail; phone. Leave a part empty if it is "
    "not on the petition. The lead petitioner (the case's customer) is added first."
)


def _person_fields(signatory: Signatory | None) -> list[dict[str, Any]]:
    person = signatory.person if signatory else None
    return [
        {
            "name": "name",
            "label": "Name",
            "type": "text",
            "value": signatory.name if signatory else "",
        },
        {
            "name": "address",
            "label": "Address",
            "type": "textarea",
            "value": signatory.address if signatory else "",
        },
        {
            "name": "postcode",
            "label": "Postcode",
            "type": "text",
            "value": signatory.postcode if signatory else "",
        },
        {
            "name": "signature" if signatory else "signature_seen",
            "label": "Is their signature on the petition?",
            "type": "radios",
            "choices": YES_NO,
            "value": ("yes" if signatory.signature == "seen" else "no") if signatory else "",
        },
        {
            "name": "email",
            "label": "E-mail (optional)",
            "type": "text",
            "value": person.email if person else "",
        },
        {
            "name": "phone",
            "label": "Phone (optional)",
            "type": "text",
            "value": person.phone if person else "",
        },
        {
            "name": "preferred_contact",
            "label": "How they prefer to be contacted",
            "type": "radios",
            "choices": [(c.value, str(c.label)) for c in ContactMethod],
            "value": person.preferred_contact if person else "",
        },
    ]


def _fields(name: str, case: Case, signatory: Signatory | None) -> list[dict[str, Any]]:
    """The questions each page asks, with the pack's and the petition's choices."""
    petition = petition_for(case)
    signatories = list(petition.signatories.all()) if petition else []
    pack = case_pack(case)
    if name == "petition-record":
        return [
            {
                "name": "signatories",
                "label": "The other signatories",
                "type": "textarea",
                "hint": LINES_HINT,
                "rows": 12,
            },
            {
                "name": "lead_signature_seen",
                "label": "Did the lead petitioner sign it?",
                "type": "radios",
                "choices": YES_NO,
                "value": "yes",
            },
            {
                "name": "against_staff",
                "label": "Is the petition about a member of staff? (username)",
                "hint": "Leave blank if not. It then goes to their line manager and only the "
                "complaints manager and those named on it can see it.",
                "type": "text",
            },
        ]
    if name in ("petition-signatory-add", "petition-signatory-change"):
        return _person_fields(signatory)
    if name == "petition-signatory-remove":
        return [{"name": "reason", "label": "Why is this signatory removed?", "type": "textarea"}]
    if name == "petition-clear":
        return [
            {
                "name": "note",
                "label": "What the petition is about, in a sentence (optional)",
                "hint": "You are confirming that the petition is clear and concise and says "
                "what caused it.",
                "type": "textarea",
            }
        ]
    if name == "petition-lead-contacted":
        return [
            {
                "name": "how",
                "label": "How was the lead petitioner contacted?",
                "type": "text",
                "hint": "For example: phone call, e-mail.",
            },
            {
                "name": "note",
                "label": "What was confirmed or clarified (optional)",
                "type": "textarea",
            },
            WHEN,
        ]
    if name == "petition-acknowledge":
        return []
    if name == "petition-update":
        return [{"name": "text", "label": "What has happened so far", "type": "textarea"}]
    if name == "petition-respond":
        return [
            {
                "name": "outcome",
                "label": "The decision",
                "type": "radios",
                "choices": [
                    ("upheld", "Upheld"),
                    ("partly_upheld", "Partly upheld"),
                    ("not_upheld", "Not upheld"),
                ],
            },
            {
                "name": "text",
                "label": "The response, with the reasons",
                "type": "textarea",
                "rows": 8,
            },
        ]
    if name == "petition-unhappy":
        return [
            {
                "name": "numbers",
                "label": "Who is unhappy with the response?",
                "type": "checkboxes",
                "choices": [(str(s.number), f"{s.number}. {s.name}") for s in signatories],
                "value": [str(s.number) for s in signatories if s.unhappy],
            },
            {"name": "reason", "label": "What they are unhappy about", "type": "textarea"},
        ]
    # petition-decide
    escalation = pack.stage(case.stage).escalation
    later = pack.stage(escalation.to) if escalation is not None else None
    handlers = staff_with_roles(
        organisation=case.organisation,
        roles=("complaint_handler", "manager", "senior_manager", "complaints_manager"),
    )
    fields: list[dict[str, Any]] = [
        {
            "name": "decision",
            "label": "The decision",
            "type": "radios",
            "choices": [
                ("stage2", "Take it to stage 2"),
                ("further_advice", "Give further advice or other solutions instead"),
            ],
        },
        {"name": "reasons", "label": "Reasons", "type": "textarea"},
        {
            "name": "representative",
            "label": "Who represents the unhappy petitioners?",
            "hint": "One of the petitioners who were unhappy with the response.",
            "type": "radios",
            "choices": [(str(s.number), f"{s.number}. {s.name}") for s in signatories if s.unhappy],
        },
        {
            "name": "representative_agreed",
            "label": "Have they agreed to be the representative?",
            "type": "radios",
            "choices": YES_NO,
        },
        {
            "name": "handler",
            "label": "Who handles stage 2?",
            "hint": "Someone who did not handle the petition.",
            "type": "select",
            "choices": [("", "Choose")] + [(u.username, str(u)) for u in handlers],
        },
    ]
    if later is not None and later.routes:
        fields.append(
            {
                "name": "route",
                "label": "Which stage 2 review",
                "type": "radios",
                "choices": [(r.id, r.label) for r in later.routes],
            }
        )
    return fields


def _lines(text: str) -> tuple[list[dict[str, Any]], str]:
    """The signatories typed one a line; an error naming the first line that cannot be read."""
    found: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) > 6:
            return [], f"Line {number} has more than six parts: separate them with semicolons."
        parts += [""] * (6 - len(parts))
        name, address, postcode, signed, email, phone = parts
        if not name:
            return [], f"Line {number} has no name: give the name as written on the petition."
        if signed.lower() not in ("", "yes", "no", "y", "n"):
            return [], f"Line {number}: say yes or no for the signature, not {signed!r}."
        found.append(
            {
                "name": name,
                "address": address,
                "postcode": postcode,
                "signature_seen": signed.lower() in ("yes", "y"),
                "email": email,
                "phone": phone,
            }
        )
    return found, ""


def _payload(name: str, data: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's answers in the shape of the action's input, and any error the form finds."""
    payload: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in data:
        if key == "csrfmiddlewaretoken":
            continue
        if key == "numbers":
            payload[key] = [int(n) for n in data.getlist(key) if n.isdigit()]
            continue
        value = data.get(key, "").strip()
        if value:
            payload[key] = value
    for flag in ("signature_seen", "signature", "lead_signature_seen", "representative_agreed"):
        if flag in payload:
            payload[flag] = payload[flag] == "yes"
    if name == "petition-record":
        payload["signatories"], problem = _lines(payload.get("signatories", ""))
        if problem:
            errors["signatories"] = problem
    if name == "petition-unhappy" and not payload.get("numbers"):
        errors["numbers"] = "Choose who is unhappy with the response."
    if name == "petition-respond" and "outcome" not in payload:
        errors["outcome"] = "Choose the decision."
    if name == "petition-decide" and "decision" not in payload:
        errors["decision"] = "Choose the decision."
    if "representative" in payload:
        payload["representative"] = int(payload["representative"])
    return payload, errors


def _where(item: Any) -> str:
    location = [str(p) for p in item.get("loc", ())]
    return location[0] if location else "request"


@login_required
def petition_action(
    request: HttpRequest, reference: str, name: str, signatory_id: int | None = None
) -> HttpResponse:
    """One action's page: its questions, each error beside its field, then the petition."""
    user = staff_user(request)
    case = case_or_404(request, reference)
    if case.kind != Kind.PETITION:
        raise Http404("This case is not a petition.")
    petition = petition_for(case)
    if name == "petition-record" and petition is not None:
        return petition_page(request, case)
    if name != "petition-record" and petition is None:
        messages.info(request, "Record the petition's signatories first.")
        return redirect(reverse("staff:petition-record", args=[case.reference]))
    action = PETITION_BY_NAME[name]
    signatory = None
    if signatory_id is not None:
        signatory = signatory_of(case, signatory_id)
        if signatory is None:
            raise Http404("The petition has no such signatory.")
    if not may_act(user, case, action.permission):
        what = action.label[0].lower() + action.label[1:]
        return render(request, "staff/no_permission.html", {"what": what}, status=403)
    fields = _fields(name, case, signatory)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values, errors = _payload(name, request.POST)
        if not errors:
            try:
                payload = action.schema(**values)
                done = perform_petition(
                    action, user=user, case=case, target=signatory, payload=payload
                )
            except ValidationError as error:
                for item in error.errors():
                    errors[_where(item)] = MESSAGES.get(item["type"], str(item["msg"]))
            except CaseError as error:
                errors.update(error.fields or {"request": error.message})
            except AccessDeniedError as error:
                errors["request"] = str(error)
            else:
                messages.success(request, action.done(done))
                return redirect(reverse("staff:petition-record", args=[case.reference]))
        status = 400
    known = {field["name"] for field in fields}
    for field in fields:
        field["error"] = errors.get(field["name"], "")
        if field["name"] == "signatories" and request.method == "POST":
            field["value"] = request.POST.get("signatories", "")
        elif field["type"] == "checkboxes" and request.method == "POST":
            field["value"] = request.POST.getlist(field["name"])
        elif field["type"] == "radios" and request.method == "POST":
            field["value"] = request.POST.get(field["name"], "")
        elif request.method == "POST":
            field["value"] = request.POST.get(field["name"], field.get("value", ""))
    flat = {k: v for k, v in errors.items() if k in known}
    others = {k: v for k, v in errors.items() if k not in known}
    return render(
        request,
        "staff/petitions/action.html",
        {
            "case": case,
            "action": action,
            "signatory": signatory,
            "fields": fields,
            "request_error": " ".join(others.values()),
            "summary": [*flat.items(), *(("request", v) for v in others.values())],
            "batch": _preview(case, name) if name == "petition-acknowledge" else [],
        },
        status=status,
    )


def _preview(case: Case, name: str) -> list[dict[str, Any]]:
    """Who the acknowledgement goes to and how, before it is sent."""
    from putright.letters.rendering import LetterSpec

    petition = petition_for(case)
    if petition is None:
        return []
    spec = LetterSpec("petition_acknowledgement", KINDS["acknowledgement"][1], "", "customer")
    rows = []
    for s in petition.signatories.select_related("person"):
        try:
            how = delivery_for(_addressed(case, s), spec)
            rows.append({"signatory": s, "how": how.channel, "call": bool(how.call), "problem": ""})
        except CaseError as error:
            rows.append({"signatory": s, "how": "", "call": False, "problem": error.message})
    return rows


def petition_page(request: HttpRequest, case: Case) -> HttpResponse:
    """The petition: its signatories with what is missing, the letters sent, and its steps."""
    user = staff_user(request)
    petition = petition_for(case)
    assert petition is not None
    signatories = list(petition.signatories.select_related("person"))
    batches = list(petition.batches.prefetch_related("letters__signatory"))
    steps = [
        {"name": f"staff:{a.name}", "label": a.label, "warning": a.warning}
        for a in PETITION_ACTIONS
        if a.name
        not in ("petition-record", "petition-signatory-change", "petition-signatory-remove")
        and may_act(user, case, a.permission)
    ]
    return render(
        request,
        "staff/petitions/petition.html",
        {
            "case": case,
            "petition": petition,
            "signatories": signatories,
            "incomplete": [s for s in signatories if s.missing],
            "batches": batches,
            "steps": steps,
            "personal": can_see_personal_data(user, case),
            "may_change": may_act(user, case, "petition-signatory"),
            "meeting_url": _meeting_url(case),
        },
    )


def _meeting_url(case: Case) -> str:
    """Where a meeting with the petitioners is booked (4.11.2), if the meetings pages exist."""
    try:
        return reverse("staff:meeting-book", args=[case.reference])
    except NoReverseMatch:
        return ""


@login_required
@require_safe
def petition_letter(request: HttpRequest, reference: str, letter_id: int) -> HttpResponse:
    """One petitioner's letter as PDF, for those who may see contact details (recorded)."""
    from putright.letters.rendering import render_pdf

    user = staff_user(request)
    case = case_or_404(request, reference)
    letter = Letter.objects.filter(pk=letter_id, batch__petition__case=case).first()
    if letter is None or not can_see_personal_data(user, case):
        raise Http404("No such letter.")
    record_access(user, "downloaded a letter", case.reference, f"petition letter {letter.pk}")
    response = HttpResponse(render_pdf(letter.html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{case.reference}-petition-letter-{letter.pk}.pdf"'
    )
    return response


def _pages() -> list[Any]:
    from django.urls import path

    return [
        *[
            path(action.staff_path, petition_action, {"name": action.name}, name=action.name)
            for action in PETITION_ACTIONS
        ],
        path(
            "cases/<str:reference>/petition/letters/<int:letter_id>.pdf",
            petition_letter,
            name="petition-letter",
        ),
    ]


#: Each petition action's page at its API path (``staff/urls.py``).
urlpatterns = _pages()
