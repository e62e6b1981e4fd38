"""What the actions on remedies and awards take: one shape for the API and the staff pages."""

import datetime
from typing import Literal

from ninja import Field

from .inputs import ActionIn as CaseActionIn
from .inputs import In


class Versioned(CaseActionIn):
    """When it happened (never in the future) and the case version you saw (409 if it changed)."""


class RemedyIn(Versioned):
    kind: Literal[
        "acknowledgement",
        "apology",
        "explanation",
        "action",
        "reconsidered_decision",
        "amended_record",
        "changed_policy",
        "financial",
    ]
    description: str = Field(..., min_length=1, max_length=5000)
    issue: int | None = Field(None, ge=1, le=1000)


class ActionIn(Versioned):
    description: str = Field(..., min_length=1, max_length=5000)
    owner: str = Field(..., min_length=1, max_length=150, description="username")
    due_on: datetime.date
    remedy: int | None = Field(None, ge=1)


class CompleteIn(Versioned):
    evidence: str = Field(..., min_length=1, max_length=5000)


class ComponentSchema(In):
    kind: Literal["time_trouble_distress", "financial_loss", "statutory", "goodwill", "non_cash"]
    amount_pence: int = Field(0, ge=0, le=100_000_000)
    band: str = Field("", max_length=60)
    description: str = Field("", max_length=500)
    evidence: str = Field("", max_length=5000)
    days_late: int | None = Field(None, ge=0, le=3650)


class AwardIn(Versioned):
    components: list[ComponentSchema] = Field(..., min_length=1, max_length=20)
    reasoning: str = Field(..., min_length=1, max_length=20000)
    occasions: int = Field(
        1, ge=1, le=1000, description="How often the failure happened (for the calculator)."
    )
    months_affected: int = Field(
        0, ge=0, le=1200, description="How long the customer was affected (for the calculator)."
    )
    below_guidance_reason: str = Field(
        "",
        max_length=5000,
        description="Why the awards on the case come to less than the Ombudsman's figure for "
        "the losses recorded; without it such an award is refused (422, naming the rule).",
    )


class LossIn(Versioned):
    kind: str = Field(
        ...,
        min_length=1,
        max_length=60,
        description="A loss the Ombudsman's remedies guidance sets a sum for, e.g. "
        '"heating_complete", "missed_appointment".',
    )
    started_on: datetime.date = Field(..., description="The first day, or the appointment's day.")
    ended_on: datetime.date | None = Field(
        None, description="The last day, inclusive; blank while the loss goes on."
    )
    description: str = Field("", max_length=500)


class LossWithdrawIn(Versioned):
    reason: str = Field(..., min_length=1, max_length=5000, description="Why it was in error.")


class DecideIn(Versioned):
    approve: bool
    note: str = Field("", max_length=5000)


class AnswerIn(Versioned):
    accepted: bool
    note: str = Field("", max_length=5000)


class OfferIn(Versioned):
    """Nothing to give but when and the version: the offer is the award as approved."""


class PayIn(Versioned):
    method: Literal["bank_transfer", "cheque", "rent_credit", "voucher", "non_cash"]
    arrears_offset_pence: int = Field(0, ge=0, le=100_000_000)
