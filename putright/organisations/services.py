"""Creating organisations and their working calendars."""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from putright.domain.calendar import WorkingCalendar, describe
from putright.domain.errors import UnknownPackError
from putright.domain.floor import FLOOR_RULE_IDS, FLOOR_RULES
from putright.jobs import CALENDAR_CHANGED_TASKS
from putright.policies.registry import get_pack

from .models import (
    RESERVED_SLUG,
    RESERVED_SLUGS,
    ClosureDay,
    FloorChange,
    HomesCount,
    Organisation,
    PolicyAdoption,
    pack_in_force,
)

if TYPE_CHECKING:
    from putright.accounts.models import User

UNKNOWN_PACK = "There is no policy pack {pack!r}. Known packs: {known}."
SLUG_TAKEN = "There is already an organisation with the slug {slug!r}."
PREFIX_TAKEN = (
    "Another organisation's case references already start {prefix}-; choose another prefix."
)
BAD_SLUG = "A slug is lower-case letters, digits and hyphens, e.g. harbourside-homes."
UNKNOWN_RULE = "There is no Code minimum {rule!r}. Known: {known}."
RULE_ON_AND_OFF = "{rule!r} cannot be switched both on and off."
SAME_PACK = "{pack} is already the policy in force on {date}; nothing to change."
NOT_AFTER_LAST = (
    "A change to {pack} from {last} is already recorded; a new change takes effect after the "
    "last one, so that the history is never rewritten. To change one not yet in force, "
    "withdraw it first."
)
CASES_SINCE = (
    "{count} case(s) were received on or after {date} under {pack}; a change cannot reach back "
    "past them (they keep the pack they started under). Take it from {earliest} or later; "
    "putright org policy-impact shows what moving the open cases would do."
)
ALREADY_IN_FORCE = (
    "The change to {pack} took effect on {date}; a change in force is not withdrawn, "
    "record a new one instead."
)
ALREADY_WITHDRAWN = "That change was already withdrawn."
NOT_THE_LAST = "Withdraw the later change to {pack} from {date} first."


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


def _refresh_open_cases(organisation: Organisation) -> None:
    """Recompute the organisation's open cases' cached dates and open clocks, queued with the
    change of calendar."""
    from putright.queueing import enqueue_with_change

    for path in CALENDAR_CHANGED_TASKS:
        enqueue_with_change(import_string(path), organisation.pk)


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
    _refresh_open_cases(organisation)


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


# -- the Code's floor ---------------------------------------------------------------------


def _locked(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


@transaction.atomic
def organisation_floor_change(
    *,
    organisation: Organisation,
    off: Iterable[str] = (),
    on: Iterable[str] = (),
    recorded_by: User | None = None,
    recorded_by_label: str = "",
    note: str = "",
) -> list[FloorChange]:
    """Switch Code minimums off (or back on) for an organisation, each change recorded.

    The Code binds the landlord whatever is chosen here; by default PutRight applies every
    minimum. Open cases' cached dates follow once this commits.
    """
    off, on = set(off), set(on)
    known = ", ".join(rule.id for rule in FLOOR_RULES)
    for rule in sorted(off | on):
        if rule not in FLOOR_RULE_IDS:
            raise OrganisationError(UNKNOWN_RULE.format(rule=rule, known=known))
    for rule in sorted(off & on):
        raise OrganisationError(RULE_ON_AND_OFF.format(rule=rule))
    locked = _locked(organisation)
    current = set(locked.code_floor_off or ())
    wanted = (current | off) - on
    if wanted == current:
        return []
    now = timezone.now()
    changes = [
        FloorChange.objects.create(
            organisation=locked,
            rule=rule.id,
            applies=rule.id not in wanted,
            note=note,
            recorded_by=recorded_by,
            recorded_by_label=recorded_by_label,
            recorded_at=now,
        )
        for rule in FLOOR_RULES
        if (rule.id in wanted) != (rule.id in current)
    ]
    # Stored in FLOOR_RULES order, so the same choice always reads the same.
    locked.code_floor_off = [rule.id for rule in FLOOR_RULES if rule.id in wanted]
    locked.save(update_fields=["code_floor_off"])
    organisation.code_floor_off = locked.code_floor_off
    _refresh_open_cases(locked)
    return changes


# -- policies change --------------------------------------------------------------------


def _known_pack(pack_id: str) -> str:
    try:
        return get_pack(pack_id).id
    except UnknownPackError as error:
        raise OrganisationError(
            UNKNOWN_PACK.format(pack=pack_id, known=", ".join(error.known))
        ) from None


def _reschedule(organisation: Organisation, today: datetime.date) -> None:
    """Copy the adoptions not withdrawn onto the organisation, with today's pack."""
    active = list(
        organisation.policy_adoptions.filter(withdrawn_at__isnull=True).order_by("from_date")
    )
    schedule: list[list[str | None]] = []
    if active:
        schedule = [[None, active[0].replaces]]
        schedule += [[a.from_date.isoformat(), a.policy_pack] for a in active]
    organisation.policy_schedule = schedule
    organisation.policy_pack = pack_in_force(schedule, today) or organisation.policy_pack
    organisation.save(update_fields=["policy_schedule", "policy_pack"])


def _cases_received_since(
    organisation: Organisation, day: datetime.date
) -> tuple[int, datetime.date | None]:
    """How many of the organisation's cases were deemed received on or after ``day``, and the last
    such date. Cases sit above organisations, so the model is named, not imported."""
    case_model = apps.get_model("cases", "Case")
    since = case_model.objects.filter(organisation=organisation, deemed_received_on__gte=day)
    latest = since.order_by("-deemed_received_on").values_list("deemed_received_on", flat=True)
    return since.count(), latest.first()


def _adoptable(
    organisation: Organisation, policy_pack: str, from_date: datetime.date
) -> tuple[str, str]:
    """The pack and the pack it replaces, or ``OrganisationError`` saying why not."""
    pack = _known_pack(policy_pack)
    last = (
        organisation.policy_adoptions.filter(withdrawn_at__isnull=True)
        .order_by("-from_date")
        .first()
    )
    if last is not None and from_date <= last.from_date:
        raise OrganisationError(
            NOT_AFTER_LAST.format(pack=last.policy_pack, last=describe(last.from_date))
        )
    replaces = pack_in_force(organisation.policy_schedule, from_date) or organisation.policy_pack
    if replaces == pack:
        raise OrganisationError(SAME_PACK.format(pack=pack, date=describe(from_date)))
    count, latest = _cases_received_since(organisation, from_date)
    if count and latest is not None:
        raise OrganisationError(
            CASES_SINCE.format(
                count=count,
                date=describe(from_date),
                pack=replaces,
                earliest=describe(latest + datetime.timedelta(days=1)),
            )
        )
    return pack, replaces


def adoption_refusal(
    *, organisation: Organisation, policy_pack: str, from_date: datetime.date
) -> str:
    """Why the organisation cannot move to ``policy_pack`` from ``from_date`` ("" if it can):
    what ``organisation_adopt_policy`` would refuse, for a form to say beside its fields."""
    try:
        _adoptable(organisation, policy_pack, from_date)
    except OrganisationError as error:
        return str(error)
    return ""


@transaction.atomic
def organisation_adopt_policy(
    *,
    organisation: Organisation,
    policy_pack: str,
    from_date: datetime.date,
    recorded_by: User | None = None,
    recorded_by_label: str = "",
    note: str = "",
    today: datetime.date | None = None,
) -> PolicyAdoption:
    """Move the organisation to a pack from a date, recorded.

    Cases deemed received on or after ``from_date`` take the new pack (``pack_for``); cases
    received before keep the pack they started under. A change is recorded after the last one
    (history is never reordered) and never reaches back past a case already received.
    """
    today = today or timezone.localdate()
    locked = _locked(organisation)
    pack, replaces = _adoptable(locked, policy_pack, from_date)
    adoption = PolicyAdoption.objects.create(
        organisation=locked,
        policy_pack=pack,
        replaces=replaces,
        from_date=from_date,
        note=note,
        recorded_by=recorded_by,
        recorded_by_label=recorded_by_label,
        recorded_at=timezone.now(),
    )
    _reschedule(locked, today)
    organisation.policy_schedule = locked.policy_schedule
    organisation.policy_pack = locked.policy_pack
    return adoption


@transaction.atomic
def organisation_withdraw_adoption(
    *,
    adoption: PolicyAdoption,
    recorded_by: User | None = None,
    recorded_by_label: str = "",
    today: datetime.date | None = None,
) -> PolicyAdoption:
    """Withdraw a change not yet in force (a wrong date or pack); it stays in the history."""
    today = today or timezone.localdate()
    locked = _locked(adoption.organisation)
    adoption = PolicyAdoption.objects.select_for_update().get(pk=adoption.pk)
    if adoption.withdrawn_at is not None:
        raise OrganisationError(ALREADY_WITHDRAWN)
    if adoption.from_date <= today:
        raise OrganisationError(
            ALREADY_IN_FORCE.format(pack=adoption.policy_pack, date=describe(adoption.from_date))
        )
    later = (
        locked.policy_adoptions.filter(withdrawn_at__isnull=True, from_date__gt=adoption.from_date)
        .order_by("-from_date")
        .first()
    )
    if later is not None:
        # The later change names this one as the pack it replaces.
        raise OrganisationError(
            NOT_THE_LAST.format(pack=later.policy_pack, date=describe(later.from_date))
        )
    adoption.withdrawn_at = timezone.now()
    adoption.withdrawn_by = recorded_by
    adoption.withdrawn_by_label = recorded_by_label
    adoption.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_by_label"])
    _reschedule(locked, today)
    return adoption
