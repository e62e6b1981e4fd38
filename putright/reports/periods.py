"""The period a report opens on when none is asked for: one that holds the complaints.

Reports are read by the year (1 April to 31 March, the year of the Tenant Satisfaction
Measures and of the annual report). A report opens on:

1. the last complete financial year, when it holds cases of the organisation;
2. else this financial year to date, when it holds some (a landlord that started using
   PutRight this year);
3. else the financial year of the latest case received (cases only years ago);
4. else, with no case at all, the last complete financial year.

Each comes with a sentence saying why, shown on the page beside the period.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max

from putright.cases.models import Case
from putright.organisations.models import Organisation

from .export import long_date


@dataclass(frozen=True)
class DefaultPeriod:
    start: datetime.date
    end: datetime.date
    reason: str


def financial_year_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """1 April to 31 March of the financial year holding ``day``."""
    year = day.year if day.month >= 4 else day.year - 1
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def last_financial_year(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """1 April to 31 March of the last complete financial year."""
    start, _end = financial_year_of(today)
    return financial_year_of(start - datetime.timedelta(days=1))


def default_period(organisations: Iterable[Organisation], today: datetime.date) -> DefaultPeriod:
    """The period a report opens on for these organisations (their members included)."""
    from .service import organisation_and_members

    ids = {m.pk for o in organisations for m in organisation_and_members(o)}
    cases = Case.objects.filter(organisation_id__in=ids, deemed_received_on__lte=today)
    last_start, last_end = last_financial_year(today)
    span = f"{long_date(last_start)} to {long_date(last_end)}"
    if cases.filter(deemed_received_on__gte=last_start, deemed_received_on__lte=last_end).exists():
        return DefaultPeriod(
            last_start, last_end, f"The last complete financial year ({span}) is shown."
        )
    this_start = last_end + datetime.timedelta(days=1)
    if cases.filter(deemed_received_on__gte=this_start).exists():
        return DefaultPeriod(
            this_start,
            today,
            f"This financial year to date is shown: the last complete year ({span}) holds no "
            "complaints.",
        )
    latest = cases.aggregate(latest=Max("deemed_received_on"))["latest"]
    if latest is not None:
        start, end = financial_year_of(latest)
        return DefaultPeriod(
            start,
            end,
            f"The financial year of the latest complaint received ({long_date(latest)}) is "
            "shown: no complaint has been received since.",
        )
    return DefaultPeriod(
        last_start,
        last_end,
        f"The last complete financial year ({span}) is shown: no complaint has been recorded yet.",
    )
