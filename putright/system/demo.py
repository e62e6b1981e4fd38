"""Load the demo landlord described in ``demo.toml``: organisations, staff and live cases.

Cases are recorded through the same services a handler uses, at past times, so their
chronologies and deadlines are real: some on time, some late, some escalated.
"""

from __future__ import annotations

import datetime
import os
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.accounts.models import Membership, User
from putright.cases.errors import CaseError
from putright.cases.models import Case, Status
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_assign,
    case_close,
    case_escalate,
    case_receive,
    case_request_investigation,
    case_respond,
    route_allowed,
)
from putright.organisations.models import Organisation
from putright.organisations.services import (
    organisation_add_closure_day,
    organisation_calendar,
    organisation_create,
)
from putright.people.models import Person
from putright.policies.registry import get_pack
from putright.remedies.models import Award

DEMO_FILE = Path(__file__).with_name("demo.toml")


@dataclass
class DemoReport:
    password: str
    organisations: list[str] = field(default_factory=list)
    cases: int = 0
    already_loaded: bool = False


def demo_config() -> dict[str, Any]:
    return tomllib.loads(DEMO_FILE.read_text(encoding="utf-8"))


def load_demo(*, now: datetime.datetime | None = None) -> DemoReport:
    """Create the demo organisations, users and cases, unless they exist already."""
    config = demo_config()
    password = os.environ.get(config["password_variable"], config["default_password"])
    report = DemoReport(password=password)
    now = now or timezone.now()
    users = _users(config, password)
    for index, spec in enumerate(config["organisations"]):
        existing = Organisation.objects.filter(slug=spec["slug"]).first()
        if existing is not None:
            # Loaded before: only what later demos added (users, contact details) is added.
            report.already_loaded = True
            _staff_and_contacts(existing, spec, users)
            continue
        with transaction.atomic():
            organisation = organisation_create(
                slug=spec["slug"],
                name=spec["name"],
                policy_pack=spec["policy"],
                homes=spec.get("homes"),
                reference_prefix=spec.get("prefix"),
            )
            for day, name in spec.get("closure_days", []):
                organisation_add_closure_day(
                    organisation=organisation, date=datetime.date.fromisoformat(day), name=name
                )
            _staff_and_contacts(organisation, spec, users)
            rng = random.Random(config["seed"] + index)
            for _ in range(spec.get("cases", 0)):
                _demo_case(organisation, config, rng, now, users)
                report.cases += 1
            if "award_waiting_for_approval" in spec:
                _award_waiting(organisation, spec["award_waiting_for_approval"], users)
        report.organisations.append(organisation.name)
    return report


def _staff_and_contacts(
    organisation: Organisation, spec: dict[str, Any], users: list[tuple[User, list[str]]]
) -> None:
    """Every demo user in their roles, and how residents reach the landlord (kept if set)."""
    for user, roles in users:
        for role in roles:
            Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    changed = []
    for field_name, key in (("contact_phone", "phone"), ("contact_address", "address")):
        if spec.get(key) and not getattr(organisation, field_name):
            setattr(organisation, field_name, spec[key])
            changed.append(field_name)
    if changed:
        organisation.save(update_fields=changed)


def _award_waiting(
    organisation: Organisation, spec: dict[str, Any], users: list[tuple[User, list[str]]]
) -> Award | None:
    """A financial-loss award on the first open case at a second-level formal stage."""
    from putright.remedies.models import ComponentKind
    from putright.remedies.services import ComponentIn, award_propose

    pack = get_pack(organisation.policy_pack)
    second = [s.id for s in pack.stages if s.formal and s.level == 2]
    case = (
        Case.objects.filter(organisation=organisation, stage__in=second)
        .exclude(status=Status.CLOSED)
        .order_by("pk")
        .first()
    )
    proposer = next((u for u, roles in users if "complaints_manager" in roles), None)
    if case is None or proposer is None:
        return None
    part = ComponentIn(
        kind=ComponentKind.FINANCIAL_LOSS,
        amount_pence=int(spec["pence"]),
        description="Carpets, furniture and bedding ruined by the leak",
        evidence=spec["evidence"],
    )
    return award_propose(
        case=case, actor=Actor(proposer), components=[part], reasoning=spec["reasoning"]
    )


def _users(config: dict[str, Any], password: str) -> list[tuple[User, list[str]]]:
    out = []
    for spec in config["users"]:
        user, created = User.objects.get_or_create(
            username=spec["username"],
            defaults={
                "display_name": spec["display_name"],
                "is_staff": True,
                "is_superuser": spec.get("superuser", False),
            },
        )
        if created:
            user.set_password(password)
            user.save()
        if spec.get("email") and not user.email:
            user.email = spec["email"]
            user.save(update_fields=["email"])
        out.append((user, list(spec.get("roles", []))))
    return out


def _demo_case(
    organisation: Organisation,
    config: dict[str, Any],
    rng: random.Random,
    now: datetime.datetime,
    users: list[tuple[User, list[str]]],
) -> Case:
    pack = get_pack(organisation.policy_pack)
    calendar = organisation_calendar(organisation)
    people = config["customers"][0]
    staff = {roles[0]: user for user, roles in users if roles}
    handler = staff.get("complaint_handler")
    manager = staff.get("complaints_manager")
    investigator = staff.get("investigating_officer")
    panel = staff.get("panel_member")
    summary = rng.choice(config["summaries"])
    name = rng.choice(people["names"])
    customer = Person.objects.create(
        organisation=organisation,
        name=name,
        email=name.lower().replace(" ", ".") + "@example.org",
        phone=f"07700 900{rng.randint(100, 999)}",
        address=f"{rng.randint(1, 120)} {rng.choice(people['streets'])}",
        postcode=rng.choice(people["postcodes"]),
        preferred_contact=rng.choice(["email", "email", "phone", "letter"]),
        tenure=rng.choice(["tenant", "tenant", "tenant", "leaseholder", "shared_owner"]),
        accessibility_needs=rng.choice(
            ["", "", "", "Large print letters", "Hearing loss: prefers e-mail"]
        ),
    )
    kinds = [k.kind.value for k in pack.kinds if k.starts_at]
    kind = "complaint" if "complaint" in kinds and rng.random() < 0.8 else rng.choice(kinds)
    today = timezone.localtime(now).date()
    received_on = calendar.add_working_days(today, -rng.randint(1, 45))
    received_at = timezone.make_aware(
        datetime.datetime.combine(
            received_on, datetime.time(rng.randint(8, 18), rng.choice([0, 15, 30, 45]))
        )
    )
    service_area = _pick(pack.service_areas, summary["service_area"], rng)
    category = _pick(pack.categories, summary["category"], rng)
    case = case_receive(
        organisation=organisation,
        kind=kind,
        channel=rng.choice(["phone", "email", "email", "web_form", "letter", "in_person"]),
        received_at=received_at,
        summary=summary["text"],
        details="Recorded for the demonstration.",
        desired_outcome="Fix the problem and tell me when it will be done.",
        customer=customer,
        service_area=service_area,
        category=category,
        actor=Actor(handler),
        flags=["vulnerability"] if rng.random() < 0.1 else [],
    )
    progress = rng.choice([0, 1, 1, 2, 2, 3, 3, 3, 4, 5, 6])
    moment = received_at

    def later(low: int, high: int) -> datetime.datetime | None:
        nonlocal moment
        day = calendar.add_working_days(timezone.localtime(moment).date(), rng.randint(low, high))
        candidate = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(rng.randint(9, 16), 0))
        )
        if candidate >= now:
            return None
        moment = candidate
        return candidate

    steps: list[Callable[[datetime.datetime], Case]] = [
        lambda at: case_assign(case=case, actor=Actor(manager), handler=handler, occurred_at=at),
        lambda at: case_acknowledge(case=case, actor=Actor(handler), occurred_at=at),
        lambda at: case_request_investigation(
            case=case,
            actor=Actor(handler),
            team="Repairs team",
            investigator=investigator,
            occurred_at=at,
        ),
        lambda at: case_respond(
            case=case,
            actor=Actor(handler),
            outcome=rng.choice(["upheld", "partly_upheld", "not_upheld"]),
            text="We have looked into what happened and explain our decision in this letter.",
            occurred_at=at,
        ),
        # Recorded by the manager, whose decision it is to accept a request made late.
        lambda at: _escalate(case, manager, at, panel=panel),
        lambda at: case_acknowledge(case=case, actor=Actor(manager), occurred_at=at),
        lambda at: case_close(case=case, actor=Actor(manager), reason="resolved", occurred_at=at),
    ]
    gaps = [(0, 0), (0, 3), (1, 3), (3, 12), (2, 9), (0, 3), (5, 15)]
    for step, (low, high) in zip(steps[: progress + 1], gaps, strict=False):
        at = later(low, high)
        if at is None:
            break
        try:
            case = step(at)
        except CaseError:
            break
    return case


def _escalate(
    case: Case, manager: User | None, at: datetime.datetime, *, panel: User | None = None
) -> Case:
    """Escalate as the customer asked; a stage the policy gives to a panel goes to the panel
    member, who then sees the case in their work."""
    pack = get_pack(case.policy_pack)
    stage = pack.stage(case.stage)
    route = ""
    if stage.escalation and pack.stage(stage.escalation.to).routes:
        target = pack.stage(stage.escalation.to)
        last = case.events.filter(kind="responded").order_by("-sequence").first()
        outcome = str((last.data if last else {}).get("outcome", ""))
        route = next(
            (
                r.id
                for r in target.routes
                if route_allowed(target, r.id, previous_outcome=outcome, about=()) is None
            ),
            "",
        )
    case = case_escalate(
        case=case,
        actor=Actor(manager),
        route=route,
        reasons="The repair is still not done.",
        accept_late=True,
        late_reason="Accepted for the demonstration",
        occurred_at=at,
    )
    handled_by = pack.stage(case.stage).handled_by
    roles = {role.id: role for role in pack.roles}
    if panel is not None and handled_by in roles and "panel_member" in roles[handled_by].acts_as:
        case = case_assign(case=case, actor=Actor(manager), handler=panel, occurred_at=at)
    return case


def _pick(choices: tuple[str, ...], preferred: str, rng: random.Random) -> str:
    if not choices:
        return preferred
    return preferred if preferred in choices else rng.choice(choices)
