"""Every action on a case, one endpoint each, made from the action catalogue."""

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Status
from ninja.files import UploadedFile

from putright.actions.cases import BY_NAME, CASE_ACTIONS
from putright.actions.catalogue import CaseAction, perform
from putright.cases.access import access_case
from putright.cases.errors import CaseInputError

from ..reference import user_of
from ..schemas import (
    AttachIn,
    CaseOut,
    SplitIn,
    SplitOut,
    Text,
    errors,
)
from ._router import router
from .answers import _after_action, _as_it_stands, _detail


def _register(action: CaseAction) -> None:
    """``POST /cases/{reference}/{name}``: see the case, take the action, answer with the case."""
    schema = action.schema

    def endpoint(
        request: HttpRequest,
        reference: Text,
        payload: schema,  # type: ignore[valid-type]
    ) -> HttpResponse | Status[dict[str, Any]]:
        user = user_of(request)
        case = access_case(user, reference)
        perform(action, user=user, case=case, payload=payload)
        return _after_action(request, user, case.reference)

    endpoint.__name__ = f"case_{action.name.replace('-', '_')}"
    endpoint.__doc__ = action.summary
    router.post(
        f"/cases/{{reference}}/{action.name}",
        response={200: CaseOut, **errors(403, 404, 409, 422)},
        operation_id=endpoint.__name__,
        summary=action.summary,
    )(endpoint)


for _action in CASE_ACTIONS:
    if _action.generic_api:
        _register(_action)


@router.post(
    "/cases/{reference}/split",
    response={200: SplitOut, **errors(403, 404, 409, 422)},
    operation_id="case_split",
    summary="Split a contact that raises several issues into linked cases",
)
def case_split_endpoint(request: HttpRequest, reference: Text, payload: SplitIn) -> dict[str, Any]:
    user = user_of(request)
    case = access_case(user, reference)
    created = perform(BY_NAME["split"], user=user, case=case, payload=payload)
    return {
        "case": _detail(user, _as_it_stands(reference)),
        "created": [c.reference for c in created],
    }


@router.post(
    "/cases/{reference}/attach",
    response={200: CaseOut, **errors(403, 404, 409, 422)},
    operation_id="case_attach",
    summary="Attach a document (PDF, image, Office document or text; at most 10 MB)",
)
def case_attach_endpoint(
    request: HttpRequest,
    reference: Text,
    file: File[UploadedFile],
    version: Form[int | None] = None,
    occurred_at: Form[datetime.datetime | None] = None,
) -> HttpResponse | Status[dict[str, Any]]:
    user = user_of(request)
    case = access_case(user, reference)
    if version is not None and version < 1:
        raise CaseInputError("version is a positive number.", fields={"version": "At least 1."})
    payload = AttachIn(file=file, version=version, occurred_at=occurred_at)
    perform(BY_NAME["attach"], user=user, case=case, payload=payload)
    return _after_action(request, user, reference)
