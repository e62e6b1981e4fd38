"""Deterministic synthetic data at sector scale, bulk-loaded: ``putright seed``.

For each organisation and day of the span, contacts arrive at rates per 1,000 homes a
year (weekdays busier than weekends, some after the cut-off): about 40 stage 1
complaints, informal dissatisfactions where the pack has them (a quarter made formal),
and service requests (recorded and redirected) making up about 417 cases per 1,000
homes a year, so that 600,000 homes over ten years is about 2.5 million cases. Each
complaint runs through its stages with realistic shares: refused under an exclusion,
withdrawn, acknowledged late, extended, answered late, escalated (and some escalations
refused), the three outcomes, compensation awards and TP09 satisfaction answers. Events
after the end date do not happen, so the newest cases are still open.

The same ``seed`` and ``end`` give the same data. Rows are written with PostgreSQL's
COPY, or ``bulk_create`` on SQLite, with explicit ids; sequences and reference counters
are moved on afterwards so that the application can keep recording cases.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from django.db import connection, models, transaction
from django.utils import timezone

from putright.accounts.models import User
from putright.cases.models import Case, Event, SatisfactionResponse
from putright.domain.calendar import WorkingCalendar
from putright.domain.policy import Pack
from putright.organisations.models import HomesCount, Organisation, ReferenceCounter
from putright.organisations.services import organisation_calendar, organisation_create
from putright.people.models import Person
from putright.policies.registry import code_pack, get_pack
from putright.remedies.models import Award

Ints = npt.NDArray[np.int64]
Dates = npt.NDArray[np.datetime64]
Progress = Callable[[str, int, int], None]

#: Rates per 1,000 homes a year.
COMPLAINTS_PER_1000 = 40.0
CASES_PER_1000 = 417.0
DISSATISFACTION_PER_1000 = 60.0  # where the pack has an informal first stage
MADE_FORMAL_SHARE = 0.25
PACKS = ("hos-code-2024", "hos-code-2024", "rooftop-2023")
CHANNELS = {
    "phone": 0.34,
    "email": 0.24,
    "web_form": 0.25,
    "letter": 0.05,
    "in_person": 0.03,
    "social_media": 0.04,
    "mp_councillor": 0.05,
}
TENURES = {
    "tenant": 0.78,
    "leaseholder": 0.08,
    "shared_owner": 0.05,
    "non_resident": 0.02,
    "unknown": 0.07,
}
OUTCOMES = {"upheld": 0.33, "partly_upheld": 0.27, "not_upheld": 0.40}
AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
AGE_WEIGHTS = (0.08, 0.17, 0.18, 0.18, 0.16, 0.12, 0.11)
ETHNICITY = ("White", "Asian or Asian British", "Black or Black British", "Mixed", "Other")
ETHNICITY_WEIGHTS = (0.78, 0.09, 0.06, 0.04, 0.03)
# Names and streets for search to find: the commonest surnames of England and Wales in
# order (Smith about one person in a hundred), a long tail made of syllables, and first names.
SURNAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "O'Brien",
]
SURNAME_STARTS = "Ash Black Brad Brook Church Cole Cross Dun Fair Green Hart Hay Lang Mar "
SURNAME_STARTS += "Mor New Old Pen Rad Red Ross Shel Stan Thorn Wad Whit Win Wood"
SURNAME_ENDS = "bury by croft den field ford ham hurst ley low more ridge shaw ton well worth"
FIRST_NAMES = [
    "Oliver",
    "George",
    "Harry",
    "Jack",
    "Noah",
    "Leo",
    "Arthur",
    "Muhammad",
    "Oscar",
    "Charlie",
    "Jacob",
    "Thomas",
    "Henry",
    "William",
    "Isaac",
    "Joshua",
    "James",
    "Alfie",
    "Freddie",
    "Theo",
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Freya",
    "Willow",
    "Florence",
    "Emily",
    "Ella",
    "Poppy",
    "Evie",
    "Elsie",
    "Chloe",
    "Zoë",
    "Siobhán",
    "Chidi",
    "Ayesha",
    "Priya",
    "Kwame",
    "Aleksander",
    "Gráinne",
    "Mohammed",
    "Fatima",
]
STREETS = [
    "Church",
    "Station",
    "Victoria",
    "Green",
    "Manor",
    "Park",
    "Queen's",
    "Grange",
    "Kings",
    "New",
    "Mill",
    "School",
    "Chapel",
    "Albert",
    "Springfield",
    "Orchard",
    "Alexandra",
    "Windsor",
    "Highfield",
    "Meadow",
    "Elm",
    "Oak",
    "Ash",
    "Beech",
    "Cedar",
    "Willow",
    "Heath",
    "Moss",
    "Brook",
    "Bridge",
    "Castle",
    "Market",
    "Princess",
    "Marlborough",
    "Clarendon",
    "Belmont",
]
STREET_KINDS = ("Road", "Street", "Lane", "Close", "Avenue", "Way", "Court", "Drive")

AREAS = ("L", "M", "B", "LS", "NE", "BS", "S", "NG", "LE", "CV", "SO", "PL", "CH", "WA", "BD")
SUMMARIES = (
    "The repair was not done when promised",
    "Nobody called me back",
    "Damp and mould in the bedroom is not being dealt with",
    "Noise from the neighbours has not been dealt with",
    "I was charged the wrong amount",
    "The communal areas have not been cleaned",
)
LONDON = ZoneInfo("Europe/London")
NAT = np.datetime64("NaT", "D")


def _names_and_addresses(
    rng: np.random.Generator, n: int
) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.str_]]:
    """A first name and surname, and an address, for each of ``n`` people: about a third
    have one of the commonest surnames (rank r about 1/(r + 8) of them), the rest a surname
    made of two syllables. Drawn from their own generator, so the cases seeded are the same
    as before names were."""
    common = 1.0 / (np.arange(len(SURNAMES)) + 8.0)
    common = common / common.sum()
    tail = np.char.add(
        np.array(SURNAME_STARTS.split())[rng.integers(0, len(SURNAME_STARTS.split()), n)],
        np.array(SURNAME_ENDS.split())[rng.integers(0, len(SURNAME_ENDS.split()), n)],
    )
    surname = np.where(
        rng.random(n) < 0.35, np.array(SURNAMES)[rng.choice(len(SURNAMES), size=n, p=common)], tail
    )
    first = np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), n)]
    names = np.char.add(np.char.add(first, " "), surname)
    street = np.char.add(
        np.char.add(np.array(STREETS)[rng.integers(0, len(STREETS), n)], " "),
        np.array(STREET_KINDS)[rng.integers(0, len(STREET_KINDS), n)],
    )
    addresses = np.char.add(np.char.add(rng.integers(1, 200, n).astype(str), " "), street)
    return names, addresses


def _weights(items: Sequence[str]) -> npt.NDArray[np.float64]:
    """A Zipf-like share for each item: the first is the most common."""
    raw = 1.0 / np.arange(1, len(items) + 1) ** 0.9
    return np.asarray(raw / raw.sum())


def _pick(
    rng: np.random.Generator, options: Mapping[str, float], size: int
) -> npt.NDArray[np.str_]:
    keys = list(options)
    p = np.array(list(options.values()))
    return np.array(keys, dtype=np.str_)[rng.choice(len(keys), size=size, p=p / p.sum())]


@dataclass
class Table:
    """Rows for one model, column by column (arrays of equal length, or constants)."""

    model: type[models.Model]
    columns: dict[str, Any] = field(default_factory=dict)
    size: int = 0


@dataclass
class Chunk:
    people: Table
    cases: Table
    events: Table
    awards: Table
    answers: Table


def _utc_offset(day: np.datetime64) -> int:
    if np.isnat(day):
        return 0
    local = datetime.datetime.combine(day.astype(datetime.date), datetime.time(12), tzinfo=LONDON)
    offset = local.utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _local_moments(days: Dates, minutes: Ints) -> npt.NDArray[np.datetime64]:
    """Local London times (a day and minutes after midnight) as UTC datetime64[s]; NaT stays."""
    unique, inverse = np.unique(days, return_inverse=True)
    offsets = np.array([_utc_offset(d) for d in unique], dtype=np.int64)
    seconds = days.astype("datetime64[s]").astype(np.int64) + minutes * 60 - offsets[inverse]
    return np.where(np.isnat(days), np.datetime64("NaT", "s"), seconds.astype("datetime64[s]"))


class OrganisationSeeder:
    """Everything that happens at one organisation over the span, vectorised."""

    def __init__(
        self,
        *,
        organisation: Organisation,
        pack: Pack,
        homes: int,
        first: datetime.date,
        end: datetime.date,
        rng: np.random.Generator,
        ids: dict[str, int],
        user_id: int,
    ) -> None:
        self.organisation = organisation
        self.pack = pack
        self.homes = homes
        self.first = first
        self.end = end
        self.rng = rng
        self.ids = ids
        self.user_id = user_id
        self.calendar: WorkingCalendar = organisation_calendar(organisation)
        code = code_pack()
        self.service_areas = pack.service_areas or code.service_areas
        self.categories = pack.categories or code.categories
        self.exclusions = [e.id for e in pack.exclusions][:2] or ["exclusion"]
        stage1 = pack.first_formal_stage()
        if stage1 is None or stage1.escalation is None:
            raise ValueError(f"{pack.id}: seeding needs a stage 1 that escalates to stage 2")
        self.stage1 = stage1.id
        self.stage2 = stage1.escalation.to
        grounds = stage1.escalation.refusal_grounds
        self.ground = (grounds[0].id, grounds[0].label) if grounds else ("exclusion", "Exclusion")
        informal = pack.kind("dissatisfaction")
        self.informal = (
            informal.starts_at if informal and informal.starts_at != self.stage1 else None
        )
        self.end64 = np.datetime64(end, "D")

    # -- helpers -----------------------------------------------------------------------

    def wd(self, days: Dates, n: Ints) -> Dates:
        out = np.full(days.shape, NAT)
        ok = ~np.isnat(days)
        out[ok] = self.calendar.add_working_days_bulk(days[ok], n[ok])
        return out

    def ints(self, low: int, high: int, size: int) -> Ints:
        return self.rng.integers(low, high + 1, size=size).astype(np.int64)

    def chance(self, p: float, size: int) -> npt.NDArray[np.bool_]:
        return self.rng.random(size) < p

    def next_id(self, table: str, n: int) -> Ints:
        start = self.ids[table] + 1
        self.ids[table] += n
        return np.arange(start, start + n, dtype=np.int64)

    # -- people ------------------------------------------------------------------------

    def people(self) -> Table:
        n = self.homes
        rng = self.rng
        ids = self.next_id("person", n)
        districts = [f"{a}{i}" for a in AREAS for i in range(1, 31)]
        own = rng.choice(len(districts), size=12, replace=False)
        district = np.array(districts)[own][rng.choice(12, size=n, p=_weights([""] * 12))]
        inward = np.char.add(
            rng.integers(1, 10, size=n).astype(str),
            np.array(list("ABDEFGHJLNPQRSTUWXYZ"))[rng.integers(0, 20, size=(n,))],
        )
        postcode = np.char.add(np.char.add(district, " "), np.char.add(inward, "A"))
        consent = self.chance(0.6, n)
        age = np.array(AGE_BANDS)[rng.choice(len(AGE_BANDS), size=n, p=AGE_WEIGHTS)]
        disabled = np.where(self.chance(0.22, n), "yes", "no")
        ethnicity = np.array(ETHNICITY)[rng.choice(len(ETHNICITY), size=n, p=ETHNICITY_WEIGHTS)]
        equality = np.where(
            consent,
            [
                json.dumps({"age_band": a, "disability": dis, "ethnicity": e})
                for a, dis, e in zip(age, disabled, ethnicity, strict=True)
            ],
            "{}",
        )
        self.person_ids = ids
        self.person_tenure = _pick(rng, TENURES, n)
        names, addresses = _names_and_addresses(np.random.default_rng(int(ids[0])), n)
        return Table(
            Person,
            {
                "id": ids,
                "organisation_id": self.organisation.pk,
                "name": names,
                "address": addresses,
                "postcode": postcode,
                "tenure": self.person_tenure,
                "equality_consent": consent,
                "equality_data": equality,
                "preferred_contact": "email",
                "created_at": np.datetime64(
                    datetime.datetime.combine(self.first, datetime.time(9)), "s"
                ),
            },
            n,
        )

    # -- cases -------------------------------------------------------------------------

    def arrivals(self, per_1000: float) -> tuple[Dates, Ints]:
        """Days and local minutes of contacts arriving at a yearly rate per 1,000 homes."""
        span = (self.end - self.first).days + 1
        mean = per_1000 * self.homes / 1000 * span / 365.25
        n = int(self.rng.poisson(mean))
        days = np.datetime64(self.first, "D") + np.arange(span)
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (3)
        weight = np.where(weekday >= 5, 0.25, 1.0)
        chosen = np.sort(self.rng.choice(span, size=n, p=weight / weight.sum()))
        minutes = self.ints(7 * 60 + 30, 19 * 60 + 30, n)
        return days[chosen], minutes

    def generate(self) -> Iterator[Chunk]:
        people = self.people()
        rng = self.rng
        kinds: list[tuple[str, float]] = []
        if self.informal:
            formal_rate = COMPLAINTS_PER_1000 - DISSATISFACTION_PER_1000 * MADE_FORMAL_SHARE
            kinds = [("complaint", formal_rate), ("dissatisfaction", DISSATISFACTION_PER_1000)]
        else:
            kinds = [("complaint", COMPLAINTS_PER_1000)]
        used = sum(rate for _, rate in kinds)
        kinds.append(("service_request", CASES_PER_1000 - used))
        parts = []
        for name, rate in kinds:
            arrived, at_minutes = self.arrivals(rate)
            parts.append((np.full(arrived.size, name), arrived, at_minutes))
        kind = np.concatenate([p[0] for p in parts])
        days = np.concatenate([p[1] for p in parts])
        minutes = np.concatenate([p[2] for p in parts])
        order = np.lexsort((minutes, days))
        kind, days, minutes = kind[order], days[order], minutes[order]
        n = kind.size
        received_at = _local_moments(days, minutes)
        after_cutoff = minutes >= 17 * 60
        working = self.calendar.is_working_day_bulk(days)
        deemed = np.where(
            working & ~after_cutoff,
            days,
            self.calendar.add_working_days_bulk(days, np.ones(n, dtype=np.int64)),
        )
        customer = self.person_ids[rng.integers(0, self.person_ids.size, size=n)]
        first_chunk = True
        step = 200_000
        for lo in range(0, n, step):
            sl = slice(lo, min(n, lo + step))
            chunk = self.cases_chunk(
                kind[sl], days[sl], minutes[sl], received_at[sl], deemed[sl], customer[sl]
            )
            if first_chunk:
                chunk.people = people
                first_chunk = False
            yield chunk
        if first_chunk:
            yield Chunk(
                people, Table(Case), Table(Event), Table(Award), Table(SatisfactionResponse)
            )

    def cases_chunk(
        self,
        kind: npt.NDArray[np.str_],
        days: Dates,
        minutes: Ints,
        received_at: npt.NDArray[np.datetime64],
        deemed: Dates,
        customer: Ints,
    ) -> Chunk:
        rng = self.rng
        n = kind.size
        ids = self.next_id("case", n)
        events = _Events()
        is_request = kind == "service_request"
        is_informal = kind == "dissatisfaction"
        is_complaint = kind == "complaint"
        start_stage = np.where(
            is_request, "", np.where(is_informal, self.informal or "", self.stage1)
        )
        channel = _pick(rng, CHANNELS, n)
        received_data = [
            json.dumps(
                {
                    "channel": c,
                    "kind": k,
                    "deemed_received_on": d,
                    "start_stage": s,
                    "pack": self.pack.id,
                }
            )
            for c, k, d, s in zip(channel, kind, deemed.astype(str), start_stage, strict=True)
        ]
        events.add(ids, "received", received_at, start_stage, received_data)
        stage = start_stage.copy()
        status = np.full(n, "open", dtype="<U20")
        closure = np.full(n, "", dtype="<U30")
        closed_on: Dates = np.full(n, NAT)
        eligibility = np.full(n, "pending", dtype="<U10")
        current_kind = kind.copy()
        # Service requests: redirected at once.
        events.add(
            ids[is_request],
            "closed",
            received_at[is_request],
            "",
            json.dumps(
                {
                    "reason": "redirected",
                    "note": "Redirected to the service that handles the request",
                }
            ),
        )
        status[is_request] = "closed"
        closure[is_request] = "redirected"
        closed_on[is_request] = days[is_request]
        stage1_start: Dates = np.where(is_complaint, deemed, NAT)
        # Informal dissatisfaction: a quarter made formal, the rest resolved.
        if is_informal.any():
            inf = np.flatnonzero(is_informal)
            formal = self.chance(MADE_FORMAL_SHARE, inf.size)
            ack = self.wd(deemed[inf], self.ints(0, 3, inf.size))
            self.add_at(events, ids[inf], "acknowledged", ack, self.informal or "", "{}")
            made = self.wd(deemed[inf], self.ints(3, 10, inf.size))
            f = inf[formal]
            self.add_at(
                events,
                ids[f],
                "made_formal",
                made[formal],
                self.informal or "",
                json.dumps(
                    {"to_stage": self.stage1, "reason": "The customer asked for a formal complaint"}
                ),
            )
            happened = made[formal] <= self.end64
            stage[f[happened]] = self.stage1
            current_kind[f[happened]] = "complaint"
            stage1_start[f] = np.where(happened, made[formal], NAT)
            r = inf[~formal]
            closes = self.wd(deemed[r], self.ints(2, 8, r.size))
            self.close(
                events,
                ids[r],
                closes,
                self.informal or "",
                "resolved",
                status,
                closure,
                closed_on,
                r,
            )
        # Stage 1 and stage 2.
        s1 = np.flatnonzero(~np.isnat(stage1_start))
        awards: list[tuple[Ints, Dates, npt.NDArray[np.str_], str]] = []
        answered_closed: list[tuple[Ints, Dates, npt.NDArray[np.str_]]] = []
        if s1.size:
            esc = self.stage(
                1,
                s1,
                stage1_start[s1],
                ids,
                events,
                status,
                closure,
                closed_on,
                eligibility,
                stage,
                awards,
                answered_closed,
            )
            if esc[0].size:
                self.stage(
                    2,
                    esc[0],
                    esc[1],
                    ids,
                    events,
                    status,
                    closure,
                    closed_on,
                    eligibility,
                    stage,
                    awards,
                    answered_closed,
                )
        created = np.datetime64(timezone.now().replace(tzinfo=None), "s")
        years = days.astype("datetime64[Y]").astype(np.int64) + 1970
        references = self.references(years)
        closed_at = _local_moments(closed_on, np.full(n, 16 * 60, dtype=np.int64))
        cases = Table(
            Case,
            {
                "id": ids,
                "reference": references,
                "organisation_id": self.organisation.pk,
                "policy_pack": self.pack.id,
                "kind": current_kind,
                "channel": channel,
                "received_at": received_at,
                "deemed_received_on": deemed,
                "summary": np.array(SUMMARIES)[rng.integers(0, len(SUMMARIES), size=n)],
                "service_area": np.array(self.service_areas)[
                    rng.choice(len(self.service_areas), size=n, p=_weights(self.service_areas))
                ],
                "category": np.array(self.categories)[
                    rng.choice(len(self.categories), size=n, p=_weights(self.categories))
                ],
                "customer_id": customer,
                "stage": stage,
                "status": status,
                "eligibility": eligibility,
                "closure_reason": closure,
                "closed_at": closed_at,
                "created_at": created,
                "updated_at": created,
            },
            n,
        )
        return Chunk(
            Table(Person),
            cases,
            events.table(),
            self.award_table(awards),
            self.answer_table(answered_closed),
        )

    def references(self, years: Ints) -> npt.NDArray[np.str_]:
        out = np.empty(years.size, dtype="<U30")
        for year in np.unique(years):
            mask = years == year
            count = int(mask.sum())
            key = f"ref-{self.organisation.pk}-{year}"
            if key not in self.ids:
                counter = ReferenceCounter.objects.filter(
                    organisation=self.organisation, year=int(year)
                ).first()
                self.ids[key] = counter.last if counter else 0
            start = self.ids[key]
            self.ids[key] = start + count
            numbers = np.arange(start + 1, start + count + 1)
            out[mask] = [f"{self.organisation.reference_prefix}-{year}-{k:05d}" for k in numbers]
        return out

    def add_at(
        self, events: _Events, case_ids: Ints, kind: str, days: Dates, stage: Any, data: Any
    ) -> npt.NDArray[np.bool_]:
        """Events on working days, at a time of the working day; none after the end."""
        ok = ~np.isnat(days) & (days <= self.end64)
        minutes = self.ints(9 * 60, 16 * 60 + 30, int(ok.sum()))
        stage_values = stage[ok] if isinstance(stage, np.ndarray) else stage
        data_values = (
            [d for d, keep in zip(data, ok, strict=True) if keep]
            if isinstance(data, list)
            else data
        )
        events.add(case_ids[ok], kind, _local_moments(days[ok], minutes), stage_values, data_values)
        return ok

    def close(
        self,
        events: _Events,
        case_ids: Ints,
        on: Dates,
        stage: Any,
        reason: str,
        status: Any,
        closure: Any,
        closed_on: Dates,
        rows: Ints,
    ) -> None:
        ok = self.add_at(
            events, case_ids, "closed", on, stage, json.dumps({"reason": reason, "note": ""})
        )
        status[rows[ok]] = "closed"
        closure[rows[ok]] = reason
        closed_on[rows[ok]] = on[ok]

    def stage(
        self,
        level: int,
        rows: Ints,
        start: Dates,
        ids: Ints,
        events: _Events,
        status: Any,
        closure: Any,
        closed_on: Dates,
        eligibility: Any,
        stage: Any,
        awards: list[Any],
        answered: list[Any],
    ) -> tuple[Ints, Dates]:
        """One formal stage for the cases ``rows`` starting on ``start``; returns the escalations."""
        rng = self.rng
        m = rows.size
        sid = self.stage1 if level == 1 else self.stage2
        case_ids = ids[rows]
        refused = self.chance(0.03 if level == 1 else 0.0, m)
        withdrawn = ~refused & self.chance(0.04 if level == 1 else 0.02, m)
        live = ~refused
        # Refused under an exclusion: decided and closed in 1-3 working days.
        if refused.any():
            r = np.flatnonzero(refused)
            on = self.wd(start[r], self.ints(1, 3, r.size))
            excl = np.array(self.exclusions)[rng.integers(0, len(self.exclusions), size=r.size)]
            data = [
                json.dumps(
                    {"accepted": False, "reason": "Not accepted under the policy", "exclusion": e}
                )
                for e in excl
            ]
            ok = self.add_at(events, case_ids[r], "eligibility_decided", on, sid, data)
            eligibility[rows[r[ok]]] = "refused"
            self.close(events, case_ids[r], on, sid, "refused", status, closure, closed_on, rows[r])
        # Acknowledgement: most within the Code's five days, some late.
        ack_days = np.where(self.chance(0.92, m), self.ints(0, 5, m), self.ints(6, 9, m))
        a = np.flatnonzero(live)
        self.add_at(events, case_ids[a], "acknowledged", self.wd(start[a], ack_days[a]), sid, "{}")
        # Extensions and responses.
        base = 15 if level == 1 else 25
        cap = 10 if level == 1 else 20
        extended = live & ~withdrawn & self.chance(0.12 if level == 1 else 0.10, m)
        ext_days = np.where(extended, np.where(self.chance(0.7, m), cap, cap // 2), 0)
        limit = base + ext_days
        late = self.chance(0.15 if level == 1 else 0.18, m)
        on_time_days = np.where(
            extended,
            self.ints(base - 3, base, m) + (rng.random(m) * ext_days).astype(np.int64),
            self.ints(3 if level == 1 else 8, base, m),
        )
        on_time_days = np.minimum(on_time_days, limit)
        late_days = limit + self.ints(1, 15, m)
        respond_days = np.maximum(np.where(late, late_days, on_time_days), ack_days)
        e = np.flatnonzero(extended)
        ext_day = np.minimum(self.ints(6, 12, e.size), respond_days[e] - 1)
        ext_on = self.wd(start[e], np.maximum(ext_day, ack_days[e]))
        ext_data = [
            json.dumps({"working_days": int(x), "reason": "complexity"}) for x in ext_days[e]
        ]
        self.add_at(events, case_ids[e], "extended", ext_on, sid, ext_data)
        # Withdrawn before the response.
        w = np.flatnonzero(withdrawn)
        w_on = self.wd(start[w], ack_days[w] + self.ints(1, 6, w.size))
        self.add_at(events, case_ids[w], "withdrawn", w_on, sid, json.dumps({"note": ""}))
        self.close(events, case_ids[w], w_on, sid, "withdrawn", status, closure, closed_on, rows[w])
        # Responses.
        answering = live & ~withdrawn
        p = np.flatnonzero(answering)
        responded_on = self.wd(start[p], respond_days[p])
        outcome = _pick(rng, OUTCOMES, p.size)
        final = level == 2
        data = [
            json.dumps({"outcome": o, "text": "Our response", "issues": [], "final": final})
            for o in outcome
        ]
        ok = self.add_at(events, case_ids[p], "responded", responded_on, sid, data)
        done = p[ok]
        if not final:
            status[rows[done]] = "awaiting_escalation"
        # Compensation where something went wrong.
        worth = ok & (outcome != "not_upheld") & self.chance(0.3, p.size)
        awards.append(
            (case_ids[p[worth]], responded_on[worth], np.full(int(worth.sum()), sid), sid)
        )
        # Escalation (stage 1 only) or closure.
        escalated_rows = np.zeros(0, dtype=np.int64)
        escalated_on: Dates = np.zeros(0, dtype="datetime64[D]")
        if level == 1:
            asks = ok & self.chance(0.16, p.size)
            refused_esc = asks & self.chance(0.08, p.size)
            accepted = asks & ~refused_esc
            ask_on = self.wd(responded_on, self.ints(2, 18, p.size))
            x = np.flatnonzero(refused_esc)
            x_on = self.wd(ask_on[x], self.ints(1, 4, x.size))
            label = self.ground[1]
            self.add_at(
                events,
                case_ids[p[x]],
                "escalation_refused",
                x_on,
                sid,
                json.dumps(
                    {
                        "ground": self.ground[0],
                        "ground_label": label,
                        "explanation": "Not escalated",
                    }
                ),
            )
            self.close(
                events, case_ids[p[x]], x_on, sid, "refused", status, closure, closed_on, rows[p[x]]
            )
            y = np.flatnonzero(accepted)
            happened = self.add_at(
                events,
                case_ids[p[y]],
                "escalation_requested",
                ask_on[y],
                sid,
                json.dumps(
                    {
                        "to_stage": self.stage2,
                        "route": "",
                        "reasons": "",
                        "about": [],
                        "late": False,
                    }
                ),
            )
            moved = rows[p[y[happened]]]
            stage[moved] = self.stage2
            status[moved] = "open"
            escalated_rows = rows[p[y]]
            escalated_on = ask_on[y]
            rest = np.flatnonzero(ok & ~asks)
            close_on = self.wd(responded_on[rest], self.ints(5, 25, rest.size))
            self.close(
                events,
                case_ids[p[rest]],
                close_on,
                sid,
                "resolved",
                status,
                closure,
                closed_on,
                rows[p[rest]],
            )
            answered.append((case_ids[p[rest]], close_on, outcome[rest]))
        else:
            self.close(
                events,
                case_ids[done],
                responded_on[ok],
                sid,
                "resolved",
                status,
                closure,
                closed_on,
                rows[done],
            )
            answered.append((case_ids[done], responded_on[ok], outcome[ok]))
        # A stage 2 starts on the working day of the request.
        return escalated_rows, escalated_on

    def award_table(self, awards: list[tuple[Ints, Dates, Any, str]]) -> Table:
        rng = self.rng
        case_ids = np.concatenate([a[0] for a in awards]) if awards else np.zeros(0, dtype=np.int64)
        days = (
            np.concatenate([a[1] for a in awards]) if awards else np.zeros(0, dtype="datetime64[D]")
        )
        stages = np.concatenate([a[2] for a in awards]) if awards else np.zeros(0, dtype=np.str_)
        n = case_ids.size
        total = (np.round(np.exp(rng.normal(np.log(150), 0.8, size=n)) / 5) * 5 * 100).astype(
            np.int64
        )
        total = np.clip(total, 2500, 500000)
        status = _pick(rng, {"paid": 0.7, "offered": 0.15, "accepted": 0.1, "refused": 0.05}, n)
        proposed = _local_moments(days, np.full(n, 15 * 60, dtype=np.int64))
        paid = np.where(status == "paid", total, 0)
        paid_at = np.where(
            status == "paid", proposed + np.timedelta64(10 * 86400, "s"), np.datetime64("NaT", "s")
        )
        return Table(
            Award,
            {
                "id": self.next_id("award", n),
                "case_id": case_ids,
                "stage": stages,
                "status": status,
                "total_pence": total,
                "reasoning": "Time, trouble and distress",
                "proposed_by_id": self.user_id,
                "proposed_at": proposed,
                "paid_pence": paid,
                "paid_at": paid_at,
            },
            n,
        )

    def answer_table(self, answered: list[tuple[Ints, Dates, Any]]) -> Table:
        rng = self.rng
        case_ids = (
            np.concatenate([a[0] for a in answered]) if answered else np.zeros(0, dtype=np.int64)
        )
        days = (
            np.concatenate([a[1] for a in answered])
            if answered
            else np.zeros(0, dtype="datetime64[D]")
        )
        outcome = (
            np.concatenate([a[2] for a in answered]) if answered else np.zeros(0, dtype=np.str_)
        )
        take = self.chance(0.2, case_ids.size)
        case_ids, days, outcome = case_ids[take], days[take], outcome[take]
        # One answer per case: a case answered at stage 2 was not closed at stage 1.
        case_ids, first = np.unique(case_ids, return_index=True)
        days, outcome = days[first], outcome[first]
        answered_on = days + self.ints(1, 20, case_ids.size).astype("timedelta64[D]")
        keep = answered_on <= self.end64
        case_ids, answered_on, outcome = case_ids[keep], answered_on[keep], outcome[keep]
        n = case_ids.size
        happy = np.where(outcome == "upheld", 0.62, np.where(outcome == "partly_upheld", 0.5, 0.33))
        satisfied = rng.random(n) < happy
        score = np.where(satisfied, self.ints(4, 5, n), self.ints(1, 3, n))
        return Table(
            SatisfactionResponse,
            {
                "id": self.next_id("answer", n),
                "case_id": case_ids,
                "score": score,
                "created_at": _local_moments(answered_on, self.ints(9 * 60, 20 * 60, n)),
            },
            n,
        )


class _Events:
    def __init__(self) -> None:
        self.parts: list[tuple[Ints, str, Any, Any, Any]] = []

    def add(self, case_ids: Ints, kind: str, at: Any, stage: Any, data: Any) -> None:
        if case_ids.size:
            self.parts.append((case_ids, kind, at, stage, data))

    def table(self) -> Table:
        if not self.parts:
            return Table(Event)
        case_ids = np.concatenate([p[0] for p in self.parts])
        n = case_ids.size
        at = np.concatenate([np.broadcast_to(p[2], p[0].shape) for p in self.parts])
        kinds = np.concatenate([np.full(p[0].size, p[1]) for p in self.parts])
        stage = np.concatenate(
            [np.broadcast_to(np.asarray(p[3], dtype=np.str_), p[0].shape) for p in self.parts]
        )
        data: list[str] = []
        for p in self.parts:
            data += p[4] if isinstance(p[4], list) else [p[4]] * p[0].size
        rank = np.arange(n)  # events added earlier come first on the same moment
        order = np.lexsort((rank, at, case_ids))
        case_ids, at, kinds, stage = case_ids[order], at[order], kinds[order], stage[order]
        data_sorted = [data[i] for i in order]
        starts = np.r_[0, np.flatnonzero(np.diff(case_ids)) + 1]
        run = np.zeros(n, dtype=np.int64)
        run[starts] = 1
        group_start = np.maximum.accumulate(np.where(run == 1, np.arange(n), 0))
        sequence = np.arange(n) - group_start + 1
        return Table(
            Event,
            {
                "case_id": case_ids,
                "sequence": sequence,
                "kind": kinds,
                "stage": stage,
                "actor_label": "seed",
                "occurred_at": at,
                "recorded_at": at,
                "data": np.array(data_sorted, dtype=object),
            },
            n,
        )


# -- writing -------------------------------------------------------------------------


def _defaults(model: type[models.Model], columns: Mapping[str, Any]) -> dict[str, Any]:
    """Every concrete column, the given ones first, the rest at their model default."""
    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        column = str(f.column)
        if column in columns:
            out[column] = columns[column]
        elif f.primary_key:
            continue
        elif f.has_default():
            value = f.get_default()
            out[column] = json.dumps(value) if isinstance(f, models.JSONField) else value
        elif f.null:
            out[column] = None
        else:
            out[column] = ""
    return out


def _text(values: Any, size: int) -> list[str]:
    """A column in COPY text format."""
    if not isinstance(values, np.ndarray):
        if values is None:
            return ["\\N"] * size
        if isinstance(values, bool):
            return ["t" if values else "f"] * size
        if isinstance(values, np.datetime64):
            values = np.full(size, values)
        else:
            return [str(values)] * size
    if values.dtype.kind == "M":
        unit = np.datetime_data(values.dtype)[0]
        text = np.datetime_as_string(values, unit="s" if unit != "D" else "D")
        suffix = "+00" if unit != "D" else ""
        return [("\\N" if t == "NaT" else t.replace("T", " ") + suffix) for t in text.tolist()]
    if values.dtype.kind == "b":
        return ["t" if v else "f" for v in values.tolist()]
    if values.dtype == object:
        return [
            "\\N"
            if v is None
            else str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")
            for v in values.tolist()
        ]
    return [str(v) for v in values.tolist()]


def write(table: Table) -> int:
    """Write the rows: COPY on PostgreSQL, bulk_create elsewhere."""
    if table.size == 0:
        return 0
    columns = _defaults(table.model, table.columns)
    if connection.vendor == "postgresql":
        names = list(columns)
        texts = [_text(columns[c], table.size) for c in names]
        sql = f"COPY {table.model._meta.db_table} ({', '.join(names)}) FROM STDIN"
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's cursor
            with raw.copy(sql) as copy:
                batch = 50_000
                for lo in range(0, table.size, batch):
                    rows = zip(*(t[lo : lo + batch] for t in texts), strict=True)
                    copy.write("".join("\t".join(r) + "\n" for r in rows))
        return table.size
    fields = {f.column: f for f in table.model._meta.concrete_fields}
    objects = []
    for i in range(table.size):
        values: dict[str, Any] = {}
        for column, value in columns.items():
            v = value[i] if isinstance(value, np.ndarray) else value
            values[fields[column].attname] = _python(v, fields[column])
        objects.append(table.model(**values))
    table.model._default_manager.bulk_create(objects, batch_size=2000)
    return table.size


def _python(value: Any, f: models.Field[Any, Any]) -> Any:
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        if isinstance(f, models.DateTimeField):
            return (
                value.astype("datetime64[us]")
                .astype(datetime.datetime)
                .replace(tzinfo=datetime.UTC)
            )
        return value.astype("datetime64[D]").astype(datetime.date)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(f, models.JSONField) and isinstance(value, str):
        return json.loads(value)
    return value


@dataclass
class SeedResult:
    organisations: list[str]
    homes: int
    cases: int = 0
    events: int = 0
    people: int = 0
    awards: int = 0
    answers: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def seed(
    *,
    organisations: int,
    homes: int,
    years: int,
    seed: int,
    end: datetime.date | None = None,
    prefix: str = "seed",
    progress: Progress | None = None,
) -> SeedResult:
    """Create ``organisations`` landlords sharing ``homes`` homes and ``years`` of their cases."""
    import time

    began = time.perf_counter()
    tell = progress or (lambda _w, _d, _t: None)
    end = end or timezone.localdate()
    first = datetime.date(end.year - years, end.month, min(end.day, 28)) + datetime.timedelta(
        days=1
    )
    rng = np.random.default_rng(seed)
    sizes = rng.lognormal(0, 0.7, size=organisations)
    shares = np.maximum(np.round(sizes / sizes.sum() * homes), 1).astype(np.int64)
    shares[np.argmax(shares)] += homes - int(shares.sum())
    user, _ = User.objects.get_or_create(
        username=f"{prefix}-data", defaults={"display_name": "Seeded data"}
    )
    ids = {
        "case": _max_id(Case),
        "person": _max_id(Person),
        "award": _max_id(Award),
        "answer": _max_id(SatisfactionResponse),
    }
    first_case = ids["case"]
    result = SeedResult(organisations=[], homes=int(shares.sum()))
    expected = int(shares.sum() * CASES_PER_1000 / 1000 * years)
    orgs: list[tuple[Organisation, Pack, int]] = []
    for i in range(organisations):
        slug = f"{prefix}-{i + 1:03d}"
        pack_id = PACKS[i % len(PACKS)]
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            organisation = organisation_create(
                slug=slug,
                name=f"{prefix.title()} Housing {i + 1:03d}",
                policy_pack=pack_id,
            )
        orgs.append((organisation, get_pack(organisation.policy_pack), int(shares[i])))
        result.organisations.append(slug)
    for index, (organisation, pack, org_homes) in enumerate(orgs):
        child = np.random.default_rng([seed, index])
        with transaction.atomic():
            for year in range(first.year, end.year + 1):
                growth = 1.0 - 0.01 * (end.year - year)
                HomesCount.objects.update_or_create(
                    organisation=organisation,
                    year=year,
                    defaults={"homes": int(org_homes * growth)},
                )
            seeder = OrganisationSeeder(
                organisation=organisation,
                pack=pack,
                homes=org_homes,
                first=first,
                end=end,
                rng=child,
                ids=ids,
                user_id=user.pk,
            )
            for chunk in seeder.generate():
                result.people += write(chunk.people)
                result.cases += write(chunk.cases)
                result.events += write(chunk.events)
                result.awards += write(chunk.awards)
                result.answers += write(chunk.answers)
                tell("cases", result.cases, max(expected, result.cases))
            for key, last in ids.items():
                if key.startswith(f"ref-{organisation.pk}-"):
                    year = int(key.rsplit("-", 1)[1])
                    ReferenceCounter.objects.update_or_create(
                        organisation=organisation, year=year, defaults={"last": last}
                    )
    _reset_sequences()
    tell("cases", result.cases, result.cases)
    # The words search reads, for the new cases (putright/search).
    from putright.search.index import rebuild

    rebuild(after=first_case, progress=lambda done, total: tell("search words", done, total))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Case, Event, Person, Award, SatisfactionResponse):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    result.seconds = round(time.perf_counter() - began, 1)
    return result


def _max_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0)


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Case, Person, Award, SatisfactionResponse):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
            )


__all__ = ["SeedResult", "seed"]
