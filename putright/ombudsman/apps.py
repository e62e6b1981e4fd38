from typing import Any

from django.apps import AppConfig


def _orders_visible_to(user: Any, orders: Any) -> Any:
    from putright.cases.access import cases_visible_to

    return orders.filter(determination__case__in=cases_visible_to(user))


def _order_url(order: Any) -> str:
    from django.urls import reverse

    return reverse("staff:ombudsman-order", args=[order.pk])


def _contacts_visible_to(user: Any, contacts: Any) -> Any:
    from putright.cases.access import cases_visible_to

    return contacts.filter(case__in=cases_visible_to(user))


def _contact_url(contact: Any) -> str:
    from django.urls import reverse

    return reverse("staff:ombudsman-evidence", args=[contact.pk])


def _determinations_visible_to(user: Any, determinations: Any) -> Any:
    from putright.cases.access import cases_visible_to

    return determinations.filter(case__in=cases_visible_to(user))


def _determination_url(determination: Any) -> str:
    from django.urls import reverse

    return reverse("staff:ombudsman-determination", args=[determination.pk])


class OmbudsmanConfig(AppConfig):
    name = "putright.ombudsman"
    label = "ombudsman"
    verbose_name = "Ombudsman casework"

    def ready(self) -> None:
        # Each order of a determination has its own history and a clock to its due date,
        # owed by its owner: listed on their My work and chased by the clock sweep.
        from putright.timeline import registry

        from .models import Contact, Determination, Order

        registry.register(
            name="ombudsman_order",
            label="Ombudsman order",
            model=Order,
            visible_to=_orders_visible_to,
            url=_order_url,
        )
        # A determination has a clock to the date an appeal must reach the Ombudsman, owed by
        # whoever triages it, stopped by the triage.
        registry.register(
            name="ombudsman_determination",
            label="Ombudsman determination",
            model=Determination,
            visible_to=_determinations_visible_to,
            url=_determination_url,
        )
        # A request for evidence has a clock to the Ombudsman's date, stopped by sending it.
        registry.register(
            name="ombudsman_contact",
            label="Ombudsman request for evidence",
            model=Contact,
            visible_to=_contacts_visible_to,
            url=_contact_url,
        )
