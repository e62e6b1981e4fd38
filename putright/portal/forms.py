"""The questions the portal asks, one form per page, with messages in plain English."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils import timezone

from putright.people.models import ContactMethod, Relationship

from .codes import phone_digits
from .models import Satisfaction

KIND_LABELS = {
    "complaint": (
        "Make a complaint",
        "Tell us something has gone wrong and we need to put it right.",
    ),
    "compliment": (
        "Pay a compliment",
        "Tell us about something we, or one of our staff, did well.",
    ),
    "comment": ("Make a comment", "Tell us what you think about our services."),
    "suggestion": ("Make a suggestion", "Tell us how we could do things better."),
}
PORTAL_KINDS = tuple(KIND_LABELS)

RELATIONSHIP_LABELS = [
    (Relationship.FAMILY.value, "A family member or friend"),
    (Relationship.ADVOCATE.value, "An advocate or support worker"),
    (Relationship.MP_COUNCILLOR.value, "Their MP or councillor"),
    (Relationship.SOLICITOR.value, "Their solicitor"),
    (
        Relationship.LEGAL_REPRESENTATIVE.value,
        "Their legal representative (for example, under a power of attorney)",
    ),
]

CONTACT_LABELS = [
    (ContactMethod.EMAIL.value, "E-mail"),
    (ContactMethod.PHONE.value, "Phone call"),
    (ContactMethod.TEXT.value, "Text message"),
    (ContactMethod.LETTER.value, "Letter by post"),
]

NEEDS = [
    ("large print", "Letters in large print"),
    ("easy read", "Letters in easy read"),
    ("interpreter", "An interpreter or translated letters"),
    ("British Sign Language", "A British Sign Language (BSL) interpreter"),
    ("phone calls instead of letters", "Phone calls instead of letters"),
]

DETAILS_MAX = 5000
SHORT_TEXT_MAX = 2000
SUMMARY_MAX = 150


class PortalForm(forms.Form):
    """A portal form: hints for radio options, and error messages in plain words."""

    option_hints: dict[str, dict[str, str]] = {}

    def __init__(self, *args: Any, noun: str = "complaint", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.noun = noun


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class KindForm(PortalForm):
    kind = forms.ChoiceField(
        label="What would you like to do?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you would like to do."},
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "kind").choices = [(k, KIND_LABELS[k][0]) for k in kinds]
        self.option_hints = {"kind": {k: KIND_LABELS[k][1] for k in kinds}}


class SomeoneElseForm(PortalForm):
    for_someone_else = forms.ChoiceField(
        label="Who is it for?",
        choices=[("no", "It is for me"), ("yes", "I am doing this for someone else")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is for you or for someone else."},
    )


class TheirDetailsForm(PortalForm):
    their_name = forms.CharField(
        label="Their full name",
        max_length=200,
        error_messages={
            "required": "Enter the full name of the person you are acting for.",
            "max_length": "Their name must be 200 characters or fewer.",
        },
    )
    relationship = forms.ChoiceField(
        label="How are you connected to them?",
        choices=RELATIONSHIP_LABELS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you are connected to them."},
    )


class AboutForm(PortalForm):
    service_area = forms.ChoiceField(
        label="Which part of our service is it about?",
        required=False,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label="In a few words, what is it about?",
        max_length=SUMMARY_MAX,
        help_text="For example, 'Kitchen tap still leaking after 3 visits'.",
        error_messages={
            "required": "Tell us in a few words what it is about.",
            "max_length": f"Keep this to {SUMMARY_MAX} characters or fewer. You can tell us more on the next page.",
        },
    )

    def __init__(self, *args: Any, service_areas: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if service_areas:
            _choice(self, "service_area").choices = [(a, a) for a in service_areas] + [
                ("", "Something else, or I am not sure")
            ]
        else:
            del self.fields["service_area"]
        self.fields["summary"].label = f"In a few words, what is your {self.noun} about?"


class WhatHappenedForm(PortalForm):
    details = forms.CharField(
        label="What happened?",
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Tell us what happened.",
            "max_length": f"What happened must be {DETAILS_MAX} characters or fewer. You can upload a document with more detail later.",
        },
    )
    occurred_day = forms.CharField(label="Day", required=False, max_length=2)
    occurred_month = forms.CharField(label="Month", required=False, max_length=2)
    occurred_year = forms.CharField(label="Year", required=False, max_length=4)

    date_parts = ("occurred_day", "occurred_month", "occurred_year")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.noun == "complaint":
            self.fields["details"].help_text = (
                "Tell us what went wrong, who was involved, and how it has affected you "
                "and your household."
            )
        else:
            self.fields["details"].label = f"Tell us about your {self.noun}"
            self.fields["details"].error_messages["required"] = f"Tell us about your {self.noun}."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [str(data.get(name) or "").strip() for name in self.date_parts]
        data["occurred_on"] = None
        if not any(parts):
            return data
        names = {"occurred_day": "a day", "occurred_month": "a month", "occurred_year": "a year"}
        missing = [name for name, part in zip(self.date_parts, parts, strict=True) if not part]
        if missing:
            self.add_error(
                missing[0],
                "The date must include " + " and ".join(names[m] for m in missing) + ".",
            )
            return data
        if not all(p.isdigit() for p in parts):
            self.add_error("occurred_day", "Enter the date using numbers, for example 27 3 2026.")
            return data
        day, month, year = (int(p) for p in parts)
        if year < 100:
            self.add_error("occurred_year", "Enter the year as 4 numbers, for example 2026.")
            return data
        try:
            occurred = datetime.date(year, month, day)
        except ValueError:
            self.add_error("occurred_day", "Enter a real date, for example 27 3 2026.")
            return data
        if occurred > timezone.localdate():
            self.add_error("occurred_day", "The date must be today or in the past.")
            return data
        if occurred.year < 1900:
            self.add_error("occurred_year", "Enter a year after 1900.")
            return data
        data["occurred_on"] = occurred
        return data

    @property
    def date_errors(self) -> list[str]:
        errors: list[str] = []
        for name in self.date_parts:
            errors.extend(str(error) for error in self.errors.get(name) or [])
        return errors


class TimeLimitForm(PortalForm):
    delay_reason = forms.CharField(
        label="Is there a reason you could not tell us sooner? (optional)",
        required=False,
        max_length=SHORT_TEXT_MAX,
        help_text="For example, you were unwell, or the problem keeps happening.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"This must be {SHORT_TEXT_MAX} characters or fewer."},
    )


class PutRightForm(PortalForm):
    desired_outcome = forms.CharField(
        label="What would put things right for you?",
        required=False,
        max_length=SHORT_TEXT_MAX,
        help_text=(
            "For example, a repair done by a certain date, an apology, or a change to a "
            "decision. If you are not sure yet, you can leave this blank."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"This must be {SHORT_TEXT_MAX} characters or fewer."},
    )


class EvidenceForm(PortalForm):
    file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text=(
            "For example, photos, letters or receipts. Each file can be a PDF, a photo or "
            "image, a Word or Excel document, or plain text, and must be 10 MB or smaller."
        ),
        error_messages={
            "invalid": "The file could not be read. Try again, or choose another file.",
            "empty": "The file is empty. Choose another file.",
        },
    )


class ContactForm(PortalForm):
    name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter your full name.",
            "max_length": "Your name must be 200 characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.CharField(
        label="E-mail address",
        required=False,
        max_length=254,
        help_text="We will use this to send you updates and a code to follow your case.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        help_text="A mobile number lets us text you a code to follow your case.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "data-width": "20"}),
    )
    preferred_contact = forms.ChoiceField(
        label="How should we contact you?",
        choices=CONTACT_LABELS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how we should contact you."},
    )
    contact_times = forms.CharField(
        label="When is the best time to contact you? (optional)",
        required=False,
        max_length=200,
        help_text="For example, weekday mornings, or after 3pm.",
        error_messages={"max_length": "This must be 200 characters or fewer."},
    )
    address = forms.CharField(
        label="Address (optional)",
        required=False,
        max_length=500,
        help_text="We need this if you would like letters by post.",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        error_messages={"max_length": "The address must be 500 characters or fewer."},
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "data-width": "10"}),
        error_messages={"max_length": "Enter a real postcode, for example L24 1AA."},
    )

    def __init__(self, *args: Any, for_someone_else: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_someone_else:
            self.fields["name"].label = "Your full name"

    def clean_email(self) -> str:
        value = str(self.cleaned_data.get("email") or "").strip()
        if value:
            try:
                validate_email(value)
            except forms.ValidationError:
                raise forms.ValidationError(
                    "Enter an e-mail address in the correct format, like name@example.com."
                ) from None
        return value

    def clean_phone(self) -> str:
        value = str(self.cleaned_data.get("phone") or "").strip()
        if value:
            digits = phone_digits(value)
            if not (10 <= len(digits) <= 15) or not all(c in "0123456789 +()-" for c in value):
                raise forms.ValidationError(
                    "Enter a phone number, like 01632 960 001 or 07700 900 982."
                )
        return value

    def clean_postcode(self) -> str:
        return str(self.cleaned_data.get("postcode") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, phone = data.get("email"), data.get("phone")
        preferred = data.get("preferred_contact")
        if "email" in self.errors or "phone" in self.errors:
            return data
        if not email and not phone:
            self.add_error(
                "email",
                "Enter an e-mail address or a phone number, so that we can contact you and "
                "you can follow your case online.",
            )
        elif preferred == "email" and not email:
            self.add_error(
                "email", "Enter your e-mail address, or choose another way to contact you."
            )
        elif preferred in ("phone", "text") and not phone:
            self.add_error(
                "phone", "Enter your phone number, or choose another way to contact you."
            )
        if preferred == "letter" and not data.get("address"):
            self.add_error("address", "Enter your address, or choose another way to contact you.")
        return data


class AccessibilityForm(PortalForm):
    needs = forms.MultipleChoiceField(
        label="Do you need us to do anything differently? (optional)",
        required=False,
        choices=NEEDS,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    other_needs = forms.CharField(
        label="Anything else we should know? (optional)",
        required=False,
        max_length=SHORT_TEXT_MAX,
        help_text="For example, a disability or condition we should keep in mind, or help with reading.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"This must be {SHORT_TEXT_MAX} characters or fewer."},
    )


# -- following a case -----------------------------------------------------------------


class FollowForm(forms.Form):
    reference = forms.CharField(
        label="Reference",
        max_length=30,
        help_text="You can find it in our e-mails and letters, for example HSH-2026-00042.",
        error_messages={
            "required": "Enter your reference.",
            "max_length": "Enter the reference as it appears in our letters, for example HSH-2026-00042.",
        },
        widget=forms.TextInput(
            attrs={"data-width": "20", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    contact = forms.CharField(
        label="E-mail address or phone number",
        max_length=254,
        help_text="The one you gave us. We will send a code to it.",
        error_messages={
            "required": "Enter the e-mail address or phone number you gave us.",
            "max_length": "Enter an e-mail address or a phone number.",
        },
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Enter the 6-digit code",
        max_length=20,
        error_messages={
            "required": "Enter the code we sent you.",
            "max_length": "The code is 6 numbers.",
        },
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "data-width": "5",
            }
        ),
    )

    def clean_code(self) -> str:
        value = "".join(str(self.cleaned_data.get("code") or "").split())
        if not (len(value) == 6 and value.isdigit()):
            raise forms.ValidationError("The code is 6 numbers, like 123456.")
        return value


class EscalateForm(forms.Form):
    reasons = forms.CharField(
        label="Why are you unhappy with our response?",
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Tell us why you are unhappy with our response.",
            "max_length": f"This must be {DETAILS_MAX} characters or fewer.",
        },
    )

    def __init__(self, *args: Any, reasons_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reasons"]
        field.required = reasons_required
        field.help_text = "Tell us what we got wrong or missed, and what you would like us to do."
        if not reasons_required:
            field.label = "Why are you unhappy with our response? (optional)"


class FeedbackForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How satisfied or dissatisfied are you with our approach to complaints handling?",
        choices=[(str(value), label) for value, label in Satisfaction.choices],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how satisfied or dissatisfied you are."},
    )
    comment = forms.CharField(
        label="Is there anything else you would like to tell us? (optional)",
        required=False,
        max_length=SHORT_TEXT_MAX,
        help_text="For example, what we did well, or what we could do better.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"This must be {SHORT_TEXT_MAX} characters or fewer."},
    )


class MessageForm(forms.Form):
    message = forms.CharField(
        label="Your message",
        max_length=SHORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Write your message.",
            "max_length": f"Your message must be {SHORT_TEXT_MAX} characters or fewer.",
        },
    )
