"""How a search matches cases, written down once for every database.

- A **reference** (any case) finds exactly that case.
- A **postcode** (with or without its space, any case) finds exactly the cases of customers
  at that postcode, where the reader may see contact details.
- Otherwise the text is **words**: a case matches when every word starts a word of its
  customer's name or its summary, or, where the reader may see contact details, of the
  customer's address or postcode. Case and accents are ignored ("Zoë" finds "zoe" and the
  reverse); a word with an apostrophe inside is found whole or by its parts ("O'Brien" by
  "o'brien", "obrien" and "brien"); any other mark splits words ("Smith-Jones" is "smith"
  and "jones").

Both sides go through ``words``: the text kept for each case (``documents``) and what a
person types (``query_words``), so the databases compare plain ``[a-z0-9]`` words only.
PostgreSQL matches them with a ``tsvector`` of the ``simple`` configuration and prefix
queries (``smi:*``), SQLite with an FTS5 table and prefix queries (``smi*``); both read an
index (``putright/search/migrations``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: At most this many words of a query are looked for (more is no search a person types).
MAX_WORDS = 8
#: A query word shorter than this is not looked for on its own ("a", "1").
MIN_PREFIX = 2

_APOSTROPHES = re.compile(r"(?<=\w)['\u2019`](?=\w)")
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case without accents: "Zoë Ángel" is "zoe angel"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold()


def words(text: str) -> list[str]:
    """The plain words of a text, in order, each once."""
    found = _WORD.findall(_APOSTROPHES.sub("", fold(text or "")))
    return list(dict.fromkeys(found))


def indexed_words(text: str) -> list[str]:
    """The words kept of a text: its plain words, and the parts of a word with an apostrophe
    inside ("O'Brien" keeps "obrien", "o" and "brien"; "l'Eglise" "leglise" and "eglise")."""
    kept = words(text)
    if _APOSTROPHES.search(text or ""):
        kept += _WORD.findall(fold(text))
    return list(dict.fromkeys(kept))


def document(*texts: str) -> str:
    """What is kept for a case: the words of its texts, space-separated."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in indexed_words(text):
            seen.setdefault(word, None)
    return " ".join(seen)


def documents(*, name: str, summary: str, address: str, postcode: str) -> tuple[str, str]:
    """The two documents of a case: what anyone who sees it may search (name, summary), and
    that with the address and postcode for those who may see contact details.

    A postcode is kept as its two halves ("m1", "1ae"): typed whole, with or without its
    space, it is looked for exactly (``as_postcode``), so its halves are all the words need.
    Kept run together as well, every postcode of a district would be one more word that a
    search for the district ("m1") reads through."""
    public = document(name, summary)
    return public, document(public, address, postcode)


def query_words(text: str) -> list[str]:
    """The words a search looks for; none when nothing worth looking for was typed."""
    found = [w for w in words(text) if len(w) >= MIN_PREFIX or w.isdigit()]
    return found[:MAX_WORDS]


def postgres_query(found: Iterable[str]) -> str:
    """A ``to_tsquery('simple', ...)`` text: every word as a prefix (only [a-z0-9] reach here)."""
    return " & ".join(f"{w}:*" for w in found)


def fts5_query(found: Iterable[str], column: str) -> str:
    """An FTS5 MATCH text on one column: every word as a prefix."""
    return f"{column}: (" + " AND ".join(f'"{w}"*' for w in found) + ")"


_REFERENCE = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+){2,}$")


def looks_like_reference(text: str) -> bool:
    """A reference is letters and digits in three or more parts joined by hyphens
    (``SLH-2026-00012``); it is looked for exactly, as well as by words."""
    return bool(_REFERENCE.match(text.strip()))


_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def as_postcode(text: str) -> str:
    """The postcode typed, in the one form the people service keeps ("m11ae" is "M1 1AE"),
    or "" if it is not one."""
    from putright.people.services import normalise_postcode

    postcode = normalise_postcode(text)
    return postcode if _POSTCODE.match(postcode) else ""
