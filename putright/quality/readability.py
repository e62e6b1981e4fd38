"""How easy a response is to read: advice for the handler before it is sent, never a rule.

The Flesch reading ease (0 to 100, higher is easier) is worked out by ``textstat``; plain
English is about 60 or more. Sentences over 25 words are pointed out, as they are where
a reader most often loses the thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import textstat

#: Reading ease from which a text reads as plain English.
PLAIN = 60
#: A sentence longer than this is pointed out.
LONG_SENTENCE = 25

#: The Flesch bands, from the top, in words.
BANDS = (
    (90, "very easy to read"),
    (80, "easy to read"),
    (70, "fairly easy to read"),
    (60, "plain English"),
    (50, "fairly hard to read"),
    (30, "hard to read"),
    (-1000, "very hard to read"),
)

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class ReadingEase:
    score: int
    band: str
    words: int
    sentences: int
    long_sentences: list[str] = field(default_factory=list)

    @property
    def plain(self) -> bool:
        return self.score >= PLAIN

    @property
    def words_per_sentence(self) -> int:
        return round(self.words / self.sentences) if self.sentences else 0

    @property
    def advice(self) -> str:
        if self.plain:
            return f"It reads as {self.band}."
        return (
            f"It is {self.band}: aim for {PLAIN} or more. Shorter sentences and everyday "
            "words help most."
        )


def band(score: float) -> str:
    return next(words for floor, words in BANDS if score >= floor)


def reading_ease(texts: Iterable[str]) -> ReadingEase | None:
    """The reading ease of the texts taken together; None when there is nothing to read."""
    parts = [" ".join(t.split()) for t in texts if t and t.strip()]
    if not parts:
        return None
    text = "\n".join(p if p.endswith((".", "!", "?")) else p + "." for p in parts)
    words = textstat.lexicon_count(text)
    if not words:
        return None
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    score = round(float(textstat.flesch_reading_ease(text)))
    score = max(0, min(100, score))
    long = [s for s in sentences if textstat.lexicon_count(s) > LONG_SENTENCE]
    return ReadingEase(
        score=score,
        band=band(score),
        words=words,
        sentences=len(sentences),
        long_sentences=long[:3],
    )
