"""The hazards pack and the triage lexicon in force for an organisation.

The built-in ones are ``packs/awaabs-law-2025.toml`` and ``triage/default.toml``. An
organisation may have its own, in a folder of ``PUTRIGHT_HAZARD_DIRS`` (os.pathsep between
folders): ``<slug>.toml`` over the hazards pack (its keys replace the built-in pack's: its own
owner team, alert roles, dismissal reasons) and ``triage/<slug>.toml`` over the lexicon (its
kinds and signs add words to those of the same id). Each is validated when first read; an
error names the file, the key and the problem.
"""

from __future__ import annotations

import json
import logging
import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from putright.domain.errors import PackError
from putright.organisations.models import Organisation

from .rules import BUILTIN_DIR, DEFAULT_HAZARD_PACK, HazardPack, load_hazard_pack_file
from .rules import parse_hazard_pack as _parse_pack
from .screening import BUILTIN_DIR as TRIAGE_DIR
from .screening import DEFAULT_TRIAGE, Triage, load_triage_file, merged, parse_triage

logger = logging.getLogger(__name__)


def hazard_dirs() -> list[Path]:
    """The folders of organisations' own hazards packs and lexicons."""
    configured = getattr(settings, "PUTRIGHT_HAZARD_DIRS", None) or os.environ.get(
        "PUTRIGHT_HAZARD_DIRS", ""
    )
    if isinstance(configured, (list, tuple)):
        return [Path(p) for p in configured]
    return [Path(p) for p in str(configured).split(os.pathsep) if p]


@cache
def builtin_pack() -> HazardPack:
    return load_hazard_pack_file(BUILTIN_DIR / f"{DEFAULT_HAZARD_PACK}.toml")


@cache
def builtin_triage() -> Triage:
    return load_triage_file(TRIAGE_DIR / f"{DEFAULT_TRIAGE}.toml")


def _own_file(*parts: str) -> Path | None:
    for folder in hazard_dirs():
        candidate = folder.joinpath(*parts)
        if candidate.is_file():
            return candidate
    return None


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except OSError as error:
        raise PackError(str(path), [("", f"cannot read the file: {error.strerror}")]) from None
    except tomllib.TOMLDecodeError as error:
        raise PackError(str(path), [("", f"not valid TOML: {error}")]) from None


def parse_organisation_pack(path: Path) -> HazardPack:
    """An organisation's hazards pack: its keys over the built-in pack's, validated as one
    (errors name the organisation's file)."""
    base = tomllib.loads((BUILTIN_DIR / f"{DEFAULT_HAZARD_PACK}.toml").read_text(encoding="utf-8"))
    data = {**base, **_read(path)[1]}
    data.setdefault("extends", DEFAULT_HAZARD_PACK)
    return _parse_pack(_as_toml(data), source=str(path))


def _as_toml(data: dict[str, Any]) -> str:
    """Merged data written back as TOML (inline tables), to be validated as a file is."""

    def value(v: Any) -> str:
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, bool):
            return "true" if v else "false"
        if hasattr(v, "isoformat"):
            return str(v.isoformat())
        return json.dumps(v)

    return "\n".join(f"{json.dumps(k)} = {value(v)}" for k, v in data.items())


@cache
def _organisation_pack(slug: str) -> HazardPack:
    own = _own_file(f"{slug}.toml")
    return parse_organisation_pack(own) if own else builtin_pack()


@cache
def _organisation_triage(slug: str) -> Triage:
    own = _own_file("triage", f"{slug}.toml")
    if own is None:
        return builtin_triage()
    text, _ = _read(own)
    return merged(builtin_triage(), parse_triage(text, source=str(own)))


def hazard_pack_for(organisation: Organisation) -> HazardPack:
    """The hazards pack an organisation applies (its own over the built-in one)."""
    return _organisation_pack(organisation.slug)


def triage_for(organisation: Organisation) -> Triage:
    """The lexicon an organisation screens contacts with (its own words added)."""
    return _organisation_triage(organisation.slug)


def forget() -> None:
    """Read the files again next time (tests, or after a landlord changes its own)."""
    _organisation_pack.cache_clear()
    _organisation_triage.cache_clear()
