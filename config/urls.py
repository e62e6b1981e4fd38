"""Top-level URL map."""

from django.contrib import admin
from django.urls import include, path, re_path

from putright.api import fallback as api_fallback
from putright.api.api import api
from putright.system import metrics as system_metrics
from putright.system import views as system_views

urlpatterns = [
    path("", system_views.home, name="home"),
    path("favicon.ico", system_views.favicon, name="favicon"),
    path("healthz", system_views.healthz, name="healthz"),
    path("metrics", system_metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_fallback.not_found),
    path("", include("putright.accounts.urls")),
    path("", include("putright.staff.urls")),
    path("reports/", include("putright.reports.urls")),
    path("resident/", include("putright.portal.urls")),
]
