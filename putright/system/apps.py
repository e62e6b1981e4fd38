from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "putright.system"
    label = "system"
    verbose_name = "System"
