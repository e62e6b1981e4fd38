from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """What `putright bench` measures: above the apps it measures, which know nothing of it."""

    name = "putright.benchmarks"
    label = "benchmarks"
    verbose_name = "Benchmarks"
