from typing import Any

from django.apps import AppConfig


def _people_visible_to(user: Any, people: Any) -> Any:
    from putright.accounts.access import people_visible_to

    return people.filter(organisation_id__in=people_visible_to(user))


def _person_url(person: Any) -> str:
    from django.urls import reverse

    return reverse("staff:person", args=[person.pk])


class PeopleConfig(AppConfig):
    name = "putright.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        # Every change to a customer, their representatives and their contact restrictions
        # is an entry in the person's history (putright/people/services.py).
        from putright.timeline import registry

        from .models import Person

        registry.register(
            name="person",
            label="Person",
            model=Person,
            visible_to=_people_visible_to,
            url=_person_url,
        )
