"""Which cases a user may see, and reaching one: the case rules of ``putright.accounts.access``
applied to the cases themselves (a query, a read that is recorded)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from putright.accounts.access import (
    CASE_READERS,
    NAMED_ONLY_READERS,
    NOT_FOUND,
    RESTRICTED_READERS,
    NotVisibleError,
    can_see_case,
    organisations_with,
    record_access,
)
from putright.accounts.models import User

from .models import Case, CaseMember


def _named(user: User) -> Q:
    # A subquery, not a join: a join would repeat rows and force DISTINCT over every case.
    named_on = CaseMember.objects.filter(user=user).values("case_id")
    return Q(handler=user) | Q(investigator=user) | Q(pk__in=named_on)


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case the user may see, as one query (no joins, so counts and sorts use indexes)."""
    readers = set(organisations_with(user, CASE_READERS))
    restricted = set(organisations_with(user, RESTRICTED_READERS))
    named_only = set(organisations_with(user, NAMED_ONLY_READERS))
    everything = sorted(readers & restricted)  # restricted cases too
    unrestricted = sorted(readers - restricted)
    condition = Q(pk__in=[])
    if everything:
        condition |= Q(organisation_id__in=everything)
    if unrestricted:
        condition |= Q(organisation_id__in=unrestricted, conduct=False)
    named_orgs = sorted((readers | named_only) - set(everything))
    if named_orgs:
        condition |= Q(organisation_id__in=named_orgs) & _named(user)
    # The organisations once more, around the whole condition: SQLite then reads one index
    # range per organisation instead of searching an index per branch and every row after.
    organisations = sorted(set(everything) | set(unrestricted) | set(named_orgs))
    return Case.objects.filter(Q(organisation_id__in=organisations) & condition)


def organisations_read_whole(user: User) -> tuple[list[int], bool]:
    """The organisations whose cases the user reads as a whole (every case, or every case
    but those about staff conduct that do not name them), and whether there are others where
    they see only the cases they are named on: a list can then be drawn from an organisation
    column alone only when the second is false."""
    readers = set(organisations_with(user, CASE_READERS))
    named_only = set(organisations_with(user, NAMED_ONLY_READERS)) - readers
    return sorted(readers), bool(named_only)


def access_case(user: User, reference: str, *, record: bool = True) -> Case:
    """The case with this reference if the user may see it; reading a restricted case is logged."""
    case = (
        Case.objects.select_related(
            "organisation", "customer", "representative", "handler", "investigator"
        )
        .filter(reference=reference)
        .first()
    )
    if case is None or not can_see_case(user, case):
        raise NotVisibleError(NOT_FOUND.format(reference=reference))
    if case.conduct and record:
        record_access(user, "read restricted case", case.reference)
    return case
