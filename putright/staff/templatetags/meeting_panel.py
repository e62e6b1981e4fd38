"""The case page's meetings: ``{% meetings_panel case request.user as panel %}``.

The case page includes ``staff/meetings/panel.html``, which asks this tag for the case's
meetings, the actions the viewer may take on each, and the review the case is at, so the case
page's view needs no change. Every meeting booked leaves a note carrying ``data["meeting"]`` in
the case's chronology, which the case page has already read: without one, the tag asks the
database nothing about meetings.
"""

from __future__ import annotations

from typing import Any

from django import template

from putright.accounts.models import User
from putright.cases.models import Case

register = template.Library()


@register.simple_tag(takes_context=True)
def meetings_panel(context: Any, case: Case, user: User) -> dict[str, Any]:
    from putright.staff.views.meetings import panel_context

    events = context.get("events")
    booked = events is None or any("meeting" in (e.data or {}) for e in events)
    return panel_context(case, user, with_meetings=booked)
