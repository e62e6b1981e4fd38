"""What the actions on remedies and awards take (declared with the actions)."""

from putright.actions.remedy_inputs import (
    ActionIn,
    AnswerIn,
    AwardIn,
    CompleteIn,
    ComponentSchema,
    DecideIn,
    OfferIn,
    PayIn,
    RemedyIn,
    Versioned,
)

__all__ = [
    "ActionIn",
    "AnswerIn",
    "AwardIn",
    "CompleteIn",
    "ComponentSchema",
    "DecideIn",
    "OfferIn",
    "PayIn",
    "RemedyIn",
    "Versioned",
]
