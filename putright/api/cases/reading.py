"""One case, with its deadlines (each explained) and its chronology."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from putright.accounts.access import (
    NOT_FOUND,
    NotVisibleError,
    can_see_case,
    record_access,
)

from .. import case_reads
from ..reference import user_of
from ..rendering import JSON_CONTENT_TYPE
from ..schemas import (
    CaseOut,
    Text,
    errors,
)
from ._router import router
from .answers import _answer, _etags


@router.get(
    "/cases/{reference}",
    response={200: CaseOut, 304: None, **errors(404)},
    operation_id="cases_get",
)
def cases_get(request: HttpRequest, reference: Text) -> HttpResponse:
    """One case with its deadlines (each explained) and its chronology.

    The answer has an ETag: send it back in If-None-Match to get 304 while the case, its
    deadlines (which move with the date) and what you may see of it are unchanged.
    """
    user = user_of(request)
    read = case_reads.read_case(reference)
    # As access_case decides and records, on the case as this one query read it.
    if read is None or not can_see_case(user, read.case):
        raise NotVisibleError(NOT_FOUND.format(reference=reference))
    if read.case.conduct:
        record_access(user, "read restricted case", read.case.reference)
    answer = _answer(request, user, read)
    etag = f'"{case_reads.entity_tag(answer)}"'
    if etag in _etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(answer, content_type=JSON_CONTENT_TYPE)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response
