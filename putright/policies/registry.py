"""The packs this installation knows: built-in ones and those in PUTRIGHT_POLICY_DIRS."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from putright.domain.policy import DEFAULT_PACK_ID, Pack, PackRegistry


@cache
def pack_registry() -> PackRegistry:
    """Every pack, loaded and validated once per process."""
    return PackRegistry(Path(folder) for folder in settings.PUTRIGHT_POLICY_DIRS)


def get_pack(pack_id: str) -> Pack:
    """The pack with this id (raises UnknownPackError)."""
    return pack_registry().get(pack_id)


def code_pack() -> Pack:
    """The statutory Code every pack is checked against."""
    return pack_registry().get(DEFAULT_PACK_ID)
