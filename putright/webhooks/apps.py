from typing import Any

from django.apps import AppConfig


def _subscriptions_visible_to(user: Any, subscriptions: Any) -> Any:
    from putright.accounts.access import organisations_with

    return subscriptions.filter(organisation_id__in=organisations_with(user, {"administrator"}))


class WebhooksConfig(AppConfig):
    name = "putright.webhooks"
    label = "webhooks"
    verbose_name = "Events out (webhooks)"

    def ready(self) -> None:
        # A subscription's history: who added it, what it carries, who removed it.
        from putright.timeline import registry

        from .models import Subscription

        registry.register(
            name="webhook_subscription",
            label="Webhook subscription",
            model=Subscription,
            visible_to=_subscriptions_visible_to,
        )
