from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _visible_to(user: Any, records: Any) -> Any:
    """Those the user's organisations hold (as a restriction or a hazard would decide)."""
    from putright.accounts.access import organisations_for

    return records.filter(organisation__in=organisations_for(user))


def _url(record: Any) -> str:
    return f"/sample-records/{record.pk}/"


class TimelineSampleConfig(AppConfig):
    name = "tests.timeline_sample"
    label = "timeline_sample"
    verbose_name = "Sample records (tests only)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from putright.timeline import registry

        from .models import SampleRecord

        registry.register(
            name="sample",
            label="Sample record",
            model=SampleRecord,
            visible_to=_visible_to,
            url=_url,
        )
