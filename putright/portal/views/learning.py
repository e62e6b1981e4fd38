"""The public page of what an organisation learnt from complaints and changed.

It shows only what staff wrote for residents from completed improvement actions and someone
else approved (``putright/learning/services.py`` refuses a text that names anyone): no case,
no person and no reference is ever read onto it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from putright.learning.reviews import published_changes
from putright.learning.services import organisation_rules
from putright.organisations.models import Organisation

from .common import render_page


@require_GET
def changed(request: HttpRequest, slug: str) -> HttpResponse:
    """What we learnt and changed: the organisation's published improvements, newest first."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        return render_page(request, "portal/not_found.html", status=404)
    rules = organisation_rules(organisation)
    causes = {c.id: c.label for c in rules.all_causes()}
    changes = [
        {
            "text": action.public_text,
            "published_on": action.published_on,
            "about": causes.get(action.cause, "") if action.cause else "",
            "area": action.service_area,
        }
        for action in published_changes(organisation)
    ]
    return render_page(
        request,
        "portal/learning/changed.html",
        {"changes": changes},
        organisation=organisation,
    )
