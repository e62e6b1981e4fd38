"""What each action takes: one shape for every interface (the API validates its request
bodies with these, the staff pages' forms give their answers in these shapes).

Every text must be storable (no NUL: PostgreSQL refuses it). Extend, never rename: the API's
OpenAPI document names these shapes and other tools rely on them.
"""

import datetime
from types import UnionType
from typing import Annotated, Literal, Union, get_args, get_origin

from django.core.files.uploadedfile import UploadedFile
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, ValidationInfo, field_validator

OutcomeName = Literal["upheld", "partly_upheld", "not_upheld"]
NUL = "Text cannot contain NUL (0x00) characters."


def refuse_nul(value: str) -> str:
    """Text a database can store: PostgreSQL refuses NUL characters."""
    if "\x00" in value:
        raise ValueError(NUL)
    return value


def _refuse_nul_within(value: object) -> None:
    if isinstance(value, str):
        refuse_nul(value)
    elif isinstance(value, list | tuple | set):
        for item in value:
            _refuse_nul_within(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul_within(key)
            _refuse_nul_within(item)


#: A path parameter (a case reference, a slug): text without NUL characters.
Text = Annotated[str, AfterValidator(refuse_nul)]


_DAY_TYPES = frozenset({datetime.date, datetime.datetime})
#: Dates PutRight takes at all: a complaint, a matter or a due date in this span of years.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2199, 12, 31)


def _plain_types(annotation: object) -> frozenset[object]:
    """The types a field's annotation allows (through Optional, unions and Annotated)."""
    arguments = get_args(annotation)
    if not arguments:
        return frozenset({annotation})
    if get_origin(annotation) is Annotated:
        return _plain_types(arguments[0])
    if get_origin(annotation) in (Union, UnionType):
        return frozenset().union(*(_plain_types(a) for a in arguments))
    return frozenset({get_origin(annotation) or annotation})


class In(Schema):
    """A request body or a set of filters; every text in it must be storable, and nothing
    stands in for what it is not: ``true`` is not a number, ``1700000000`` not a date."""

    @field_validator("*", mode="before")
    @classmethod
    def _not_a_stand_in(cls, value: object, info: ValidationInfo) -> object:
        field = cls.model_fields.get(info.field_name or "")
        if field is None or value is None:
            return value
        types = _plain_types(field.annotation)
        if isinstance(value, bool) and int in types and bool not in types:
            raise ValueError("Give a whole number, not true or false.")
        if isinstance(value, int | float) and types & _DAY_TYPES and not types & {int, float}:
            if datetime.datetime in types:
                raise ValueError("Give a date and time as text, e.g. 2026-03-02T14:30:00Z.")
            raise ValueError("Give a date as text, e.g. 2026-03-02.")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: object) -> object:
        _refuse_nul_within(value)
        if isinstance(value, datetime.date):
            day = value.date() if isinstance(value, datetime.datetime) else value
            if not EARLIEST <= day <= LATEST:
                raise ValueError(
                    f"Give a date between {EARLIEST.year} and {LATEST.year}: {day.isoformat()} "
                    "cannot be right."
                )
        return value


class ActionIn(In):
    """Every action takes when it happened (never in the future) and the version you saw."""

    occurred_at: datetime.datetime | None = None
    version: int | None = Field(
        None, ge=1, description="The case version you are acting on; 409 if it changed."
    )


class ClassifyIn(ActionIn):
    kind: str = Field(..., min_length=1, max_length=30)


class DecideEligibilityIn(ActionIn):
    accepted: bool
    reason: str = Field("", max_length=20000)
    exclusion: str = Field("", max_length=60, description="The policy's exclusion, if any")
    exception: str = Field("", max_length=60, description="An exception to that exclusion")


class MakeFormalIn(ActionIn):
    reason: str = Field("", max_length=5000)


class ContactIn(ActionIn):
    summary: str = Field(..., min_length=1, max_length=5000)
    direction: Literal["inbound", "outbound"] = "inbound"


class MarkStepDoneIn(ActionIn):
    step: str = Field(..., min_length=1, max_length=60)


class AddMemberIn(ActionIn):
    username: str = Field(..., min_length=1, max_length=150)
    role: Literal["panel_member", "investigating_officer", "complaint_handler", "manager"]


class PointDefinitionIn(In):
    """One point of the complaint as the landlord understands it (Code 5.6)."""

    description: str = Field(
        ..., min_length=1, max_length=5000, description="What the resident is unhappy about"
    )
    outcome_sought: str = Field(
        "", max_length=5000, description="The outcome the resident wants on this point"
    )


class AcknowledgeIn(ActionIn):
    method: str = Field("", max_length=50)
    definition: list[PointDefinitionIn] = Field(
        [],
        max_length=50,
        description="The complaint as understood, point by point, each with the outcome "
        "sought; each point is given an id (its number in the case) that a response refers to.",
    )


class AssignIn(ActionIn):
    handler: str | None = Field(None, description="username")
    investigator: str | None = Field(None, description="username")


class RequestInvestigationIn(ActionIn):
    team: str = Field(..., min_length=1, max_length=100)
    investigator: str | None = Field(None, description="username")


class RecordInvestigationIn(ActionIn):
    summary: str = Field("", max_length=20000)


class ChaseIn(ActionIn):
    note: str = Field("", max_length=5000)


class ExtendIn(ActionIn):
    working_days: int = Field(..., ge=1, le=60)
    reason: str = Field(
        "",
        max_length=200,
        description="One of the policy's extension reasons (its id), or, where the policy "
        "allows any reason, the handler's words. Optional where the policy lists none.",
    )
    explanation: str = Field(
        "",
        max_length=5000,
        description="Why more time is needed, in the handler's own words: the customer's "
        "letter carries it (Code 6.4). Required where the policy lists no reasons.",
    )
    customer_agreed: bool | None = Field(
        None,
        description="Whether the customer agreed to more time, where the policy needs their "
        "agreement for the reason given.",
    )


class ResponseActionIn(In):
    """Something still to do after the response: tracked as a remedy action to completion."""

    text: str = Field(..., min_length=1, max_length=5000)
    owner: str | None = Field(
        None, max_length=150, description="username; whoever sends the response when omitted"
    )
    due_on: datetime.date | None = Field(
        None, description="When it will be done; without a date it cannot be tracked"
    )


class IssueIn(In):
    point: int | None = Field(
        None, ge=1, le=32767, description="The id of a point of the complaint definition"
    )
    description: str = Field(
        "",
        max_length=5000,
        validate_default=True,
        description="What the customer raised; may be left out when `point` names it",
    )
    outcome: OutcomeName
    reasons: str = Field("", max_length=20000)
    finding: str = Field("", max_length=20000, description="What was found")
    remedy: str = Field(
        "", max_length=20000, description="What is done to put it right, or why nothing is"
    )
    actions: list[ResponseActionIn] = Field([], max_length=20)

    @field_validator("description")
    @classmethod
    def _said_or_named(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("point") is None and not value.strip():
            raise ValueError("Say what the customer raised, or name the point it answers.")
        return value


class RespondIn(ActionIn):
    outcome: OutcomeName
    text: str = Field(..., min_length=1, max_length=50000)
    issues: list[IssueIn] = Field([], max_length=100)


class EscalateIn(ActionIn):
    route: str | None = Field(None, max_length=60)
    reasons: str | None = Field(None, max_length=20000)
    about: list[Annotated[str, Field(max_length=60)]] = Field([], max_length=20)
    accept_late: bool = False
    late_reason: str = Field("", max_length=5000)


class RefuseEscalationIn(ActionIn):
    ground: str = Field(..., min_length=1, max_length=60)
    explanation: str = Field(..., min_length=1, max_length=20000)


class CloseIn(ActionIn):
    reason: Literal[
        "resolved",
        "withdrawn",
        "no_contact",
        "information_not_provided",
        "window_lapsed",
        "refused",
        "redirected",
        "no_response_needed",
    ]
    note: str = Field("", max_length=5000)


class ReopenIn(ActionIn):
    reason: str = Field(..., min_length=1, max_length=5000)


class WithdrawIn(ActionIn):
    note: str = Field("", max_length=5000)


class SplitIn(ActionIn):
    summaries: list[Annotated[str, Field(max_length=300)]] = Field(..., min_length=1, max_length=20)


class LinkIn(ActionIn):
    other: str = Field(..., min_length=1, max_length=30)
    kind: Literal["related", "repeat_of", "split_from"] = "related"


class NoteIn(ActionIn):
    text: str = Field(..., min_length=1, max_length=20000)


class FlagIn(ActionIn):
    flag: Literal["vulnerability", "safeguarding"]
    raised: bool = Field(..., description="True to raise the flag, false to clear it")
    reason: str = Field(..., min_length=1, max_length=2000)


class ChooseRouteIn(ActionIn):
    route: str = Field(..., min_length=1, max_length=60)
    about: list[Annotated[str, Field(max_length=60)]] = Field(
        [], max_length=20, description="What the dissatisfaction is about (e.g. compensation)"
    )


class AttachIn(ActionIn):
    """A file to attach; the API takes it as a multipart upload, the pages as a file field."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    file: UploadedFile  # type: ignore[type-arg]
