from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "putright.timeline"
    label = "timeline"
    verbose_name = "Record timelines and clocks"
