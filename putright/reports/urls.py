"""Staff report pages, under /reports/."""

from django.urls import path

from . import guidance_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("equality/", views.equality, name="equality"),
    path("ombudsman-remedies/", guidance_views.remedies_guidance, name="remedies-guidance"),
    path("documents/<str:document>/", views.document, name="document"),
    path("documents/<str:document>.pdf", views.document_pdf, name="document-pdf"),
    path("<str:kind>/", views.report_page, name="report"),
    path("<str:kind>/cases/", views.cases, name="cases"),
    path("<str:kind>/export.<str:fmt>", views.export, name="export"),
]
