from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "putright.quality"
    label = "quality"
    verbose_name = "Quality of responses"
