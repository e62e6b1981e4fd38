"""Every periodic job PutRight runs, with its schedule, in one place.

The scheduler (``putright.system.scheduler``) enqueues each job once per slot of
its interval, whatever the number of workers; the worker then runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class PeriodicJob:
    """A task to enqueue every ``every``; ``task`` is the dotted path of a django-tasks task."""

    name: str
    task: str
    every: timedelta
    description: str

    @property
    def seconds(self) -> int:
        return int(self.every.total_seconds())


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        name="heartbeat",
        task="putright.system.tasks.record_heartbeat",
        every=timedelta(minutes=1),
        description="Record that the worker is alive (shown by /healthz).",
    ),
    PeriodicJob(
        name="deadline-sweep",
        task="putright.cases.tasks.sweep_deadlines",
        every=timedelta(minutes=15),
        description="Chase, alert, convert and close cases as their policy packs say, once each.",
    ),
    PeriodicJob(
        name="record-clocks-sweep",
        task="putright.timeline.tasks.sweep_record_clocks",
        every=timedelta(minutes=15),
        description="Chase the owner once about each deadline on a record (not a case) that has passed.",
    ),
    PeriodicJob(
        name="hazard-breach-alerts",
        task="putright.hazards.tasks.alert_hazard_breaches",
        every=timedelta(minutes=15),
        description="Tell the roles the hazards pack names, once, of each Awaab's Law clock missed.",
    ),
    PeriodicJob(
        name="ombudsman-order-reminders",
        task="putright.ombudsman.tasks.remind_orders_due_soon",
        every=timedelta(hours=1),
        description="Remind owners once of Ombudsman orders due within five working days.",
    ),
    PeriodicJob(
        name="lessons-reviews",
        task="putright.learning.tasks.start_reviews_of_upheld_complaints",
        every=timedelta(hours=1),
        description="Put the review of each upheld complaint on the reviewer's My work, where the policy names one.",
    ),
    PeriodicJob(
        name="overdue-remedy-actions",
        task="putright.remedies.tasks.alert_overdue_actions",
        every=timedelta(hours=1),
        description="Alert owners and handlers once about actions to put things right that slipped.",
    ),
    PeriodicJob(
        name="mail-in",
        task="putright.mailbox.tasks.poll_mailboxes",
        every=timedelta(minutes=1),
        description="Keep each unseen message of the complaints mailboxes, waiting for staff to classify.",
    ),
    PeriodicJob(
        name="webhook-events",
        task="putright.webhooks.tasks.collect_webhook_events",
        every=timedelta(minutes=1),
        description="Make a signed delivery of each new case event a webhook subscription wants.",
    ),
    PeriodicJob(
        name="webhook-retries",
        task="putright.webhooks.tasks.retry_webhooks",
        every=timedelta(minutes=1),
        description="Send again each webhook delivery whose next try (exponential back-off) is due.",
    ),
    PeriodicJob(
        name="retention",
        task="putright.privacy.tasks.apply_retention_schedule",
        every=timedelta(days=1),
        description="Anonymise personal data past each record type's retention period (a legal hold stops it); report figures stay.",
    ),
    PeriodicJob(
        name="abandoned-portal-uploads",
        task="putright.portal.tasks.remove_abandoned_uploads",
        every=timedelta(hours=6),
        description="Delete evidence residents uploaded in journeys they never sent, once ended.",
    ),
)


#: What follows a change to an organisation's working calendar (closure days, region,
#: cut-off), each a task taking the organisation's id, queued once the change commits: the
#: open cases' cached dates and the open clocks of other records are worked out again.
CALENDAR_CHANGED_TASKS: tuple[str, ...] = (
    "putright.cases.tasks.refresh_organisation_dates",
    "putright.timeline.tasks.recalculate_organisation_clocks",
)


#: What screens every contact once it is recorded, whatever the interface (portal, staff,
#: API, import): each a function taking ``case`` and ``actor``, called by ``case_receive`` in
#: its transaction. Hazards and signs of vulnerability (Awaab's Law), named here so that
#: ``cases`` calls ``hazards`` without importing it.
CONTACT_SCREENS: tuple[str, ...] = ("putright.hazards.services.screen_contact",)


#: Who signs a letter about an event instead of the case's handler, where a policy says so:
#: each a function taking ``case`` and ``event`` and giving a member of staff or None, asked in
#: turn by the letters (Southern's Senior Manager Review is answered under the senior
#: manager's name). Named here so that ``letters`` asks ``meetings`` without importing it.
LETTER_SIGNERS: tuple[str, ...] = ("putright.meetings.signing.response_signer",)


def letter_signers() -> list[Any]:
    """The functions that may name who signs a letter."""
    from django.utils.module_loading import import_string

    return [import_string(path) for path in LETTER_SIGNERS]


def contact_screens() -> list[Any]:
    """The functions that screen a contact just recorded."""
    from django.utils.module_loading import import_string

    return [import_string(path) for path in CONTACT_SCREENS]


def job_named(name: str) -> PeriodicJob:
    """The periodic job called ``name``."""
    for job in PERIODIC_JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


def load_task(job: PeriodicJob) -> Any:
    """The task object a job names."""
    from django.utils.module_loading import import_string

    return import_string(job.task)
