"""Errors the timeline services raise, as the case services' kinds so every interface maps them.

RecordInputError (a CaseInputError)   bad input: an unknown record, a bad unit (HTTP 400)
RecordStateError (a CaseStateError)   the clocks do not allow it as they stand (HTTP 409)
"""

from __future__ import annotations

from putright.errors import CaseInputError, CaseStateError


class RecordInputError(CaseInputError):
    """Bad input to a timeline service."""


class RecordStateError(CaseStateError):
    """The action does not fit the record's clocks as they stand."""


UNKNOWN_TYPE = "There is no kind of record called {record_type!r}."
NO_RECORD = "There is no {label} {record_id}."
OTHER_ORGANISATION = "{label} {record_id} belongs to another organisation."
FUTURE = "That time is in the future. Give when it actually happened."
BAD_UNIT = "A clock counts working days, calendar days or hours, not {unit!r}."
BAD_AMOUNT = "A clock runs for at least one {unit}."
NO_LABEL = "Say in plain English what is due."
ALREADY_RUNNING = "The clock for {label} is already running on {record}; stop it first."
NOT_RUNNING = "No clock for {step!r} is running on {record}."
OWNER_CANNOT_SEE = "{owner} cannot see {record}, so cannot own its deadline."
BEFORE_START = "A clock cannot stop before it started ({started})."
