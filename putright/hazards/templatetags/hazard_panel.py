"""The case page's hazards: ``{% hazards_panel case request.user as panel %}``.

The case page includes ``staff/hazards/panel.html``, which asks this tag for the case's
hazards with their clocks explained, the steps that fit each and the viewer's role allows,
their letters and their history, so the case page's view needs no change.
"""

from __future__ import annotations

from typing import Any

from django import template

from putright.accounts.access import may_act
from putright.accounts.models import User
from putright.cases.models import Case
from putright.hazards.models import HazardLetter
from putright.hazards.selectors import STEP_LABELS, hazard_history, hazards_of, steps_fitting

register = template.Library()

STATE_WORDS = {"open": "Due", "overdue": "Overdue", "done": "Done", "done_late": "Done late"}
STATE_RAG = {"open": "green", "overdue": "red", "done": "grey", "done_late": "grey"}


@register.simple_tag
def hazards_panel(case: Case, user: User) -> dict[str, Any]:
    rows = hazards_of(case)
    letters: dict[int, list[HazardLetter]] = {}
    for letter in HazardLetter.objects.filter(hazard__case=case).order_by("created_at", "pk"):
        letters.setdefault(letter.hazard_id, []).append(letter)
    for row in rows:
        hazard = row["hazard"]
        row["steps"] = [
            {
                "name": f"staff:{name}",
                "label": STEP_LABELS[name],
                "warning": name == "hazard-dismiss",
            }
            for name in steps_fitting(hazard)
            if may_act(user, case, name)
        ]
        row["letters"] = letters.get(hazard.pk, [])
        row["history"] = list(reversed(hazard_history(hazard)))
        for deadline in row["deadlines"]:
            deadline["state_words"] = STATE_WORDS.get(deadline["state"], deadline["state"])
            deadline["rag"] = STATE_RAG.get(deadline["state"], "grey")
    return {"hazards": rows, "may_raise": may_act(user, case, "hazard-raise")}
