"""The actions on an organisation's webhook subscriptions, declared once.

Adding a subscription, removing it and sending it a test event are ``NestedAction``s: the
record is the organisation (``target = "organisation"``, the input names it) or the
subscription (``"webhook_subscription"``). They are taken in the staff pages at
``/webhooks/...`` and by ``putright webhooks``; there is no API endpoint for them (a housing
system does not subscribe itself). ``perform_webhooks`` checks ``webhooks-manage`` (the
organisation's administrators) for the organisation, then the service checks again and
records the change in the subscription's history.
"""

from __future__ import annotations

from typing import Any

from ninja import Field

from putright.accounts.access import require_organisation_role
from putright.accounts.models import User
from putright.cases.services import Actor
from putright.organisations.models import Organisation
from putright.webhooks import services
from putright.webhooks.models import Subscription

from .catalogue import NestedAction
from .inputs import In


class SubscriptionIn(In):
    organisation: str = Field(..., min_length=1, max_length=60, description="slug")
    url: str = Field(..., min_length=1, max_length=500, description="https:// address")
    event_types: list[str] = Field(..., min_length=1, max_length=10)
    personal_data: list[str] = Field(default_factory=list, max_length=5)
    description: str = Field("", max_length=200)


class Nothing(In):
    pass


def _add(case: Any, organisation: Organisation, actor: Actor, p: Any, c: dict[str, Any]) -> Any:
    return services.subscription_add(
        organisation=organisation,
        url=p.url,
        event_types=p.event_types,
        personal_data=p.personal_data,
        description=p.description,
        actor=actor,
    )


def _remove(case: Any, subscription: Subscription, actor: Actor, p: Any, c: Any) -> Any:
    return services.subscription_remove(subscription=subscription, actor=actor)


def _test(case: Any, subscription: Subscription, actor: Actor, p: Any, c: Any) -> Any:
    return services.subscription_test(subscription=subscription, actor=actor)


WEBHOOK_ACTIONS: tuple[NestedAction, ...] = (
    NestedAction(
        name="webhook-add",
        label="Add a webhook subscription",
        path="/webhooks/subscriptions",
        schema=SubscriptionIn,
        run=_add,
        done=lambda s: f"Subscription {s.pk} added: events from now on are sent to {s.url}.",
        permission="webhooks-manage",
        button="Add the subscription",
        target="organisation",
    ),
    NestedAction(
        name="webhook-remove",
        label="Remove the subscription",
        path="/webhooks/subscriptions/{subscription_id}/remove",
        schema=Nothing,
        run=_remove,
        done=lambda s: f"Subscription {s.pk} removed: nothing more is sent to it.",
        permission="webhooks-manage",
        button="Remove it",
        warning=True,
        target="webhook_subscription",
    ),
    NestedAction(
        name="webhook-test",
        label="Send a test event",
        path="/webhooks/subscriptions/{subscription_id}/test",
        schema=Nothing,
        run=_test,
        done=lambda a: (
            f"Test event delivered (HTTP {a.response_code}, {a.duration_ms} ms)."
            if a.succeeded
            else f"Test event not delivered: {a.error or a.response_code}."
        ),
        permission="webhooks-manage",
        button="Send a test event",
        target="webhook_subscription",
    ),
)
WEBHOOKS_BY_NAME = {action.name: action for action in WEBHOOK_ACTIONS}


def perform_webhooks(action: NestedAction, *, user: User, target: Any, payload: In) -> Any:
    """Take a webhook action as ``user``: administrator of the organisation, then the service."""
    organisation = target if action.target == "organisation" else target.organisation
    require_organisation_role(user, organisation, action.permission)
    return action.run(None, target, Actor(user), payload, {})  # type: ignore[arg-type]
