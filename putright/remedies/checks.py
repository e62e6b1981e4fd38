"""A broken remedies pack stops PutRight from starting, naming the file and the field."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from putright.domain.errors import PackError


@register()
def remedies_packs_load(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every remedies pack (the ombudsman's guidance) loads and validates."""
    from .guidance import remedies_registry

    try:
        remedies_registry()
    except PackError as error:
        return [Error(str(error), hint="Correct the remedies pack.", id="remedies.E001")]
    return []
