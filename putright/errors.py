"""Errors PutRight's services raise; each interface turns them into its own kind of message.

The case services raise them, and so do the services of people, records and letters.

CaseError
├── CaseInputError     bad input: a missing or malformed value (HTTP 400)
├── CaseStateError     the action does not fit the case as it stands (HTTP 409)
├── ConflictError      someone else changed the case first (HTTP 409)
└── PolicyRuleError    a rule of the policy forbids it, naming the rule (HTTP 422)
    └── NotPermittedError  the rule gives this decision to someone else (HTTP 403)
"""

from __future__ import annotations


class CaseError(Exception):
    """Base of the errors a case action can raise."""

    code = "case_error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class CaseInputError(CaseError):
    code = "invalid"


class CaseStateError(CaseError):
    code = "wrong_state"


class ConflictError(CaseError):
    code = "conflict"


class PolicyRuleError(CaseError):
    code = "policy_rule"

    def __init__(
        self, message: str, *, rule: str, source: str = "", fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, fields=fields)
        self.rule = rule
        self.source = source


class NotPermittedError(PolicyRuleError):
    """The user may take the action, but this decision within it belongs to another role."""

    code = "forbidden"


STALE_VERSION = (
    "Someone else changed this case (it is now at version {current}; you were working on "
    "version {expected}). Nothing was saved: reload the case to see their change, then try again."
)
CLOSED = "The case is closed. Reopen it first."
NOT_CLOSED = "The case is not closed."
FUTURE = "That time is in the future. Give when it actually happened."
BEFORE_RECEIPT = "That is before the case was received ({received})."
ALREADY_ACKNOWLEDGED = "This stage was already acknowledged on {on}."
NO_INVESTIGATION = "No investigation has been requested at this stage."
NOT_RESPONDED = "There is no response at this stage to escalate from yet."
ALREADY_RESPONDED = "A response was already sent at this stage on {on}."
KIND_NOT_ACCEPTED = "This organisation's policy ({pack}) does not handle {kind} cases."
NO_STAGES = "A {kind} has no stages under this policy: there is nothing to {action}."
FINAL_STAGE = "{stage} is the final stage: there is no further stage to escalate to."
NOT_INFORMAL = "The case is already a formal complaint."
LATE_ESCALATION = (
    "The window to escalate closed on {closed}. Accepting a late request is a manager's "
    "decision; your role ({roles}) cannot make it."
)
SAME_RESPONDER = (
    "{person} {did} this case at {earlier}; {who} says someone else considers {stage}{cite}."
)
