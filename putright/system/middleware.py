"""What every page of PutRight says about how it may be kept."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class NoStoredPagesMiddleware:
    """Pages are never kept by the browser or anything between: a case or a customer's
    details must not come back with the Back button after signing out on a shared
    computer. Answers that say how they may be kept (the API's case answer, with its
    ETag; static files) keep what they say."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_vary_headers(response, ("Cookie",))
        return response
