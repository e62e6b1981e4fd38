"""One row of an export read through the mapping: a source case, or what is wrong with it
(the line, the column and why)."""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from putright.people.services import normalise_postcode

from .mapping import Mapping
from .reading import Cell

SUMMARY_MAX = 300
POSTCODE_MAX = 10


@dataclass(frozen=True)
class Problem:
    """Why a row cannot be taken: its line, the column (as the file names it) and why."""

    line: int
    column: str
    why: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        return (
            f"{where}, column {self.column!r}: {self.why}"
            if self.column
            else f"{where}: {self.why}"
        )


@dataclass(frozen=True)
class Customer:
    source_id: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    tenure: str = "unknown"


@dataclass(frozen=True)
class SourceCase:
    """A case as the source system holds it, in PutRight's words and aware datetimes."""

    line: int
    reference: str
    received_at: datetime.datetime
    kind: str
    channel: str
    summary: str
    details: str = ""
    desired_outcome: str = ""
    service_area: str = ""
    category: str = ""
    handler: str = ""
    customer: Customer = field(default_factory=Customer)
    acknowledged: datetime.datetime | None = None
    responded: datetime.datetime | None = None
    outcome: str = ""
    escalated: datetime.datetime | None = None
    escalation_acknowledged: datetime.datetime | None = None
    escalation_responded: datetime.datetime | None = None
    escalation_outcome: str = ""
    closed: datetime.datetime | None = None
    closure_reason: str = ""

    def values(self) -> dict[str, Any]:
        """What the row says, as text: compared with a later file's row to find changes."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "line":
                continue
            value = getattr(self, f.name)
            if f.name == "customer":
                out.update({f"customer.{c.name}": getattr(value, c.name) for c in fields(value)})
            elif isinstance(value, datetime.datetime):
                out[f.name] = value.astimezone(_zone()).isoformat(timespec="minutes")
            else:
                out[f.name] = value if value is not None else ""
        return out

    def row_hash(self, values: dict[str, Any] | None = None) -> str:
        text = json.dumps(values or self.values(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def _zone() -> datetime.tzinfo:
    return timezone.get_default_timezone()


def _day(moment: datetime.datetime) -> datetime.date:
    """The local date of a moment (cheaper than ``timezone.localdate`` for many rows)."""
    return moment.astimezone(_zone()).date()


class _Row:
    """Reads one row's cells through the mapping, collecting every problem, not just the first."""

    def __init__(self, mapping: Mapping, line: int, cells: dict[str, Cell], now: datetime.datetime):
        self.mapping = mapping
        self.line = line
        self.cells = cells
        self.now = now
        self.problems: list[Problem] = []

    def problem(self, column: str, why: str) -> None:
        self.problems.append(Problem(self.line, column, why))

    def text(self, column: str) -> str:
        if not column:
            return ""
        value = self.cells.get(column, "")
        if isinstance(value, datetime.datetime):
            return value.isoformat(sep=" ", timespec="minutes")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return " ".join(value.split()) if "\n" not in value else value.strip()

    def choice(self, table: str, column: str, default: str) -> str:
        raw = self.text(column)
        if not raw:
            return default
        value = self.mapping.translate(table, raw)
        if value is None:
            known = sorted(self.mapping.values.get(table, {}))
            hint = f" Add it to [values.{table}] in {self.mapping.source}" + (
                f" (it maps: {', '.join(repr(k) for k in known)})." if known else "."
            )
            self.problem(
                column, f"{raw!r} is not a {table.replace('_', ' ')} the mapping knows.{hint}"
            )
            return default
        return value

    def moment(self, column: str, *, required: bool = False) -> datetime.datetime | None:
        if not column:
            return None
        value = self.cells.get(column, "")
        zone = _zone()
        moment: datetime.datetime | None = None
        if isinstance(value, datetime.datetime):
            moment = value if timezone.is_aware(value) else timezone.make_aware(value, zone)
        elif isinstance(value, datetime.date):
            moment = timezone.make_aware(
                datetime.datetime.combine(value, self.mapping.time_of_day), zone
            )
        elif value:
            for fmt in self.mapping.date_formats:
                try:
                    parsed = datetime.datetime.strptime(value, fmt)  # noqa: DTZ007  made aware below
                except ValueError:
                    continue
                if not any(code in fmt for code in ("%H", "%I", "%M")):
                    parsed = datetime.datetime.combine(parsed.date(), self.mapping.time_of_day)
                try:
                    moment = timezone.make_aware(parsed, zone)
                except (ValueError, OverflowError):
                    continue
                break
            else:
                self.problem(
                    column,
                    f"{value!r} is not a date in the mapping's formats "
                    f"({', '.join(self.mapping.date_formats)}).",
                )
                return None
        if moment is None:
            if required:
                self.problem(column, "empty: a date is required.")
            return None
        if moment > self.now:
            self.problem(column, f"{self.text(column)} is in the future.")
            return None
        return moment

    def after(
        self,
        column: str,
        moment: datetime.datetime | None,
        earlier: list[tuple[str, datetime.datetime | None]],
    ) -> datetime.datetime | None:
        """``moment``, refused if it is before a date the case had to reach first."""
        if moment is None:
            return None
        for name, before in earlier:
            if before is not None and _day(moment) < _day(before):
                self.problem(
                    column,
                    f"{_day(moment):%d/%m/%Y} is before the {name} ({_day(before):%d/%m/%Y}).",
                )
                return None
        return moment


def read_row(
    mapping: Mapping, line: int, cells: dict[str, Cell], *, now: datetime.datetime
) -> SourceCase | list[Problem]:
    """The row as a source case, or every problem with it."""
    c = mapping.columns
    row = _Row(mapping, line, cells, now)
    reference = row.text(c.reference)
    if not reference:
        row.problem(c.reference, "empty: every case needs its reference in the source system.")
    elif len(reference) > 100:
        row.problem(c.reference, "longer than 100 characters.")
    received = row.moment(c.received, required=True)
    kind = row.choice("kind", c.kind, mapping.defaults.kind)
    channel = row.choice("channel", c.channel, mapping.defaults.channel)
    summary = row.text(c.summary)
    details = row.text(c.details)
    if not summary:
        row.problem(c.summary, "empty: say in a few words what the case is about.")
    elif len(summary) > SUMMARY_MAX:
        # The whole text is kept in the details; the summary is its beginning.
        details = f"{summary}\n\n{details}".strip()
        summary = summary[: SUMMARY_MAX - 1].rsplit(" ", 1)[0] + "…"
    # The customer.
    cc = c.customer
    email = row.text(cc.email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.problem(cc.email, f"{email!r} is not an e-mail address.")
    postcode = normalise_postcode(row.text(cc.postcode))
    if len(postcode) > POSTCODE_MAX:
        row.problem(cc.postcode, f"{postcode!r} is not a postcode (at most 10 characters).")
    customer = Customer(
        source_id=row.text(cc.id),
        name=row.text(cc.name)[:200],
        email=email,
        phone=row.text(cc.phone)[:40],
        address=row.text(cc.address),
        postcode=postcode,
        tenure=row.choice("tenure", cc.tenure, mapping.defaults.tenure),
    )
    if not (customer.name or customer.source_id or customer.email):
        row.problem(
            cc.name or cc.id or cc.email or c.reference,
            "no customer: give the customer's name (or their id in the source system).",
        )
    # The history, each date after those it follows.
    fs, es = c.first_stage, c.escalation
    ack = row.after(fs.acknowledged, row.moment(fs.acknowledged), [("date received", received)])
    responded = row.after(
        fs.responded,
        row.moment(fs.responded),
        [("date received", received), ("acknowledgement", ack)],
    )
    outcome = row.choice("outcome", fs.outcome, "")
    if responded and not outcome:
        row.problem(fs.outcome or fs.responded, "a response needs its outcome.")
    if outcome and not row.text(fs.responded):
        row.problem(fs.outcome, "an outcome with no date of the response.")
    escalated = row.after(
        es.requested,
        row.moment(es.requested),
        [("date received", received), ("acknowledgement", ack), ("first response", responded)],
    )
    ack2 = row.after(es.acknowledged, row.moment(es.acknowledged), [("escalation", escalated)])
    responded2 = row.after(
        es.responded,
        row.moment(es.responded),
        [("escalation", escalated), ("escalation's acknowledgement", ack2)],
    )
    outcome2 = row.choice("outcome", es.outcome, "")
    later = (row.text(es.acknowledged), row.text(es.responded), outcome2)
    if any(later) and not row.text(es.requested):
        row.problem(es.requested, "empty, but the row has dates or an outcome of the escalation.")
    if responded2 and not outcome2:
        row.problem(es.outcome or es.responded, "a response needs its outcome.")
    if outcome2 and not row.text(es.responded):
        row.problem(es.outcome, "an outcome with no date of the response.")
    closed = row.after(
        c.closed,
        row.moment(c.closed),
        [
            ("date received", received),
            ("acknowledgement", ack),
            ("first response", responded),
            ("escalation", escalated),
            ("escalation's acknowledgement", ack2),
            ("escalation's response", responded2),
        ],
    )
    closure_reason = row.choice("closure_reason", c.closure_reason, "")
    if closed is not None and not closure_reason:
        closure_reason = mapping.defaults.closure_reason
    if row.problems or received is None:
        return row.problems
    return SourceCase(
        line=line,
        reference=reference,
        received_at=received,
        kind=kind,
        channel=channel,
        summary=summary,
        details=details,
        desired_outcome=row.text(c.desired_outcome),
        service_area=row.text(c.service_area)[:100],
        category=row.text(c.category)[:100],
        handler=row.text(c.handler),
        customer=customer,
        acknowledged=ack,
        responded=responded,
        outcome=outcome,
        escalated=escalated,
        escalation_acknowledged=ack2,
        escalation_responded=responded2,
        escalation_outcome=outcome2,
        closed=closed,
        closure_reason=closure_reason if closed is not None else "",
    )
