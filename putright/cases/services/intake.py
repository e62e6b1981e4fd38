"""Recording a case, and deciding what it is and whether the policy takes it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.accounts.actors import Actor
from putright.domain.calendar import describe
from putright.domain.eligibility import months_before
from putright.domain.policy import Exclusion, ExclusionCategory
from putright.jobs import contact_screens
from putright.organisations.models import Organisation
from putright.organisations.selectors import pack_for_contact
from putright.organisations.services import organisation_calendar
from putright.people.models import Person, Representative
from putright.policies.registry import get_pack

from .. import errors
from ..errors import (
    CaseInputError,
    CaseStateError,
    PolicyRuleError,
)
from ..models import (
    Case,
    Channel,
    ClosureReason,
    Eligibility,
    Event,
    EventKind,
    Kind,
)
from ..ombudsman import case_ombudsman_route
from ..selectors import case_floor, case_pack
from ._common import (
    _append,
    _lock,
    _moment,
    _next_reference,
    _refresh_cached_dates,
    _require_open,
    _save,
)
from .closing import _close

# -- intake -----------------------------------------------------------------------------


@transaction.atomic
def case_receive(
    *,
    organisation: Organisation,
    kind: str,
    channel: str,
    received_at: datetime.datetime,
    summary: str,
    actor: Actor,
    details: str = "",
    desired_outcome: str = "",
    customer: Person | None = None,
    representative: Representative | None = None,
    service_area: str = "",
    category: str = "",
    matter_occurred_on: datetime.date | None = None,
    flags: Iterable[str] = (),
) -> Case:
    """Record a contact as a case under the organisation's pack, with its first deadlines."""
    # The pack in force on the day the contact is deemed received: policies change from a date.
    pack = get_pack(pack_for_contact(organisation, received_at))
    problems: dict[str, str] = {}
    if kind not in Kind.values:
        problems["kind"] = f"Choose one of: {', '.join(Kind.values)}."
    if channel not in Channel.values:
        problems["channel"] = f"Choose one of: {', '.join(Channel.values)}."
    if not summary.strip():
        problems["summary"] = "Say in a few words what the case is about."
    if pack.service_areas and service_area and service_area not in pack.service_areas:
        problems["service_area"] = f"Choose one of: {', '.join(pack.service_areas)}."
    if pack.categories and category and category not in pack.categories:
        problems["category"] = f"Choose one of: {', '.join(pack.categories)}."
    received_on = (
        timezone.localdate(received_at)
        if received_at is not None and timezone.is_aware(received_at)
        else timezone.localdate()
    )
    if matter_occurred_on is not None and matter_occurred_on > received_on:
        problems["matter_occurred_on"] = (
            "Give the date it happened, or the customer became aware of it: it cannot be after "
            "the complaint was received."
        )
    flag_set = set(flags)
    unknown_flags = flag_set - FLAGS
    if unknown_flags:
        problems["flags"] = f"Unknown flags: {', '.join(sorted(unknown_flags))}."
    if customer is not None and customer.organisation_id != organisation.pk:
        problems["customer"] = "That customer belongs to another organisation."
    if "anonymous" not in flag_set and customer is None:
        problems["customer"] = "Give the customer's details, or mark the case anonymous."
    if problems:
        raise CaseInputError("Some details are missing or wrong.", fields=problems)
    rule = pack.kind(kind)
    if rule is None:
        message = errors.KIND_NOT_ACCEPTED.format(pack=pack.id, kind=kind.replace("_", " "))
        raise PolicyRuleError(message, rule="kinds", fields={"kind": message})
    if "anonymous" in flag_set and pack.anonymous is not None and not pack.anonymous.accepted:
        message = "This policy does not accept anonymous complaints" + (
            f" ({pack.anonymous.source})." if pack.anonymous.source else "."
        )
        raise PolicyRuleError(
            message,
            rule="anonymous.accepted",
            source=pack.anonymous.source,
            fields={"flags": message},
        )
    received_at = _moment(received_at)
    receipt = organisation_calendar(organisation).deemed_receipt(received_at)
    case = Case(
        reference=_next_reference(organisation, receipt.deemed.year),
        organisation=organisation,
        policy_pack=pack.id,
        kind=kind,
        channel=channel,
        received_at=received_at,
        deemed_received_on=receipt.deemed,
        matter_occurred_on=matter_occurred_on,
        summary=summary.strip(),
        details=details,
        desired_outcome=desired_outcome,
        customer=customer,
        representative=representative,
        service_area=service_area,
        category=category,
        stage=rule.starts_at or "",
        **{flag: True for flag in flag_set},
    )
    received = Event(
        sequence=1,
        kind=EventKind.RECEIVED,
        stage=case.stage,
        actor=actor.user,
        actor_label=actor.label,
        occurred_at=received_at,
        data={
            "channel": channel,
            "kind": kind,
            "deemed_received_on": receipt.deemed.isoformat(),
            "deemed_reason": receipt.reason,
            "start_stage": case.stage,
            "pack": pack.id,
            "pack_version": pack.version,
        },
    )
    # The first deadlines are known before anything is written: one insert each.
    _refresh_cached_dates(case, [received], done=set())
    case.save()
    received.case = case
    received.recorded_at = timezone.now()
    received.save()
    # Every contact, whatever the interface, is screened for hazards (Awaab's Law) here.
    for screen in contact_screens():
        screen(case=case, actor=actor)
    if rule.redirect_to:
        _close(
            case,
            ClosureReason.REDIRECTED,
            actor,
            received_at,
            note=f"Redirected to {rule.redirect_to}",
        )
        _save(case, "status", "closure_reason", "closed_at")
    return case


FLAGS = frozenset({"health_and_safety", "safeguarding", "vulnerability", "conduct", "anonymous"})


@transaction.atomic
def case_classify(
    *,
    case: Case,
    kind: str,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Change what kind of case this is, before any step of its stage has been taken."""
    case = _lock(case, expected_version)
    _require_open(case)
    pack = case_pack(case)
    rule = pack.kind(kind)
    if rule is None:
        message = errors.KIND_NOT_ACCEPTED.format(pack=pack.id, kind=kind.replace("_", " "))
        raise PolicyRuleError(message, rule="kinds", fields={"kind": message})
    moment = _moment(occurred_at, case)
    progressed = case.events.exclude(
        kind__in=[EventKind.RECEIVED, EventKind.CLASSIFIED, EventKind.NOTE, EventKind.ASSIGNED]
    ).exists()
    if progressed and rule.starts_at != case.stage:
        raise CaseStateError(
            "The case has moved on at its stage; record a new case, or make it formal instead."
        )
    previous = case.kind
    case.kind = kind
    case.stage = rule.starts_at or ""
    _append(
        case,
        EventKind.CLASSIFIED,
        actor,
        moment,
        {"from": previous, "kind": kind, "start_stage": case.stage},
    )
    if rule.redirect_to:
        _close(
            case, ClosureReason.REDIRECTED, actor, moment, note=f"Redirected to {rule.redirect_to}"
        )
        _save(case, "kind", "stage", "status", "closure_reason", "closed_at")
        return case
    _save(case, "kind", "stage")
    return case


@transaction.atomic
def case_decide_eligibility(
    *,
    case: Case,
    accepted: bool,
    actor: Actor,
    reason: str = "",
    exclusion: str = "",
    exception: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Accept the case, or refuse it under one of the pack's exclusions (and close it)."""
    case = _lock(case, expected_version)
    _require_open(case)
    pack = case_pack(case)
    moment = _moment(occurred_at, case)
    data: dict[str, Any] = {"accepted": accepted, "reason": reason}
    if exclusion:
        rule = next((e for e in pack.exclusions if e.id == exclusion), None)
        if rule is None:
            known = ", ".join(e.id for e in pack.exclusions) or "none"
            raise CaseInputError(
                f"The policy has no exclusion {exclusion!r} (it has: {known}).",
                fields={"exclusion": "Choose one of the policy's exclusions."},
            )
        data.update(exclusion=rule.id, exclusion_label=rule.label, source=rule.source)
        if not accepted:
            _refuse_within_time_limit(case, rule)
        if exception:
            if exception not in {e.id for e in rule.exceptions}:
                raise CaseInputError(
                    f"{exception!r} is not an exception to {rule.id}.",
                    fields={"exception": "Choose one of the exclusion's exceptions."},
                )
            data["exception"] = exception
    if not accepted:
        if not exclusion:
            raise CaseInputError(
                "Name the exclusion in the policy that applies.",
                fields={"exclusion": "Required when the case is not accepted."},
            )
        if exception:
            raise CaseInputError(
                "An exception to the exclusion applies, so the case must be accepted.",
                fields={"exception": "An exception means the case is accepted."},
            )
        if not reason.strip():
            raise CaseInputError(
                "Explain the decision in words the customer will read.",
                fields={"reason": "Required when the case is not accepted."},
            )
    data["ombudsman_route"] = case_ombudsman_route(case)
    case.eligibility = Eligibility.ACCEPTED if accepted else Eligibility.REFUSED
    case.eligibility_reason = reason
    _append(case, EventKind.ELIGIBILITY_DECIDED, actor, moment, data)
    fields = ["eligibility", "eligibility_reason"]
    if not accepted:
        _close(case, ClosureReason.REFUSED, actor, moment, note=reason)
        fields += ["status", "closure_reason", "closed_at"]
    _save(case, *fields)
    return case


def _refuse_within_time_limit(case: Case, rule: Exclusion) -> None:
    """A complaint made within the time limit cannot be refused under it (Code 2.3)."""
    occurred = case.matter_occurred_on
    if rule.category is not ExclusionCategory.TIME_LIMIT or not rule.months or occurred is None:
        return
    limit = months_before(case.deemed_received_on, rule.months)
    if occurred < limit:
        return
    floor = " ".join(case_floor(case).notes_for(f"exclusions.{rule.id}"))
    message = (
        f"The time limit does not apply: it happened on {describe(occurred)}, within "
        f"{rule.months} months of receipt (the limit is {describe(limit)})."
        + (f" {floor}" if floor else "")
    )
    raise PolicyRuleError(
        message, rule="exclusions.time_limit", source=rule.source, fields={"exclusion": message}
    )
