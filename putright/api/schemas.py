"""Shapes of the API's requests and responses. Extend, never rename: other tools rely on them."""

import datetime
import functools
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from django.core.files.uploadedfile import UploadedFile
from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, create_model, field_validator

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


class In(Schema):
    """A request body or a set of filters; every text in it must be storable."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: object) -> object:
        _refuse_nul_within(value)
        return value


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorOut(Schema):
    error: ErrorBody


class OrganisationOut(Schema):
    slug: str
    name: str
    policy: str
    calendar_region: str
    cutoff_time: str = Field(..., pattern=r"^\d{2}:\d{2}$", description="Local time, HH:MM")
    ombudsman_route: str
    parent: str | None = None
    homes: int | None = None


class PolicySummaryOut(Schema):
    id: str
    version: str
    title: str
    landlord: str
    stages: list[str]
    kinds: list[str]


class FindingOut(Schema):
    topic: str
    verdict: str
    code_source: str
    pack_source: str
    promise: str
    requirement: str


class PolicyCheckOut(Schema):
    pack: str
    findings: list[FindingOut]


class CustomerIn(In):
    name: str = Field(..., min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=2000)
    postcode: str | None = Field(None, max_length=10)
    preferred_contact: Literal["email", "phone", "letter", "text"] | None = None
    tenure: (
        Literal[
            "tenant",
            "leaseholder",
            "shared_owner",
            "applicant",
            "non_resident",
            "care_customer",
            "unknown",
        ]
        | None
    ) = None
    accessibility_needs: str | None = Field(None, max_length=2000)


class PersonIn(CustomerIn):
    organisation: str


class PersonOut(Schema):
    id: int
    organisation: str
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    preferred_contact: str = ""
    tenure: str = ""
    accessibility_needs: str = ""
    reasonable_adjustments: str = ""
    redacted: bool = False


class ExplanationSkip(Schema):
    date: datetime.date
    reason: str


class DeadlineOut(Schema):
    stage: str
    step: str
    due: datetime.date
    state: str
    explanation: str
    label: str
    stage_label: str
    route: str | None = None
    audience: str
    owner: str | None = None
    completed_on: datetime.date | None = None
    rule: str
    source: str
    start: datetime.date
    start_reason: str
    projected: bool
    skipped: list[ExplanationSkip]


class EventOut(Schema):
    sequence: int
    kind: str
    stage: str
    occurred_at: datetime.datetime
    recorded_at: datetime.datetime
    actor: str | None = None
    data: dict[str, object]


class IssueOut(Schema):
    number: int
    description: str
    stage: str
    outcome: str
    reasons: str


class LinkOut(Schema):
    kind: str
    reference: str
    direction: Literal["to", "from"]


class CaseSummaryOut(Schema):
    reference: str
    organisation: str
    kind: str
    channel: str
    stage: str
    route: str = ""
    status: str
    received_at: datetime.datetime
    summary: str
    service_area: str = ""
    category: str = ""
    handler: str | None = None
    next_due_on: datetime.date | None = None
    next_due_step: str = ""
    conduct: bool = False
    version: int


class CaseOut(CaseSummaryOut):
    deemed_received_on: datetime.date
    details: str = ""
    desired_outcome: str = ""
    policy: str
    eligibility: str
    eligibility_reason: str = ""
    closure_reason: str = ""
    closed_at: datetime.datetime | None = None
    investigator: str | None = None
    investigating_team: str = ""
    flags: list[str]
    customer: PersonOut | None = None
    deadlines: list[DeadlineOut]
    events: list[EventOut]
    issues: list[IssueOut]
    links: list[LinkOut]


class CasePage(Schema):
    results: list[CaseSummaryOut]
    next_cursor: str | None = None


class CaseIn(In):
    organisation: str = Field(..., min_length=1, max_length=60)
    kind: str = Field(..., min_length=1, max_length=30)
    channel: str = Field(..., min_length=1, max_length=30)
    received_at: datetime.datetime
    summary: str = Field(..., min_length=1, max_length=300)
    desired_outcome: str = Field("", max_length=5000)
    details: str = Field("", max_length=20000)
    customer: CustomerIn | None = None
    customer_id: int | None = None
    service_area: str = Field("", max_length=100)
    category: str = Field("", max_length=100)
    matter_occurred_on: datetime.date | None = None
    flags: list[
        Literal["health_and_safety", "safeguarding", "vulnerability", "conduct", "anonymous"]
    ] = []


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


class AcknowledgeIn(ActionIn):
    method: str = Field("", max_length=50)


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
    reason: str = Field(..., min_length=1, max_length=60)


class IssueIn(In):
    description: str = Field(..., min_length=1, max_length=5000)
    outcome: OutcomeName
    reasons: str = Field("", max_length=20000)


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


class SplitOut(Schema):
    case: CaseOut
    created: list[str]


class LinkIn(ActionIn):
    other: str = Field(..., min_length=1, max_length=30)
    kind: Literal["related", "repeat_of", "split_from"] = "related"


class NoteIn(ActionIn):
    text: str = Field(..., min_length=1, max_length=20000)


class ChooseRouteIn(ActionIn):
    route: str = Field(..., min_length=1, max_length=60)
    about: list[Annotated[str, Field(max_length=60)]] = Field(
        [], max_length=20, description="What the dissatisfaction is about (e.g. compensation)"
    )


class AttachIn(ActionIn):
    """A file to attach; the API takes it as a multipart upload, the pages as a file field."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    file: UploadedFile  # type: ignore[type-arg]


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error responses an operation may give, for the OpenAPI document."""
    return dict.fromkeys((400, 401, *codes), ErrorOut)


# -- the same shapes, for validating plain data fast -------------------------------------------


@functools.cache
def plain_model(schema: type[Schema]) -> type[BaseModel]:
    """``schema`` as a plain pydantic model: the same fields, types and defaults, without
    Django Ninja's getter around every object it validates (made for ORM objects, it costs
    several times the validation itself). For answers built as dicts, rendered by hand."""
    fields: dict[str, Any] = {
        name: (_plain_type(field.annotation), field) for name, field in schema.model_fields.items()
    }
    model: type[BaseModel] = create_model(
        f"Plain{schema.__name__}",
        __config__=ConfigDict(from_attributes=True),
        **fields,
    )
    return model


def _plain_type(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, Schema):
        return plain_model(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is None or origin is Literal or origin is Annotated:
        return annotation
    plain = tuple(_plain_type(a) for a in args)
    if origin in (Union, types.UnionType):
        return Union[plain]  # noqa: UP007 (built from a tuple of types)
    return origin[plain]
