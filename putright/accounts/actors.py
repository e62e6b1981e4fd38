"""Who acts on a record: a member of staff, or PutRight itself (the sweep, the portal)."""

from __future__ import annotations

from dataclasses import dataclass

from .models import User

#: The label of changes the deadline sweep makes.
SYSTEM = "deadline sweep"


@dataclass(frozen=True)
class Actor:
    """Who acts: a user, or the system with a label."""

    user: User | None = None
    label: str = ""

    @classmethod
    def system(cls, label: str = SYSTEM) -> Actor:
        return cls(user=None, label=label)
