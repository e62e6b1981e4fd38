"""A response built from its parts, and what the Code asks of it before it is sent.

The complaint definition (Code 5.6) is set out at acknowledgement, point by point, each with
the outcome the resident wants. A response answers each point: what was found, the decision,
the reasons, the remedy and the actions still to do, each with an owner and a date.

:func:`check_response` says what a response still lacks, each with the Code's provision:
a point without a decision stops it being sent; the rest is advice the handler sees first.
The provisions' words are read from the Code's own pack.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from putright.policies.registry import code_pack

from ..models import Case, ComplaintPoint, Outcome

#: Which of the Code's provisions a check rests on, at stage 1 and at stage 2 (or later).
PROVISIONS = {
    "every_point": ("6.7", "6.18"),
    "reasons": ("6.7", "6.18"),
    "remedy": ("7.1", "7.1"),
    "action_date": ("6.6", "6.17"),
    "outcome_sought": ("5.6", "5.6"),
    "in_writing": ("6.9", "6.19"),
}

NO_DECISION = (
    "Point {number} ({description}) has no decision: choose upheld, partly upheld or not upheld."
)
NO_REASONS = "Point {number} has a decision but no reasons: say why, citing the policy, law or good practice it rests on."
NO_REMEDY = (
    "Point {number} is {decision}, but the response says nothing about putting it right: "
    "give the remedy, or explain why none is needed."
)
NO_DATE = "The action on point {number} ({text}) has no date: say when it will be done, so it can be tracked."
NOT_ADDRESSED = (
    "The resident asked for {sought}; the answer to point {number} does not mention it. "
    "Say whether they will get it, and why."
)
NO_REMEDY_OVERALL = (
    "The complaint is {decision}, but the response says nothing about putting it right: "
    "answer it point by point with the remedy, or explain why none is needed."
)
NOT_ADDRESSED_OVERALL = (
    "The resident asked for {sought}; the response does not mention it. Say whether they "
    "will get it, and why."
)
INCOMPLETE = "The response does not give a decision on every point of the complaint."


@dataclass(frozen=True)
class PointIn:
    """A point of the complaint as set out at acknowledgement."""

    description: str
    outcome_sought: str = ""


@dataclass(frozen=True)
class ActionDue:
    """Something still to do after the response: what, who does it, by when."""

    text: str
    owner: object | None = None  # a User; None: whoever sends the response
    due_on: datetime.date | None = None


@dataclass(frozen=True)
class PointView:
    """A defined point as the checks see it."""

    number: int
    description: str
    outcome_sought: str = ""


@dataclass(frozen=True)
class AnswerView:
    """One answer of a response as the checks see it (``point``: the point it answers)."""

    point: int | None
    description: str
    outcome: str
    reasons: str = ""
    finding: str = ""
    remedy: str = ""
    actions: Sequence[ActionDue] = ()


@dataclass(frozen=True)
class Check:
    """Something a response lacks: what, where (a point's number, None for the whole), the
    Code's provision and its words, and whether it stops the response being sent."""

    key: str
    message: str
    provision: str
    provision_text: str
    point: int | None = None
    answer: int | None = None  # the index of the answer concerned, if any
    blocking: bool = False

    @property
    def citation(self) -> str:
        return f"Code {self.provision}"


@dataclass(frozen=True)
class Checks:
    items: list[Check] = field(default_factory=list)

    @property
    def blocking(self) -> list[Check]:
        return [c for c in self.items if c.blocking]

    @property
    def advice(self) -> list[Check]:
        return [c for c in self.items if not c.blocking]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def provision_text(provision: str) -> str:
    """The Code's words for a provision (from the Code's pack)."""
    return next((p.text for p in code_pack().provisions if p.id == provision), "")


def _check(key: str, level: int, message: str, **where: object) -> Check:
    provision = PROVISIONS[key][0 if level <= 1 else 1]
    return Check(
        key=key,
        message=message,
        provision=provision,
        provision_text=provision_text(provision),
        **where,  # type: ignore[arg-type]
    )


_WORD = re.compile(r"[a-z]+")
_COMMON = frozenset(
    re.findall(
        r"[a-z]+",
        "about after again also been before being could does from have into just like made "
        "make more much only other over should some such than that their them then there these "
        "they this those want wants wanted what when where which while will with would your "
        "yours please know need needs",
    )
)


def _words(text: str) -> set[str]:
    """The words that carry meaning, by their first five letters (refund, refunded)."""
    return {w[:5] for w in _WORD.findall(text.lower()) if len(w) >= 4 and w not in _COMMON}


def addresses(sought: str, answer: Iterable[str]) -> bool:
    """Whether the words of an answer touch the outcome sought (a share of its words)."""
    wanted = _words(sought)
    if not wanted:
        return True
    said = _words(" ".join(answer))
    return bool(wanted & said)


def _said(answer: AnswerView) -> list[str]:
    return [
        answer.description,
        answer.finding,
        answer.reasons,
        answer.remedy,
        *(a.text for a in answer.actions),
    ]


def check_response(
    *,
    points: Sequence[PointView],
    answers: Sequence[AnswerView],
    outcome: str,
    text: str,
    level: int,
    desired_outcome: str = "",
) -> Checks:
    """What the response lacks. A defined point with no decision blocks it, unless the
    complaint has a single point and the response answers it as a whole (its ``outcome``
    and ``text``)."""
    items: list[Check] = []
    answered = {a.point: a for a in answers if a.point is not None}
    whole = len(points) == 1 and not answers
    for point in points:
        answer = answered.get(point.number)
        if whole:
            answer = AnswerView(point.number, point.description, outcome, text)
        if answer is None or not answer.outcome:
            items.append(
                _check(
                    "every_point",
                    level,
                    NO_DECISION.format(number=point.number, description=_short(point.description)),
                    point=point.number,
                    blocking=True,
                )
            )
        elif point.outcome_sought and not addresses(point.outcome_sought, [*_said(answer), text]):
            items.append(
                _check(
                    "outcome_sought",
                    level,
                    NOT_ADDRESSED.format(
                        sought=f"\u201c{_short(point.outcome_sought)}\u201d", number=point.number
                    ),
                    point=point.number,
                )
            )
    numbers = {p.number for p in points}
    for index, answer in enumerate(answers):
        number = answer.point if answer.point is not None else _added_number(numbers, index)
        where = {"point": number, "answer": index}
        if not answer.outcome:
            if answer.point is None:
                items.append(
                    _check(
                        "every_point",
                        level,
                        NO_DECISION.format(number=number, description=_short(answer.description)),
                        blocking=True,
                        **where,
                    )
                )
            continue
        if not answer.reasons.strip():
            items.append(_check("reasons", level, NO_REASONS.format(number=number), **where))
        if answer.outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD) and not (
            answer.remedy.strip() or answer.actions
        ):
            decision = Outcome(answer.outcome).label.lower()
            items.append(
                _check("remedy", level, NO_REMEDY.format(number=number, decision=decision), **where)
            )
        for action in answer.actions:
            if action.due_on is None:
                message = NO_DATE.format(number=number, text=_short(action.text, 40))
                items.append(_check("action_date", level, message, **where))
    if not points and desired_outcome.strip():
        said = [text, *(w for a in answers for w in _said(a))]
        if not addresses(desired_outcome, said):
            sought = f"\u201c{_short(desired_outcome)}\u201d"
            items.append(
                _check("outcome_sought", level, NOT_ADDRESSED_OVERALL.format(sought=sought))
            )
    if outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD) and not answers and not points:
        items.append(
            _check(
                "remedy",
                level,
                NO_REMEDY_OVERALL.format(decision=Outcome(outcome).label.lower()),
            )
        )
    return Checks(items)


def _added_number(numbers: set[int], index: int) -> int:
    """The number an added point will have (after the defined ones)."""
    return max(numbers, default=0) + index + 1


def _short(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "\u2026"


def definition_in_force(case: Case) -> list[ComplaintPoint]:
    """The points a response at the case's stage must answer: those set out at this stage's
    acknowledgement, else those of the latest earlier stage that set any out."""
    points = [p for p in case.points.all() if not p.added_at_response]
    here = [p for p in points if p.stage == case.stage]
    if here:
        return here
    stages = [p.stage for p in points]
    if not stages:
        return []
    latest = stages[-1]
    return [p for p in points if p.stage == latest]


def point_views(points: Iterable[ComplaintPoint]) -> list[PointView]:
    return [PointView(p.number, p.description, p.outcome_sought) for p in points]
