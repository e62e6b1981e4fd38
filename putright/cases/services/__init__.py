"""Every change to a case: one transaction each, each appending events to the chronology.

A service locks the case, checks the caller's version (two people acting at once:
the second is refused), asks the pack what is allowed, saves, appends its events
and recomputes the case's cached next dates. Nothing here is undone by hand: a
crash rolls the whole action back.

The services are grouped by concept, one module each: ``intake`` (recording a case,
classifying it, deciding eligibility), ``stages`` (the steps of a stage), ``escalation``,
``closing``, ``related`` (splitting, linking, naming people on it), ``chronology`` (notes,
contacts, letters, facts other apps record), ``files`` and ``deadline_sweep``; ``_common``
holds the steps they share. What other apps may use is exported here, on purpose.
"""

from putright.accounts.actors import SYSTEM as SYSTEM
from putright.accounts.actors import Actor as Actor

from ._common import IssueOutcome, lock_for_change
from .chronology import (
    case_add_note,
    case_record_contact,
    case_record_event,
    case_record_letter,
    case_record_satisfaction,
)
from .closing import case_close, case_reopen, case_withdraw
from .deadline_sweep import SweepReport, refresh_cached_dates, sweep, sweep_case
from .escalation import case_choose_route, case_escalate, case_refuse_escalation, route_allowed
from .files import ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, case_attach, check_attachment
from .flags import SCREENED_FLAGS, case_flag, case_flag_from_screen
from .intake import FLAGS, case_classify, case_decide_eligibility, case_receive
from .related import case_add_member, case_link, case_split
from .responses import (
    ActionDue,
    AnswerView,
    Check,
    Checks,
    PointIn,
    PointView,
    check_response,
    definition_in_force,
    point_views,
)
from .stages import (
    case_acknowledge,
    case_assign,
    case_chase,
    case_extend,
    case_make_formal,
    case_mark_step_done,
    case_record_investigation,
    case_request_investigation,
    case_respond,
    may_answer,
)

__all__ = [
    "ALLOWED_ATTACHMENT_TYPES",
    "FLAGS",
    "MAX_ATTACHMENT_BYTES",
    "SCREENED_FLAGS",
    "SYSTEM",
    "ActionDue",
    "Actor",
    "AnswerView",
    "Check",
    "Checks",
    "IssueOutcome",
    "PointIn",
    "PointView",
    "SweepReport",
    "case_acknowledge",
    "case_add_member",
    "case_add_note",
    "case_assign",
    "case_attach",
    "case_chase",
    "case_choose_route",
    "case_classify",
    "case_close",
    "case_decide_eligibility",
    "case_escalate",
    "case_extend",
    "case_flag",
    "case_flag_from_screen",
    "case_link",
    "case_make_formal",
    "case_mark_step_done",
    "case_receive",
    "case_record_contact",
    "case_record_event",
    "case_record_investigation",
    "case_record_letter",
    "case_record_satisfaction",
    "case_refuse_escalation",
    "case_reopen",
    "case_request_investigation",
    "case_respond",
    "case_split",
    "case_withdraw",
    "check_attachment",
    "check_response",
    "definition_in_force",
    "lock_for_change",
    "may_answer",
    "point_views",
    "refresh_cached_dates",
    "route_allowed",
    "sweep",
    "sweep_case",
]
