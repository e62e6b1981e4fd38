"""The packs this installation knows: built-in ones and those in PUTRIGHT_POLICY_DIRS."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from putright.domain.errors import PackError
from putright.domain.policy import (
    DEFAULT_PACK_ID,
    Pack,
    PackRegistry,
    builtin_registry,
    load_pack_file,
)


@cache
def pack_registry() -> PackRegistry:
    """Every pack, loaded and validated once per process (raises PackError naming the file)."""
    return PackRegistry(Path(folder) for folder in settings.PUTRIGHT_POLICY_DIRS)


def get_pack(pack_id: str) -> Pack:
    """The pack with this id (raises UnknownPackError)."""
    return pack_registry().get(pack_id)


def code_pack() -> Pack:
    """The statutory Code every pack is checked against."""
    return pack_registry().get(DEFAULT_PACK_ID)


def is_pack_file(id_or_file: str) -> bool:
    """Whether a command's ``ID_OR_FILE`` names a file (it ends in .toml or has a /)."""
    return id_or_file.endswith(".toml") or "/" in id_or_file


def resolve_pack(id_or_file: str) -> Pack:
    """A pack from a file, read on its own (another broken pack does not stop it), or by id."""
    if is_pack_file(id_or_file):
        return load_pack_file(Path(id_or_file))
    return pack_registry().get(id_or_file)


def code_pack_for_check() -> tuple[Pack, str]:
    """The Code to check a pack against, and a warning when the installation's packs do not
    load: the built-in Code is used instead, and the warning names the broken pack."""
    try:
        return code_pack(), ""
    except PackError as error:
        return builtin_registry().get(DEFAULT_PACK_ID), (
            f"Warning: the installation's packs do not load ({error}); "
            "checked against the built-in Code."
        )
