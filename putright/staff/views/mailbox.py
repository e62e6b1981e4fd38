"""E-mail in: the messages waiting to be classified, one message, and its three actions.

Each action's page is at its API path with a trailing slash (``putright/actions/mailbox.py``)
and takes the same input; every error is shown beside its field with a summary above. A
message of an organisation where the viewer does not read the mailbox is not found (404);
one they may read but not classify is refused (403).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_safe
from pydantic import ValidationError

from putright.accounts.access import (
    ACTION_ROLES,
    AccessDeniedError,
    NotVisibleError,
    record_access,
    roles_in,
)
from putright.actions.mailbox import MAIL_ACTIONS, MAIL_BY_NAME, perform_mail
from putright.cases.errors import CaseError
from putright.cases.models import Kind
from putright.mailbox.models import IncomingMessage
from putright.mailbox.selectors import hide_unseen_cases, message_for, message_list
from putright.policies.registry import get_pack

from .common import staff_user


class NewCaseForm(forms.Form):
    kind = forms.ChoiceField(label="What is it?", widget=forms.RadioSelect)
    summary = forms.CharField(
        label="Summary in a few words",
        max_length=300,
        error_messages={"required": "Say in a few words what the case is about."},
    )
    name = forms.CharField(
        label="Customer's full name",
        required=False,
        max_length=200,
        help_text="Only needed when nobody with this e-mail address is known.",
    )
    service_area = forms.ChoiceField(label="Service area", required=False)

    def __init__(self, *args: Any, message: IncomingMessage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pack = get_pack(message.organisation.policy_pack)
        # The kinds this organisation's policy accepts, in its own words.
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k.kind, k.label) for k in pack.kinds]
        self.fields["kind"].initial = Kind.COMPLAINT
        self.fields["summary"].initial = message.subject[:300]
        self.fields["name"].initial = message.sender_name
        areas = list(pack.service_areas)
        area = self.fields["service_area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [("", "Not known yet"), *[(a, a) for a in areas]]
        if not areas:
            del self.fields["service_area"]


class AddToCaseForm(forms.Form):
    reference = forms.CharField(
        error_messages={"required": "Give the reference of the case to add it to."},
        label="The case's reference",
        max_length=30,
        help_text="An open case of this organisation, for example NH-2026-00012.",
    )

    def __init__(self, *args: Any, message: IncomingMessage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if message.case is not None:
            self.fields["reference"].initial = message.case.reference


class NotComplaintForm(forms.Form):
    reason = forms.CharField(
        error_messages={"required": "Say why it is not a complaint."},
        label="Why is it not a complaint?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: junk mail, a repair request passed to the repairs team.",
    )

    def __init__(self, *args: Any, message: IncomingMessage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


FORMS: dict[str, type[NewCaseForm | AddToCaseForm | NotComplaintForm]] = {
    "mail-new-case": NewCaseForm,
    "mail-add-to-case": AddToCaseForm,
    "mail-not-complaint": NotComplaintForm,
}


def _message_or_404(request: HttpRequest, message_id: int) -> IncomingMessage:
    try:
        return message_for(user=staff_user(request), message_id=message_id)
    except NotVisibleError as exc:
        raise Http404(str(exc)) from None


@login_required
@require_safe
def message_list_page(request: HttpRequest) -> HttpResponse:
    """The messages waiting to be classified (and those that could not be read), oldest first."""
    user = staff_user(request)
    done = request.GET.get("show") == "classified"
    found = hide_unseen_cases(
        user,
        list(
            message_list(user=user, waiting=not done)
            .select_related("result_case")
            .prefetch_related("attachments")[:200]
        ),
    )
    return render(request, "staff/mailbox/list.html", {"found": found, "done": done})


@login_required
@require_safe
def message_page(request: HttpRequest, message_id: int) -> HttpResponse:
    """One message: who sent it, what it says, its files, what it was matched to and its actions."""
    message = _message_or_404(request, message_id)
    user = staff_user(request)
    hide_unseen_cases(user, [message])
    roles = roles_in(user, message.organisation_id)
    actions = [a for a in MAIL_ACTIONS if roles & ACTION_ROLES[a.permission]]
    from putright.timeline.selectors import record_history

    history = record_history(record_type="incoming_message", record_id=message.pk)
    return render(
        request,
        "staff/mailbox/message.html",
        {"message": message, "actions": actions if message.is_open else [], "history": history},
    )


@login_required
@require_safe
def message_raw(request: HttpRequest, message_id: int) -> HttpResponse:
    """The message exactly as received, to save and open in a mail program (never shown here)."""
    message = _message_or_404(request, message_id)
    record_access(staff_user(request), "download raw e-mail", "", f"incoming message {message.pk}")
    with message.raw.open("rb") as raw:
        content = raw.read()
    answer = HttpResponse(content, content_type="message/rfc822")
    answer["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    answer["X-Content-Type-Options"] = "nosniff"
    return answer


@login_required
def message_action(request: HttpRequest, message_id: int, name: str) -> HttpResponse:
    """An action's page: its form, then the action through the catalogue."""
    message = _message_or_404(request, message_id)
    action = MAIL_BY_NAME[name]
    form_class = FORMS[name]
    user = staff_user(request)
    error = ""
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, message=message)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None,)}
            version = request.POST.get("version", "")
            if version.isdigit():
                data["version"] = int(version)
            try:
                payload = action.schema(**data)
                result = perform_mail(action, user=user, message=message, payload=payload)
            except ValidationError as exc:
                for problem in exc.errors():
                    field = str(problem["loc"][0]) if problem["loc"] else ""
                    text = str(problem["msg"])
                    if field in form.fields:
                        form.add_error(field, text)
                    else:
                        error = text
                status = 400
            except AccessDeniedError as exc:
                what = f"{action.label.lower()} ({exc})"
                return render(request, "staff/no_permission.html", {"what": what}, status=403)
            except CaseError as exc:
                for field, text in exc.fields.items():
                    if field in form.fields:
                        form.add_error(field, text)
                if not any(f in form.fields for f in exc.fields):
                    error = exc.message
                status = 409 if exc.code in ("wrong_state", "conflict") else 400
            else:
                messages.success(request, action.done(result))
                if name == "mail-not-complaint":
                    return redirect("staff:mail-list")
                return redirect("staff:case", result.reference)
        else:
            status = 400
    else:
        form = form_class(message=message)
    return render(
        request,
        "staff/mailbox/action.html",
        {"message": message, "action": action, "form": form, "error": error},
        status=status,
    )


urlpatterns = [
    path("mail/", message_list_page, name="mail-list"),
    path("mail/<int:message_id>/", message_page, name="mail-message"),
    path("mail/<int:message_id>/raw/", message_raw, name="mail-raw"),
    *[
        path(action.staff_path, message_action, {"name": action.name}, name=action.name)
        for action in MAIL_ACTIONS
    ],
]
