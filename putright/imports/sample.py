"""A synthetic export of a housing system's complaints, in the shape of
``docs/import/sample-mapping.toml``: the sample shipped in ``docs/import/`` (with some bad
rows, each wrong in its own way) and the 100,000-row file the benchmark imports. The same
``seed`` gives the same file."""

from __future__ import annotations

import csv
import datetime
import random
from pathlib import Path

HEADINGS = (
    "Complaint Ref",
    "Date Logged",
    "Complaint Type",
    "Contact Method",
    "Service Area",
    "Case Officer",
    "Tenant ID",
    "Tenant Name",
    "Email",
    "Telephone",
    "Address",
    "Postcode",
    "Tenure",
    "Summary",
    "Desired Outcome",
    "Stage 1 Acknowledged",
    "Stage 1 Response Sent",
    "Stage 1 Outcome",
    "Stage 2 Requested",
    "Stage 2 Acknowledged",
    "Stage 2 Response Sent",
    "Stage 2 Outcome",
    "Date Closed",
    "Closure Reason",
)
FIRST = ("Amira", "Ben", "Chloe", "Dev", "Ellen", "Femi", "Grace", "Hassan", "Iris", "Jon")
LAST = ("Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hughes", "Khan")
STREETS = ("Mill Lane", "Church Road", "Station Street", "Park View", "Orchard Close")
AREAS = ("Repairs", "Damp and mould", "Anti-social behaviour", "Rent and service charges")
SUMMARIES = (
    "Repair to the kitchen window not done after three visits",
    "Damp and mould in the back bedroom, reported twice",
    "Noise from the flat above late at night",
    "Service charge increase not explained",
    "Operative missed the appointment without telling me",
    "Communal lights out on the stairwell for weeks",
    "Boiler repair left the heating off for five days",
)
METHODS = ("Telephone", "Email", "Web", "Letter", "Walk-in", "MP/Cllr")
TENURES = ("General Needs", "General Needs", "General Needs", "Leasehold", "Shared Ownership")
OUTCOMES = ("Upheld", "Partially Upheld", "Not Upheld")


def _working(day: datetime.date, days: int) -> datetime.date:
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _d(day: datetime.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def sample_rows(
    *,
    rows: int,
    end: datetime.date,
    years: int = 2,
    seed: int = 1,
    officers: tuple[str, ...] = ("handler",),
) -> list[dict[str, str]]:
    """``rows`` cases received over ``years`` up to ``end``, the newest still open."""
    rng = random.Random(seed)
    start = end - datetime.timedelta(days=365 * years)
    span = (end - start).days
    people: list[tuple[str, str, str, str, str, str]] = []
    out = []
    for n in range(rows):
        received = start + datetime.timedelta(days=int(span * n / max(rows, 1)) + rng.randint(0, 2))
        received = min(received, end)
        while received.weekday() >= 5:
            received -= datetime.timedelta(days=1)
        if people and rng.random() < 0.25:
            person = rng.choice(people)  # the same tenant again
        else:
            k = len(people) + 1
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            email = f"{name.split()[0].lower()}.{k}@example.org" if rng.random() < 0.6 else ""
            phone = f"07700 9{k % 100000:05d}"
            address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}, Meadowbank"
            postcode = f"MB{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"
            person = (f"T{k:06d}", name, email, phone, address, postcode)
            people.append(person)
        kind = "Service Request" if rng.random() < 0.08 else "Formal Complaint"
        row = dict.fromkeys(HEADINGS, "")
        tenant_id, name, email, phone, address, postcode = person
        # Some systems know a tenant only by name and postcode.
        row.update(
            {
                "Complaint Ref": f"CMP{100000 + n}",
                "Date Logged": f"{received:%d/%m/%Y} {rng.randint(8, 18):02d}:{rng.choice((0, 15, 30, 45)):02d}",
                "Complaint Type": kind,
                "Contact Method": rng.choice(METHODS),
                "Service Area": rng.choice(AREAS),
                "Case Officer": rng.choice(officers),
                "Tenant ID": tenant_id if rng.random() < 0.9 else "",
                "Tenant Name": name,
                "Email": email,
                "Telephone": phone,
                "Address": address,
                "Postcode": postcode,
                "Tenure": rng.choice(TENURES),
                "Summary": rng.choice(SUMMARIES),
                "Desired Outcome": "Put it right and tell me when",
            }
        )
        age = (end - received).days
        if kind == "Service Request" or age < 3:
            out.append(row)
            continue
        ack = _working(received, rng.choice((1, 2, 3, 4, 5, 5, 7)))
        if ack > end:
            out.append(row)
            continue
        row["Stage 1 Acknowledged"] = _d(ack)
        responded = _working(ack, rng.choice((4, 6, 8, 9, 10, 10, 12, 15)))
        if responded > end:
            out.append(row)
            continue
        row["Stage 1 Response Sent"] = _d(responded)
        row["Stage 1 Outcome"] = rng.choice(OUTCOMES)
        if rng.random() < 0.15:
            asked = _working(responded, rng.randint(2, 15))
            if asked > end:
                out.append(row)
                continue
            row["Stage 2 Requested"] = _d(asked)
            ack2 = _working(asked, rng.choice((2, 4, 5, 6)))
            if ack2 > end:
                out.append(row)
                continue
            row["Stage 2 Acknowledged"] = _d(ack2)
            responded2 = _working(ack2, rng.choice((10, 15, 20, 22)))
            if responded2 > end:
                out.append(row)
                continue
            row["Stage 2 Response Sent"] = _d(responded2)
            row["Stage 2 Outcome"] = rng.choice(OUTCOMES)
            closed = responded2
        else:
            closed = _working(responded, rng.randint(5, 25))
        if closed <= end:
            row["Date Closed"] = _d(closed)
            row["Closure Reason"] = "Resolved" if rng.random() < 0.9 else "No further contact"
        out.append(row)
    return out


def spoil(rows: list[dict[str, str]]) -> list[tuple[int, str]]:
    """Make some rows wrong, each in its own way, as real exports are; (row index, what)."""
    bad: list[tuple[int, str]] = []

    def at(i: int, what: str, **changes: str) -> None:
        if i < len(rows):
            rows[i].update({k.replace("_", " "): v for k, v in changes.items()})
            bad.append((i, what))

    closed = [i for i, r in enumerate(rows) if r["Date Closed"]]
    at(closed[3], "date that is no date", Date_Logged="31/02/2025 10:00")
    at(closed[10], "unknown type", Complaint_Type="Compliment")
    at(closed[17], "e-mail that is not one", Email="not-an-address")
    if closed[24] < len(rows):
        rows[closed[24]]["Complaint Ref"] = ""
        bad.append((closed[24], "no reference"))
    if closed[31] < len(rows):
        rows[closed[31]]["Complaint Ref"] = rows[closed[30]]["Complaint Ref"]
        bad.append((closed[31], "reference twice"))
    i = closed[38]
    if i < len(rows):
        logged = datetime.datetime.strptime(rows[i]["Date Logged"][:10], "%d/%m/%Y").date()  # noqa: DTZ007
        rows[i]["Stage 1 Response Sent"] = _d(logged - datetime.timedelta(days=3))
        bad.append((i, "answered before it was received"))
    at(closed[45], "response with no outcome", Stage_1_Outcome="")
    at(closed[52], "unknown contact method", Contact_Method="Carrier pigeon")
    at(closed[59], "no summary", Summary="")
    at(
        closed[66],
        "stage 2 answer with no escalation",
        Stage_2_Requested="",
        Stage_2_Acknowledged="",
        Stage_2_Response_Sent="12/01/2025",
        Stage_2_Outcome="Upheld",
    )
    at(closed[73], "date in the future", Date_Closed="01/01/2099")
    return bad


def write_sample(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=HEADINGS)
        writer.writeheader()
        writer.writerows(rows)
