"""Background tasks of the people app."""

from __future__ import annotations

from django_tasks import task


@task()
def tell_need_to_know(restriction_id: int, what: str, user_ids: list[int]) -> int:
    """E-mail those who need to know of a restriction imposed or lifted; how many were sent."""
    from .notices import tell

    return tell(restriction_id, what, user_ids)
