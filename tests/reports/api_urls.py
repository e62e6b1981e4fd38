"""URLs for the API tests: the reports router mounted on an API shaped like /api/v1.

The test API has the real one's authentication, parser and error handlers, so the tests
hold whether or not ``putright.api.api`` has added the router yet (a Ninja router can be
mounted on more than one API).
"""

from django.urls import include, path
from ninja import NinjaAPI

from putright.api import api as main
from putright.api.reports import router

test_api = NinjaAPI(
    title="PutRight API (reports, under test)",
    version="1-reports-test",
    urls_namespace="api-v1-reports-test",
    auth=main.BearerToken(),
    parser=main.JsonObjectParser(),
)
test_api._exception_handlers = dict(main.api._exception_handlers)
test_api.add_router("/", router)

urlpatterns = [path("api/v1/", test_api.urls), path("", include("config.urls"))]
