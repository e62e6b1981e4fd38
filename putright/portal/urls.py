"""Resident portal pages."""

app_name = "portal"

urlpatterns: list[object] = []
