"""Background work of events out: collecting events, sending and retrying deliveries."""

from __future__ import annotations

from django_tasks import task


@task()
def collect_webhook_events() -> int:
    """Make a delivery for each new event a subscription wants, each queued; how many."""
    from .services import deliveries_collect

    return deliveries_collect()


@task()
def deliver_webhook(delivery_id: int) -> bool:
    """Try one delivery if it is due; whether it was delivered."""
    from .services import delivery_attempt

    attempt = delivery_attempt(delivery_id=delivery_id)
    return bool(attempt and attempt.succeeded)


@task()
def retry_webhooks() -> int:
    """Queue the deliveries whose next try is due; how many."""
    from .services import deliveries_retry

    return deliveries_retry()
