"""A broken pack stops PutRight from starting, naming the file and the field."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from putright.domain.errors import PackError

from .registry import pack_registry


@register()
def packs_load(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every built-in pack and every pack in PUTRIGHT_POLICY_DIRS loads and validates."""
    try:
        pack_registry()
    except PackError as error:
        return [
            Error(
                str(error),
                hint="Correct the pack, or take its folder out of PUTRIGHT_POLICY_DIRS. "
                "`putright policy check FILE` checks one file on its own.",
                id="policies.E001",
            )
        ]
    return []
