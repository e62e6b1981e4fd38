"""The API object, bearer authentication and the error shape every endpoint shares."""

import json
import logging

from django.core.exceptions import SuspiciousOperation
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from putright.accounts.access import AccessDeniedError, NotVisibleError
from putright.accounts.tokens import token_user
from putright.cases.errors import CaseError, PolicyRuleError
from putright.domain.errors import DomainError

from .rendering import JsonRenderer

logger = logging.getLogger(__name__)

PARAMETER_SOURCES = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})
STATUS_FOR_CODE = {
    "forbidden": 403,
    "invalid": 400,
    "wrong_state": 409,
    "conflict": 409,
    "policy_rule": 422,
}


class JsonObjectParser(Parser):
    """A request body is a JSON object: ``[]`` or ``"text"`` is refused (400), not read as ``{}``."""

    def parse_body(self, request: HttpRequest) -> dict[str, object]:
        kind = request.content_type or ""
        if kind != "application/json" and not kind.endswith("+json"):
            # Ninja answers any failure here 400; on_http_error answers this one 415.
            request.putright_media_type = kind or "none"  # type: ignore[attr-defined]
            raise ValueError("the body must be sent as application/json")
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data


class BearerToken(HttpBearer):
    """``Authorization: Bearer prt_...`` with a token from ``putright token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="PutRight API",
    version="1",
    description=(
        "Complaint handling for social landlords. Authenticate with a bearer token from "
        "`putright token create USERNAME`. Cases are addressed by their reference; every "
        "action is `POST /api/v1/cases/{reference}/{action}` with an optional `occurred_at` "
        "(never in the future) and `version` (409 if the case changed since). "
        "`GET /cases/{reference}` answers with an ETag: send it back in If-None-Match to get "
        "304 while the case, its deadlines and what you may see of it are unchanged. Errors "
        'are `{"error": {"code", "message", "fields"}}`.'
    ),
    urls_namespace="api-v1",
    auth=BearerToken(),
    parser=JsonObjectParser(),
    renderer=JsonRenderer(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
    )


@api.exception_handler(CaseError)
def on_case_error(request: HttpRequest, exc: CaseError) -> HttpResponse:
    message = exc.message
    if isinstance(exc, PolicyRuleError):
        message = (
            f"{exc.message} (policy rule: {exc.rule}{', ' + exc.source if exc.source else ''})"
        )
    return error(request, STATUS_FOR_CODE.get(exc.code, 400), exc.code, message, exc.fields)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for item in exc.errors:
        location = [str(p) for p in item.get("loc", ())]
        if location[:1] and location[0] in PARAMETER_SOURCES:
            location = location[1:]
        if location[:1] == ["payload"]:  # every endpoint's body parameter
            location = location[1:]
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        fields[".".join(location) or "request"] = message
    return error(request, 400, "invalid", "The request is not valid: see fields.", fields)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error(
        request,
        401,
        "unauthenticated",
        "Give a valid, unexpired bearer token: Authorization: Bearer prt_...",
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(AccessDeniedError)
def on_access_denied(request: HttpRequest, exc: AccessDeniedError) -> HttpResponse:
    return error(request, 403, "forbidden", str(exc))


@api.exception_handler(NotVisibleError)
def on_not_visible(request: HttpRequest, exc: NotVisibleError) -> HttpResponse:
    return error(request, 404, "not_found", str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return error(request, 400, "invalid", f"The upload could not be read: {exc}")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja's own: a body that is not JSON (400), a method not allowed...
    media_type = getattr(request, "putright_media_type", None)
    if media_type is not None:
        return error(
            request,
            415,
            "unsupported_media_type",
            f"Send the body as JSON with Content-Type: application/json (it was {media_type}).",
        )
    return error(
        request, exc.status_code, "invalid" if exc.status_code == 400 else "error", str(exc)
    )


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """Django refused something in the request, such as a file name it cannot store."""
    logger.warning("suspicious request to %s: %s", request.path, exc)
    return error(request, 400, "invalid", "Part of the request cannot be used: check file names.")


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the database cannot store that validation let through: still the caller's input."""
    logger.warning("database refused a value from %s: %s", request.path, exc)
    return error(request, 400, "invalid", "A value in the request cannot be stored.")


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error(request, 400, "invalid", str(exc))


def _register() -> None:
    from . import cases, learning, ombudsman, people, reference, remedies, reports

    api.add_router("/", reference.router)
    api.add_router("/", cases.router)
    api.add_router("/", remedies.router)
    api.add_router("/", reports.router)
    api.add_router("/", people.router)
    from . import hazards  # Awaab's Law: a case's hazards

    api.add_router("/", hazards.router)
    api.add_router("/", learning.router)
    api.add_router("/", ombudsman.router)
    from . import quality  # the quality review of responses

    api.add_router("/", quality.router)
    from . import petitions  # a petition's signatories and letters

    api.add_router("/", petitions.router)
    from . import mailbox  # e-mail in: the inbound webhook and the messages to classify

    api.add_router("/", mailbox.router)
    from . import meetings  # review meetings, panels and their invitations

    api.add_router("/", meetings.router)
    from . import privacy  # data protection requests, legal holds, the retention schedule

    api.add_router("/", privacy.router)


_register()
