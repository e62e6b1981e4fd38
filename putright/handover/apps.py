from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "putright.handover"
    label = "handover"
    verbose_name = "Handing over work"

    def ready(self) -> None:
        from .holdings import register_all

        register_all()
