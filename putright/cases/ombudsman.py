"""Which ombudsman a case goes to, and how the resident contacts it.

An organisation has a default route (``Organisation.ombudsman_route``); its pack may send a
case elsewhere by rule (``[[ombudsman.rules]]``: the customer's tenure, the case's service
area or category; the first rule that applies wins). Every place that names the ombudsman
(letters, the portal, the Ombudsman bundle) asks here, so they all follow the case's route.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from putright.domain.errors import UnknownPackError
from putright.domain.policy import OmbudsmanRoute
from putright.policies.registry import get_pack

if TYPE_CHECKING:
    from putright.organisations.models import Organisation

    from .models import Case

OMBUDSMAN_FILE = Path(__file__).with_name("ombudsman.toml")
DEFAULT_ROUTE = OmbudsmanRoute.HOUSING_OMBUDSMAN.value


@cache
def ombudsman_routes() -> dict[str, dict[str, str]]:
    """Every route's contact details (``name``, ``short_name``, ``address``, ``phone``,
    ``email``, ``website``, ``wording``), keyed by route."""
    data: dict[str, dict[str, str]] = tomllib.loads(OMBUDSMAN_FILE.read_text(encoding="utf-8"))
    return data


def route_details(route: str) -> dict[str, str]:
    """A route's contact details; the Housing Ombudsman's for a route not known."""
    routes = ombudsman_routes()
    return routes.get(route, routes[DEFAULT_ROUTE])


def organisation_ombudsman_route(organisation: Organisation | None) -> str:
    """The organisation's default route (before any case says otherwise)."""
    return (organisation.ombudsman_route if organisation is not None else "") or DEFAULT_ROUTE


def ombudsman_route_for(
    organisation: Organisation | None,
    pack_id: str,
    *,
    tenure: str = "",
    service_area: str = "",
    category: str = "",
) -> str:
    """The route for what is known of a complaint: the pack's first rule that applies, else
    the organisation's default."""
    default = organisation_ombudsman_route(organisation)
    try:
        pack = get_pack(pack_id)
    except UnknownPackError:
        return default
    routed = pack.ombudsman.route_for(
        tenure=tenure or "", service_area=service_area or "", category=category or ""
    )
    return routed.value if routed is not None else default


def case_ombudsman_route(case: Case) -> str:
    """The case's route: the pack's first rule for the customer's tenure, the case's service
    area and category, else the organisation's default."""
    customer = case.customer
    return ombudsman_route_for(
        case.organisation,
        case.policy_pack,
        tenure=customer.tenure if customer is not None else "",
        service_area=case.service_area,
        category=case.category,
    )


def case_ombudsman(case: Case) -> dict[str, str]:
    """How the resident contacts the ombudsman their case goes to."""
    return route_details(case_ombudsman_route(case))
