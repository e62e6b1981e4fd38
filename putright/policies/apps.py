from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "putright.policies"
    label = "policies"
    verbose_name = "Policy packs"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the check that every pack loads)
