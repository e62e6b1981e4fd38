"""The pages of "make a complaint" and the answers so far, kept in the session.

Which pages a resident sees depends on their answers (only a complaint asks what would
put it right; only someone acting for another person is asked about them; the time
limit page appears only when the date given may fall outside the policy's limit).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils import timezone

from putright.cases.ombudsman import ombudsman_route_for
from putright.cases.selectors import floor_for
from putright.domain.eligibility import screen
from putright.domain.floor import Floored
from putright.domain.policy import Pack
from putright.organisations.models import Organisation
from putright.organisations.selectors import pack_for_contact
from putright.organisations.services import organisation_calendar

from . import forms as portal_forms

SESSION_PREFIX = "portal:make:"
DONE_PREFIX = "portal:done:"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[forms.Form]
    template: str
    applies: Callable[[Journey], bool]
    fields: tuple[str, ...]  # the answers this page keeps


def accepted_kinds(pack: Pack) -> list[str]:
    """The kinds a resident may choose here: those the pack handles, in a fixed order."""
    return [k for k in portal_forms.PORTAL_KINDS if pack.kind(k) is not None]


def complaint_floor(organisation: Organisation) -> tuple[str, Floored]:
    """The pack a complaint made now would take (the one in force on the day it is deemed
    received) and that pack with the Code's floor, as the case will apply it."""
    pack_id = pack_for_contact(organisation, timezone.now())
    return pack_id, floor_for(pack_id, organisation)


def time_limit_warning(
    organisation: Organisation, floor: Floored, occurred_on: datetime.date | None
) -> int | None:
    """The time limit in months (the policy's, or the Code's where it is longer), when the
    date given may fall outside it."""
    if occurred_on is None:
        return None
    pack = floor.pack
    received_on = organisation_calendar(organisation).deemed_receipt(timezone.now()).deemed
    for result in screen(
        pack, received_on=received_on, occurred_on=occurred_on, notes=floor.notes_by_place()
    ):
        if result.applies:
            rule = next(e for e in pack.exclusions if e.id == result.exclusion)
            return rule.months or 0
    return None


class Journey:
    """One resident's answers for one organisation, kept in their session."""

    def __init__(self, request: HttpRequest, organisation: Organisation) -> None:
        self.request = request
        self.organisation = organisation
        # What the case will get: the pack in force when it is received, with the Code's floor.
        self.pack_id, self.floor = complaint_floor(organisation)
        self.pack: Pack = self.floor.pack
        self.key = SESSION_PREFIX + organisation.slug
        stored = request.session.get(self.key)
        self.data: dict[str, Any] = stored or {
            "answers": {},
            "done": [],
            "files": [],
            "token": secrets.token_hex(12),
        }

    # -- state --------------------------------------------------------------------------

    @property
    def answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = self.data["answers"]
        return answers

    @property
    def files(self) -> list[dict[str, Any]]:
        files: list[dict[str, Any]] = self.data["files"]
        return files

    @property
    def token(self) -> str:
        return str(self.data["token"])

    def save(self) -> None:
        self.request.session[self.key] = self.data
        self.request.session.modified = True

    def clear(self) -> None:
        self.request.session.pop(self.key, None)

    def record(self, step: Step, values: dict[str, Any]) -> None:
        for name in step.fields:
            value = values.get(name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            self.answers[name] = value
        if step.slug not in self.data["done"]:
            self.data["done"].append(step.slug)
        self.save()

    def mark_done(self, step: Step) -> None:
        if step.slug not in self.data["done"]:
            self.data["done"].append(step.slug)
        self.save()

    # -- what the answers mean ------------------------------------------------------------

    @property
    def kinds(self) -> list[str]:
        return accepted_kinds(self.pack)

    @property
    def kind(self) -> str:
        chosen = self.answers.get("kind")
        if chosen in self.kinds:
            return str(chosen)
        return self.kinds[0] if len(self.kinds) == 1 else "complaint"

    @property
    def noun(self) -> str:
        return self.kind

    @property
    def for_someone_else(self) -> bool:
        return self.answers.get("for_someone_else") == "yes"

    @property
    def occurred_on(self) -> datetime.date | None:
        value = self.answers.get("occurred_on")
        return datetime.date.fromisoformat(value) if value else None

    @property
    def ombudsman_route(self) -> str:
        """The ombudsman a complaint with these answers goes to, as far as they tell (the
        service area chosen; the customer's tenure is not asked here)."""
        return ombudsman_route_for(
            self.organisation,
            self.pack_id,
            service_area=str(self.answers.get("service_area") or ""),
        )

    @property
    def time_limit(self) -> int | None:
        if self.kind != "complaint":
            return None
        return time_limit_warning(self.organisation, self.floor, self.occurred_on)

    # -- the pages ------------------------------------------------------------------------

    def steps(self) -> list[Step]:
        return [step for step in STEPS if step.applies(self)]

    def step(self, slug: str) -> Step | None:
        return next((s for s in self.steps() if s.slug == slug), None)

    def previous(self, step: Step) -> Step | None:
        steps = self.steps()
        index = steps.index(step)
        return steps[index - 1] if index > 0 else None

    def next(self, step: Step) -> Step | None:
        steps = self.steps()
        index = steps.index(step)
        return steps[index + 1] if index + 1 < len(steps) else None

    def first_incomplete(self) -> Step | None:
        done = set(self.data["done"])
        return next((s for s in self.steps() if s.slug not in done), None)

    def reachable(self, step: Step) -> bool:
        """Every page before this one has been answered."""
        done = set(self.data["done"])
        for earlier in self.steps():
            if earlier.slug == step.slug:
                return True
            if earlier.slug not in done:
                return False
        return False

    def form_kwargs(self, step: Step) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"noun": self.noun}
        if step.form is portal_forms.KindForm:
            kwargs["kinds"] = self.kinds
        elif step.form is portal_forms.AboutForm:
            kwargs["service_areas"] = self.pack.service_areas
        elif step.form is portal_forms.ContactForm:
            kwargs["for_someone_else"] = self.for_someone_else
        return kwargs

    def initial(self, step: Step) -> dict[str, Any]:
        initial = {name: self.answers.get(name) for name in step.fields}
        if step.slug == "what-happened" and self.occurred_on:
            initial.update(
                occurred_day=self.occurred_on.day,
                occurred_month=self.occurred_on.month,
                occurred_year=self.occurred_on.year,
            )
        return initial


STEPS: list[Step] = [
    Step(
        "what",
        "What would you like to do?",
        portal_forms.KindForm,
        "portal/make/kind.html",
        lambda j: len(j.kinds) > 1,
        ("kind",),
    ),
    Step(
        "who",
        "Who is it for?",
        portal_forms.SomeoneElseForm,
        "portal/make/who.html",
        lambda j: True,
        ("for_someone_else",),
    ),
    Step(
        "their-details",
        "About the person you are acting for",
        portal_forms.TheirDetailsForm,
        "portal/make/their_details.html",
        lambda j: j.for_someone_else,
        ("their_name", "relationship"),
    ),
    Step(
        "about",
        "What is it about?",
        portal_forms.AboutForm,
        "portal/make/about.html",
        lambda j: True,
        ("service_area", "summary"),
    ),
    Step(
        "what-happened",
        "What happened?",
        portal_forms.WhatHappenedForm,
        "portal/make/what_happened.html",
        lambda j: True,
        ("details", "occurred_on"),
    ),
    Step(
        "time-limit",
        "It may be too late for us to look into this",
        portal_forms.TimeLimitForm,
        "portal/make/time_limit.html",
        lambda j: j.time_limit is not None,
        ("delay_reason",),
    ),
    Step(
        "put-right",
        "What would put things right?",
        portal_forms.PutRightForm,
        "portal/make/put_right.html",
        lambda j: j.kind == "complaint",
        ("desired_outcome",),
    ),
    Step(
        "evidence",
        "Upload evidence",
        portal_forms.EvidenceForm,
        "portal/make/evidence.html",
        lambda j: True,
        (),
    ),
    Step(
        "contact",
        "Your contact details",
        portal_forms.ContactForm,
        "portal/make/contact.html",
        lambda j: True,
        ("name", "email", "phone", "preferred_contact", "contact_times", "address", "postcode"),
    ),
    Step(
        "support",
        "Do you need us to do anything differently?",
        portal_forms.AccessibilityForm,
        "portal/make/support.html",
        lambda j: True,
        ("needs", "other_needs"),
    ),
]
