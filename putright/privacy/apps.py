from typing import Any

from django.apps import AppConfig


def _visible_to(user: Any, requests: Any) -> Any:
    """A data protection request is seen by the data protection officers of its organisation."""
    from putright.accounts.access import organisations_with
    from putright.accounts.models import Role

    return requests.filter(
        organisation__in=organisations_with(user, frozenset({Role.DATA_PROTECTION_OFFICER}))
    )


def _url(request: Any) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("staff:privacy-request", args=[request.pk])
    except NoReverseMatch:  # served without the staff pages (the API alone)
        return ""


class PrivacyConfig(AppConfig):
    name = "putright.privacy"
    label = "privacy"
    verbose_name = "Personal data over time"

    def ready(self) -> None:
        # A request's history and its one-month clock live on the timeline (record type
        # "data_request"): the officer's My work lists it and the clocks sweep chases it.
        from putright.timeline import registry

        from .models import DataRequest

        registry.register(
            name="data_request",
            label="Data protection request",
            model=DataRequest,
            visible_to=_visible_to,
            url=_url,
        )
