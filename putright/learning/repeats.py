"""Repeat and similar complaints, found from their text to suggest, never to decide.

A case is compared with the organisation's earlier cases: its words (summary, details and what
would put it right) against theirs with rapidfuzz's token-set ratio, which ignores word order
and repeated words and so scores a complaint sent again "with only minor differences" near
100, and a different matter about the same home low. The same customer and the same home
(address or postcode) are shown beside the score; a suggestion needs similar words, and
fewer of them when it is the same customer or home. Each suggestion says why it was made,
and which of the pack's rules could apply (an exclusion for a matter that exhausted the
process; a dissatisfaction that comes back must be a complaint); the handler decides, and
may link the cases. Nothing is downloaded: rapidfuzz is plain code.

``themes`` groups a period's complaints into clusters of similar wording, for the reviews.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from putright.cases.models import Case, CaseLink, Kind, Status
from putright.cases.selectors import case_pack
from putright.domain.calendar import describe
from putright.domain.policy import ExclusionCategory, Pack
from putright.organisations.models import Organisation

#: Scores (0-100) of wording alike enough to suggest: for any case, and for the same
#: customer or home.
SIMILAR = 78
SIMILAR_SAME_PERSON = 60
#: How far back earlier cases are looked for.
LOOK_BACK = datetime.timedelta(days=730)
MAX_CANDIDATES = 2000
SUGGESTIONS = 3

_STOP_WORDS = """a about above after again all also am an and any are as at be because been before being
    below but by can could did do does done for from had has have having he her here him his
    how i if in into is it its just me more most my no nor not now of off on once only or other
    our out over own same she should so some still such than that the their them then there
    these they this those through to too under until up very was we were what when where which
    while who why will with would you your yours dear please thanks thank complaint complain
    again told said asked"""
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[a-z][a-z']+")


def _text(case: Case) -> str:
    return " ".join(part for part in (case.summary, case.details, case.desired_outcome) if part)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in _STOP and len(w) > 2}


def _home(case: Case) -> str:
    customer = case.customer
    if customer is None:
        return ""
    return _home_of(customer.address, customer.postcode)


def _home_of(address: str | None, postcode: str | None) -> str:
    address = utils.default_process(address or "")
    postcode = (postcode or "").replace(" ", "").upper()
    return f"{address}|{postcode}" if address or postcode else ""


@dataclass(frozen=True)
class Suggestion:
    """An earlier case the new one may repeat, and why it was suggested."""

    case: Case
    score: int  # how alike the wording is, 0-100
    same_customer: bool
    same_home: bool
    words: tuple[str, ...]  # words the two share
    reasons: tuple[str, ...]  # each in plain words, for the handler
    rules: tuple[str, ...] = ()  # the pack's rules that could apply, each citing its source
    linked: bool = False  # the handler has linked them already

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _rules(pack: Pack, new: Case, earlier: Case, score: int) -> tuple[str, ...]:
    """The pack's rules a repeat could engage: a matter that exhausted the process, and a
    dissatisfaction raised again."""
    out = []
    if earlier.is_closed and score >= SIMILAR:
        for exclusion in pack.exclusions:
            if exclusion.category == ExclusionCategory.ALREADY_EXHAUSTED:
                cited = f" ({exclusion.source})" if exclusion.source else ""
                out.append(f"{exclusion.label}{cited}: the policy's exclusion, at discretion")
    rule = pack.kind(Kind.DISSATISFACTION)
    if (
        rule is not None
        and rule.repeat_becomes_complaint
        and new.kind == Kind.DISSATISFACTION
        and earlier.kind in (Kind.DISSATISFACTION, Kind.COMPLAINT)
    ):
        cited = f" ({rule.source})" if rule.source else ""
        out.append(
            "A dissatisfaction about a matter raised before must be dealt with as a complaint"
            f"{cited}"
        )
    return tuple(out)


def repeat_suggestions(case: Case, *, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Earlier cases of the organisation that this one may repeat, most alike first."""
    text = _text(case)
    if not text.strip():
        return []
    # The earlier cases' words and homes only (not whole cases: up to MAX_CANDIDATES of them
    # on every case page), then the few alike enough read whole.
    earlier = list(
        Case.objects.filter(
            organisation_id=case.organisation_id,
            received_at__lt=case.received_at,
            received_at__gte=case.received_at - LOOK_BACK,
        )
        .exclude(pk=case.pk)
        .order_by("-received_at")
        .values_list(
            "pk",
            "summary",
            "details",
            "desired_outcome",
            "customer_id",
            "customer__address",
            "customer__postcode",
        )[:MAX_CANDIDATES]
    )
    if not earlier:
        return []
    texts = [" ".join(part for part in row[1:4] if part) for row in earlier]
    scores = process.cdist(
        [text], texts, scorer=fuzz.token_set_ratio, processor=utils.default_process
    )[0]
    home = _home(case)
    mine = _words(text)
    alike = []
    for row, other_text, raw in zip(earlier, texts, scores, strict=True):
        score = round(float(raw))
        same_customer = bool(case.customer_id and row[4] == case.customer_id)
        same_home = bool(home and _home_of(row[5], row[6]) == home)
        needed = SIMILAR_SAME_PERSON if (same_customer or same_home) else SIMILAR
        if score < needed:
            continue
        shared = sorted(mine & _words(other_text))
        if len(shared) >= 2:
            alike.append((row[0], score, same_customer, same_home, shared))
    if not alike:
        return []
    # Most alike first (the same customer or home before others), in the order received
    # among equals; only those shown are read whole.
    alike.sort(key=lambda a: (-(a[2] or a[3]), -a[1]))
    alike = alike[:limit]
    whole = Case.objects.select_related("customer").in_bulk([pk for pk, *_ in alike])
    linked = set(
        CaseLink.objects.filter(from_case=case).values_list("to_case_id", flat=True)
    ) | set(CaseLink.objects.filter(to_case=case).values_list("from_case_id", flat=True))
    pack = case_pack(case)
    found = []
    for pk, score, same_customer, same_home, shared in alike:
        other = whole[pk]
        reasons = [f"{score}% of the wording matches ({', '.join(shared[:6])})"]
        if same_customer:
            reasons.append("the same customer")
        elif same_home:
            reasons.append("the same home")
        if case.service_area and other.service_area == case.service_area:
            reasons.append(f"both about {case.service_area}")
        state = (
            f"closed on {describe(other.closed_at.date())}"
            if other.is_closed and other.closed_at
            else "still open"
            if other.status != Status.CLOSED
            else "closed"
        )
        reasons.append(f"{other.reference} was received on {describe(other.deemed_received_on)}")
        reasons.append(state)
        found.append(
            Suggestion(
                case=other,
                score=score,
                same_customer=same_customer,
                same_home=same_home,
                words=tuple(shared),
                reasons=tuple(reasons),
                rules=_rules(pack, case, other, score),
                linked=other.pk in linked,
            )
        )
    return found


# -- themes over a period ----------------------------------------------------------------------


@dataclass
class Theme:
    """Complaints of a period whose wording is alike."""

    words: tuple[str, ...]
    cases: list[Case] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.cases)


def themes(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    *,
    threshold: int = 70,
    least: int = 2,
) -> list[Theme]:
    """Clusters of complaints received in the period with alike wording (each case in the first
    cluster it joins), the largest first; only clusters of ``least`` cases or more."""
    cases = list(
        Case.objects.filter(
            organisation=organisation,
            kind__in=(Kind.COMPLAINT, Kind.DISSATISFACTION),
            received_at__date__gte=start,
            received_at__date__lte=end,
        ).order_by("received_at", "pk")[:MAX_CANDIDATES]
    )
    if len(cases) < least:
        return []
    # The words the customer chose: what would put it right is too often the same words.
    texts = [" ".join(p for p in (c.summary, c.details) if p) for c in cases]
    matrix = process.cdist(
        texts, texts, scorer=fuzz.token_sort_ratio, processor=utils.default_process
    )
    taken: set[int] = set()
    out: list[Theme] = []
    for i in range(len(cases)):
        if i in taken:
            continue
        members = [j for j in range(len(cases)) if j not in taken and matrix[i][j] >= threshold]
        if len(members) < least:
            continue
        taken.update(members)
        common = set.intersection(*(_words(texts[j]) for j in members))
        out.append(Theme(words=tuple(sorted(common))[:8], cases=[cases[j] for j in members]))
    out.sort(key=lambda t: -t.size)
    return out
