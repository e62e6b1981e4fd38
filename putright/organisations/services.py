"""Creating organisations and their working calendars."""

from __future__ import annotations

import datetime
import re
import secrets
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from putright.domain.calendar import WorkingCalendar
from putright.domain.errors import UnknownPackError
from putright.jobs import CALENDAR_CHANGED_TASKS
from putright.policies.registry import get_pack

from .models import RESERVED_SLUG, RESERVED_SLUGS, ClosureDay, HomesCount, Organisation

UNKNOWN_PACK = "There is no policy pack {pack!r}. Known packs: {known}."
SLUG_TAKEN = "There is already an organisation with the slug {slug!r}."
PREFIX_TAKEN = (
    "Another organisation's case references already start {prefix}-; choose another prefix."
)
BAD_SLUG = "A slug is lower-case letters, digits and hyphens, e.g. harbourside-homes."


class OrganisationError(Exception):
    """An organisation cannot be created or changed as asked."""


def default_prefix(name: str) -> str:
    """Initials of the name in capitals, at least two letters: ``Harbourside Homes`` -> HH."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    initials = "".join(w[0] for w in words).upper()
    if len(initials) < 2:
        initials = (words[0][:3] if words else "ORG").upper()
    return initials[:8]


def _free_prefix(prefix: str) -> str:
    """``prefix``, or ``prefix`` with the first number that makes it unused."""
    taken = set(
        Organisation.objects.filter(reference_prefix__startswith=prefix[:6]).values_list(
            "reference_prefix", flat=True
        )
    )
    if prefix not in taken:
        return prefix
    return next(f"{prefix[:6]}{n}" for n in range(2, 100) if f"{prefix[:6]}{n}" not in taken)


@transaction.atomic
def organisation_create(
    *,
    slug: str,
    name: str,
    policy_pack: str = "hos-code-2024",
    homes: int | None = None,
    parent: Organisation | None = None,
    calendar_region: str = "ENG",
    ombudsman_route: str = "housing_ombudsman",
    reference_prefix: str | None = None,
) -> Organisation:
    """Create an organisation bound to a pack that exists."""
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise OrganisationError(BAD_SLUG)
    if slug in RESERVED_SLUGS:
        raise OrganisationError(RESERVED_SLUG.format(slug=slug))
    if Organisation.objects.filter(slug=slug).exists():
        raise OrganisationError(SLUG_TAKEN.format(slug=slug))
    try:
        get_pack(policy_pack)
    except UnknownPackError as error:
        raise OrganisationError(
            UNKNOWN_PACK.format(pack=policy_pack, known=", ".join(error.known))
        ) from None
    prefix = reference_prefix or _free_prefix(default_prefix(name))
    if Organisation.objects.filter(reference_prefix=prefix).exists():
        raise OrganisationError(PREFIX_TAKEN.format(prefix=prefix))
    organisation = Organisation(
        slug=slug,
        name=name,
        policy_pack=policy_pack,
        parent=parent,
        calendar_region=calendar_region,
        ombudsman_route=ombudsman_route,
        reference_prefix=prefix,
    )
    try:
        organisation.full_clean()
    except ValidationError as error:
        raise OrganisationError(
            "; ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())
        ) from None
    organisation.save()
    if homes is not None:
        HomesCount.objects.create(
            organisation=organisation, year=timezone.localdate().year, homes=homes
        )
    return organisation


@transaction.atomic
def organisation_add_closure_day(
    *, organisation: Organisation, date: datetime.date, name: str = "Closure day"
) -> ClosureDay:
    """Add a closure day; open cases' cached dates are recomputed in the background."""
    day, _ = ClosureDay.objects.update_or_create(
        organisation=organisation, date=date, defaults={"name": name}
    )
    organisation_calendar_changed(organisation)
    return day


def organisation_calendar_changed(organisation: Organisation) -> None:
    """The organisation's closure days, region or cut-off changed: a new calendar version,
    and its open cases' cached dates and its records' open clocks recomputed in the
    background once this commits.

    The version is a fresh random number, not the next one, so a version rolled back with
    its transaction is never reused for a different calendar (calendars are cached by it).
    """
    current = organisation.calendar_version
    version = current
    while version == current:
        version = secrets.randbelow(2_000_000_000) + 1
    Organisation.objects.filter(pk=organisation.pk).update(calendar_version=version)
    organisation.calendar_version = version
    for path in CALENDAR_CHANGED_TASKS:
        task = import_string(path)
        transaction.on_commit(partial(task.enqueue, organisation.pk))


_calendars: dict[tuple[object, ...], WorkingCalendar] = {}


def organisation_calendar(organisation: Organisation) -> WorkingCalendar:
    """The organisation's working calendar: region, closure days and cut-off.

    Cached per process until the organisation's closure days change (``calendar_version``).
    """
    zone = timezone.get_default_timezone_name()
    key = (
        organisation.pk,
        organisation.calendar_version,
        organisation.calendar_region,
        organisation.cutoff_time,
        zone,
    )
    calendar = _calendars.get(key)
    if calendar is None:
        closures = dict(organisation.closure_days.order_by("date").values_list("date", "name"))
        calendar = WorkingCalendar(
            region=organisation.calendar_region,
            closure_days=closures,
            cutoff=organisation.cutoff_time,
            time_zone=zone,
        )
        if len(_calendars) > 512:
            _calendars.clear()
        _calendars[key] = calendar
    return calendar
