"""Raising and clearing a case's flags of vulnerability and of safeguarding.

A flag is raised by hand (with the reason) or by the screen of a contact's words at intake
(with the words that suggested it), and cleared only by hand with the reason: each is an
event, so the case page shows who raised a flag, why, and who cleared it. Health and
safety is not raised here: a suspected hazard is raised as a hazard, with its clocks.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from putright.accounts.actors import Actor

from ..errors import CaseInputError, CaseStateError
from ..models import Case, EventKind
from ._common import _append, _lock, _moment, _save

#: The flags staff raise and clear, and the screen raises, as the case page names them.
SCREENED_FLAGS: dict[str, str] = {"vulnerability": "Vulnerability", "safeguarding": "Safeguarding"}

UNKNOWN_FLAG = "Choose one of: {flags}."
ALREADY = "The case is already flagged for {label}."
NOT_RAISED = "The case is not flagged for {label}."
NEEDS_REASON = "Say why."


def _check(flag: str) -> str:
    label = SCREENED_FLAGS.get(flag)
    if label is None:
        message = UNKNOWN_FLAG.format(flags=", ".join(SCREENED_FLAGS))
        raise CaseInputError(message, fields={"flag": message})
    return label.lower()


@transaction.atomic
def case_flag(
    *,
    case: Case,
    actor: Actor,
    flag: str,
    raised: bool,
    reason: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Raise a flag by hand, or clear one (raised by hand or by the screen), with the reason."""
    label = _check(flag)
    if not reason.strip():
        raise CaseInputError(NEEDS_REASON, fields={"reason": NEEDS_REASON})
    case = _lock(case, expected_version)
    if bool(getattr(case, flag)) == raised:
        message = (ALREADY if raised else NOT_RAISED).format(label=label)
        raise CaseStateError(message)
    moment = _moment(occurred_at, case)
    setattr(case, flag, raised)
    _append(
        case,
        EventKind.FLAG_RAISED if raised else EventKind.FLAG_CLEARED,
        actor,
        moment,
        {
            "flag": flag,
            "by": "hand",
            "reason": reason.strip(),
            "description": f"{SCREENED_FLAGS[flag]} flag {'raised' if raised else 'cleared'}.",
        },
    )
    _save(case, flag)
    return case


def case_flag_from_screen(
    *, case: Case, actor: Actor, flag: str, signs: Sequence[dict[str, Any]], source: str
) -> bool:
    """Raise ``flag`` because a screen of the contact's words found ``signs`` (each with its
    ``label`` and the words ``found``); nothing when the case already has it. Runs inside
    the transaction that records the contact, on the case being recorded (so whoever recorded
    it sees the flag). True when the flag was raised."""
    _check(flag)
    if getattr(case, flag) or not signs:
        return False
    words = "; ".join(
        f"{sign['label']} (“{'”, “'.join(sign['found'])}”)" for sign in signs if sign.get("found")
    )
    setattr(case, flag, True)
    _append(
        case,
        EventKind.FLAG_RAISED,
        actor,
        case.received_at,
        {
            "flag": flag,
            "by": "screen",
            "source": source,
            "signs": [
                {"id": sign["id"], "label": sign["label"], "found": list(sign["found"])}
                for sign in signs
            ],
            "description": (
                f"{SCREENED_FLAGS[flag]} flag raised by the screen of the contact's words: "
                f"{words}. Check it with the customer; clear it with a reason if it is wrong."
            ),
        },
    )
    _save(case, flag)
    return True
