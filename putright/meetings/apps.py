from typing import Any

from django.apps import AppConfig


def _meetings_visible_to(user: Any, meetings: Any) -> Any:
    """A meeting is seen by whoever may see its case."""
    from putright.cases.access import cases_visible_to

    return meetings.filter(case__in=cases_visible_to(user))


def _meeting_url(meeting: Any) -> str:
    from django.urls import reverse

    return reverse("staff:case", args=[meeting.case.reference]) + f"#meeting-{meeting.pk}"


class MeetingsConfig(AppConfig):
    name = "putright.meetings"
    label = "meetings"
    verbose_name = "Review meetings and panels"

    def ready(self) -> None:
        # A meeting's history (booked, invitations sent, rebooked, held, minuted, cancelled)
        # lives on the timeline (record type "meeting").
        from putright.timeline import registry

        from .models import Meeting

        registry.register(
            name="meeting",
            label="Meeting",
            model=Meeting,
            visible_to=_meetings_visible_to,
            url=_meeting_url,
        )
