"""Answers for API paths that do not exist, in the API's own error shape."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse(
        {
            "error": {
                "code": "not_found",
                "message": f"There is no API endpoint {request.method} {request.path}. "
                "See /api/v1/docs for the endpoints.",
                "fields": {},
            }
        },
        status=404,
    )
