"""What a reviewer scores a formal response against: the Code's checklist (what a response
must confirm in writing, 6.9 and 6.19, with 5.6, 6.7 and 7.1) and the landlord's own
standards (tone, plain English, accuracy), and how a review becomes a score."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    provisions: tuple[str, str]  # at stage 1, at stage 2
    short: str = ""  # for a chart's axis

    def citation(self, level: int) -> str:
        return "Code " + self.provisions[0 if level <= 1 else 1]


CODE_CHECKLIST = (
    Item(
        "stage",
        "It says which stage of the complaints process it is",
        ("6.9", "6.19"),
        short="The stage",
    ),
    Item(
        "definition",
        "It sets out the complaint as understood, with the outcome the resident wants",
        ("5.6, 6.9", "5.6, 6.19"),
        short="The complaint as understood",
    ),
    Item(
        "decision",
        "It gives a decision on every point",
        ("6.7, 6.9", "6.18, 6.19"),
        short="A decision on every point",
    ),
    Item(
        "reasons",
        "It gives clear reasons for each decision, citing policy, law or good practice",
        ("6.7", "6.18"),
        short="Reasons for each decision",
    ),
    Item(
        "remedy",
        "Where something went wrong, it says how it is put right",
        ("7.1", "7.1"),
        short="Putting it right",
    ),
    Item(
        "actions",
        "Any outstanding actions are given with dates, and tracked",
        ("6.6, 6.9", "6.17, 6.19"),
        short="Actions with dates",
    ),
    Item(
        "escalation",
        "It says how to take the complaint further (at stage 2, to the Ombudsman)",
        ("6.9", "6.19"),
        short="How to take it further",
    ),
)
CHECKLIST_KEYS = tuple(item.key for item in CODE_CHECKLIST)


@dataclass(frozen=True)
class Standard:
    key: str
    label: str
    hint: str


STANDARDS = (
    Standard("tone", "Tone", "Empathetic and respectful; it owns what went wrong."),
    Standard("plain_english", "Plain English", "Short sentences, everyday words, no jargon."),
    Standard("accuracy", "Accuracy", "Facts, dates, names and sums are right."),
)
#: The scale of each standard, from 1 to 4.
SCALE = ((4, "Excellent"), (3, "Good"), (2, "Needs improvement"), (1, "Poor"))
LOWEST, HIGHEST = 1, 4


@dataclass(frozen=True)
class Score:
    code: float  # the share of the checklist met
    standards: float  # the standards' marks as a share of the most they could be
    overall: float  # the two, equally weighted


def score(checklist: Mapping[str, bool], marks: Mapping[str, int]) -> Score:
    """A review's score: each half from 0 to 1."""
    code = sum(1 for key in CHECKLIST_KEYS if checklist.get(key)) / len(CHECKLIST_KEYS)
    span = (HIGHEST - LOWEST) * len(STANDARDS)
    standards = sum(marks[s.key] - LOWEST for s in STANDARDS) / span
    return Score(code=code, standards=standards, overall=(code + standards) / 2)
