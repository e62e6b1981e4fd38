"""Background work of learning from complaints."""

from __future__ import annotations

from django_tasks import task

from .services import start_lessons_reviews


@task()
def start_reviews_of_upheld_complaints() -> int:
    """Put the review for lessons of each upheld complaint answered lately on its reviewer's
    My work, where the pack names a reviewer; once each. Returns how many started."""
    return start_lessons_reviews()
