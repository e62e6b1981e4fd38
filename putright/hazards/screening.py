"""Screening a contact's words for a possible hazard, with the words that triggered it.

Pure Python (no Django): the lexicon is data, a triage file (``triage/*.toml``) validated on
load like a policy pack, its errors naming the file, the path inside it and the problem.

How residents write is allowed for without a model downloaded at run time:

- the text is lower-cased and reduced to words (``it's`` is ``its``; punctuation goes);
- a term word ending in ``*`` is a stem (``leak*``: leak, leaks, leaking, leaky);
- ``...`` in a term stands for up to ``gap`` other words (``water ... light``);
- a word broken by a space is joined again (``d amp``, ``moul d``) when one part is a
  fragment that is not a word by itself;
- a long word (``fuzzy_min_length`` letters or more) matches with one letter wrong, missing,
  added or swapped (``condensaton``, ``moudl`` is listed as a spelling of its own);
- ``ignore`` phrases are removed before matching (``gas bill``, ``heating charge``): words
  about money, not danger.

A kind (damp and mould, a leak ...) is found when any of its terms is; its severity is the
kind's, or emergency where one of its ``emergency`` terms is found. Signs of vulnerability
and of safeguarding are found the same way and kept beside the hazards they go with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from putright.domain.errors import PackError
from putright.domain.policy import Strict, validate_toml

BUILTIN_DIR = Path(__file__).parent / "triage"
DEFAULT_TRIAGE = "default"

Severity = Literal["emergency", "significant"]
Term = Annotated[str, Field(min_length=1, max_length=120)]


class KindTerms(Strict):
    """A kind of hazard and the words that suggest it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    severity: Severity = "significant"
    terms: list[Term] = Field(min_length=1)
    emergency: list[Term] = Field(default_factory=list)
    categories: list[str] = Field(
        default_factory=list, description="Case categories that suggest this kind by themselves."
    )


class Sign(Strict):
    """A sign of vulnerability or of safeguarding."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    kind: Literal["vulnerability", "safeguarding"]
    terms: list[Term] = Field(min_length=1)


class Triage(Strict):
    """A triage lexicon: what each kind of hazard and each sign is recognised by."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    extends: str = ""
    gap: int = Field(3, ge=0, le=8)
    fuzzy_min_length: int = Field(7, ge=4, le=30)
    ignore: list[Term] = Field(default_factory=list)
    kinds: list[KindTerms] = Field(default_factory=list)
    signs: list[Sign] = Field(default_factory=list)
    #: Short words that are words by themselves: never joined to their neighbour.
    words: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Triage:
        for name, items in (("kinds", self.kinds), ("signs", self.signs)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"{name}: {item.id!r} is listed twice")
                seen.add(item.id)
        for kind in self.kinds:
            for term in (*kind.terms, *kind.emergency):
                _check_term(term, f"kinds {kind.id}")
        return self


def _check_term(term: str, where: str) -> None:
    words = term.split()
    if not words or words[0] == "..." or words[-1] == "...":
        raise ValueError(f"{where}: the term {term!r} must start and end with a word")


def parse_triage(text: str, *, source: str) -> Triage:
    """Validate a triage file's TOML; errors name ``source``, the path inside and the problem."""
    return validate_toml(Triage, text, source=source, kind="triage")


def load_triage_file(path: Path) -> Triage:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PackError(str(path), [("", f"cannot read the file: {error.strerror}")]) from None
    triage = parse_triage(text, source=str(path))
    if path.stem != triage.id:
        raise PackError(str(path), [("id", f"{triage.id!r} does not match the file name")])
    return triage


def merged(base: Triage, override: Triage) -> Triage:
    """An organisation's triage over the one it extends: its kinds and signs add terms to (or
    replace the severity of) those of the same id, and its own are added."""
    kinds = {k.id: k for k in base.kinds}
    for kind in override.kinds:
        known = kinds.get(kind.id)
        if known is None:
            kinds[kind.id] = kind
        else:
            kinds[kind.id] = known.model_copy(
                update={
                    "label": kind.label,
                    "severity": kind.severity,
                    "terms": [*known.terms, *kind.terms],
                    "emergency": [*known.emergency, *kind.emergency],
                    "categories": [*known.categories, *kind.categories],
                }
            )
    signs = {s.id: s for s in base.signs}
    for sign in override.signs:
        known_sign = signs.get(sign.id)
        signs[sign.id] = (
            sign
            if known_sign is None
            else known_sign.model_copy(update={"terms": [*known_sign.terms, *sign.terms]})
        )
    return base.model_copy(
        update={
            "id": override.id,
            "version": override.version,
            "title": override.title,
            "extends": override.extends,
            "ignore": [*base.ignore, *override.ignore],
            "words": [*base.words, *override.words],
            "kinds": list(kinds.values()),
            "signs": list(signs.values()),
        }
    )


# -- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """A term found in the text: which kind or sign it suggests and the words as written."""

    kind: str  # a hazard kind's id, or a sign's id
    term: str
    found: str
    emergency: bool = False


@dataclass(frozen=True)
class Finding:
    """A kind of hazard the text suggests, with its severity and the words that did."""

    kind: str
    label: str
    severity: Severity
    triggers: tuple[Trigger, ...]


@dataclass(frozen=True)
class SignFound:
    id: str
    label: str
    kind: str  # vulnerability or safeguarding
    triggers: tuple[Trigger, ...]


@dataclass(frozen=True)
class Screen:
    """What a screen found: the hazards (most severe first) and the signs."""

    hazards: tuple[Finding, ...]
    signs: tuple[SignFound, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.hazards)

    def kinds(self) -> list[str]:
        return [h.kind for h in self.hazards]


_WORD = re.compile(r"[a-z0-9]+")


def words_of(text: str, triage: Triage) -> list[str]:
    """The text as words: lower case, apostrophes dropped, ignored phrases taken out."""
    lowered = text.lower().replace("'", "").replace("\u2019", "")
    words = _WORD.findall(lowered)
    for phrase in _ignored(tuple(triage.ignore)):
        words = _remove(words, phrase)
    return words


@cache
def _ignored(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_WORD.findall(p.lower())) for p in phrases)


def _remove(words: list[str], phrase: tuple[str, ...]) -> list[str]:
    if not phrase:
        return words
    out: list[str] = []
    i = 0
    n = len(phrase)
    first = phrase[0]
    while i < len(words):
        if words[i] == first and tuple(words[i : i + n]) == phrase:
            out.append("|")  # a break: no term spans an ignored phrase
            i += n
        else:
            out.append(words[i])
            i += 1
    return out


def _close(word: str, target: str) -> bool:
    """One letter wrong, missing, added, or two neighbours swapped."""
    if word == target:
        return True
    a, b = len(word), len(target)
    if abs(a - b) > 1:
        return False
    if a == b:
        diffs = [i for i in range(a) if word[i] != target[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and word[diffs[0]] == target[diffs[1]]
            and word[diffs[1]] == target[diffs[0]]
        )
    short, long = (word, target) if a < b else (target, word)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


@lru_cache(maxsize=200_000)
def _word_matches(word: str, pattern: str, fuzzy_min: int) -> bool:
    if pattern.endswith("*"):
        stem = pattern[:-1]
        if word.startswith(stem):
            return True
        return len(stem) >= fuzzy_min and _close(word[: len(stem)], stem)
    if word == pattern:
        return True
    return len(pattern) >= fuzzy_min and _close(word, pattern)


@dataclass(frozen=True)
class _Token:
    text: str  # the word, or two parts joined
    start: int  # index of its first word
    end: int  # index after its last word


def _tokens(words: Sequence[str], triage: Triage) -> list[list[_Token]]:
    """At each position, the word there and, where a word was broken by a space, the two
    parts joined (``d amp``: ``damp``)."""
    known = _short_words(tuple(triage.words))
    at: list[list[_Token]] = [[_Token(w, i, i + 1)] for i, w in enumerate(words)]
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if "|" in (a, b) or not (a.isalpha() and b.isalpha()):
            continue
        fragment = (len(a) <= 2 and a not in known) or (len(b) <= 2 and b not in known)
        if fragment:
            at[i].append(_Token(a + b, i, i + 2))
    return at


@cache
def _short_words(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


@dataclass
class _Text:
    """A text being screened: its words, the tokens at each position, and where each term's
    first word is found (so a term is tried only there)."""

    words: Sequence[str]
    tokens: list[list[_Token]]
    starts: dict[str, list[int]]


@dataclass(frozen=True)
class _Firsts:
    """The first words of a lexicon's terms, arranged to be looked up once per word of a text."""

    exact: dict[str, tuple[str, ...]]  # a word -> the first-word patterns equal to it
    stems: tuple[str, ...]  # patterns ending in *
    fuzzy: tuple[str, ...]  # whole words long enough to match with one letter wrong


_FIRSTS: dict[int, tuple[Triage, _Firsts]] = {}


def _firsts(triage: Triage) -> _Firsts:
    known = _FIRSTS.get(id(triage))
    if known is not None and known[0] is triage:
        return known[1]
    terms = [t for kind in triage.kinds for t in (*kind.terms, *kind.emergency)]
    terms += [t for sign in triage.signs for t in sign.terms]
    patterns = {_pattern(term)[0] for term in terms}
    exact: dict[str, list[str]] = {}
    for pattern in patterns:
        if not pattern.endswith("*"):
            exact.setdefault(pattern, []).append(pattern)
    firsts = _Firsts(
        exact={word: tuple(found) for word, found in exact.items()},
        stems=tuple(sorted(p for p in patterns if p.endswith("*"))),
        fuzzy=tuple(
            sorted(p for p in patterns if not p.endswith("*") and len(p) >= triage.fuzzy_min_length)
        ),
    )
    if len(_FIRSTS) > 64:
        _FIRSTS.clear()
    _FIRSTS[id(triage)] = (triage, firsts)
    return firsts


def _prepare(words: Sequence[str], triage: Triage) -> _Text:
    tokens = _tokens(words, triage)
    at: dict[str, list[int]] = {}
    for position, alternatives in enumerate(tokens):
        for token in alternatives:
            if token.text != "|":
                at.setdefault(token.text, []).append(position)
    firsts = _firsts(triage)
    fuzzy_min = triage.fuzzy_min_length
    starts: dict[str, set[int]] = {}
    for word, positions in at.items():
        matched = list(firsts.exact.get(word, ()))
        matched += [
            p
            for p in firsts.stems
            if word.startswith(p[:-1])
            or (len(p) > fuzzy_min and _close(word[: len(p) - 1], p[:-1]))
        ]
        if len(word) >= fuzzy_min - 1:
            matched += [p for p in firsts.fuzzy if p != word and _close(word, p)]
        for pattern in matched:
            starts.setdefault(pattern, set()).update(positions)
    return _Text(
        words=words,
        tokens=tokens,
        starts={pattern: sorted(found) for pattern, found in starts.items()},
    )


def _find(pattern: tuple[str, ...], text: _Text, triage: Triage) -> str | None:
    """The words of the text a term matches, as written, or None."""
    for start in text.starts.get(pattern[0], ()):
        end = _match_from(pattern, 0, start, text.tokens, triage)
        if end is not None:
            return " ".join(w for w in text.words[start:end] if w != "|")
    return None


def _match_from(
    pattern: tuple[str, ...], p: int, position: int, tokens: list[list[_Token]], triage: Triage
) -> int | None:
    if p == len(pattern):
        return position
    if pattern[p] == "...":
        for skip in range(triage.gap + 1):
            at = position + skip
            if at > len(tokens):
                break
            if skip and tokens[at - 1][0].text == "|":
                break
            end = _match_from(pattern, p + 1, at, tokens, triage)
            if end is not None:
                return end
        return None
    if position >= len(tokens):
        return None
    for token in tokens[position]:
        if token.text != "|" and _word_matches(token.text, pattern[p], triage.fuzzy_min_length):
            end = _match_from(pattern, p + 1, token.end, tokens, triage)
            if end is not None:
                return end
    return None


@cache
def _pattern(term: str) -> tuple[str, ...]:
    return tuple("..." if part == "..." else part.lower().replace("'", "") for part in term.split())


def _triggers(
    owner: str, terms: Iterable[str], text: _Text, triage: Triage, *, emergency: bool = False
) -> list[Trigger]:
    found = []
    for term in terms:
        words = _find(_pattern(term), text, triage)
        if words is not None:
            found.append(Trigger(kind=owner, term=term, found=words, emergency=emergency))
    return found


def screen(triage: Triage, text: str, *, category: str = "") -> Screen:
    """The hazards and signs a contact's words (and its category) suggest, explained."""
    prepared = _prepare(words_of(text, triage), triage)
    hazards = []
    for kind in triage.kinds:
        triggers = _triggers(kind.id, kind.terms, prepared, triage)
        urgent = _triggers(kind.id, kind.emergency, prepared, triage, emergency=True)
        if category and category in kind.categories:
            triggers.append(Trigger(kind=kind.id, term=f"category: {category}", found=category))
        if not (triggers or urgent):
            continue
        severity: Severity = "emergency" if urgent else kind.severity
        hazards.append(
            Finding(
                kind=kind.id, label=kind.label, severity=severity, triggers=(*urgent, *triggers)
            )
        )
    hazards.sort(key=lambda h: h.severity != "emergency")
    signs = []
    for sign in triage.signs:
        found = _triggers(sign.id, sign.terms, prepared, triage)
        if found:
            signs.append(
                SignFound(id=sign.id, label=sign.label, kind=sign.kind, triggers=tuple(found))
            )
    return Screen(hazards=tuple(hazards), signs=tuple(signs))
