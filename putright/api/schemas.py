"""Shapes of the API's requests and responses. Extend, never rename: other tools rely on them."""

import datetime
import functools
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, create_model

from putright.actions.inputs import (
    NUL as NUL,
)

# The actions' inputs are declared with the actions; the API names them here too.
from putright.actions.inputs import (
    AcknowledgeIn as AcknowledgeIn,
)
from putright.actions.inputs import (
    ActionIn as ActionIn,
)
from putright.actions.inputs import (
    AddMemberIn as AddMemberIn,
)
from putright.actions.inputs import (
    AssignIn as AssignIn,
)
from putright.actions.inputs import (
    AttachIn as AttachIn,
)
from putright.actions.inputs import (
    ChaseIn as ChaseIn,
)
from putright.actions.inputs import (
    ChooseRouteIn as ChooseRouteIn,
)
from putright.actions.inputs import (
    ClassifyIn as ClassifyIn,
)
from putright.actions.inputs import (
    CloseIn as CloseIn,
)
from putright.actions.inputs import (
    ContactIn as ContactIn,
)
from putright.actions.inputs import (
    DecideEligibilityIn as DecideEligibilityIn,
)
from putright.actions.inputs import (
    EscalateIn as EscalateIn,
)
from putright.actions.inputs import (
    ExtendIn as ExtendIn,
)
from putright.actions.inputs import (
    In as In,
)
from putright.actions.inputs import (
    IssueIn as IssueIn,
)
from putright.actions.inputs import (
    LinkIn as LinkIn,
)
from putright.actions.inputs import (
    MakeFormalIn as MakeFormalIn,
)
from putright.actions.inputs import (
    MarkStepDoneIn as MarkStepDoneIn,
)
from putright.actions.inputs import (
    NoteIn as NoteIn,
)
from putright.actions.inputs import (
    OutcomeName as OutcomeName,
)
from putright.actions.inputs import (
    PointDefinitionIn as PointDefinitionIn,
)
from putright.actions.inputs import (
    RecordInvestigationIn as RecordInvestigationIn,
)
from putright.actions.inputs import (
    RefuseEscalationIn as RefuseEscalationIn,
)
from putright.actions.inputs import (
    ReopenIn as ReopenIn,
)
from putright.actions.inputs import (
    RequestInvestigationIn as RequestInvestigationIn,
)
from putright.actions.inputs import (
    RespondIn as RespondIn,
)
from putright.actions.inputs import (
    ResponseActionIn as ResponseActionIn,
)
from putright.actions.inputs import (
    SplitIn as SplitIn,
)
from putright.actions.inputs import (
    Text as Text,
)
from putright.actions.inputs import (
    WithdrawIn as WithdrawIn,
)
from putright.actions.inputs import (
    refuse_nul as refuse_nul,
)


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


class ResponseActionOut(Schema):
    text: str
    owner: str | None = None
    due_on: datetime.date | None = None
    remedy_action: int | None = Field(
        None, description="The remedy action that tracks it (none without a date)"
    )


class IssueOut(Schema):
    number: int
    description: str
    stage: str
    outcome: str
    reasons: str
    point: int | None = Field(None, description="The point of the complaint definition answered")
    finding: str = ""
    remedy: str = ""
    actions: list[ResponseActionOut] = []


class PointOut(Schema):
    point: int = Field(..., description="The point's id: a response's issues refer to it")
    stage: str
    description: str
    outcome_sought: str = ""


class HazardDeadlineOut(Schema):
    step: str
    label: str
    due: datetime.datetime | datetime.date = Field(
        ..., description="A date; a time for a clock in hours (an emergency hazard)"
    )
    state: str = Field(..., description="open, overdue, done or done_late")
    owner: str | None = None
    explanation: str
    rule: str
    source: str
    start: datetime.date
    completed_at: datetime.datetime | None = None


class HazardOut(Schema):
    id: int
    kind: str
    kind_label: str
    severity: Literal["emergency", "significant"]
    status: Literal["suspected", "confirmed", "dismissed", "made_safe", "resolved"]
    origin: str = Field(..., description="screen, flag (health and safety) or hand")
    triggers: list[str] = Field(..., description="The words in the contact that raised it")
    signs: list[str] = Field(..., description="Signs of vulnerability or safeguarding found")
    statutory: bool = Field(..., description="Whether Awaab's Law's clocks run on it")
    coverage: str = Field(..., description="Why the statutory clocks run, or why not")
    aware_at: datetime.datetime
    owner: str | None = None
    team: str = ""
    alternative_accommodation: str = ""
    version: int
    deadlines: list[HazardDeadlineOut]


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
    hazards: list[HazardOut] = []
    events: list[EventOut]
    definition: list[PointOut] = []
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


class SplitOut(Schema):
    case: CaseOut
    created: list[str]


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
