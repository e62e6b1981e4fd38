"""The kinds of record that have a timeline: each registers once, from its app's ready().

A record type names itself, says what it is called in plain words, which model holds it,
how to filter a set of its records down to those a user may see, and where staff open
one. Example, in ``putright/restrictions/apps.py``::

    def ready(self) -> None:
        from putright.timeline import registry

        from .models import Restriction
        from .selectors import restrictions_visible_to

        registry.register(
            name="restriction",
            label="Contact restriction",
            model=Restriction,
            visible_to=restrictions_visible_to,  # (user, queryset) -> queryset
            url=lambda r: reverse("staff:restriction", args=[r.person_id, r.pk]),
        )

Visibility takes a queryset rather than one id so that My work asks once per record type,
however many clocks a person owes; ``may_see`` answers for one record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet

from putright.accounts.models import User

from . import errors
from .errors import RecordInputError

#: Filters a queryset of the record type's model down to what the user may see.
Visibility = Callable[[User, QuerySet[Any]], QuerySet[Any]]


@dataclass(frozen=True)
class RecordType:
    """One kind of record with a timeline."""

    name: str
    label: str
    model: type[models.Model]
    visible_to: Visibility
    url: Callable[[Any], str] | None = None

    def reference(self, record_id: int) -> str:
        """How an e-mail or a log names a record: its kind and number, never its contents."""
        return f"{self.label} {record_id}"

    def url_of(self, record: models.Model) -> str:
        """Where staff open the record ('' if it has no page)."""
        return self.url(record) if self.url else ""


_TYPES: dict[str, RecordType] = {}


def register(
    *,
    name: str,
    label: str,
    model: type[models.Model],
    visible_to: Visibility,
    url: Callable[[Any], str] | None = None,
) -> RecordType:
    """Make a kind of record known to the timeline; registering it again changes nothing."""
    known = _TYPES.get(name)
    if known is not None and known.model is not model:
        raise ValueError(f"record type {name!r} is already registered for {known.model.__name__}")
    record_type = RecordType(name=name, label=label, model=model, visible_to=visible_to, url=url)
    _TYPES[name] = record_type
    return record_type


def record_type(name: str) -> RecordType:
    """The registered record type called ``name``."""
    found = _TYPES.get(name)
    if found is None:
        message = errors.UNKNOWN_TYPE.format(record_type=name)
        raise RecordInputError(message, fields={"record_type": message})
    return found


def registered() -> list[RecordType]:
    """Every registered record type, by name."""
    return [_TYPES[name] for name in sorted(_TYPES)]


def visible_records(user: User, name: str, ids: Iterable[int]) -> dict[int, Any]:
    """Those of the records ``ids`` of a type that the user may see, by id (one query)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    kind = record_type(name)
    found = kind.visible_to(user, kind.model._default_manager.filter(pk__in=wanted))
    return {record.pk: record for record in found}


def may_see(user: User, name: str, record_id: int) -> bool:
    """Whether the user may see one record."""
    return record_id in visible_records(user, name, [record_id])
