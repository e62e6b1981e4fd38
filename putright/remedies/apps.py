from django.apps import AppConfig


class RemediesConfig(AppConfig):
    name = "putright.remedies"
    label = "remedies"
    verbose_name = "Remedies and compensation"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the check that every remedies pack loads)
