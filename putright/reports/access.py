"""Who may read which report, and which cases behind a figure they may see."""

from __future__ import annotations

from collections.abc import Iterable

from putright.accounts.access import (
    AccessDeniedError,
    NotVisibleError,
    can_read_reports,
    record_access,
    roles_in,
)
from putright.accounts.models import User
from putright.cases.access import cases_visible_to
from putright.organisations.models import Organisation

from .export import filename
from .service import Report

NO_ORGANISATION = "There is no organisation {slug} that you work for."
NOT_A_READER = "Your role ({roles}) does not allow reading the reports of {name}."


def report_organisation(user: User, slug: str) -> Organisation:
    """The organisation whose reports the user asks for: 404 if not theirs, 403 if not a reader."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not roles_in(user, organisation.pk):
        raise NotVisibleError(NO_ORGANISATION.format(slug=slug))
    if not can_read_reports(user, organisation):
        roles = ", ".join(sorted(roles_in(user, organisation.pk)))
        raise AccessDeniedError(NOT_A_READER.format(roles=roles, name=organisation.name))
    return organisation


def visible_references(user: User, case_ids: Iterable[int] | None) -> list[str]:
    """The references, among those cases, of the ones the user may see (none for a board member)."""
    if case_ids is None:
        return []
    ids = sorted({int(i) for i in case_ids})
    visible = cases_visible_to(user)
    found: list[str] = []
    for i in range(0, len(ids), 5000):
        found += visible.filter(pk__in=ids[i : i + 5000]).values_list("reference", flat=True)
    return sorted(set(found))


def record_export(user: User, report: Report, fmt: str) -> None:
    """A report leaving PutRight as a file is recorded, like every other export."""
    grouped = f" by {', '.join(report.by)}" if report.by else ""
    record_access(user, "exported a report", detail=f"{filename(report, fmt)}{grouped}")
