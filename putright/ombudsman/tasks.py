"""Background tasks of the Ombudsman casework: the e-mails its services queue on commit."""

from __future__ import annotations

from django_tasks import task


@task()
def tell_of_contact(case_id: int, what: str, user_ids: list[int]) -> int:
    """E-mail those the pack names that the Ombudsman sent something; how many were told."""
    from .notifications import tell_of_contact as tell

    return tell(case_id, what, user_ids)


@task()
def tell_of_delay(order_id: int, user_ids: list[int]) -> int:
    """E-mail those a late order is raised with; how many were told."""
    from .notifications import tell_of_delay as tell

    return tell(order_id, user_ids)


@task()
def remind_orders_due_soon() -> int:
    """Remind owners, once each, of Ombudsman orders falling due soon; how many."""
    from .services import orders_remind

    return orders_remind()


@task()
def tell_owner_due_soon(order_id: int) -> int:
    """E-mail an order's owner that it falls due soon; how many were told."""
    from .notifications import tell_owner_due_soon as tell

    return tell(order_id)
