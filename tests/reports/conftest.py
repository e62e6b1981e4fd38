"""Hand-built chronologies for the report tests.

``Builder`` writes cases and their events directly, in the shapes the case services
record (see ``putright.cases.services``), so a test can state exactly what happened and
when, including what the services would refuse (an extension beyond the Code).
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from putright.cases.models import Case, ClosureReason, Event, EventKind, Status
from putright.organisations.models import HomesCount, Organisation
from putright.organisations.services import organisation_calendar, organisation_create
from putright.people.models import Person
from putright.policies.registry import get_pack

LONDON = ZoneInfo("Europe/London")
NOW = (2026, 6, 1, 9)  # after every event of the data sets


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def d(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


Moment = datetime.datetime | datetime.date


def moment(when: Moment) -> datetime.datetime:
    if isinstance(when, datetime.datetime):
        return when
    return datetime.datetime.combine(when, datetime.time(10, 0), tzinfo=LONDON)


class Builder:
    """Cases of one organisation with exactly the chronology a test states."""

    _numbers = itertools.count(1)

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.calendar = organisation_calendar(organisation)

    def case(
        self,
        received: Moment,
        *,
        kind: str = "complaint",
        start_stage: str = "stage1",
        channel: str = "phone",
        service_area: str = "Repairs",
        category: str = "Delay",
        tenure: str = "tenant",
        postcode: str = "L24 1AA",
        equality: dict[str, str] | None = None,
        customer: bool = True,
    ) -> Case:
        received_at = moment(received)
        receipt = self.calendar.deemed_receipt(received_at)
        person = None
        if customer:
            person = Person.objects.create(
                organisation=self.organisation,
                name="Pat Resident",
                tenure=tenure,
                postcode=postcode,
                equality_consent=bool(equality),
                equality_data=equality or {},
            )
        number = next(self._numbers)
        case = Case.objects.create(
            reference=f"{self.organisation.reference_prefix}-T-{number:05d}",
            organisation=self.organisation,
            policy_pack=self.organisation.policy_pack,
            kind=kind,
            channel=channel,
            received_at=received_at,
            deemed_received_on=receipt.deemed,
            summary="A complaint",
            service_area=service_area,
            category=category,
            customer=person,
            stage=start_stage,
        )
        self.event(
            case,
            EventKind.RECEIVED,
            received_at,
            channel=channel,
            kind=kind,
            start_stage=start_stage,
            deemed_received_on=receipt.deemed.isoformat(),
        )
        return case

    def event(
        self, case: Case, event_kind: str, when: Moment, *, stage: str | None = None, **data: Any
    ) -> Event:
        last = case.events.order_by("-sequence").values_list("sequence", flat=True).first() or 0
        return Event.objects.create(
            case=case,
            sequence=last + 1,
            kind=event_kind,
            stage=case.stage if stage is None else stage,
            occurred_at=moment(when),
            recorded_at=moment(when),
            data=data,
        )

    def _save(self, case: Case, **fields: Any) -> Case:
        for name, value in fields.items():
            setattr(case, name, value)
        case.save(update_fields=list(fields))
        return case

    # -- the steps, as the services record them ------------------------------------

    def acknowledge(self, case: Case, when: Moment) -> Case:
        self.event(case, EventKind.ACKNOWLEDGED, when)
        return case

    def extend(self, case: Case, when: Moment, days: int, reason: str = "complexity") -> Case:
        self.event(case, EventKind.EXTENDED, when, working_days=days, reason=reason)
        return case

    def respond(self, case: Case, when: Moment, outcome: str = "upheld") -> Case:
        final = get_pack(case.policy_pack).stage(case.stage).escalation is None
        self.event(
            case,
            EventKind.RESPONDED,
            when,
            outcome=outcome,
            text="Our answer",
            issues=[],
            final=final,
        )
        return self._save(case, status=Status.OPEN if final else Status.AWAITING_ESCALATION)

    def escalate(self, case: Case, when: Moment, to: str = "stage2") -> Case:
        self.event(case, EventKind.ESCALATION_REQUESTED, when, to_stage=to, route="", late=False)
        return self._save(case, stage=to, status=Status.OPEN)

    def make_formal(self, case: Case, when: Moment, to: str = "stage1") -> Case:
        self.event(case, EventKind.MADE_FORMAL, when, to_stage=to, reason="")
        return self._save(case, stage=to, kind="complaint", status=Status.OPEN)

    def close(self, case: Case, when: Moment, reason: str = ClosureReason.RESOLVED) -> Case:
        self.event(case, EventKind.CLOSED, when, reason=reason, note="")
        return self._save(case, status=Status.CLOSED, closure_reason=reason, closed_at=moment(when))

    def withdraw(self, case: Case, when: Moment) -> Case:
        self.event(case, EventKind.WITHDRAWN, when, note="")
        return self.close(case, when, ClosureReason.WITHDRAWN)

    def refuse(self, case: Case, when: Moment, exclusion: str = "older_than_twelve_months") -> Case:
        self.event(
            case,
            EventKind.ELIGIBILITY_DECIDED,
            when,
            accepted=False,
            reason="Too old",
            exclusion=exclusion,
        )
        self._save(case, eligibility="refused")
        return self.close(case, when, ClosureReason.REFUSED)

    def refuse_escalation(self, case: Case, when: Moment, ground: str = "exclusion") -> Case:
        self.event(case, EventKind.ESCALATION_REFUSED, when, ground=ground, explanation="No")
        return self.close(case, when, ClosureReason.REFUSED)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(at(*NOW), tick=False)
    return at(*NOW)


@pytest.fixture
def code_org(db, now) -> Organisation:
    organisation = organisation_create(
        slug="code-homes", name="Code Homes", policy_pack="hos-code-2024", reference_prefix="CODE"
    )
    HomesCount.objects.create(organisation=organisation, year=2025, homes=1900)
    HomesCount.objects.create(organisation=organisation, year=2026, homes=2000)
    return organisation


@pytest.fixture
def build(code_org) -> Builder:
    return Builder(code_org)


# CH01, CH02 and TP09 on hand-built data where the answer is known.
#
# The period is the financial year 2025/26: 1 April 2025 to 31 March 2026. Working days
# were counted by hand on the England calendar (days after the start, the start is day 0):
#
# - from Mon 2 Jun 2025: day 5 is Mon 9 Jun, day 10 Mon 16 Jun, day 15 Mon 23 Jun, day 16
#   Tue 24 Jun, day 20 Mon 30 Jun, day 22 Wed 2 Jul, day 25 Mon 7 Jul, day 27 Wed 9 Jul;
# - from Mon 23 Jun 2025: day 5 is Mon 30 Jun, day 25 Mon 28 Jul, day 26 Tue 29 Jul, day 45
#   Tue 26 Aug (Mon 25 Aug is the summer bank holiday), day 46 Wed 27 Aug.
#
# The Code counts a response from the acknowledgement (6.3; stage 2 likewise), or, where
# none was made before the response, from the day it was due (day 5): so a case acknowledged
# on day 5 (or never) is answered on time up to day 15 at stage 1 and day 25 at stage 2, plus
# the extension up to the Code's maximum. ``test_ch02_code_anchor`` has the cases where an
# earlier acknowledgement makes the difference.


@pytest.fixture
def year(build: Builder):
    """The data set: every case named by what it tests."""
    b = build
    c = {}
    # Stage 1 acknowledged on day 5 and answered on the last permitted day (15: day 10 from
    # the acknowledgement); acknowledged on day 1 and answered on day 16 (day 15 from it): late.
    c["on_time_day_15"] = b.respond(
        b.acknowledge(b.case(d(2025, 6, 2)), d(2025, 6, 9)), d(2025, 6, 23)
    )
    c["late_day_16"] = b.respond(
        b.acknowledge(b.case(d(2025, 6, 2)), d(2025, 6, 3)), d(2025, 6, 24), "partly_upheld"
    )
    # A late acknowledgement (day 7), the response on day 14 (day 7 from it): on time for
    # CH02, which counts from the acknowledgement made; the acknowledgement is late.
    c["late_ack"] = b.respond(
        b.acknowledge(b.case(d(2025, 6, 2)), d(2025, 6, 11)), d(2025, 6, 20), "not_upheld"
    )
    # Never acknowledged (so counted from day 5), extended by 10 (the Code's maximum),
    # answered on day 25: on time.
    c["extended_10_day_25"] = b.respond(
        b.extend(b.case(d(2025, 6, 2)), d(2025, 6, 10), 10), d(2025, 7, 7)
    )
    # Extended by 5, answered on day 22: late (only 5 were granted: day 20 was the last).
    c["extended_5_day_22"] = b.respond(
        b.extend(b.case(d(2025, 6, 2)), d(2025, 6, 10), 5), d(2025, 7, 2)
    )
    # Extended by 15 (beyond the Code): only 10 count, so day 25 is on time, day 27 late.
    c["beyond_day_25"] = b.respond(
        b.extend(b.case(d(2025, 6, 2)), d(2025, 6, 10), 15), d(2025, 7, 7)
    )
    c["beyond_day_27"] = b.respond(
        b.extend(b.case(d(2025, 6, 2)), d(2025, 6, 10), 15), d(2025, 7, 9)
    )
    # Withdrawn and refused: received (CH01) but never answered (not in CH02).
    c["withdrawn"] = b.withdraw(b.case(d(2025, 6, 2)), d(2025, 6, 5))
    c["refused"] = b.refuse(b.case(d(2025, 6, 2)), d(2025, 6, 3))
    # Escalated on a Saturday: stage 2 starts Mon 23 Jun; acknowledged on day 5 and
    # answered on day 25 (day 20 from the acknowledgement): on time.
    esc = b.respond(b.acknowledge(b.case(d(2025, 6, 2)), d(2025, 6, 3)), d(2025, 6, 16))
    esc = b.escalate(esc, at(2025, 6, 21, 11))
    c["stage2_day_25"] = b.respond(b.acknowledge(esc, d(2025, 6, 30)), d(2025, 7, 28), "not_upheld")
    # Stage 2 never acknowledged, answered on day 26: late.
    late2 = b.escalate(b.respond(b.case(d(2025, 6, 2)), d(2025, 6, 16)), d(2025, 6, 23))
    c["stage2_day_26"] = b.respond(late2, d(2025, 7, 29))
    # Stage 2 extended by 20 (the maximum) answered on day 45, over a bank holiday: on time;
    # and on day 46: late.
    ext2 = b.escalate(b.respond(b.case(d(2025, 6, 2)), d(2025, 6, 16)), d(2025, 6, 23))
    c["stage2_ext_day_45"] = b.respond(b.extend(ext2, d(2025, 7, 1), 20), d(2025, 8, 26))
    ext2b = b.escalate(b.respond(b.case(d(2025, 6, 2)), d(2025, 6, 16)), d(2025, 6, 23))
    c["stage2_ext_day_46"] = b.respond(b.extend(ext2b, d(2025, 7, 1), 20), d(2025, 8, 27))
    # Escalation refused: not a stage 2 complaint.
    c["escalation_refused"] = b.refuse_escalation(
        b.respond(b.case(d(2025, 6, 2)), d(2025, 6, 13)), d(2025, 6, 20)
    )
    # Edges of the period.
    # Received Mon 31 Mar 2025 at 10:00 (before the period), answered Thu 10 Apr (day 8).
    c["before_answered_inside"] = b.respond(b.case(at(2025, 3, 31, 10)), d(2025, 4, 10))
    # Received Mon 31 Mar 2025 at 17:30: deemed received Tue 1 Apr, inside the period.
    c["after_cutoff_31_march"] = b.case(at(2025, 3, 31, 17, 30))
    # Received on the last day, answered after the period: CH01 yes, CH02 no.
    c["last_day"] = b.respond(b.case(at(2026, 3, 31, 16)), d(2026, 4, 2))
    # Received in the period, answered on 1 Apr 2026: not a response of this period.
    c["answered_after"] = b.respond(b.case(d(2026, 3, 16)), d(2026, 4, 1))
    # Escalated in March 2025, before the period: a stage 2 complaint of the year before,
    # answered inside this period (day 19 from Mon 24 Mar 2025, over Easter: on time).
    old = b.escalate(b.respond(b.case(d(2025, 3, 3)), d(2025, 3, 14)), d(2025, 3, 24))
    c["stage2_before_answered_inside"] = b.respond(old, d(2025, 4, 22))
    # Not complaints: a service request and a received-then-open complaint of the next year.
    b.case(d(2025, 6, 2), kind="service_request", start_stage="")
    b.case(d(2026, 4, 2))
    return c
