"""Hazards on a case (Awaab's Law): raise one by hand, and record each step of it.

``POST /cases/{reference}/hazards`` and ``POST /cases/{reference}/hazards/{hazard_id}/{action}``
for each step declared in ``putright/actions/hazards.py``; each answers with the hazard as the
case answer's ``hazards`` shows it. Only those who see the case reach its hazards (404
otherwise); the role rules answer 403, a step out of order 409, bad input 400.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from putright.accounts.access import NotVisibleError
from putright.actions.catalogue import NestedAction, perform_nested
from putright.actions.hazards import HAZARD_BY_NAME, HAZARD_STEPS, HazardRaiseIn
from putright.cases.access import access_case
from putright.cases.models import Case
from putright.hazards.models import Hazard
from putright.hazards.selectors import hazards_out

from .reference import user_of
from .schemas import HazardOut, Text, errors

router = Router(tags=["hazards"])

NO_HAZARD = "The case has no hazard {hazard_id}."


def _hazard(case: Case, hazard_id: int) -> Hazard:
    found = Hazard.objects.filter(case=case, pk=hazard_id).select_related("case").first()
    if found is None:
        raise NotVisibleError(NO_HAZARD.format(hazard_id=hazard_id))
    found.case = case
    return found


def hazard_answer(hazard: Hazard) -> dict[str, Any]:
    hazard.refresh_from_db()
    (answer,) = hazards_out([hazard])
    return answer


@router.post(
    "/cases/{reference}/hazards",
    response={201: HazardOut, **errors(403, 404, 409, 422)},
    operation_id="case_hazard_raise",
    summary="Record a hazard by hand (its clocks count from the case's receipt unless aware_at)",
)
def hazard_raise(request: HttpRequest, reference: Text, payload: HazardRaiseIn) -> Any:
    user = user_of(request)
    case = access_case(user, reference)
    hazard = perform_nested(
        HAZARD_BY_NAME["hazard-raise"], user=user, case=case, target=None, payload=payload
    )
    return Status(201, hazard_answer(hazard))


def _register(step: str, action: NestedAction) -> None:
    schema = action.schema

    def endpoint(
        request: HttpRequest,
        reference: Text,
        hazard_id: int,
        payload: schema,  # type: ignore[valid-type]
    ) -> Any:
        user = user_of(request)
        case = access_case(user, reference)
        hazard = perform_nested(
            action, user=user, case=case, target=_hazard(case, hazard_id), payload=payload
        )
        return hazard_answer(hazard)

    endpoint.__name__ = f"case_{action.name.replace('-', '_')}"
    router.post(
        f"/cases/{{reference}}/hazards/{{hazard_id}}/{step}",
        response={200: HazardOut, **errors(403, 404, 409, 422)},
        operation_id=endpoint.__name__,
        summary=action.label,
    )(endpoint)


for _step, _action in HAZARD_STEPS.items():
    _register(_step, _action)
