"""Events out, for an organisation's administrators: its webhook subscriptions, each one's
deliveries and every attempt (answer, duration, next try), and the actions of
``putright/actions/webhooks.py`` (add, remove, send a test event)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST, require_safe

from putright.accounts.access import AccessDeniedError, organisations_with
from putright.actions.webhooks import WEBHOOKS_BY_NAME, Nothing, SubscriptionIn, perform_webhooks
from putright.cases.errors import CaseError
from putright.organisations.models import Organisation
from putright.webhooks.models import EventType, PersonalData, Subscription

from .common import staff_user

MANAGERS = {"administrator"}


def _organisations(request: HttpRequest) -> list[Organisation]:
    ids = organisations_with(staff_user(request), MANAGERS)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _subscription_or_404(request: HttpRequest, subscription_id: int) -> Subscription:
    ids = [o.pk for o in _organisations(request)]
    found = (
        Subscription.objects.select_related("organisation")
        .filter(pk=subscription_id, organisation_id__in=ids)
        .first()
    )
    if found is None:
        raise Http404(f"There is no webhook subscription {subscription_id} that you can see.")
    return found


class SubscriptionForm(forms.Form):
    organisation = forms.ChoiceField(label="Organisation")
    url = forms.CharField(
        label="Address to send to",
        max_length=500,
        help_text="The housing system's https:// address for PutRight's events.",
    )
    event_types = forms.MultipleChoiceField(
        label="Which events?", choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    personal_data = forms.MultipleChoiceField(
        label="Personal data it may carry",
        required=False,
        choices=PersonalData.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "By default an event carries the case's reference, kind, stage, status, dates and "
            "outcome, and nothing about the customer. Tick only what the housing system needs."
        ),
    )
    description = forms.CharField(label="Description (optional)", required=False, max_length=200)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.slug, o.name) for o in organisations]


@login_required
@require_safe
def subscriptions_page(request: HttpRequest) -> HttpResponse:
    """The subscriptions of the organisations the viewer administers, with their deliveries."""
    organisations = _organisations(request)
    if not organisations:
        raise Http404("There is nothing here for you.")
    found = Subscription.objects.filter(organisation__in=organisations).select_related(
        "organisation"
    )
    return render(request, "staff/webhooks/list.html", {"subscriptions": found})


@login_required
@require_safe
def subscription_page(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """One subscription: its deliveries, newest first, each with every attempt."""
    subscription = _subscription_or_404(request, subscription_id)
    deliveries = subscription.deliveries.prefetch_related("attempt_log")[:100]
    return render(
        request,
        "staff/webhooks/subscription.html",
        {"subscription": subscription, "deliveries": deliveries},
    )


@login_required
def subscription_add(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    if not organisations:
        raise Http404("There is nothing here for you.")
    action = WEBHOOKS_BY_NAME["webhook-add"]
    error = ""
    status = 200
    if request.method == "POST":
        form = SubscriptionForm(request.POST, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data
            organisation = next(o for o in organisations if o.slug == data["organisation"])
            try:
                made = perform_webhooks(
                    action,
                    user=staff_user(request),
                    target=organisation,
                    payload=SubscriptionIn(**data),
                )
            except CaseError as exc:
                for field, text in exc.fields.items():
                    form.add_error(field if field in form.fields else None, text)
                status = 400
            else:
                return render(request, "staff/webhooks/secret.html", {"subscription": made})
        else:
            status = 400
    else:
        form = SubscriptionForm(organisations=organisations)
    return render(
        request,
        "staff/webhooks/add.html",
        {"form": form, "action": action, "error": error},
        status=status,
    )


@login_required
@require_POST
def subscription_act(request: HttpRequest, subscription_id: int, name: str) -> HttpResponse:
    subscription = _subscription_or_404(request, subscription_id)
    action = WEBHOOKS_BY_NAME[name]
    try:
        result = perform_webhooks(
            action, user=staff_user(request), target=subscription, payload=Nothing()
        )
    except (CaseError, AccessDeniedError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, action.done(result))
    return redirect("staff:webhook", subscription.pk)


urlpatterns = [
    path("webhooks/", subscriptions_page, name="webhooks"),
    path("webhooks/subscriptions/", subscription_add, name="webhook-add"),
    path("webhooks/subscriptions/<int:subscription_id>/", subscription_page, name="webhook"),
    path(
        "webhooks/subscriptions/<int:subscription_id>/remove/",
        subscription_act,
        {"name": "webhook-remove"},
        name="webhook-remove",
    ),
    path(
        "webhooks/subscriptions/<int:subscription_id>/test/",
        subscription_act,
        {"name": "webhook-test"},
        name="webhook-test",
    ),
]
