"""The baseline of ``putright bench api``: a bare Django JSON view, served beside PutRight's URLs.

Only ``putright.benchmarks.settings`` with ``PUTRIGHT_BENCH_BARE_VIEW=1`` routes here; the
view goes through the same server and middleware as the API, and does nothing else.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as putright_urlpatterns

BARE_PATH = "bench/bare"


def bare_json(request: HttpRequest) -> JsonResponse:
    """A constant JSON document: the least a Django view can do."""
    return JsonResponse({"status": "ok", "reference": "BARE-000000"})


urlpatterns = [path(BARE_PATH, bare_json, name="bench-bare"), *putright_urlpatterns]
