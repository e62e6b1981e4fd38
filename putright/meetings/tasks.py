"""Background tasks of review meetings: the e-mails their services queue with the change."""

from __future__ import annotations

from django_tasks import task


@task()
def send_invitations(meeting_id: int, sequence: int) -> int:
    """E-mail a meeting's invitation (or its update, or its cancellation); how many."""
    from .notifications import send_invitations as send

    return send(meeting_id, sequence)


@task()
def send_papers(subject: str, body: str, emails: list[str]) -> int:
    """E-mail a review's papers notice; how many."""
    from .notifications import send_papers as send

    return send(subject, body, emails)
