from typing import Any

from django.apps import AppConfig


def _hazards_visible_to(user: Any, hazards: Any) -> Any:
    """A hazard is seen by whoever may see its case (a restricted case's hazard stays hidden)."""
    from putright.cases.access import cases_visible_to

    return hazards.filter(case__in=cases_visible_to(user))


def _hazard_url(hazard: Any) -> str:
    from django.urls import reverse

    return reverse("staff:case", args=[hazard.case.reference]) + f"#hazard-{hazard.pk}"


class HazardsConfig(AppConfig):
    name = "putright.hazards"
    label = "hazards"
    verbose_name = "Hazards (Awaab's Law)"

    def ready(self) -> None:
        # A hazard's history and its Awaab's Law clocks live on the timeline (record type
        # "hazard"): its owner's My work lists them and the record-clocks sweep chases them.
        from putright.timeline import registry

        from .models import Hazard

        registry.register(
            name="hazard",
            label="Hazard",
            model=Hazard,
            visible_to=_hazards_visible_to,
            url=_hazard_url,
        )
