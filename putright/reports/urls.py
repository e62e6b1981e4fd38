"""Staff report pages."""

app_name = "reports"

urlpatterns: list[object] = []
